/**
 * Dealer-less key generation, phase "modulus" (eprint 2019/1136 §4.2, "computing N" and
 * "trial division"): every party has broadcast its share n(i) of each candidate's N; here each
 * party opens N_k = Σ λ₀ᵢ·n(i) mod P over all n points (the polynomial has degree 2t ≤ n − 1).
 * With n > 2t + 1 the extra points are a consistency check: a party whose point is off the
 * polynomial of the others is named (when exactly one such party explains the mismatch).
 * Each N_k is then trial-divided by the odd primes below the sieve bound; survivors go to the
 * Boneh–Franklin test (biprime.ts); if none survives the next batch starts.
 * @module
 */
import { bigIntToHex } from '@tessera/crypto/bytes';
import { readUnsigned } from '@tessera/crypto/zk/codec';
import { expectObject, type Json, type JsonObject } from '../../engine/codec.ts';
import { ProtocolAbort, type Evidence } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { RoundSpec } from '../../engine/protocol.ts';
import { startBiprimeTest } from './biprime.ts';
import { startBatch } from './candidates.ts';
import { expectBatch, expectList, hasConfiguredSize, others, paramsOf, report } from './common.ts';
import { inconsistentParty, interpolateAtZeroMod, onPolynomialOfDegree } from './field.ts';
import { batchSizeOf, passesTrialDivisionVartime, type DkgParameters } from './params.ts';
import type { DkgDeps, DkgOutput, DkgState } from './types.ts';

/** Strict reader of an N-shares payload. */
export function readModulusShares(payload: Json, state: DkgState, params: DkgParameters): bigint[] {
  const o = expectObject(payload, 'modulus', ['batch', 'n']) as JsonObject;
  expectBatch(o, state, 'modulus');
  return expectList(o.n, 'modulus.n', batchSizeOf(params, state.batch)).map((x, k) => readUnsigned(`modulus.n[${k}]`, x, params.fieldBytes, 0n, params.P));
}

/** Phase "modulus": open every N_k, check consistency, trial-divide. */
export const modulusRound: RoundSpec<DkgState, DkgOutput, DkgDeps> = {
  expects(_state, ctx) {
    return { broadcast: others(ctx), p2p: [], echo: [] };
  },
  parse(_kind, _from, payload, state, ctx) {
    readModulusShares(payload, state, paramsOf(state, ctx.parties.length));
  },
  finalize(state, inbox, ctx) {
    const params = paramsOf(state, ctx.parties.length);
    const n = ctx.parties.length;
    const shares = new Map<number, bigint[]>();
    for (const j of others(ctx)) shares.set(j, readModulusShares(inbox.broadcast.get(j)!.payload, state, params));
    shares.set(ctx.self, state.selfN!.map((h) => BigInt('0x' + h)));
    const K = batchSizeOf(params, state.batch);
    const moduli: bigint[] = [];
    for (let k = 0; k < K; k++) {
      const ys = Array.from({ length: n }, (_, i) => shares.get(i + 1)![k]!);
      if (n > 2 * params.t + 1 && !onPolynomialOfDegree(ys, 2 * params.t, params.P)) {
        const culprit = inconsistentParty(ys, 2 * params.t, params.P);
        const evidence: Evidence[] =
          culprit === undefined || culprit === ctx.self
            ? []
            : [{ id: inbox.broadcast.get(culprit as PartyIndex)!.id, round: state.round, from: culprit, reason: 'invalid-share', detail: `share of N for candidate ${k} is off the degree-2t polynomial` }];
        throw new ProtocolAbort('invalid-share', culprit === undefined ? [] : [culprit as PartyIndex], evidence, `shares of N for candidate ${k} are inconsistent`);
      }
      moduli.push(interpolateAtZeroMod(ys, params.lambdaAllModP, params.P));
    }
    const survivors: number[] = [];
    moduli.forEach((N, k) => {
      if (hasConfiguredSize(N, state) && passesTrialDivisionVartime(N, params)) survivors.push(k);
    });
    const stats = { ...state.stats, candidates: state.stats.candidates + K, sieved: state.stats.sieved + survivors.length };
    const next: DkgState = { ...state, stats, moduli: moduli.map((N) => bigIntToHex(N)), tested: survivors, selfN: null };
    report(ctx, next, 'modulus', params);
    if (survivors.length === 0) return startBatch(next, ctx, params, state.batch + 1);
    return startBiprimeTest(next, ctx, params);
  },
};
