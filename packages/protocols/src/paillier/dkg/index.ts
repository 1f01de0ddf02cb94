/**
 * Dealer-less threshold Paillier key generation as an engine protocol (`tessera/paillier/dkg`),
 * after Veugen, Attema and Spini, "An implementation of the Paillier crypto system with
 * threshold decryption without a trusted dealer" (eprint 2019/1136) and its TNO implementation,
 * which follow Boneh–Franklin and Nishide–Sakurai in the semi-honest model.
 *
 * Phases (one file each; the engine round number simply counts up, and one dispatcher round
 * routes each round to the phase named in the state, so failed candidates restart inside the
 * same session): candidates.ts → modulus.ts → biprime.ts (1–2 rounds) → back to candidates
 * until a biprime is found → key-sharing.ts (2 rounds) → verification.ts (verify, sign).
 * Output: the epoch record signed by every member and this party's key share, usable with
 * the same threshold decryption (and proofs) as a dealer's key.
 *
 * Security model (as in the paper): semi-honest parties, honest majority for the
 * multiplications (n ≥ 2T − 1). Messages are authenticated by the engine; the N shares, the
 * verification keys and the θ opening get consistency checks that name a deviating party when
 * one can be singled out, and the final signature round makes every party confirm the same
 * record. It is not a maliciously secure protocol: see docs/protocols-threshold-paillier.md.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError, assertBytes, assertInteger } from '@tessera/crypto/errors';
import type { RandomSource } from '@tessera/crypto/rng';
import type { PartyAuth } from '../../engine/auth.ts';
import { expectArray, expectObject, type Json, type JsonObject } from '../../engine/codec.ts';
import { partyRange, type PartyIndex, type SessionId } from '../../engine/ids.ts';
import type { ProtocolSpec, RoundSpec } from '../../engine/protocol.ts';
import { createSession, restoreSession, type Session } from '../../engine/session.ts';
import { checkCreatedAt } from '../epoch.ts';
import { biprime1Round, biprime2Round } from './biprime.ts';
import { candidatesRound, startBatch } from './candidates.ts';
import { paramsOf } from './common.ts';
import { key1Round, key2Round } from './key-sharing.ts';
import { modulusRound } from './modulus.ts';
import { dkgParameters } from './params.ts';
import { DKG_MAX_ROUNDS, DKG_PROTOCOL, type DkgDeps, type DkgOutput, type DkgPhase, type DkgSessionConfig, type DkgState } from './types.ts';
import { signRound, verifyRound } from './verification.ts';

export { DKG_MAX_ROUNDS, DKG_PROTOCOL };
export type { DkgDeps, DkgOutput, DkgProgress, DkgSessionConfig, DkgState, DkgStats } from './types.ts';

type Round = RoundSpec<DkgState, DkgOutput, DkgDeps>;

const PHASES: Readonly<Record<DkgPhase, Round>> = Object.freeze({
  candidates: candidatesRound,
  modulus: modulusRound,
  biprime1: biprime1Round,
  biprime2: biprime2Round,
  key1: key1Round,
  key2: key2Round,
  verify: verifyRound,
  sign: signRound,
});

/** Every engine round runs the phase the state names. */
const dispatch: Round = {
  expects: (state, ctx) => PHASES[state.phase].expects(state, ctx),
  parse: (kind, from, payload, state, ctx) => PHASES[state.phase].parse(kind, from, payload, state, ctx),
  finalize: (state, inbox, ctx) => PHASES[state.phase].finalize(state, inbox, ctx),
};

