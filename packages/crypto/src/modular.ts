/**
 * Modular arithmetic on bigints: reduction, gcd/lcm, inverses, the Jacobi symbol, CRT and
 * integer square roots. Modular exponentiation lives behind the backend interface
 * (`./backend`), because its speed and constant-time behaviour depend on the backend.
 *
 * Security: every function here is variable-time in V8 (BigInt arithmetic is); callers
 * pass secrets only where the threat model (docs/threat-model.md) accepts it.
 * @module
 */
import { CryptoError, FieldRangeError, assertBigInt } from './errors.ts';

/** a mod m in [0, m). @throws {FieldRangeError} if m ≤ 0. */
export function mod(a: bigint, m: bigint): bigint {
  if (m <= 0n) throw new FieldRangeError('m', 'modulus must be positive');
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** Greatest common divisor of |a| and |b| (binary-free Euclid; gcd(0, 0) = 0). */
export function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Least common multiple of |a| and |b| (lcm(0, x) = 0). */
export function lcm(a: bigint, b: bigint): bigint {
  if (a === 0n || b === 0n) return 0n;
  const r = (a / gcd(a, b)) * b;
  return r < 0n ? -r : r;
}

/** Extended Euclid: returns [g, x, y] with a·x + b·y = g = gcd(a, b), for a, b ≥ 0. */
export function egcd(a: bigint, b: bigint): [bigint, bigint, bigint] {
  let [oldR, r] = [a, b];
  let [oldS, s] = [1n, 0n];
  let [oldT, t] = [0n, 1n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
    [oldT, t] = [t, oldT - q * t];
  }
  return [oldR, oldS, oldT];
}

/**
 * The inverse of a modulo m, in [0, m).
 * @throws {CryptoError} if gcd(a, m) ≠ 1. @throws {FieldRangeError} if m ≤ 1.
 */
export function invert(a: bigint, m: bigint): bigint {
  assertBigInt('a', a);
  assertBigInt('m', m);
  if (m <= 1n) throw new FieldRangeError('m', 'modulus must be > 1');
  const [g, x] = egcd(mod(a, m), m);
  if (g !== 1n) throw new CryptoError('not invertible modulo m (gcd ≠ 1)', 'a');
  return mod(x, m);
}

/**
 * The Jacobi symbol (a / n) for odd n > 0: 0, 1 or −1.
 * @throws {FieldRangeError} if n is even or not positive.
 */
export function jacobi(a: bigint, n: bigint): -1 | 0 | 1 {
  if (n <= 0n || (n & 1n) === 0n) throw new FieldRangeError('n', 'Jacobi symbol needs an odd positive n');
  a = mod(a, n);
  let t: 1 | -1 = 1;
  while (a !== 0n) {
    while ((a & 1n) === 0n) {
      a >>= 1n;
      const r = n & 7n;
      if (r === 3n || r === 5n) t = t === 1 ? -1 : 1;
    }
    [a, n] = [n, a];
    if ((a & 3n) === 3n && (n & 3n) === 3n) t = t === 1 ? -1 : 1;
    a %= n;
  }
  return n === 1n ? t : 0;
}

/**
 * Chinese remaindering: the unique x in [0, ∏ mᵢ) with x ≡ rᵢ (mod mᵢ), for pairwise coprime mᵢ.
 * @throws {FieldRangeError} on mismatched lengths; @throws {CryptoError} if moduli are not coprime.
 */
export function crt(residues: readonly bigint[], moduli: readonly bigint[]): bigint {
  if (residues.length !== moduli.length || residues.length === 0)
    throw new FieldRangeError('moduli', 'need as many moduli as residues, at least one');
  let x = mod(residues[0]!, moduli[0]!);
  let M = moduli[0]!;
  for (let i = 1; i < moduli.length; i++) {
    const mi = moduli[i]!;
    const ri = mod(residues[i]!, mi);
    // x + M·k ≡ ri (mod mi)  ⇒  k = (ri − x)·M⁻¹ mod mi
    const k = mod((ri - x) * invert(M, mi), mi);
    x += M * k;
    M *= mi;
  }
  return x;
}

/** ⌊√n⌋ for n ≥ 0 (Newton's method). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new FieldRangeError('n', 'square root of a negative number');
  if (n < 2n) return n;
  let x = 1n << BigInt((n.toString(2).length + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** True when n ≥ 0 is a perfect square. */
export function isPerfectSquare(n: bigint): boolean {
  if (n < 0n) return false;
  const r = isqrt(n);
  return r * r === n;
}
