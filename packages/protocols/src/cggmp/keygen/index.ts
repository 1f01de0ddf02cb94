/**
 * CGGMP21 threshold key generation as an engine protocol (`tessera/cggmp/keygen`).
 *
 * Which construction: the paper's key generation (eprint 2021/060, revised version, Fig. 5:
 * commit – decommit – Schnorr proof bound to the coin-tossed rid) made threshold the way the
 * Lockness cggmp21 implementation does it: each party commits to a Feldman commitment Fᵢ of a
 * random degree-(t−1) polynomial fᵢ instead of a single Xᵢ, sends fᵢ(j) to each party j in the
 * decommitment round, and proves knowledge of its final Shamir share xᵢ = Σⱼ fⱼ(i).
 * Rounds: init → 1 commitments Vᵢ (echo-checked broadcast) → 2 decommitments (broadcast) and
 * shares (p2p) → 3 Schnorr responses (broadcast) → output {@link CoreShare}.
 * Blame: a decommitment that does not open Vⱼ, a share failing the Feldman check, a failing
 * Schnorr proof and an equivocated commitment each name their sender.
 * Start with {@link createCggmpKeygenSession}.
 * @module
 */
import { FieldTypeError, assertInteger } from '@tessera/crypto/errors';
import { randomBelow, randomBytes, type RandomSource } from '@tessera/crypto/rng';
import { schnorrCommit } from '@tessera/crypto/zk/schnorr';
import type { PartyAuth } from '../../engine/auth.ts';
import { expectArray, expectHex, expectObject, hex, type Json } from '../../engine/codec.ts';
import { partyIndex, type PartyIndex, type SessionId } from '../../engine/ids.ts';
import type { ProtocolSpec, RoundContext, Transition } from '../../engine/protocol.ts';
import { createSession, restoreSession, type Session } from '../../engine/session.ts';
import { CURVE_ORDER, GROUP, Point, evaluatePolynomial, mulBase, scalarJson } from '../curve.ts';
import { unbig } from '../wire.ts';
import { round1 } from './round1.ts';
import { round2 } from './round2.ts';
import { round3 } from './round3.ts';
import {
  KEYGEN_PROTOCOL,
  commitmentOf,
  decommitJson,
  othersOf,
  polyLength,
  readDecommit,
  type Decommitment,
  type KeygenConfig,
  type KeygenDeps,
  type KeygenOutput,
  type KeygenState,
} from './types.ts';

export { round1 as keygenRound1, round2 as keygenRound2, round3 as keygenRound3 };
export { KEYGEN_PROTOCOL, commitmentOf, decommitJson, readDecommit, type Decommitment, type KeygenConfig, type KeygenDeps, type KeygenOutput, type KeygenState };

/**
 * Strict check of a keygen or refresh state read back from a snapshot.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed state.
 */
export function checkKeygenState(j: Json): KeygenState {
  const o = expectObject(j, 'state', ['threshold', 'shares', 'ownShare', 'tau', 'decommit', 'commitments', 'decommits', 'x', 'rid', 'chainCode', 'refresh']);
  assertInteger('state.threshold', o.threshold, 2, 65535);
  if (o.refresh !== null) {
    const r = expectObject(o.refresh, 'state.refresh', ['commitments', 'chainCode', 'x']);
    expectArray(r.commitments, 'state.refresh.commitments', o.threshold as number, o.threshold as number).forEach((c, k) => expectHex(c, `state.refresh.commitments[${k}]`, 33));
    expectHex(r.chainCode, 'state.refresh.chainCode', 32);
    expectHex(r.x, 'state.refresh.x', 32);
  }
  const t = polyLength({ threshold: o.threshold as number, refresh: o.refresh as KeygenState['refresh'] });
  if (o.shares !== null)
    expectArray(o.shares, 'state.shares').forEach((r, k) => {
      const row = expectArray(r, `state.shares[${k}]`, 2, 2);
      partyIndex(row[0], `state.shares[${k}][0]`);
      expectHex(row[1], `state.shares[${k}][1]`, 32);
    });
  unbig(o.ownShare, 'state.ownShare');
  unbig(o.tau, 'state.tau');
  readDecommit(o.decommit, t, 'state.decommit');
  expectArray(o.commitments, 'state.commitments').forEach((r, k) => {
    const row = expectArray(r, `state.commitments[${k}]`, 3, 3);
    partyIndex(row[0], `state.commitments[${k}][0]`);
    expectHex(row[1], `state.commitments[${k}][1]`, 32);
    expectHex(row[2], `state.commitments[${k}][2]`, 32);
  });
  expectArray(o.decommits, 'state.decommits').forEach((r, k) => {
    const row = expectArray(r, `state.decommits[${k}]`, 3, 3);
    partyIndex(row[0], `state.decommits[${k}][0]`);
    readDecommit(row[1], t, `state.decommits[${k}][1]`);
    expectHex(row[2], `state.decommits[${k}][2]`, 32);
  });
  for (const f of ['x', 'rid', 'chainCode'] as const) if (o[f] !== null) expectHex(o[f], `state.${f}`, 32);
  return j as KeygenState;
}