/**
 * Resolves and checks a session configuration for parties 1..n (defaults filled in).
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function storedConfig(config: DkgSessionConfig, n: number): JsonObject {
  if (config === null || typeof config !== 'object') throw new FieldTypeError('config', 'expected an object');
  const params = dkgParameters(config, n);
  if (!Array.isArray(config.identityKeys) || config.identityKeys.length !== n)
    throw new FieldRangeError('config.identityKeys', `expected ${n} identity public keys`);
  config.identityKeys.forEach((k, i) => assertBytes(`config.identityKeys[${i}]`, k, 32));
  const epoch = config.epoch ?? 1;
  assertInteger('config.epoch', epoch, 1, Number.MAX_SAFE_INTEGER);
  return {
    bits: params.bits,
    threshold: params.threshold,
    sieveBound: params.sieveBound,
    biprimeRounds: params.biprimeRounds,
    statisticalSecurity: params.statisticalSecurity,
    batchSize: params.batchSize,
    allowInsecureSize: params.allowInsecureSize,
    epoch,
    createdAt: config.createdAt,
    identityKeys: config.identityKeys.map((k) => bytesToHex(k)),
  };
}

const STATE_KEYS = ['round', 'phase', 'config', 'batch', 'stats', 'own', 'self', 'selfN', 'moduli', 'tested', 'responses', 'chosen', 'key'] as const;

/** The dealer-less key generation protocol. */
export const paillierDkgProtocol: ProtocolSpec<DkgState, DkgOutput, DkgDeps & { readonly config?: DkgSessionConfig }> = {
  id: DKG_PROTOCOL,
  version: 1,
  init(ctx) {
    const n = ctx.parties.length;
    const expected = partyRange(n);
    if (ctx.parties.some((p, k) => p !== expected[k])) throw new FieldRangeError('parties', 'the committee must be parties 1..n (Δ = n! needs it)');
    const raw = ctx.deps.config;
    if (!raw) throw new FieldTypeError('deps.config', 'a new key generation needs its configuration');
    const config = storedConfig(raw, n);
    assertBytes('deps.identitySecretKey', ctx.deps.identitySecretKey, 32);
    if (bytesToHex(ed25519.getPublicKey(ctx.deps.identitySecretKey)) !== (config.identityKeys as string[])[ctx.self - 1])
      throw new FieldRangeError('deps.identitySecretKey', 'does not match this party’s identity key in the configuration');
    // The record's creation time is checked now, not after the search.
    checkCreatedAt(config.createdAt, 'config.createdAt');
    const state: DkgState = {
      round: 0,
      phase: 'candidates',
      config,
      batch: 0,
      stats: { batches: 0, candidates: 0, sieved: 0, biprimeTests: 0 },
      own: null,
      self: null,
      selfN: null,
      moduli: null,
      tested: null,
      responses: null,
      chosen: null,
      key: null,
    };
    return startBatch(state, ctx, paramsOf(state, n), 0);
  },
  rounds: Object.fromEntries(Array.from({ length: DKG_MAX_ROUNDS }, (_, k) => [k + 1, dispatch])),
  checkState(j: Json, round: number): DkgState {
    const o = expectObject(j, 'state', STATE_KEYS);
    if (o.round !== round) throw new FieldRangeError('state.round', `expected ${round}`);
    if (typeof o.phase !== 'string' || !Object.hasOwn(PHASES, o.phase)) throw new FieldRangeError('state.phase', 'unknown phase');
    const c = expectObject(o.config, 'state.config', [
      'bits', 'threshold', 'sieveBound', 'biprimeRounds', 'statisticalSecurity', 'batchSize', 'allowInsecureSize', 'epoch', 'createdAt', 'identityKeys',
    ]);
    expectArray(c.identityKeys, 'state.config.identityKeys');
    assertInteger('state.batch', o.batch, 0, Number.MAX_SAFE_INTEGER);
    expectObject(o.stats, 'state.stats', ['batches', 'candidates', 'sieved', 'biprimeTests']);
    return j as DkgState;
  },
};

/** Options of {@link createPaillierDkgSession}. */
export interface PaillierDkgSessionOptions {
  readonly session: SessionId;
  readonly self: PartyIndex;
  /** The committee: parties 1..n. */
  readonly parties: readonly PartyIndex[];
  readonly config: DkgSessionConfig;
  /** Security: this party's identity secret key (signs the epoch record). */
  readonly identitySecretKey: Uint8Array;
  readonly auth: PartyAuth;
  readonly rng?: RandomSource;
  readonly onProgress?: DkgDeps['onProgress'];
  readonly signal?: AbortSignal;
}

/**
 * A new dealer-less key generation session for this party (call `start()`).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed session options (the
 *   configuration is checked by `start()`, which ends the session on error).
 * @example
 * const s = createPaillierDkgSession({ session, self: 2, parties: [1, 2, 3], config, identitySecretKey, auth });
 */
export function createPaillierDkgSession(opts: PaillierDkgSessionOptions): Session<DkgState, DkgOutput, DkgDeps & { readonly config?: DkgSessionConfig }> {
  return createSession(paillierDkgProtocol, {
    session: opts.session,
    self: opts.self,
    parties: opts.parties,
    auth: opts.auth,
    deps: {
      config: opts.config,
      identitySecretKey: opts.identitySecretKey,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}

/**
 * Resumes a key generation from a snapshot (the snapshot holds this party's secret shares).
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed snapshot.
 */
export function restorePaillierDkgSession(
  snapshot: string,
  opts: { identitySecretKey: Uint8Array; auth: PartyAuth; rng?: RandomSource; onProgress?: DkgDeps['onProgress']; signal?: AbortSignal },
): Session<DkgState, DkgOutput, DkgDeps & { readonly config?: DkgSessionConfig }> {
  return restoreSession(paillierDkgProtocol, snapshot, {
    auth: opts.auth,
    deps: {
      identitySecretKey: opts.identitySecretKey,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}
