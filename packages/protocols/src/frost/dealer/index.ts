/**
 * Trusted-dealer key distribution as an engine protocol (`tessera/frost/dealer`), RFC 9591
 * Appendix C: the dealer runs noble's `trustedDealer`, broadcasts the Feldman commitments
 * (echo-checked, so everybody holds the same ones) and sends each party its share point to
 * point. Every recipient verifies its share against the commitments with noble's
 * `validateSecret` and aborts naming the dealer if it fails; verifying shares are recomputed
 * from the commitments rather than taken from the dealer. For Taproot the key is tweaked
 * (BIP341, empty script tree) like a DKG key.
 * @module
 */
import type { FrostPublic, FrostSecret, Key } from '@noble/curves/abstract/frost.js';
import { hexToBytes } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError, assertBytes, assertInteger } from '@tessera/crypto/errors';
import type { RandomSource } from '@tessera/crypto/rng';
import type { PartyAuth } from '../../engine/auth.ts';
import { expectArray, expectHex, expectObject, hex, type Json } from '../../engine/codec.ts';
import { ProtocolAbort } from '../../engine/errors.ts';
import { partyIndex, type PartyIndex, type SessionId } from '../../engine/ids.ts';
import type { ProtocolSpec, RoundSpec } from '../../engine/protocol.ts';
import { createSession, type Session } from '../../engine/session.ts';
import { nobleRng } from '../dkg/round1.ts';
import { keyShareFromFrost, type KeyShare } from '../keyshare.ts';
import { evaluateCommitmentVartime } from '../poly.ts';
import { getSuite, type FrostSuite, type SuiteName } from '../suite.ts';

/** Protocol id of dealer key distribution. */
export const DEALER_PROTOCOL = 'tessera/frost/dealer';

/** Dealer-mode parameters (identical at every party). */
export interface DealerConfig {
  readonly suite: SuiteName;
  readonly threshold: number;
  /** The dealing party (it receives a share too). */
  readonly dealer: PartyIndex;
  /** Security: dealer only, optional: the group secret to share (e.g. an imported key). */
  readonly secret?: Uint8Array;
}

/** Inputs kept out of snapshots. */
export interface DealerDeps {
  readonly config?: DealerConfig;
}

/** Round state. Security: `share` is this party's secret share (dealer: its own). */
export type DealerState = {
  readonly suite: SuiteName;
  readonly threshold: number;
  readonly dealer: number;
  /** the dealer's own commitments and share, kept until the echoes confirm delivery */
  readonly commitments: readonly string[] | null;
  readonly share: string | null;
};

function readCommitments(suite: FrostSuite, t: number, payload: Json): Uint8Array[] {
  const o = expectObject(payload, 'dealer', ['commitments']);
  return expectArray(o.commitments, 'dealer.commitments', t, t).map((c, k) => {
    const b = expectHex(c, `dealer.commitments[${k}]`, suite.elementLength);
    suite.parseElement(b, `dealer.commitments[${k}]`);
    return b;
  });
}

function readShare(suite: FrostSuite, payload: Json): Uint8Array {
  const o = expectObject(payload, 'share', ['share']);
  const s = expectHex(o.share, 'share.share', suite.scalarLength);
  suite.parseScalar(s, 'share.share');
  return s;
}

function finish(state: DealerState, self: PartyIndex, parties: readonly PartyIndex[], commitments: Uint8Array[], share: Uint8Array): KeyShare {
  const suite = getSuite(state.suite);
  const C = commitments.map((c, k) => suite.parseElement(c, `commitments[${k}]`));
  const verifyingShares: Record<string, Uint8Array> = {};
  for (const p of parties) verifyingShares[suite.identifier(p)] = evaluateCommitmentVartime(suite, C, BigInt(p)).toBytes(true);
  const key = {
    public: { signers: { min: state.threshold, max: parties.length }, commitments, verifyingShares } as FrostPublic,
    secret: { identifier: suite.identifier(self), signingShare: share } as FrostSecret,
  } as Key;
  return keyShareFromFrost(state.suite, self, parties, suite.finishKey(key));
}

