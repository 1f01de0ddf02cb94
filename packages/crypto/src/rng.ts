/**
 * The one source of randomness in Tessera: `crypto.getRandomValues` behind health tests,
 * and unbiased samplers for integers in [0, n), in [lo, hi) and in Z*_n.
 *
 * Health tests follow NIST SP 800-90B §4.4 on byte samples:
 * - start-up: before the first output, 4096 bytes (≥ 1024 samples) are drawn, run through
 *   both tests below and discarded;
 * - repetition count test (RCT): a run of `rctCutoff` identical bytes fails;
 * - adaptive proportion test (APT): within a window of 512 bytes, the first byte's value
 *   occurring `aptCutoff` times fails;
 * - repeated block: two consecutive outputs of 16 bytes or more that are equal fail.
 * Cut-offs use an assumed min-entropy of 8 bits per byte (the platform source is already
 * conditioned) and a false-alarm rate α = 2^-40 per sample.
 * On failure the generator latches into the failed state and every later call throws
 * {@link RngHealthError}: there is no fallback source.
 * @module
 */
import { RngHealthError, FieldRangeError, FieldTypeError, assertBigInt, assertInteger } from './errors.ts';
import { bitLength } from './bytes.ts';
import { gcd } from './modular.ts';

/** Something that fills byte arrays with random bytes. */
export interface RandomSource {
  /** Fills `out` with random bytes and returns it. @throws {RngHealthError} */
  fill(out: Uint8Array): Uint8Array;
}

/** Raw entropy input for {@link createHealthCheckedRng}: fills the buffer (≤ 65536 bytes per call). */
export type EntropyInput = (out: Uint8Array) => void;

/** Tuning of the health tests. Defaults are documented in the module header. */
export interface HealthTestOptions {
  /** −log2 of the per-sample false-alarm rate. Default 40. */
  alphaExponent?: number;
  /** Assumed min-entropy per byte, in bits (0 < H ≤ 8). Default 8. */
  minEntropyPerByte?: number;
}

/** Counters exposed for status screens and tests. */
export interface RngHealthStatus {
  readonly state: 'untested' | 'ok' | 'failed';
  readonly bytesTested: number;
  readonly rctCutoff: number;
  readonly aptCutoff: number;
  readonly failure: RngHealthError | undefined;
}

const APT_WINDOW = 512;
const STARTUP_BYTES = 4096;
const MAX_CHUNK = 65536;
const BLOCK_COMPARE_MIN = 16;

/** RCT cut-off C = 1 + ⌈α_exp / H⌉ (SP 800-90B §4.4.1). */
export function repetitionCountCutoff(alphaExponent: number, minEntropy: number): number {
  return 1 + Math.ceil(alphaExponent / minEntropy);
}

/**
 * APT cut-off: the smallest c with P[X ≥ c] ≤ 2^-α_exp for X ~ Binomial(W − 1, 2^-H),
 * plus one for the window's first sample (SP 800-90B §4.4.2, counting it as in the spec).
 */
export function adaptiveProportionCutoff(alphaExponent: number, minEntropy: number, window = APT_WINDOW): number {
  const p = 2 ** -minEntropy;
  const n = window - 1;
  const target = -alphaExponent * Math.LN2;
  // log P[X = k] computed incrementally; tail summed from the top with log-sum-exp.
  const logPmf: number[] = new Array(n + 1);
  logPmf[0] = n * Math.log1p(-p);
  for (let k = 1; k <= n; k++) logPmf[k] = logPmf[k - 1]! + Math.log((n - k + 1) / k) + Math.log(p) - Math.log1p(-p);
  let logTail = -Infinity;
  for (let k = n; k >= 0; k--) {
    const a = logPmf[k]!;
    logTail = logTail === -Infinity ? a : Math.max(a, logTail) + Math.log1p(Math.exp(-Math.abs(a - logTail)));
    if (logTail > target) return k + 2; // P[X ≥ k+1] ≤ 2^-α; +1 for the window's first sample
  }
  return 1;
}

function platformEntropy(): EntropyInput {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (!c || typeof c.getRandomValues !== 'function')
    throw new RngHealthError('unavailable', 'crypto.getRandomValues is not available in this environment');
  return (out) => {
    c.getRandomValues(out);
  };
}

/** A {@link RandomSource} with its health status. */
export interface HealthCheckedRng extends RandomSource {
  /** Current health-test state and counters. */
  status(): RngHealthStatus;
}

/**
 * Wraps an entropy input with SP 800-90B start-up and continuous health tests.
 * @param input raw source; defaults to `crypto.getRandomValues`.
 * @throws {RngHealthError} from `fill` when a test fails (and on every call after).
 */
