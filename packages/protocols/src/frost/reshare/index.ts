/**
 * Resharing as an engine protocol (`tessera/frost/reshare`): moves a key from a (t, n)
 * committee to a (t′, n′) committee (parties may join or leave) while the group key stays.
 * Session parties are the dealers (old parties taking part, at least t) together with the new
 * committee; indices are shared, so a party keeping its index stays, newcomers take fresh
 * ones. Rounds: 1 sub-sharings (echo + p2p) → 2 complaints (echo) → 3 answers.
 * Start with {@link createFrostReshareSession}; {@link reshareConfigFor} builds the public
 * configuration from an old share.
 * @module
 */
import { FieldRangeError, FieldTypeError, assertInteger } from '@tessera/crypto/errors';
import type { RandomSource } from '@tessera/crypto/rng';
import type { PartyAuth } from '../../engine/auth.ts';
import { expectArray, expectHex, expectObject, hex } from '../../engine/codec.ts';
import { partyList, type PartyIndex, type SessionId } from '../../engine/ids.ts';
import type { ProtocolSpec } from '../../engine/protocol.ts';
import { createSession, restoreSession, type Session } from '../../engine/session.ts';
import { nobleRng } from '../dkg/round1.ts';
import type { MisbehaviourPolicy } from '../dkg/types.ts';
import type { KeyShare } from '../keyshare.ts';
import { evaluatePolynomial, pointBytes } from '../poly.ts';
import { getSuite } from '../suite.ts';
import { round1 } from './round1.ts';
import { round2 } from './round2.ts';
import { round3 } from './round3.ts';
import { RESHARE_PROTOCOL, configDigest, type PreviousKey, type ReshareConfig, type ReshareDeps, type ReshareOutput, type ReshareState } from './types.ts';

export { RESHARE_PROTOCOL, configDigest, type PreviousKey, type ReshareConfig, type ReshareDeps, type ReshareOutput, type ReshareState };

/** All parties of a resharing session: dealers ∪ new committee, sorted. */
export function reshareParties(config: Pick<ReshareConfig, 'dealers' | 'parties'>): PartyIndex[] {
  return [...new Set([...config.dealers, ...config.parties])].sort((a, b) => a - b);
}

/**
 * The public configuration of a resharing from an old share (any old party can publish it).
 * @throws {FieldRangeError} if a dealer is not in the old committee.
 */
export function reshareConfigFor(old: KeyShare, target: { dealers: readonly PartyIndex[]; threshold: number; parties: readonly PartyIndex[]; policy?: MisbehaviourPolicy }): ReshareConfig {
  for (const d of target.dealers) if (!old.parties.includes(d)) throw new FieldRangeError('dealers', `party ${d} is not in the old committee`);
  return {
    suite: old.suite,
    previous: { threshold: old.threshold, groupKey: old.commitments[0]!.slice(), verifyingShares: new Map(target.dealers.map((d) => [d, old.verifyingShares.get(d)!.slice()])) },
    dealers: [...target.dealers],
    threshold: target.threshold,
    parties: [...target.parties],
    ...(target.policy ? { policy: target.policy } : {}),
  };
}

