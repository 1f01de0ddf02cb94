/**
 * The envelope every protocol message travels in, its id, and strict parsing.
 *
 * `{ v, session, protocol, round, kind, from, to, payload, sig }`: `kind` is `broadcast` (the
 * same envelope goes to every party), `p2p` (one recipient, `to`) or `echo` (the reliability
 * check of a broadcast round, see session.ts). The message id is the session-bound hash of the
 * canonical envelope without `sig`; broadcast and echo envelopes carry the sender's identity
 * signature on that id, kept as evidence and checked when an echo disagrees.
 * @module
 */
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { canonicalBytes, canonicalJson, expectObject, expectString, type Json } from './codec.ts';
import { sessionHash } from './hash.ts';
import { parseSessionId, partyIndex, type PartyIndex, type SessionId } from './ids.ts';

/** Envelope format version. */
export const ENVELOPE_VERSION = 1;

/** How a message is delivered. */
export type MessageKind = 'broadcast' | 'p2p' | 'echo';

/** A protocol message with its routing header. */
export interface Envelope {
  readonly v: typeof ENVELOPE_VERSION;
  readonly session: SessionId;
  /** Protocol id, e.g. `tessera/frost/sign`. */
  readonly protocol: string;
  /** The round whose store collects this message (1-based). */
  readonly round: number;
  readonly kind: MessageKind;
  readonly from: PartyIndex;
  /** Recipient of a p2p message; null for broadcast and echo. */
  readonly to: PartyIndex | null;
  readonly payload: Json;
  /** Hex identity signature of the sender on the message id (broadcast, echo); '' for p2p. */
  readonly sig: string;
}

/** The fields of an envelope that its id covers. */
export type UnsignedEnvelope = Omit<Envelope, 'sig'>;

/**
 * The message id: hex of `H("tessera/engine/message-id", session, canonical(envelope without sig))`.
 * @throws {FieldTypeError} if the payload is not canonical JSON.
 */
export function messageIdBytes(env: UnsignedEnvelope): Uint8Array {
  const body: Json = {
    v: env.v,
    protocol: env.protocol,
    round: env.round,
    kind: env.kind,
    from: env.from,
    to: env.to,
    payload: env.payload,
  };
  return sessionHash('tessera/engine/message-id', env.session, canonicalBytes(body));
}

/** Hex form of {@link messageIdBytes}. @throws {FieldTypeError} as there. */
export function messageId(env: UnsignedEnvelope): string {
  let s = '';
  for (const b of messageIdBytes(env)) s += b.toString(16).padStart(2, '0');
  return s;
}

const KINDS: readonly MessageKind[] = ['broadcast', 'p2p', 'echo'];

/**
 * Strictly parses an envelope received from a transport (unknown fields, wrong types, a
 * p2p message without recipient or a broadcast with one are rejected).
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the offending field.
 */
export function parseEnvelope(value: unknown): Envelope {
  const o = expectObject(value, 'envelope', ['v', 'session', 'protocol', 'round', 'kind', 'from', 'to', 'payload', 'sig']);
  if (o.v !== ENVELOPE_VERSION) throw new FieldRangeError('envelope.v', `unsupported version ${String(o.v)}`);
  const session = parseSessionId(o.session, 'envelope.session');
  const protocol = expectString(o.protocol, 'envelope.protocol');
  if (!/^[a-z0-9/-]{1,64}$/.test(protocol)) throw new FieldTypeError('envelope.protocol', 'malformed protocol id');
  const round = o.round;
  if (typeof round !== 'number' || !Number.isSafeInteger(round) || round < 1 || round > 1000)
    throw new FieldRangeError('envelope.round', 'expected an integer 1..1000');
  const kind = o.kind as MessageKind;
  if (!KINDS.includes(kind)) throw new FieldTypeError('envelope.kind', 'expected broadcast, p2p or echo');
  const from = partyIndex(o.from, 'envelope.from');
  const to = o.to === null ? null : partyIndex(o.to, 'envelope.to');
  if ((kind === 'p2p') !== (to !== null)) throw new FieldTypeError('envelope.to', 'p2p messages need a recipient, others none');
  const sig = expectString(o.sig, 'envelope.sig');
  if (!/^([0-9a-f]{2})*$/.test(sig)) throw new FieldTypeError('envelope.sig', 'expected lower-case hex');
  canonicalJson(o.payload, 'envelope.payload');
  return { v: ENVELOPE_VERSION, session, protocol, round, kind, from, to, payload: o.payload, sig };
}
