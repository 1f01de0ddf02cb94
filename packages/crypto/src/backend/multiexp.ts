/**
 * Window schedules shared by the backends: window widths for fixed-window (secret) and
 * sliding-window (public) exponents, and the interleaved sliding-window driver for
 * multi-exponentiation ∏ gᵢ^eᵢ (Möller 2001, "Algorithms for multi-exponentiation",
 * the interleaving method: one shared chain of squarings, each exponent contributes
 * its own odd-digit windows).
 *
 * Security: everything here reads exponent bits with branches: public exponents only.
 * @module
 */

/** Sliding-window width for a public exponent of `bits` bits (table of 2^(k−1) odd powers). */
export function slidingWindowBits(bits: number): number {
  return bits > 671 ? 6 : bits > 239 ? 5 : bits > 79 ? 4 : bits > 23 ? 3 : bits > 6 ? 2 : 1;
}

/**
 * Fixed-window width for a secret exponent of `bits` bits (table of 2^k entries, all read
 * at every window). Chosen to minimise 2^k table products + bits/k window products.
 */
export function fixedWindowBits(bits: number): number {
  return bits > 1400 ? 6 : bits > 400 ? 5 : bits > 100 ? 4 : bits > 24 ? 3 : 2;
}

/** The windows of one exponent, highest first: window j ends at bit `ends[j]` with odd value `digits[j]`. */
export interface SlidingWindows {
  readonly ends: Int32Array;
  readonly digits: Int32Array;
}

/**
 * Left-to-right sliding windows of width ≤ k over a non-negative exponent: each window
 * starts at a set bit and is shortened to end at a set bit, so its value is odd.
 */
export function slidingWindows(exp: bigint, k: number): SlidingWindows {
  const bits = exp === 0n ? '' : exp.toString(2);
  const n = bits.length;
  const ends: number[] = [];
  const digits: number[] = [];
  let i = 0;
  while (i < n) {
    if (bits.charCodeAt(i) === 48) {
      i++;
      continue;
    }
    let j = Math.min(i + k, n);
    while (bits.charCodeAt(j - 1) === 48) j--;
    ends.push(n - j);
    digits.push(parseInt(bits.slice(i, j), 2));
    i = j;
  }
  return { ends: Int32Array.from(ends), digits: Int32Array.from(digits) };
}

/** The operations the multi-exponentiation driver needs from an arithmetic engine. */
export interface MultiExpSteps {
  /** acc ← table_i[t] (the first factor; acc was 1). */
  set(i: number, t: number): void;
  /** acc ← acc². */
  square(): void;
  /** acc ← acc · table_i[t], where table_i[t] = gᵢ^(2t+1). */
  multiply(i: number, t: number): void;
}

/**
 * Runs the interleaved sliding-window schedule for exponents `exps` with window widths
 * `widths` (tables of odd powers are the caller's). Returns false if every exponent is
 * zero (acc was never set: the product is 1).
 */
export function runMultiExp(exps: readonly bigint[], widths: readonly number[], steps: MultiExpSteps): boolean {
  const windows = exps.map((e, i) => slidingWindows(e, widths[i]!));
  const next = new Int32Array(exps.length);
  let top = -1;
  for (const w of windows) if (w.ends.length > 0) top = Math.max(top, w.ends[0]!);
  if (top < 0) return false;
  let started = false;
  for (let p = top; p >= 0; p--) {
    if (started) steps.square();
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i]!;
      const j = next[i]!;
      if (j < w.ends.length && w.ends[j] === p) {
        const t = (w.digits[j]! - 1) >> 1;
        if (started) steps.multiply(i, t);
        else steps.set(i, t);
        started = true;
        next[i] = j + 1;
      }
    }
  }
  return true;
}

