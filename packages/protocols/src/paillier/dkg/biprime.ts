/**
 * Dealer-less key generation, phases "biprime1" and "biprime2": the distributed biprimality
 * test of Boneh and Franklin ("Efficient generation of shared RSA keys", J. ACM 2001, §3,
 * Step 2 of the test; eprint 2019/1136 §4.3), for N = p·q with p ≡ q ≡ 3 (mod 4) and additive
 * shares pᵢ, qᵢ (p₁ ≡ q₁ ≡ 3, the others ≡ 0 mod 4):
 *
 *   for a public g ∈ Z*_N with Jacobi symbol (g/N) = 1, party 1 publishes
 *   v₁ = g^((N + 1 − p₁ − q₁)/4) mod N and party i > 1 publishes vᵢ = g^((pᵢ + qᵢ)/4) mod N;
 *   since φ(N)/4 = (N + 1 − p₁ − q₁)/4 − Σ_{i>1}(pᵢ + qᵢ)/4, the test passes iff
 *   v₁ ≡ ±∏_{i>1} vᵢ (mod N), i.e. g^(φ(N)/4) = ±1.
 *
 * A biprime passes every test; any other N (of this form) fails each test with probability at
 * least 1/2 over g, so `biprimeRounds` = 40 tests leave an error of at most 2^−40. The test
 * values g are public coins drawn from the session hash (a counter over (batch, candidate,
 * test)), fixed once N is open, so no party can choose them. Boneh–Franklin's second step (a
 * check in the twisted group (Z_N[x]/(x² + 1))^× modulo Z_N^× that rules out N = p^a·q^b with a > 1),
 * left out by the TNO implementation as well, is not run.
 *
 * To save work, "biprime1" runs one test on every candidate that passed trial division and
 * "biprime2" runs the remaining `biprimeRounds − 1` on those that passed it. The first
 * candidate passing all tests becomes N; otherwise the next batch starts.
 * Exponents are secret (they are shares of φ(N)): the backend's regular `modPow` runs them.
 * @module
 */
import { modPow } from '@tessera/crypto/backend';
import { bigIntToHex } from '@tessera/crypto/bytes';
import { jacobi } from '@tessera/crypto/modular';
import { readUnsigned } from '@tessera/crypto/zk/codec';
import { expectObject, type Json, type JsonObject } from '../../engine/codec.ts';
import type { RoundContext, RoundSpec, Transition } from '../../engine/protocol.ts';
import { startBatch } from './candidates.ts';
import { advance, configOf, expectBatch, expectList, hashToInteger, modulusBytesOf, others, paramsOf, report } from './common.ts';
import { startKeySharing } from './key-sharing.ts';
import type { DkgParameters } from './params.ts';
import type { DkgDeps, DkgOutput, DkgState } from './types.ts';

/** The j-th public test value for candidate k of the batch: g ∈ Z*_N with (g/N) = 1. */
export function testValue(ctx: RoundContext<DkgDeps>, N: bigint, batch: number, k: number, j: number): bigint {
  for (let ctr = 0; ; ctr++) {
    const g = hashToInteger(ctx, N.toString(2).length, 'biprime-test-value', batch, k, j, ctr) % N;
    if (g > 1n && jacobi(g, N) === 1) return g;
  }
}

/** This party's vᵢ = g^(eᵢ) mod N (e₁ = (N + 1 − p₁ − q₁)/4, eᵢ = (pᵢ + qᵢ)/4). */
export function ownTestResponse(N: bigint, g: bigint, p: bigint, q: bigint, self: number): bigint {
  const e = self === 1 ? (N + 1n - p - q) / 4n : (p + q) / 4n;
  return modPow(g, e, N);
}

/** v₁ ≡ ±∏_{i>1} vᵢ (mod N), with values of parties 1..n in order. */
export function biprimeCheck(N: bigint, values: readonly bigint[]): boolean {
  let prod = 1n;
  for (let i = 1; i < values.length; i++) prod = (prod * values[i]!) % N;
  const v1 = values[0]! % N;
  return v1 === prod || v1 === (N - prod) % N;
}

/** Own responses from the state, responses[candidate][test]. */
function ownResponses(state: DkgState): bigint[][] {
  return state.responses!.map((row) => row.map((h) => BigInt('0x' + h)));
}

function candidate(state: DkgState, k: number): { N: bigint; p: bigint; q: bigint } {
  return { N: BigInt('0x' + state.moduli![k]!), p: BigInt('0x' + state.own!.p[k]!), q: BigInt('0x' + state.own!.q[k]!) };
}