export function createHealthCheckedRng(input?: EntropyInput, opts: HealthTestOptions = {}): HealthCheckedRng {
  const alpha = opts.alphaExponent ?? 40;
  const h = opts.minEntropyPerByte ?? 8;
  if (!(h > 0 && h <= 8)) throw new FieldRangeError('minEntropyPerByte', 'expected 0 < H ≤ 8');
  const rctCutoff = repetitionCountCutoff(alpha, h);
  const aptCutoff = adaptiveProportionCutoff(alpha, h);
  let source: EntropyInput | undefined = input;
  let state: RngHealthStatus['state'] = 'untested';
  let failure: RngHealthError | undefined;
  let bytesTested = 0;
  // RCT state
  let lastByte = -1;
  let runLength = 0;
  // APT state
  let aptFirst = -1;
  let aptCount = 0;
  let aptSeen = 0;
  // repeated-block state
  let lastBlock: Uint8Array | undefined;

  const fail = (test: RngHealthError['test'], msg: string): never => {
    state = 'failed';
    failure = new RngHealthError(test, msg);
    throw failure;
  };

  const check = (buf: Uint8Array): void => {
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i]!;
      if (b === lastByte) {
        if (++runLength >= rctCutoff) fail('repetition-count', `${runLength} identical bytes in a row (cut-off ${rctCutoff})`);
      } else {
        lastByte = b;
        runLength = 1;
      }
      if (aptSeen === 0) {
        aptFirst = b;
        aptCount = 1;
      } else if (b === aptFirst && ++aptCount >= aptCutoff) {
        fail('adaptive-proportion', `value seen ${aptCount} times in a ${APT_WINDOW}-byte window (cut-off ${aptCutoff})`);
      }
      if (++aptSeen === APT_WINDOW) aptSeen = 0;
    }
    bytesTested += buf.length;
  };

  const draw = (out: Uint8Array): void => {
    for (let off = 0; off < out.length; off += MAX_CHUNK) {
      const chunk = out.subarray(off, Math.min(out.length, off + MAX_CHUNK));
      source!(chunk);
      check(chunk);
    }
  };

  const startup = (): void => {
    try {
      source ??= platformEntropy();
    } catch (e) {
      state = 'failed';
      failure = e instanceof RngHealthError ? e : new RngHealthError('unavailable', String(e));
      throw failure;
    }
    const sample = new Uint8Array(STARTUP_BYTES);
    try {
      draw(sample);
    } catch (e) {
      if (e instanceof RngHealthError) throw (failure = new RngHealthError('startup', e.message));
      throw e;
    } finally {
      sample.fill(0);
    }
    state = 'ok';
  };

  return {
    fill(out: Uint8Array): Uint8Array {
      if (!(out instanceof Uint8Array)) throw new FieldTypeError('out', 'expected Uint8Array');
      if (state === 'failed') throw failure!;
      if (state === 'untested') startup();
      draw(out);
      if (out.length >= BLOCK_COMPARE_MIN) {
        if (lastBlock && lastBlock.length === out.length && lastBlock.every((v, i) => v === out[i]))
          fail('repeated-block', `two consecutive ${out.length}-byte outputs are equal`);
        // Security: the comparison needs a copy of the last block; it is overwritten by the
        // next output and never leaves this closure.
        if (!lastBlock || lastBlock.length !== out.length) lastBlock = new Uint8Array(out.length);
        lastBlock.set(out);
      }
      return out;
    },
    status: () => ({ state, bytesTested, rctCutoff, aptCutoff, failure }),
  };
}

let systemInstance: HealthCheckedRng | undefined;

/** The process-wide health-checked RNG over `crypto.getRandomValues` (created on first use). */
export function systemRng(): HealthCheckedRng {
  return (systemInstance ??= createHealthCheckedRng());
}

/** `n` fresh random bytes. @throws {RngHealthError} */
export function randomBytes(n: number, rng: RandomSource = systemRng()): Uint8Array {
  assertInteger('n', n, 0, 1 << 30);
  return rng.fill(new Uint8Array(n));
}

/** A uniformly random integer of at most `bits` bits, i.e. in [0, 2^bits). */
export function randomBits(bits: number, rng: RandomSource = systemRng()): bigint {
  assertInteger('bits', bits, 0, 1 << 24);
  if (bits === 0) return 0n;
  const nBytes = Math.ceil(bits / 8);
  const buf = rng.fill(new Uint8Array(nBytes));
  const excess = nBytes * 8 - bits;
  buf[0]! &= 0xff >> excess;
  let hex = '';
  for (let i = 0; i < buf.length; i++) hex += buf[i]!.toString(16).padStart(2, '0');
  buf.fill(0);
  return BigInt('0x' + hex);
}

/**
 * A uniformly random integer in [0, n), by rejection sampling on ⌈log2 n⌉ bits
 * (no modular bias; expected fewer than two draws).
 * @throws {FieldRangeError} if n ≤ 0.
 */
export function randomBelow(n: bigint, rng: RandomSource = systemRng()): bigint {
  assertBigInt('n', n);
  if (n <= 0n) throw new FieldRangeError('n', 'upper bound must be positive');
  if (n === 1n) return 0n;
  const bits = bitLength(n - 1n);
  for (;;) {
    const x = randomBits(bits, rng);
    if (x < n) return x;
  }
}

/** A uniformly random integer in [lo, hi). @throws {FieldRangeError} if lo ≥ hi. */
export function randomInRange(lo: bigint, hi: bigint, rng: RandomSource = systemRng()): bigint {
  assertBigInt('lo', lo);
  assertBigInt('hi', hi);
  if (lo >= hi) throw new FieldRangeError('hi', 'empty range (lo ≥ hi)');
  return lo + randomBelow(hi - lo, rng);
}

/**
 * A uniformly random element of Z*_n: 0 < r < n with gcd(r, n) = 1.
 * @throws {FieldRangeError} if n < 2.
 */
export function randomZnStar(n: bigint, rng: RandomSource = systemRng()): bigint {
  assertBigInt('n', n);
  if (n < 2n) throw new FieldRangeError('n', 'Z*_n needs n ≥ 2');
  for (;;) {
    const r = randomBelow(n, rng);
    if (r !== 0n && gcd(r, n) === 1n) return r;
  }
}
