/**
 * Helpers shared by the phases of the dealer-less key generation: the configuration kept in
 * the state, derived parameters, the move to the next engine round (with the round budget and
 * cancellation), progress, hashing to integers, and the wire readers of the messages.
 * @module
 */
import { bitLength, bytesToBigInt } from '@tessera/crypto/bytes';
import { InternalError } from '../../engine/errors.ts';
import { AbortError, FieldRangeError } from '@tessera/crypto/errors';
import type { Json, JsonObject } from '../../engine/codec.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Outgoing, RoundContext, Transition } from '../../engine/protocol.ts';
import { dkgParameters, type DkgParameters } from './params.ts';
import { DKG_MAX_ROUNDS, type DkgDeps, type DkgOutput, type DkgPhase, type DkgState } from './types.ts';

/** The resolved public configuration as stored in the state. */
export interface StoredConfig {
  readonly bits: number;
  readonly threshold: number;
  readonly sieveBound: number;
  readonly biprimeRounds: number;
  readonly statisticalSecurity: number;
  readonly batchSize: number;
  readonly allowInsecureSize: boolean;
  readonly epoch: number;
  readonly createdAt: string;
  readonly identityKeys: readonly string[];
}

/** The configuration of a state. */
export function configOf(state: DkgState): StoredConfig {
  return state.config as unknown as StoredConfig;
}

/** Derived parameters of a state (cached by `dkgParameters`). */
export function paramsOf(state: DkgState, n: number): DkgParameters {
  const c = configOf(state);
  return dkgParameters(
    {
      bits: c.bits,
      threshold: c.threshold,
      sieveBound: c.sieveBound,
      biprimeRounds: c.biprimeRounds,
      statisticalSecurity: c.statisticalSecurity,
      batchSize: c.batchSize,
      allowInsecureSize: c.allowInsecureSize,
    },
    n,
  );
}

/** Every party but this one, in order. */
export function others(ctx: Pick<RoundContext<DkgDeps>, 'parties' | 'self'>): PartyIndex[] {
  return ctx.parties.filter((p) => p !== ctx.self);
}

/**
 * Moves to the next engine round in `phase` with the changes in `patch`.
 * @throws {AbortError} if the deps' signal aborted.
 * @throws {InternalError} if the engine's round budget is exhausted.
 */
export function advance(
  state: DkgState,
  ctx: RoundContext<DkgDeps>,
  phase: DkgPhase,
  patch: Partial<DkgState>,
  outgoing: readonly Outgoing[],
): Transition<DkgState, DkgOutput> {
  if (ctx.deps.signal?.aborted) throw new AbortError('key generation aborted', { cause: ctx.deps.signal.reason });
  const next = state.round + 1;
  if (next > DKG_MAX_ROUNDS)
    throw new InternalError(`no biprime found within ${DKG_MAX_ROUNDS} rounds (${state.stats.candidates} candidates); start again with a larger batch size`);
  return { next, state: { ...state, ...patch, round: next, phase }, outgoing };
}

/** Reports progress through the deps' callback (errors in the callback are ignored). */
export function report(ctx: RoundContext<DkgDeps>, state: DkgState, phase: 'modulus' | 'biprime' | 'key' | 'verification' | 'epoch', params: DkgParameters): void {
  const cb = ctx.deps.onProgress;
  if (!cb) return;
  try {
    cb({ phase, ...state.stats, expected: Math.ceil((params.primeBits * Math.LN2) ** 2 / 4) });
  } catch {
    // Progress is advisory: a failing callback must not break the protocol.
  }
}

/**
 * An integer of `bits` + 128 bits from the session-bound hash (SHA-256 blocks in counter
 * mode over `tag` and `parts`), for public coins such as test values and the base v.
 */
export function hashToInteger(ctx: RoundContext<DkgDeps>, bits: number, tag: string, ...parts: (number | Uint8Array | string)[]): bigint {
  const blocks = Math.ceil((bits + 128) / 256);
  let acc = 0n;
  for (let b = 0; b < blocks; b++) acc = (acc << 256n) | bytesToBigInt(ctx.hash(tag, ...parts, b));
  return acc;
}

/** A fixed-length array of hex strings (payload reader). */
export function expectList(v: Json | undefined, field: string, length: number): readonly Json[] {
  if (!Array.isArray(v)) throw new FieldRangeError(field, 'expected an array');
  if (v.length !== length) throw new FieldRangeError(field, `expected ${length} entries, got ${v.length}`);
  return v as readonly Json[];
}

/** Checks that the payload is for the current batch. */
export function expectBatch(o: JsonObject, state: DkgState, field: string): void {
  if (o.batch !== state.batch) throw new FieldRangeError(`${field}.batch`, `expected batch ${state.batch}, got ${String(o.batch)}`);
}

/** Bytes of N for a state's configuration. */
export function modulusBytesOf(state: DkgState): number {
  return Math.ceil(configOf(state).bits / 8);
}

/** True when N has exactly the configured bit length. */
export function hasConfiguredSize(N: bigint, state: DkgState): boolean {
  return bitLength(N) === configOf(state).bits;
}
