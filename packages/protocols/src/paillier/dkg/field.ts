/**
 * Shamir secret sharing over the prime field F_P used to compute N = p·q (BGW-style: shares of
 * p and q of degree t multiply locally into shares of p·q of degree 2t, re-randomised by a
 * sharing of zero of degree 2t, and opened with n ≥ 2t + 1 points), and over the integers for
 * the key sharing.
 * @module
 */
import { bytesToHex } from '@tessera/crypto/bytes';
import { invert } from '@tessera/crypto/modular';
import { randomBelow, randomBytes, type RandomSource } from '@tessera/crypto/rng';
import { evaluatePolynomial } from '../math.ts';

/**
 * Random integers drawn from one bulk buffer of the RNG (one `fill` per batch instead of one
 * per value): `below(P)` reduces |P| + 64 random bits modulo P (statistical distance from
 * uniform below 2^−64), `bits(k)` is uniform in [0, 2^k).
 */
export class RandomPool {
  #hex: string;
  #off = 0;
  constructor(bytes: number, rng: RandomSource) {
    const buf = randomBytes(bytes, rng);
    this.#hex = bytesToHex(buf);
    buf.fill(0);
  }
  /** Bytes needed for `count` values below a modulus of `modulusBits` bits. */
  static bytesBelow(modulusBits: number, count: number): number {
    return count * Math.ceil((modulusBits + 64) / 8);
  }
  /** Bytes needed for `count` values of `k` bits. */
  static bytesBits(k: number, count: number): number {
    return count * Math.ceil(k / 8);
  }
  #take(len: number): bigint {
    if (2 * (this.#off + len) > this.#hex.length) throw new RangeError('random pool exhausted');
    const x = BigInt('0x' + this.#hex.slice(2 * this.#off, 2 * (this.#off + len)));
    this.#off += len;
    if (2 * this.#off === this.#hex.length) this.#hex = '';
    return x;
  }
  /** A value below m, |m| = `modulusBits` (see the class note). */
  below(m: bigint, modulusBits: number): bigint {
    return this.#take(Math.ceil((modulusBits + 64) / 8)) % m;
  }
  /** A uniform value in [0, 2^k). */
  bits(k: number): bigint {
    const len = Math.ceil(k / 8);
    return this.#take(len) >> BigInt(len * 8 - k);
  }
}

/** Coefficients [secret, a₁, …, a_degree] with aₖ uniform in [0, P) (up to 2^−64). */
export function randomFieldPolynomial(secret: bigint, degree: number, P: bigint, pool: RandomPool, pBits: number): bigint[] {
  const c = [((secret % P) + P) % P];
  for (let k = 1; k <= degree; k++) c.push(pool.below(P, pBits));
  return c;
}

/** f(x) mod P. */
export function evaluateMod(coefficients: readonly bigint[], x: number, P: bigint): bigint {
  let acc = 0n;
  const X = BigInt(x);
  for (let k = coefficients.length - 1; k >= 0; k--) acc = (acc * X + coefficients[k]!) % P;
  return acc;
}

/**
 * Coefficients [Δ·x, a₁, …, a_degree] of an integer sharing of x, aₖ uniform in [0, A): with
 * Δ = n! as the constant's factor, t shares are statistically independent of x (see params.ts).
 */
export function randomIntegerPolynomial(x: bigint, delta: bigint, degree: number, A: bigint, rng: RandomSource): bigint[] {
  const c = [delta * x];
  for (let k = 1; k <= degree; k++) c.push(randomBelow(A, rng));
  return c;
}

/** f(i) over the integers. */
export function evaluateInteger(coefficients: readonly bigint[], i: number): bigint {
  return evaluatePolynomial(coefficients, i);
}

/** Σ λᵢ·yᵢ mod P (λ for the full party set). */
export function interpolateAtZeroMod(ys: readonly bigint[], lambdas: readonly bigint[], P: bigint): bigint {
  let acc = 0n;
  for (let k = 0; k < ys.length; k++) acc += ys[k]! * lambdas[k]!;
  return ((acc % P) + P) % P;
}

/**
 * Whether the points (xs[k], ys[k]) lie on one polynomial of degree ≤ d over F_P: each point
 * beyond the first d + 1 must equal the interpolation of those at its abscissa.
 */
export function onPolynomial(xs: readonly number[], ys: readonly bigint[], d: number, P: bigint): boolean {
  const base = xs.slice(0, d + 1);
  for (let m = d + 1; m < xs.length; m++) {
    const j = xs[m]!;
    let acc = 0n;
    base.forEach((i, bi) => {
      let num = 1n;
      let den = 1n;
      for (const k of base) {
        if (k === i) continue;
        num *= BigInt(j - k);
        den *= BigInt(i - k);
      }
      acc += ys[bi]! * (((num % P) + P) % P) * invert(den, P);
    });
    if (((acc % P) + P) % P !== ys[m]) return false;
  }
  return true;
}

/** {@link onPolynomial} for the points (1, y₁) … (n, yₙ). */
export function onPolynomialOfDegree(ys: readonly bigint[], d: number, P: bigint): boolean {
  return onPolynomial(ys.map((_, k) => k + 1), ys, d, P);
}

/**
 * The one party (1-based) whose point, left out, puts all the others on a polynomial of degree d;
 * undefined when no single party explains the mismatch or too few points remain to tell.
 */
export function inconsistentParty(ys: readonly bigint[], d: number, P: bigint): number | undefined {
  if (ys.length - 1 < d + 2) return undefined;
  const found: number[] = [];
  for (let c = 1; c <= ys.length; c++) {
    const xs = ys.map((_, k) => k + 1).filter((x) => x !== c);
    if (onPolynomial(xs, xs.map((x) => ys[x - 1]!), d, P)) found.push(c);
  }
  return found.length === 1 ? found[0] : undefined;
}
