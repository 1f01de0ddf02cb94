/**
 * Shared fixtures for the zk-*.test.ts files: 2048-bit Paillier–Blum moduli from the 1024-bit
 * safe primes extracted from taurusgroup/multi-party-sig (vectors/paillier/taurus-multi-party-sig-extracted),
 * session bindings, one valid prove job and one valid verification job per proof kind, and helpers that check strict
 * decoding and per-field soundness.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { modPow } from '../src/backend/index.ts';
import { CryptoError, FieldRangeError, FieldTypeError } from '../src/errors.ts';
import { add, encryptWithNonce, mulScalar, paillierPublicKey } from '../src/paillier/index.ts';
import { randomBelow, randomZnStar, type RandomSource } from '../src/rng.ts';
import type { TranscriptBinding } from '../src/transcript.ts';
import type { ZkVerifyJob } from '../src/zk/dispatch.ts';
import { ed25519Group, secp256k1Group } from '../src/zk/group.ts';
import { CGGMP21_PARAMS } from '../src/zk/params.ts';
import { proveZkJob, type ZkProof, type ZkProveJob } from '../src/zk/prove-dispatch.ts';
import { generateRingPedersen } from '../src/zk/ring-pedersen.ts';

interface TaurusConstant {
  file: string;
  var: string;
  hex: string;
}

/** The ten 1024-bit safe (and Blum) primes of the Taurus fixture, in file order. */
export function taurusSafePrimes(): bigint[] {
  const url = new URL('../../../vectors/paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json', import.meta.url);
  const json = JSON.parse(readFileSync(url, 'utf8')) as { constants: TaurusConstant[] };
  return json.constants.filter((c) => c.hex.length === 256).map((c) => BigInt('0x' + c.hex));
}

/** A 2048-bit modulus N = p·q with its factors. */
export interface ModulusFixture {
  readonly N: bigint;
  readonly p: bigint;
  readonly q: bigint;
}

/** The five 2048-bit Paillier–Blum moduli built from consecutive prime pairs. */
export function taurusModuli(): ModulusFixture[] {
  const ps = taurusSafePrimes();
  const out: ModulusFixture[] = [];
  for (let i = 0; i + 1 < ps.length; i += 2) out.push({ N: ps[i]! * ps[i + 1]!, p: ps[i]!, q: ps[i + 1]! });
  return out;
}

/** The binding most tests prove under. */
export const BINDING: TranscriptBinding = Object.freeze({ sessionId: new TextEncoder().encode('zk-test-session'), proverIndex: 3 });
/** Same session, another prover. */
export const OTHER_PROVER: TranscriptBinding = Object.freeze({ sessionId: BINDING.sessionId, proverIndex: 4 });
/** Same prover, another session. */
export const OTHER_SESSION: TranscriptBinding = Object.freeze({ sessionId: new TextEncoder().encode('zk-test-session-2'), proverIndex: 3 });

/** Expects `fn` to throw a CryptoError whose field starts with `field` (when given). */
export function expectReject(fn: () => unknown, field?: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'verification should fail').toBeInstanceOf(CryptoError);
  if (field !== undefined) expect((thrown as CryptoError).field ?? '').toMatch(new RegExp('^' + field.replace(/[.[\]()*+?^$|\\]/g, '\\$&')));
}

/** Changes a bigint to another value of the same kind (still in range where possible). */
export function bumpBigInt(x: bigint): bigint {
  return x === 0n ? 1n : x - 1n;
}

/** Flips one bit of a byte string (a different, possibly invalid, encoding). */
export function flipByte(b: Uint8Array, index = b.length - 1): Uint8Array {
  const c = b.slice();
  c[index]! ^= 1;
  return c;
}

/**
 * Runs the strict-decoding negatives every proof encoding must refuse: wrong version, wrong
 * kind, unknown field, missing field, not an object; plus `perField` mutations of each listed
 * field (wrong length, non-hex, upper-case hex).
 */