/** Starts phase "biprime1": one test on every candidate in `state.tested`. */
export function startBiprimeTest(state: DkgState, ctx: RoundContext<DkgDeps>, params: DkgParameters): Transition<DkgState, DkgOutput> {
  const mb = modulusBytesOf(state);
  const v = state.tested!.map((k) => {
    const c = candidate(state, k);
    return bigIntToHex(ownTestResponse(c.N, testValue(ctx, c.N, state.batch, k, 0), c.p, c.q, ctx.self), mb);
  });
  const stats = { ...state.stats, biprimeTests: state.stats.biprimeTests + state.tested!.length };
  report(ctx, { ...state, stats }, 'biprime', params);
  return advance(state, ctx, 'biprime1', { stats, responses: v.map((x) => [x]) }, [{ kind: 'broadcast', payload: { batch: state.batch, v } }]);
}

function readResponses(payload: Json, state: DkgState, tests: number, field: string): bigint[][] {
  const o = expectObject(payload, field, ['batch', 'v']) as JsonObject;
  expectBatch(o, state, field);
  const mb = modulusBytesOf(state);
  const tested = state.tested!;
  return expectList(o.v, `${field}.v`, tested.length).map((row, a) => {
    const N = BigInt('0x' + state.moduli![tested[a]!]!);
    const list = tests === 1 ? [row] : expectList(row, `${field}.v[${a}]`, tests);
    return list.map((x, b) => readUnsigned(`${field}.v[${a}]${tests === 1 ? '' : `[${b}]`}`, x, mb, 0n, N));
  });
}

/** Collects everyone's responses into values[candidate][test][party − 1]. */
function gather(state: DkgState, inbox: Parameters<RoundSpec<DkgState, DkgOutput, DkgDeps>['finalize']>[1], ctx: RoundContext<DkgDeps>, tests: number, own: bigint[][], field: string): bigint[][][] {
  const n = ctx.parties.length;
  const byParty = new Map<number, bigint[][]>([[ctx.self, own]]);
  for (const j of others(ctx)) byParty.set(j, readResponses(inbox.broadcast.get(j)!.payload, state, tests, field));
  return state.tested!.map((_, a) => Array.from({ length: tests }, (_, b) => Array.from({ length: n }, (_, i) => byParty.get(i + 1)![a]![b]!)));
}

/** Phase "biprime1": the first test on every sieved candidate. */
export const biprime1Round: RoundSpec<DkgState, DkgOutput, DkgDeps> = {
  expects(_state, ctx) {
    return { broadcast: others(ctx), p2p: [], echo: [] };
  },
  parse(_kind, _from, payload, state) {
    readResponses(payload, state, 1, 'biprime1');
  },
  finalize(state, inbox, ctx) {
    const params = paramsOf(state, ctx.parties.length);
    const values = gather(state, inbox, ctx, 1, ownResponses(state), 'biprime1');
    const passed = state.tested!.filter((k, a) => biprimeCheck(candidate(state, k).N, values[a]![0]!));
    if (passed.length === 0) return startBatch({ ...state, responses: null }, ctx, params, state.batch + 1);
    const rounds = configOf(state).biprimeRounds;
    if (rounds === 1) return startKeySharing(state, ctx, params, passed[0]!);
    const mb = modulusBytesOf(state);
    const v = passed.map((k) => {
      const c = candidate(state, k);
      return Array.from({ length: rounds - 1 }, (_, j) => bigIntToHex(ownTestResponse(c.N, testValue(ctx, c.N, state.batch, k, j + 1), c.p, c.q, ctx.self), mb));
    });
    return advance(state, ctx, 'biprime2', { tested: passed, responses: v }, [{ kind: 'broadcast', payload: { batch: state.batch, v } }]);
  },
};

/** Phase "biprime2": the remaining tests on the candidates that passed the first. */
export const biprime2Round: RoundSpec<DkgState, DkgOutput, DkgDeps> = {
  expects(_state, ctx) {
    return { broadcast: others(ctx), p2p: [], echo: [] };
  },
  parse(_kind, _from, payload, state) {
    readResponses(payload, state, configOf(state).biprimeRounds - 1, 'biprime2');
  },
  finalize(state, inbox, ctx) {
    const params = paramsOf(state, ctx.parties.length);
    const tests = configOf(state).biprimeRounds - 1;
    const values = gather(state, inbox, ctx, tests, ownResponses(state), 'biprime2');
    const index = state.tested!.findIndex((k, a) => values[a]!.every((vs) => biprimeCheck(candidate(state, k).N, vs)));
    if (index < 0) return startBatch({ ...state, responses: null }, ctx, params, state.batch + 1);
    return startKeySharing(state, ctx, params, state.tested![index]!);
  },
};
