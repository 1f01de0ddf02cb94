/**
 * The portable backend: plain V8 BigInt arithmetic.
 *
 * Security: V8's BigInt multiplication and division run in time that depends on operand
 * values, and a table index depends on exponent bits, so `modPow` here is only
 * "regular" (the same sequence of squarings and multiplications for every exponent of a
 * given length), not constant-time. docs/threat-model.md says what that means.
 * @module
 */
import { FieldRangeError } from '../errors.ts';
import { secretLadderBits } from './bound.ts';
import { runMultiExp, slidingWindowBits } from './multiexp.ts';
import type { ModBackend } from './types.ts';

const WINDOW = 4;
/** Squarings run by {@link modPowFixed} so far (public: a function of the ladder lengths only). */
let ladderSquarings = 0;

function checkArgs(base: bigint, exp: bigint, m: bigint): void {
  if (m <= 1n) throw new FieldRangeError('m', 'modulus must be > 1');
  if (exp < 0n) throw new FieldRangeError('exp', 'negative exponent (use invert first)');
  if (base < 0n) throw new FieldRangeError('base', 'negative base');
}

/**
 * Fixed 4-bit windows over `expBits` bits when that public bound is given (./bound.ts), else
 * over max(bitlen(exp), bitlen(m)) bits: WINDOW squarings and one multiply per window.
 */
function modPowFixed(base: bigint, exp: bigint, m: bigint, expBits?: number): bigint {
  checkArgs(base, exp, m);
  const bits = secretLadderBits(exp, m, expBits);
  const b = base % m;
  const table: bigint[] = new Array(1 << WINDOW);
  table[0] = 1n;
  for (let i = 1; i < table.length; i++) table[i] = (table[i - 1]! * b) % m;
  const windows = Math.ceil(bits / WINDOW);
  let acc = 1n % m;
  for (let w = windows - 1; w >= 0; w--) {
    for (let s = 0; s < WINDOW; s++) acc = (acc * acc) % m;
    ladderSquarings += WINDOW;
    const digit = Number((exp >> BigInt(w * WINDOW)) & 0xfn);
    acc = (acc * table[digit]!) % m;
  }
  return acc;
}

/** Left-to-right sliding window with odd powers; width by exponent size. */
function modPowSliding(base: bigint, exp: bigint, m: bigint): bigint {
  checkArgs(base, exp, m);
  if (exp === 0n) return 1n % m;
  const b = base % m;
  const bits = exp.toString(2);
  const n = bits.length;
  const k = n > 671 ? 6 : n > 239 ? 5 : n > 79 ? 4 : n > 23 ? 3 : 1;
  const b2 = (b * b) % m;
  const odd: bigint[] = [b]; // odd[i] = b^(2i+1)
  for (let i = 1; i < 1 << (k - 1); i++) odd[i] = (odd[i - 1]! * b2) % m;
  let acc = 1n;
  let i = 0;
  while (i < n) {
    if (bits[i] === '0') {
      acc = (acc * acc) % m;
      i++;
      continue;
    }
    let j = Math.min(i + k, n);
    while (bits[j - 1] === '0') j--;
    const val = parseInt(bits.slice(i, j), 2);
    for (let s = i; s < j; s++) acc = (acc * acc) % m;
    acc = (acc * odd[(val - 1) >> 1]!) % m;
    i = j;
  }
  return acc;
}

/** ∏ bases[i]^exps[i] mod m with interleaved sliding windows (public exponents). */
function multiExpSliding(bases: readonly bigint[], exps: readonly bigint[], m: bigint): bigint {
  if (bases.length !== exps.length) throw new FieldRangeError('exps', `expected ${bases.length} exponents, got ${exps.length}`);
  for (let i = 0; i < bases.length; i++) checkArgs(bases[i]!, exps[i]!, m);
  if (m <= 1n) throw new FieldRangeError('m', 'modulus must be > 1');
  const widths = exps.map((e) => slidingWindowBits(e === 0n ? 0 : e.toString(2).length));
  const tables = bases.map((g, i) => {
    const b = g % m;
    const b2 = (b * b) % m;
    const odd: bigint[] = [b];
    for (let t = 1; t < 1 << (widths[i]! - 1); t++) odd[t] = (odd[t - 1]! * b2) % m;
    return odd;
  });
  let acc = 1n;
  runMultiExp(exps, widths, {
    set: (i, t) => (acc = tables[i]![t]!),
    square: () => (acc = (acc * acc) % m),
    multiply: (i, t) => (acc = (acc * tables[i]![t]!) % m),
  });
  return acc % m;
}

/** The BigInt backend (available everywhere). */
export const bigintBackend: ModBackend = {
  name: 'bigint',
  modPow: modPowFixed,
  modPowVartime: modPowSliding,
  modMul: (a, b, m) => {
    if (m <= 1n) throw new FieldRangeError('m', 'modulus must be > 1');
    const r = (a * b) % m;
    return r < 0n ? r + m : r;
  },
  multiExpVartime: multiExpSliding,
  ladderSquarings: () => ladderSquarings,
};