export function expectStrictDecoding(
  encoded: Record<string, unknown>,
  decode: (x: unknown) => unknown,
  hexFields: readonly string[],
): void {
  expect(() => decode({ ...encoded, version: 2 })).toThrowError(FieldRangeError);
  expect(() => decode({ ...encoded, version: 2 })).toThrowError(/^version:/);
  expect(() => decode({ ...encoded, version: '1' })).toThrowError(/^version:/);
  expect(() => decode({ ...encoded, kind: 'other' })).toThrowError(/^kind:/);
  expect(() => decode({ ...encoded, extra: '00' })).toThrowError(/^extra: unknown field/);
  expect(() => decode(null)).toThrowError(FieldTypeError);
  expect(() => decode([encoded])).toThrowError(FieldTypeError);
  for (const f of Object.keys(encoded)) {
    if (f === 'version' || f === 'kind') continue;
    const { [f]: _drop, ...rest } = encoded;
    expect(() => decode(rest), `missing ${f}`).toThrowError(new RegExp(`^${f}: missing`));
  }
  for (const f of hexFields) {
    const v = encoded[f];
    const mutate = (g: (s: string) => string): unknown => (Array.isArray(v) ? [g(v[0] as string), ...v.slice(1)] : g(v as string));
    const name = Array.isArray(v) ? `${f}\\[0\\]` : f;
    expect(() => decode({ ...encoded, [f]: mutate((s) => s + '00') }), `long ${f}`).toThrowError(new RegExp(`^${name}:`));
    expect(() => decode({ ...encoded, [f]: mutate((s) => s.slice(0, -2)) }), `short ${f}`).toThrowError(new RegExp(`^${name}:`));
    expect(() => decode({ ...encoded, [f]: mutate((s) => s.slice(0, -1) + 'g') }), `non-hex ${f}`).toThrowError(new RegExp(`^${name}:`));
    const upper = mutate((s) => s.replace(/[a-f]/, (c) => c.toUpperCase()));
    if (JSON.stringify(upper) !== JSON.stringify(v))
      expect(() => decode({ ...encoded, [f]: upper }), `upper-case ${f}`).toThrowError(new RegExp(`^${name}:`));
    expect(() => decode({ ...encoded, [f]: 12 }), `number ${f}`).toThrowError(new RegExp(`^${f}:`));
  }
}

/**
 * The two ring-Pedersen parameter sets of the Taurus fixture: (N, s, t) from
 * pkg/pedersen/pedersen_test.go and pkg/zk/default.go (N = p2·q2), with the factors of N.
 */
export function taurusRingPedersen(): { N: bigint; s: bigint; t: bigint; p: bigint; q: bigint }[] {
  const url = new URL('../../../vectors/paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json', import.meta.url);
  const json = JSON.parse(readFileSync(url, 'utf8')) as { constants: TaurusConstant[] };
  const get = (file: string, v: string): bigint => {
    const c = json.constants.find((k) => k.file.endsWith(file) && k.var === v);
    if (!c) throw new Error(`fixture constant ${file}:${v} missing`);
    return BigInt('0x' + c.hex);
  };
  const sets = [
    { file: 'pedersen/pedersen_test.go', p: 'p', q: 'q' },
    { file: 'zk/default.go', p: 'p2', q: 'q2' },
  ];
  return sets.map(({ file, p, q }) => {
    const P = get(file, p);
    const Q = get(file, q);
    return { N: P * Q, s: get(file, 's'), t: get(file, 't'), p: P, q: Q };
  });
}

/**
 * One valid verification job per proof kind (zk/dispatch.ts), on the fixture moduli: the input
 * of the dispatch and worker-pool tests. The proofs are made in this thread from
 * {@link oneProveJobPerKind}'s statements and witnesses.
 */
export function oneJobPerKind(rng: RandomSource): ZkVerifyJob[] {
  return oneProveJobPerKind(rng).map((job) => verifyJobFor(job, proveZkJob(job, rng)));
}

/**
 * One valid prove job per proof kind (zk/prove-dispatch.ts) on the fixture moduli: statement and
 * witness as plain data — the input of the proving-dispatch and worker-pool tests, and the source
 * of {@link oneJobPerKind}.
 */
