/**
 * Proactive share refresh as an engine protocol (`tessera/frost/refresh`): the whole committee
 * re-randomizes its shares of the same key by adding a joint sharing of zero. New shares lie
 * on a fresh polynomial, so old and new shares do not combine; the group key, threshold and
 * committee stay. Rounds: 1 zero-sharings (echo + p2p) → 2 complaints (echo) → 3 answers.
 * Start with {@link createFrostRefreshSession}; the input share is never modified.
 * @module
 */
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import type { RandomSource } from '@tessera/crypto/rng';
import type { PartyAuth } from '../../engine/auth.ts';
import { expectArray, expectHex, expectObject, hex } from '../../engine/codec.ts';
import type { SessionId } from '../../engine/ids.ts';
import type { ProtocolSpec } from '../../engine/protocol.ts';
import { createSession, restoreSession, type Session } from '../../engine/session.ts';
import { nobleRng } from '../dkg/round1.ts';
import type { MisbehaviourPolicy } from '../dkg/types.ts';
import type { KeyShare } from '../keyshare.ts';
import { evaluatePolynomial } from '../poly.ts';
import { getSuite } from '../suite.ts';
import { pointBytes } from '../poly.ts';
import { round1 } from './round1.ts';
import { round2 } from './round2.ts';
import { round3 } from './round3.ts';
import { REFRESH_PROTOCOL, type RefreshDeps, type RefreshOutput, type RefreshState } from './types.ts';

export { REFRESH_PROTOCOL, type RefreshDeps, type RefreshOutput, type RefreshState };

/** The refresh protocol. */
export const frostRefreshProtocol: ProtocolSpec<RefreshState, RefreshOutput, RefreshDeps> = {
  id: REFRESH_PROTOCOL,
  version: 1,
  init(ctx) {
    const share = ctx.deps.keyShare;
    if (share.index !== ctx.self) throw new FieldRangeError('deps.keyShare', 'key share belongs to another party');
    if (share.parties.length !== ctx.parties.length || share.parties.some((p, k) => p !== ctx.parties[k]))
      throw new FieldRangeError('parties', 'refresh runs with exactly the committee of the key');
    const policy: MisbehaviourPolicy = ctx.deps.policy ?? 'disqualify';
    const suite = getSuite(share.suite);
    const t = share.threshold;
    // noble samples the polynomial; the constant term is then dropped (δᵢ(0) = 0).
    const poly = suite.frost.utils.generateSecretPolynomial({ min: t, max: share.parties.length }, undefined, undefined, nobleRng(ctx));
    const coefficients = [0n, ...poly.coefficients.slice(1)];
    const own = poly.commitment.slice(1).map((c) => hex(pointBytes(c)));
    const sent = share.parties.map((p) => [p, hex(suite.Fn.toBytes(evaluatePolynomial(suite, coefficients, BigInt(p))))] as const);
    poly.coefficients.fill(0n);
    coefficients.fill(0n);
    const state: RefreshState = { suite: suite.name, policy, own, sent, dealt: [], received: [], myComplaints: [], complaints: [] };
    return {
      next: 1,
      state,
      outgoing: [
        { kind: 'broadcast', payload: { commitments: own } },
        ...sent.filter(([p]) => p !== ctx.self).map(([p, s]) => ({ kind: 'p2p' as const, to: p, payload: { share: s } })),
      ],
    };
  },
  rounds: { 1: round1, 2: round2, 3: round3 },
  checkState(j) {
    const o = expectObject(j, 'state', ['suite', 'policy', 'own', 'sent', 'dealt', 'received', 'myComplaints', 'complaints']);
    const suite = getSuite(o.suite);
    if (o.policy !== 'disqualify' && o.policy !== 'abort') throw new FieldTypeError('state.policy', 'expected disqualify or abort');
    expectArray(o.own, 'state.own').forEach((c, k) => expectHex(c, `state.own[${k}]`, suite.elementLength));
    for (const f of ['sent', 'dealt', 'received', 'myComplaints', 'complaints'] as const) expectArray(o[f], `state.${f}`);
    return j as RefreshState;
  },
};

/**
 * A refresh session for this party (call `start()`). All parties of the key take part.
 * @throws {FieldRangeError} if the share is not this party's or the parties differ (at start).
 */
export function createFrostRefreshSession(opts: { session: SessionId; keyShare: KeyShare; auth: PartyAuth; rng?: RandomSource; policy?: MisbehaviourPolicy }): Session<RefreshState, RefreshOutput, RefreshDeps> {
  return createSession(frostRefreshProtocol, {
    session: opts.session,
    self: opts.keyShare.index,
    parties: opts.keyShare.parties,
    auth: opts.auth,
    deps: { keyShare: opts.keyShare, ...(opts.policy ? { policy: opts.policy } : {}) },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}

/**
 * Resumes a refresh session from a snapshot.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed snapshot.
 */
export function restoreFrostRefreshSession(snapshot: string, opts: { keyShare: KeyShare; auth: PartyAuth; rng?: RandomSource }): Session<RefreshState, RefreshOutput, RefreshDeps> {
  return restoreSession(frostRefreshProtocol, snapshot, { auth: opts.auth, deps: { keyShare: opts.keyShare }, ...(opts.rng ? { rng: opts.rng } : {}) });
}