const round1: RoundSpec<DealerState, KeyShare, DealerDeps> = {
  expects(state, ctx) {
    const others = ctx.parties.filter((p) => p !== ctx.self);
    if (ctx.self === state.dealer) return { broadcast: [], p2p: [], echo: others };
    const d = state.dealer as PartyIndex;
    return { broadcast: [d], p2p: [d], echo: others };
  },
  parse(kind, _from, payload, state) {
    const suite = getSuite(state.suite);
    if (kind === 'broadcast') readCommitments(suite, state.threshold, payload);
    else readShare(suite, payload);
  },
  finalize(state, inbox, ctx) {
    const suite = getSuite(state.suite);
    if (ctx.self === state.dealer)
      return { output: finish(state, ctx.self, ctx.parties, state.commitments!.map((c) => hexToBytes(c)), hexToBytes(state.share!)), outgoing: [] };
    const d = state.dealer as PartyIndex;
    const bm = inbox.broadcast.get(d)!;
    const pm = inbox.p2p.get(d)!;
    const commitments = readCommitments(suite, state.threshold, bm.payload);
    const share = readShare(suite, pm.payload);
    try {
      suite.frost.validateSecret(
        { identifier: suite.identifier(ctx.self), signingShare: share } as FrostSecret,
        { signers: { min: state.threshold, max: ctx.parties.length }, commitments, verifyingShares: {} } as FrostPublic,
      );
    } catch {
      throw new ProtocolAbort('invalid-share', [d], [
        { id: pm.id, round: 1, from: d, reason: 'invalid-share', detail: 'share does not match the dealer’s commitments' },
        { id: bm.id, round: 1, from: d, reason: 'invalid-share', detail: 'the commitments it was checked against' },
      ]);
    }
    return { output: finish(state, ctx.self, ctx.parties, commitments, share), outgoing: [] };
  },
};

/** The dealer protocol. */
export const frostDealerProtocol: ProtocolSpec<DealerState, KeyShare, DealerDeps> = {
  id: DEALER_PROTOCOL,
  version: 1,
  init(ctx) {
    const c = ctx.deps.config;
    if (!c) throw new FieldTypeError('deps.config', 'a new dealer session needs its configuration');
    const suite = getSuite(c.suite);
    assertInteger('config.threshold', c.threshold, 2, ctx.parties.length);
    const dealer = partyIndex(c.dealer, 'config.dealer');
    if (!ctx.parties.includes(dealer)) throw new FieldRangeError('config.dealer', 'the dealer must be a party');
    const base: DealerState = { suite: suite.name, threshold: c.threshold, dealer, commitments: null, share: null };
    if (ctx.self !== dealer) return { next: 1, state: base, outgoing: [] };
    if (c.secret !== undefined) assertBytes('config.secret', c.secret, suite.scalarLength);
    const ids = ctx.parties.map((p) => suite.identifier(p));
    const deal = suite.frost.trustedDealer({ min: c.threshold, max: ctx.parties.length }, ids, c.secret as Uint8Array<ArrayBuffer> | undefined, nobleRng(ctx));
    const commitments = deal.public.commitments.map(hex);
    const outgoing = [
      { kind: 'broadcast' as const, payload: { commitments } },
      ...ctx.parties.filter((p) => p !== dealer).map((p) => ({ kind: 'p2p' as const, to: p, payload: { share: hex(deal.secretShares[suite.identifier(p)]!.signingShare) } })),
    ];
    const own = hex(deal.secretShares[suite.identifier(dealer)]!.signingShare);
    for (const s of Object.values(deal.secretShares)) s.signingShare.fill(0);
    return { next: 1, state: { ...base, commitments, share: own }, outgoing };
  },
  rounds: { 1: round1 },
  checkState(j) {
    const o = expectObject(j, 'state', ['suite', 'threshold', 'dealer', 'commitments', 'share']);
    const suite = getSuite(o.suite);
    assertInteger('state.threshold', o.threshold, 2, 65535);
    partyIndex(o.dealer, 'state.dealer');
    if (o.commitments !== null) expectArray(o.commitments, 'state.commitments').forEach((c, k) => expectHex(c, `state.commitments[${k}]`, suite.elementLength));
    if (o.share !== null) expectHex(o.share, 'state.share', suite.scalarLength);
    return j as DealerState;
  },
};

/**
 * A dealer-mode session for this party (the dealer or a recipient; call `start()`).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed options (at start).
 */
export function createFrostDealerSession(opts: {
  session: SessionId;
  self: PartyIndex;
  parties: readonly PartyIndex[];
  config: DealerConfig;
  auth: PartyAuth;
  rng?: RandomSource;
}): Session<DealerState, KeyShare, DealerDeps> {
  return createSession(frostDealerProtocol, {
    session: opts.session,
    self: opts.self,
    parties: opts.parties,
    auth: opts.auth,
    deps: { config: opts.config },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}
