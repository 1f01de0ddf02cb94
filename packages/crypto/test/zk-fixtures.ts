/**
 * Shared fixtures for the zk-*.test.ts files: 2048-bit Paillier–Blum moduli from the 1024-bit
 * safe primes extracted from taurusgroup/multi-party-sig (vectors/paillier/taurus-multi-party-sig-extracted),
 * session bindings, and helpers that check strict decoding and per-field soundness.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { CryptoError, FieldRangeError, FieldTypeError } from '../src/errors.ts';
import type { TranscriptBinding } from '../src/transcript.ts';

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
