/**
 * What a protocol is, for the engine: a list of pure rounds over a serializable state.
 *
 * A {@link ProtocolSpec} gives an `init` (the first outgoing messages and state) and, per round
 * number, a {@link RoundSpec}: which senders' broadcast / p2p messages the round collects and
 * whether its broadcasts get the echo check (`expects`), a strict payload parser that must not
 * touch state (`parse`), and `finalize`, which turns the complete inbox into outgoing
 * messages plus the next round, an output, or an abort (thrown {@link ProtocolAbort}).
 * Messages produced by `finalize` of round r belong to round r + 1 (init's to round 1).
 * State is JSON so a session can be snapshotted between rounds; inputs that must not be
 * serialized (a key share, a nonce ledger) come in through `ctx.deps`.
 * @module
 */
import type { RandomSource } from '@tessera/crypto/rng';
import type { Json } from './codec.ts';
import type { ProtocolAbort } from './errors.ts';
import type { HashPart } from './hash.ts';
import type { PartyIndex, SessionId } from './ids.ts';

/** A message a round wants sent. */
export type Outgoing =
  | { readonly kind: 'broadcast'; readonly payload: Json }
  | { readonly kind: 'p2p'; readonly to: PartyIndex; readonly payload: Json };

/** The messages one round collects before it can finalize. */
export interface Expectation {
  /** Senders whose broadcast this round needs. */
  readonly broadcast: readonly PartyIndex[];
  /** Senders whose p2p message (to this party) this round needs. */
  readonly p2p: readonly PartyIndex[];
  /** Parties whose echo of this round's broadcasts is needed; empty = no echo check. */
  readonly echo: readonly PartyIndex[];
}

/** A stored, validated incoming message. */
export interface Received {
  /** Message id (hex). */
  readonly id: string;
  readonly from: PartyIndex;
  readonly payload: Json;
}

/** A round's complete inbox, keyed by sender. */
export interface Inbox {
  readonly broadcast: ReadonlyMap<PartyIndex, Received>;
  readonly p2p: ReadonlyMap<PartyIndex, Received>;
}

/** Everything a round may read besides its state and inbox. */
export interface RoundContext<D> {
  readonly session: SessionId;
  readonly protocol: string;
  readonly self: PartyIndex;
  /** All parties of the session, sorted. */
  readonly parties: readonly PartyIndex[];
  /** The only randomness a round may use. */
  readonly rng: RandomSource;
  /** Inputs kept out of snapshots (key shares, ledgers). */
  readonly deps: D;
  /** `sessionHash(protocol + "/" + tag, session, ...parts)`. */
  hash(tag: string, ...parts: HashPart[]): Uint8Array;
}

/** The result of `init` or `finalize`. */
export type Transition<S extends Json, O> =
  | { readonly next: number; readonly state: S; readonly outgoing: readonly Outgoing[] }
  | { readonly output: O; readonly outgoing: readonly Outgoing[] };

/** One round of a protocol. */
export interface RoundSpec<S extends Json, O, D> {
  /** Which messages the round collects, given the state it starts in. */
  expects(state: S, ctx: RoundContext<D>): Expectation;
  /**
   * Strictly checks one payload; throws (FieldTypeError, FieldRangeError, CryptoError) if it
   * is malformed, which aborts the session blaming the sender. Must not mutate `state`.
   */
  parse(kind: 'broadcast' | 'p2p', from: PartyIndex, payload: Json, state: S, ctx: RoundContext<D>): void;
  /**
   * Consumes the complete inbox. Throws {@link ProtocolAbort} to blame parties; any other
   * exception is treated as an internal error. Must not mutate `state` (return a new one).
   */
  finalize(state: S, inbox: Inbox, ctx: RoundContext<D>): Transition<S, O> | Promise<Transition<S, O>>;
}

/** A protocol: id, version, how to start, and its rounds by number. */
export interface ProtocolSpec<S extends Json, O, D> {
  /** e.g. `tessera/frost/sign`; lower-case letters, digits, `/` and `-`. */
  readonly id: string;
  /** Version of the state and message formats (in snapshots). */
  readonly version: number;
  /** Produces round-1 messages and the state round 1 starts in. */
  init(ctx: RoundContext<D>): Transition<S, O> | Promise<Transition<S, O>>;
  readonly rounds: Readonly<Record<number, RoundSpec<S, O, D>>>;
  /** Strictly checks a state read back from a snapshot. @throws on a malformed state. */
  checkState(state: Json, round: number): S;
}

/** Re-exported for round files. */
export type { ProtocolAbort };
