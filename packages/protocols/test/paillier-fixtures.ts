/**
 * Test fixtures for threshold Paillier: the 1024-bit safe primes extracted from Taurus
 * multi-party-sig (vectors/paillier/taurus-multi-party-sig-extracted, see its README.txt), so
 * tests never search for 1024-bit safe primes, and a cache of dealt keys per (pair, n, T).
 */
import { readFileSync } from 'node:fs';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { encryptWithNonce, paillierPublicKey } from '@tessera/crypto/paillier';
import { randomZnStar } from '@tessera/crypto/rng';
import { dealThresholdPaillier, type DealtKey } from '../src/paillier/dealer.ts';
import type { ThresholdPaillierPublicKey } from '../src/paillier/key.ts';

interface Extracted {
  constants: { file: string; var: string; hex: string }[];
}

const data = JSON.parse(
  readFileSync(new URL('../../../vectors/paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json', import.meta.url), 'utf8'),
) as Extracted;

function prime(file: string, name: string): bigint {
  const c = data.constants.find((x) => x.file.endsWith(file) && x.var === name);
  if (!c) throw new Error(`fixture ${file} ${name} missing`);
  return BigInt('0x' + c.hex);
}

/** Pairs of distinct 1024-bit safe primes (each gives a 2048-bit N). */
export const SAFE_PRIME_PAIRS: readonly (readonly [bigint, bigint])[] = [
  [prime('arith/modulus_test.go', 'p'), prime('arith/modulus_test.go', 'q')],
  [prime('paillier/ciphertext_test.go', 'p'), prime('paillier/ciphertext_test.go', 'q')],
  [prime('zk/default.go', 'p1'), prime('zk/default.go', 'q1')],
  [prime('zk/default.go', 'p2'), prime('zk/default.go', 'q2')],
];

const cache = new Map<string, DealtKey>();

/** A T-of-n dealt key from fixture pair `pair` (deterministic randomness, cached). */
export function dealtKey(parties: number, threshold: number, pair = 0): DealtKey {
  const k = `${pair}:${parties}:${threshold}`;
  let key = cache.get(k);
  if (!key) {
    const [p, q] = SAFE_PRIME_PAIRS[pair]!;
    key = dealThresholdPaillier({ p, q, parties, threshold, rng: createSeededRng(`deal ${k}`), primesAreChecked: pair > 0 });
    cache.set(k, key);
  }
  return key;
}

/** Ordinary Paillier encryption under the committee's N (g = N + 1). */
export function encryptUnder(pk: ThresholdPaillierPublicKey, m: bigint, seed = 'enc'): bigint {
  const ppk = paillierPublicKey(pk.N, { allowInsecureSize: pk.bits < 2048 });
  return encryptWithNonce(ppk, m, randomZnStar(pk.N, createSeededRng(`${seed} ${m}`)));
}
