/**
 * FOR TESTS AND VECTORS ONLY: a deterministic generator seeded by the caller.
 *
 * HMAC-DRBG with SHA-256 (the update and generate steps of NIST SP 800-90A §10.1.2, no
 * reseed counter, no personalization). Anyone who knows the seed knows every output, so
 * this must never produce keys, nonces or proofs that protect anything. It lives in its
 * own entry point (`@tessera/crypto/testing/seeded-rng`) so production code cannot pick it
 * up by accident.
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { FieldTypeError } from '../errors.ts';
import type { RandomSource } from '../rng.ts';

/** A deterministic {@link RandomSource}; see the module warning. */
export interface SeededRng extends RandomSource {
  readonly deterministic: true;
}

/**
 * Creates a deterministic HMAC-DRBG(SHA-256) seeded with `seed`.
 * @param seed bytes, or a string taken as UTF-8 (e.g. a test name).
 * @example
 * const rng = createSeededRng('paillier keygen vector 1');
 * randomBelow(1000n, rng); // same value on every run
 */
export function createSeededRng(seed: Uint8Array | string): SeededRng {
  const s = typeof seed === 'string' ? utf8ToBytes(seed) : seed;
  if (!(s instanceof Uint8Array) || s.length === 0) throw new FieldTypeError('seed', 'expected a non-empty seed');
  let K: Uint8Array = new Uint8Array(32);
  let V: Uint8Array = new Uint8Array(32).fill(1);
  const update = (data?: Uint8Array): void => {
    const d = data ?? new Uint8Array(0);
    K = hmac(sha256, K, concat(V, [0], d));
    V = hmac(sha256, K, V);
    if (data) {
      K = hmac(sha256, K, concat(V, [1], d));
      V = hmac(sha256, K, V);
    }
  };
  update(s);
  return {
    deterministic: true,
    fill(out: Uint8Array): Uint8Array {
      let off = 0;
      while (off < out.length) {
        V = hmac(sha256, K, V);
        const n = Math.min(V.length, out.length - off);
        out.set(V.subarray(0, n), off);
        off += n;
      }
      update();
      return out;
    },
  };
}

function concat(a: Uint8Array, mid: number[], b: Uint8Array): Uint8Array {
  const r = new Uint8Array(a.length + mid.length + b.length);
  r.set(a, 0);
  r.set(mid, a.length);
  r.set(b, a.length + mid.length);
  return r;
}