/** The resharing protocol. */
export const frostReshareProtocol: ProtocolSpec<ReshareState, ReshareOutput, ReshareDeps> = {
  id: RESHARE_PROTOCOL,
  version: 1,
  init(ctx) {
    const c = ctx.deps.config;
    if (!c) throw new FieldTypeError('deps.config', 'a new resharing session needs its configuration');
    const suite = getSuite(c.suite);
    const dealers = partyList(c.dealers, 'config.dealers', c.previous.threshold);
    const parties = partyList(c.parties, 'config.parties', 2);
    assertInteger('config.threshold', c.threshold, 2, parties.length);
    const all = reshareParties(c);
    if (all.length !== ctx.parties.length || all.some((p, k) => p !== ctx.parties[k])) throw new FieldRangeError('parties', 'session parties must be dealers ∪ new committee');
    suite.parseElement(c.previous.groupKey, 'config.previous.groupKey');
    for (const d of dealers) {
      const y = c.previous.verifyingShares.get(d);
      if (!y) throw new FieldRangeError('config.previous.verifyingShares', `missing dealer ${d}`);
      suite.parseElement(y, `config.previous.verifyingShares[${d}]`);
    }
    const base: ReshareState = {
      suite: suite.name,
      policy: c.policy ?? 'disqualify',
      oldThreshold: c.previous.threshold,
      threshold: c.threshold,
      dealers: [...dealers],
      parties: [...parties],
      groupKey: hex(c.previous.groupKey),
      previous: dealers.map((d) => [d, hex(c.previous.verifyingShares.get(d)!)] as const),
      digest: configDigest(c),
      own: null,
      sent: [],
      dealt: [],
      received: [],
      disqualified: [],
      myComplaints: [],
      complaints: [],
    };
    if (!dealers.includes(ctx.self)) return { next: 1, state: base, outgoing: [] };
    const old = ctx.deps.keyShare;
    if (!old || old.index !== ctx.self) throw new FieldTypeError('deps.keyShare', 'a dealer needs its own old share');
    if (hex(old.commitments[0]!) !== base.groupKey || hex(old.verifyingShares.get(ctx.self)!) !== base.previous.find((r) => r[0] === ctx.self)![1])
      throw new FieldRangeError('config.previous', 'does not match this party’s key share');
    // noble samples gᵢ with gᵢ(0) = xᵢ and commits to it.
    const poly = suite.frost.utils.generateSecretPolynomial({ min: c.threshold, max: Math.max(parties.length, c.threshold) }, old.signingShare.slice() as Uint8Array<ArrayBuffer>, undefined, nobleRng(ctx));
    const own = poly.commitment.map((p) => hex(pointBytes(p)));
    const sent = parties.map((p) => [p, hex(suite.Fn.toBytes(evaluatePolynomial(suite, poly.coefficients, BigInt(p))))] as const);
    poly.coefficients.fill(0n);
    return {
      next: 1,
      state: { ...base, own, sent },
      outgoing: [
        { kind: 'broadcast', payload: { digest: base.digest, commitments: own } },
        ...sent.filter(([p]) => p !== ctx.self).map(([p, s]) => ({ kind: 'p2p' as const, to: p, payload: { share: s } })),
      ],
    };
  },
  rounds: { 1: round1, 2: round2, 3: round3 },
  checkState(j) {
    const o = expectObject(j, 'state', ['suite', 'policy', 'oldThreshold', 'threshold', 'dealers', 'parties', 'groupKey', 'previous', 'digest', 'own', 'sent', 'dealt', 'received', 'disqualified', 'myComplaints', 'complaints']);
    const suite = getSuite(o.suite);
    if (o.policy !== 'disqualify' && o.policy !== 'abort') throw new FieldTypeError('state.policy', 'expected disqualify or abort');
    partyList(o.dealers, 'state.dealers');
    partyList(o.parties, 'state.parties');
    expectHex(o.groupKey, 'state.groupKey', suite.elementLength);
    expectHex(o.digest, 'state.digest', 32);
    for (const f of ['previous', 'sent', 'dealt', 'received', 'disqualified', 'myComplaints', 'complaints'] as const) expectArray(o[f], `state.${f}`);
    return j as ReshareState;
  },
};

/**
 * A resharing session for this party (a dealer, a new party, or both; call `start()`).
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed configuration (at start).
 */
export function createFrostReshareSession(opts: { session: SessionId; self: PartyIndex; config: ReshareConfig; keyShare?: KeyShare; auth: PartyAuth; rng?: RandomSource }): Session<ReshareState, ReshareOutput, ReshareDeps> {
  return createSession(frostReshareProtocol, {
    session: opts.session,
    self: opts.self,
    parties: reshareParties(opts.config),
    auth: opts.auth,
    deps: { config: opts.config, ...(opts.keyShare ? { keyShare: opts.keyShare } : {}) },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}

/**
 * Resumes a resharing session from a snapshot.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed snapshot.
 */
export function restoreFrostReshareSession(snapshot: string, opts: { auth: PartyAuth; keyShare?: KeyShare; rng?: RandomSource }): Session<ReshareState, ReshareOutput, ReshareDeps> {
  return restoreSession(frostReshareProtocol, snapshot, { auth: opts.auth, deps: opts.keyShare ? { keyShare: opts.keyShare } : {}, ...(opts.rng ? { rng: opts.rng } : {}) });
}