/**
 * Round-1 material of key generation (refresh = null) or of a refresh (the old key's values):
 * fᵢ with t random coefficients (or constant term 0 and t − 1 random ones), Fᵢ, the Schnorr
 * commitment, ridᵢ, cᵢ, uᵢ, and the commitment Vᵢ to broadcast.
 */
export function startKeygen(ctx: RoundContext<unknown>, t: number, refresh: KeygenState['refresh']): Transition<KeygenState, KeygenOutput> {
  const random = () => 1n + randomBelow(CURVE_ORDER - 1n, ctx.rng);
  const coefficients = Array.from({ length: t }, (_, k) => (k === 0 && refresh ? 0n : random()));
  const { commitment, nonce } = schnorrCommit(GROUP, ctx.rng);
  const decommit: Decommitment = {
    rid: randomBytes(32, ctx.rng),
    chain: randomBytes(32, ctx.rng),
    F: coefficients.slice(refresh ? 1 : 0).map((a) => mulBase(a)),
    A: Point.fromBytes(commitment.A),
    u: randomBytes(32, ctx.rng),
  };
  const V = commitmentOf(ctx, ctx.self, t, ctx.parties, decommit);
  const state: KeygenState = {
    threshold: t,
    shares: othersOf(ctx.parties, ctx.self).map((j: PartyIndex) => [j, scalarJson(evaluatePolynomial(coefficients, BigInt(j)))] as const),
    ownShare: evaluatePolynomial(coefficients, BigInt(ctx.self)).toString(16),
    tau: nonce.tau.toString(16),
    decommit: decommitJson(decommit),
    commitments: [],
    decommits: [],
    x: null,
    rid: null,
    chainCode: null,
    refresh,
  };
  coefficients.fill(0n);
  return { next: 1, state, outgoing: [{ kind: 'broadcast', payload: { V: hex(V) } }] };
}

/** The key generation protocol. */
export const cggmpKeygenProtocol: ProtocolSpec<KeygenState, KeygenOutput, KeygenDeps> = {
  id: KEYGEN_PROTOCOL,
  version: 1,
  init(ctx) {
    const config = ctx.deps.config;
    if (!config) throw new FieldTypeError('deps.config', 'a new key generation session needs its configuration');
    assertInteger('config.threshold', config.threshold, 2, ctx.parties.length);
    return startKeygen(ctx, config.threshold, null);
  },
  rounds: { 1: round1, 2: round2, 3: round3 },
  checkState: checkKeygenState,
};

/** Options of {@link createCggmpKeygenSession}. */
export interface CggmpKeygenOptions {
  readonly session: SessionId;
  readonly self: PartyIndex;
  /** The committee (sorted, distinct); a party's index is its Shamir evaluation point. */
  readonly parties: readonly PartyIndex[];
  readonly config: KeygenConfig;
  readonly auth: PartyAuth;
  readonly rng?: RandomSource;
}

/**
 * A new key generation session for this party (call `start()`).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed options.
 * @example
 * const s = createCggmpKeygenSession({ session, self: 1, parties: [1, 2, 3], config: { threshold: 2 }, auth });
 */
export function createCggmpKeygenSession(opts: CggmpKeygenOptions): Session<KeygenState, KeygenOutput, KeygenDeps> {
  return createSession(cggmpKeygenProtocol, {
    session: opts.session,
    self: opts.self,
    parties: opts.parties,
    auth: opts.auth,
    deps: { config: opts.config },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}

/**
 * Resumes a key generation session from a snapshot.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed snapshot.
 */
export function restoreCggmpKeygenSession(snapshot: string, opts: { auth: PartyAuth; rng?: RandomSource }): Session<KeygenState, KeygenOutput, KeygenDeps> {
  return restoreSession(cggmpKeygenProtocol, snapshot, { auth: opts.auth, deps: {}, ...(opts.rng ? { rng: opts.rng } : {}) });
}