export function oneProveJobPerKind(rng: RandomSource): ZkProveJob[] {
  const [k0, k1, k2] = taurusModuli();
  const g = secp256k1Group;
  const G = g.generator();
  const x = randomBelow(g.order, rng);
  const X = g.encode(g.multiply(G, x));
  const H = g.multiply(G, 77n);
  const dleqSt = { h: g.encode(H), X, Y: g.encode(g.multiply(H, x)) };
  const ex = randomBelow(ed25519Group.order, rng);
  const eX = ed25519Group.encode(ed25519Group.multiply(ed25519Group.generator(), ex));
  const N0 = k0!.N;
  const pk0 = paillierPublicKey(N0);
  const pk1 = paillierPublicKey(k1!.N);
  const { params: rp, secret } = generateRingPedersen(k2!.p, k2!.q, rng);
  const N2 = N0 * N0;
  const v = (3n ** 1001n) ** 2n % N2;
  const c = (5n ** 999n) ** 4n % N2;
  const share = (1n << 1500n) + 17n;
  const znSt = { N: N0, g: v, h: c, X: modPow(v, share, N2), Y: modPow(c, share, N2), secretBits: 1600 };
  const k = randomBelow(CGGMP21_PARAMS.q, rng);
  const rho = randomZnStar(N0, rng);
  const K = encryptWithNonce(pk0, k, rho);
  const rhoY = randomZnStar(pk1.n, rng);
  const y = 1234567n;
  const rhoD = randomZnStar(N0, rng);
  const D = add(pk0, mulScalar(pk0, K, x), encryptWithNonce(pk0, y, rhoD));
  const affSt = { N0, N1: pk1.n, C: K, D, Y: encryptWithNonce(pk1, y, rhoY), X, rp };
  const logSt = { N0, C: K, X: g.encode(g.multiply(G, k)), rp };
  const rhoX = randomZnStar(N0, rng);
  const rhoC = randomZnStar(N0, rng);
  const yDec = randomBelow(N0, rng);
  const rhoDec = randomZnStar(N0, rng);
  const decSt = { N0, C: encryptWithNonce(pk0, yDec, rhoDec), x: yDec % CGGMP21_PARAMS.q, rp };
  const mulSt = { N: N0, X: encryptWithNonce(pk0, y, rhoX), Y: K, C: add(pk0, mulScalar(pk0, K, y), encryptWithNonce(pk0, 0n, rhoC)) };
  const f0 = { p: k0!.p, q: k0!.q };
  return [
    { kind: 'schnorr', group: 'ed25519', binding: BINDING, statement: { X: eX }, witness: { x: ex } },
    { kind: 'dleq', group: 'secp256k1', binding: BINDING, statement: dleqSt, witness: { x } },
    { kind: 'dleq-zn', binding: BINDING, statement: znSt, witness: { x: share } },
    { kind: 'pimod', binding: BINDING, statement: { N: N0 }, witness: f0 },
    { kind: 'piprm', binding: BINDING, statement: rp, witness: secret },
    { kind: 'pifac', binding: BINDING, statement: { N0, rp }, witness: f0 },
    { kind: 'pienc', binding: BINDING, statement: { N0, K, rp }, witness: { k, rho, factors: f0 } },
    { kind: 'piaffg', group: 'secp256k1', binding: BINDING, statement: affSt, witness: { x, y, rho: rhoD, rhoY, factorsN1: { p: k1!.p, q: k1!.q } } },
    { kind: 'pilogstar', group: 'secp256k1', binding: BINDING, statement: logSt, witness: { x: k, rho, factors: f0 } },
    { kind: 'pimul', binding: BINDING, statement: mulSt, witness: { x: y, rho: rhoC, rhoX, factors: f0 } },
    { kind: 'pidec', binding: BINDING, statement: decSt, witness: { y: yDec, rho: rhoDec, factors: f0 } },
  ];
}

/** The verification job for a proof made from `job`. */
export function verifyJobFor(job: ZkProveJob, proof: ZkProof): ZkVerifyJob {
  const { witness: _witness, ...rest } = job;
  return { ...rest, proof } as unknown as ZkVerifyJob;
}
