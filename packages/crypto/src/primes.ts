/**
 * Prime generation: random primes, Blum primes (p ≡ 3 mod 4) and safe primes (p = 2q + 1
 * with q prime), all of an exact bit length with the top two bits set, so that the product
 * of two `bits`-bit primes has exactly 2·bits bits.
 *
 * Search: a random start in the allowed range, then an incremental search over an
 * arithmetic progression (step 2 for random primes, 4 for Blum primes, and for safe primes
 * step 6 over q ≡ 5 (mod 6), the only class where q and 2q + 1 can both be prime above 3).
 * Candidates are sieved a window at a time by every odd prime below a size-dependent
 * bound (up to 2^22 for safe primes); for safe primes q and 2q + 1 are sieved together, by
 * striking q ≡ 0 and q ≡ (r − 1)/2 (mod r) for each sieving prime r. Only survivors reach a
 * modular exponentiation: Miller–Rabin to base 2 (on q, then on p = 2q + 1 for safe primes),
 * then the rest of BPSW (strong Lucas) and {@link mrRoundsFor} random-base rounds, the same
 * tests as {@link isProbablePrime}. As with OpenSSL and Go, incremental search favours primes
 * after long gaps slightly; the start is fresh randomness for every call.
 *
 * The search is async: it yields to the event loop every ~25 ms of work (setImmediate in
 * Node, a MessageChannel in browsers and workers), so an AbortSignal or a worker's cancel
 * message is seen promptly.
 *
 * Security: the start and all candidates are secret. Sieving and testing use BigInt
 * arithmetic, which is not constant-time, and rejections happen at data-dependent points;
 * see the note in ./primality.ts and docs/threat-model.md.
 * @module
 */
import { FieldRangeError, FieldTypeError, assertBigInt, assertInteger, throwIfAborted } from './errors.ts';
import { backendReady } from './backend/index.ts';
import { isProbablePrime, isStrongLucasProbablePrime, isStrongProbablePrime, millerRabin, mrRoundsFor } from './primality.ts';
import type { ProbablePrimeOptions } from './primality.ts';
import { randomBits, systemRng } from './rng.ts';
import type { RandomSource } from './rng.ts';
import { oddPrimeTable, residuesModPrimes } from './sieve.ts';

/** What kind of prime to generate. */
export type PrimeKind = 'random' | 'blum' | 'safe';

/** Progress of one prime search. */
export interface PrimeSearchProgress {
  /** Candidates examined so far, including those struck out by the sieve. */
  candidates: number;
  /** Candidates that survived the sieve and reached a Miller–Rabin test. */
  tested: number;
  /** Rough expected number of candidates for this size and kind (the spread is wide). */
  expected: number;
}

/** Options of {@link generatePrime}. */
export interface GeneratePrimeOptions {
  /** Exact bit length of the prime, 16 ≤ bits ≤ 8192; its top two bits are set. */
  bits: number;
  /** `'random'` (default), `'blum'` (p ≡ 3 mod 4) or `'safe'` ((p − 1)/2 also prime). */
  kind?: PrimeKind;
  /** Source of randomness; default {@link systemRng}. */
  rng?: RandomSource;
  /** Cancels the search: the promise rejects with {@link AbortError}. */
  signal?: AbortSignal;
  /** Called at most every ~100 ms during the search, and once at the end. */
  onProgress?: (p: PrimeSearchProgress) => void;
}

const MIN_BITS = 16;
const MAX_BITS = 8192;
const KINDS: readonly PrimeKind[] = ['random', 'blum', 'safe'];
const YIELD_INTERVAL_MS = 25;
const PROGRESS_INTERVAL_MS = 100;
/** The twin-prime constant C₂ = ∏_{p>2} (1 − 1/(p − 1)²). */
const TWIN_PRIME_CONSTANT = 0.6601618158468696;

/** Everything about a search that depends only on kind and size. */
interface SearchPlan {
  readonly kind: PrimeKind;
  readonly bits: number;
  /** Distance between consecutive candidates of the searched variable (x, or q for safe primes). */
  readonly step: number;
  /** Smallest and largest value of the searched variable. */
  readonly lo: bigint;
  readonly hi: bigint;
  /** Candidates per sieve window. */
  readonly window: number;
  /** Sieving primes and their count; index `first` is the first one used. */
  readonly table: ReturnType<typeof oddPrimeTable>;
  readonly first: number;
  readonly count: number;
  readonly expected: number;
}

/**
 * Sieve bound, from a cost model measured on the BigInt backend: residues of the start cost
 * about 0.3 µs per two or three sieving primes, once per search; each doubling of the bound
 * removes a further ~7 % of the candidates that would otherwise cost a Miller–Rabin test.
 * Safe-prime searches test two numbers per candidate and run far longer, so they afford a
 * deeper sieve. Never above 2^(bits−3), so no candidate (≥ 3·2^(bits−3)) is itself a
 * sieving prime.
 */
function sieveLimit(kind: PrimeKind, bits: number): number {
  let limit: number;
  if (kind === 'safe') limit = bits >= 1536 ? 1 << 24 : bits >= 768 ? 1 << 22 : bits >= 256 ? 1 << 20 : 1 << 16;
  else limit = bits >= 1536 ? 1 << 21 : bits >= 768 ? 1 << 19 : bits >= 384 ? 1 << 16 : bits >= 256 ? 1 << 13 : 1 << 12;
  return Math.min(limit, 2 ** (bits - 3));
}

const planCache = new Map<string, SearchPlan>();

function planFor(kind: PrimeKind, bits: number): SearchPlan {
  const key = `${kind}:${bits}`;
  const cached = planCache.get(key);
  if (cached) return cached;
  const ln2 = Math.LN2;
  const safe = kind === 'safe';
  const step = kind === 'random' ? 2 : kind === 'blum' ? 4 : 6;
  const B = BigInt(bits);
  // Random/Blum: x in [3·2^(bits−2), 2^bits). Safe: q in [3·2^(bits−3), 2^(bits−1)), p = 2q + 1.
  const lo = safe ? 3n << (B - 3n) : 3n << (B - 2n);
  const hi = safe ? (1n << (B - 1n)) - 1n : (1n << B) - 1n;
  // Expected candidates: a random x ≡ 1 (mod 2) [resp. 3 (mod 4)] near 2^bits is prime with
  // probability 2/ln x; a q ≡ 5 (mod 6) gives a safe prime with probability ≈ 12·C₂/(ln q · ln p)
  // (Hardy–Littlewood).
  const expected = safe ? ((bits - 1) * ln2 * (bits * ln2)) / (12 * TWIN_PRIME_CONSTANT) : (bits * ln2) / 2;
  const window = safe ? 1 << 16 : Math.min(1 << 16, Math.max(256, 2 ** Math.ceil(Math.log2(4 * expected))));
  const table = oddPrimeTable(sieveLimit(kind, bits));
  const first = safe ? 1 : 0; // q ≡ 5 (mod 6) already excludes 3 (and 6 has no inverse mod 3)
  const plan: SearchPlan = { kind, bits, step, lo, hi, window, table, first, count: table.primes.length, expected: Math.round(expected) };
  planCache.set(key, plan);
  return plan;
}

/** t/2 mod r for odd r, 0 ≤ t < r. */
const half = (t: number, r: number): number => (t & 1 ? (t + r) / 2 : t / 2);

/** t/3 mod r for r prime to 3, 0 ≤ t < r: adds k·r with k ≡ −t·r⁻¹ ≡ −t·r (mod 3). */
const third = (t: number, r: number): number => (t + (((3 - (t % 3)) * (r % 3)) % 3) * r) / 3;

/** The j in [0, r) with step·j ≡ t (mod r), for step ∈ {2, 4, 6} and a sieving prime r > 3. */
function divideByStep(t: number, step: number, r: number): number {
  const h = half(t, r);
  return step === 2 ? h : step === 4 ? half(h, r) : third(h, r);
}

/** Strikes the progression off[i], off[i] + r, … for each sieving prime; leaves off[i] relative to the next window. */
function strike(mark: Uint8Array, plan: SearchPlan, off: Int32Array): void {
  const primes = plan.table.primes;
  const w = plan.window;
  for (let i = plan.first; i < plan.count; i++) {
    const r = primes[i]!;
    let j = off[i]!;
    for (; j < w; j += r) mark[j] = 1;
    off[i] = j - w;
  }
}

/** Asserts `rng` looks like a {@link RandomSource}. */
function assertRandomSource(field: string, rng: unknown): asserts rng is RandomSource {
  if (typeof rng !== 'object' || rng === null || typeof (rng as RandomSource).fill !== 'function')
    throw new FieldTypeError(field, 'expected a RandomSource (an object with a fill(Uint8Array) method)');
}

/** Lets the event loop run: setImmediate (Node), else a MessageChannel, else setTimeout. */
interface Yielder {
  next(): Promise<void>;
  close(): void;
}

function createYielder(): Yielder {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return { next: () => new Promise<void>((resolve) => void setImmediate(resolve)), close: () => {} };
  }
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return {
      next: () =>
        new Promise<void>((resolve) => {
          waiting.push(resolve);
          channel.port2.postMessage(null);
        }),
      close: () => {
        channel.port1.close();
        channel.port2.close();
      },
    };
  }
  return { next: () => new Promise<void>((resolve) => setTimeout(resolve, 0)), close: () => {} };
}

/** Validates the options object; returns the normalized pieces. */
function readOptions(opts: GeneratePrimeOptions): { bits: number; kind: PrimeKind; rng: RandomSource | undefined } {
  if (typeof opts !== 'object' || opts === null) throw new FieldTypeError('opts', 'expected an options object');
  assertInteger('bits', opts.bits, MIN_BITS, MAX_BITS);
  const kind = opts.kind ?? 'random';
  if (!KINDS.includes(kind)) throw new FieldRangeError('kind', `expected one of ${KINDS.join(', ')}, got ${String(kind)}`);
  if (opts.rng !== undefined) assertRandomSource('rng', opts.rng);
  const signal = opts.signal as unknown;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).aborted !== 'boolean'))
    throw new FieldTypeError('signal', 'expected an AbortSignal');
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function')
    throw new FieldTypeError('onProgress', 'expected a function');
  return { bits: opts.bits, kind, rng: opts.rng };
}

/**
 * Generates a prime of exactly `bits` bits with the top two bits set.
 *
 * - `'random'`: a random prime.
 * - `'blum'`: a prime p ≡ 3 (mod 4).
 * - `'safe'`: a safe prime p = 2q + 1 with q prime (so also p ≡ 3 mod 4).
 *
 * Every result passes {@link isProbablePrime} with the default rounds (and for safe primes,
 * so does q). Expect large spreads in running time, especially for safe primes.
 * @param opts bits, kind, rng, signal and onProgress (see {@link GeneratePrimeOptions}).
 * @returns the prime.
 * @throws {FieldTypeError} on malformed options. @throws {FieldRangeError} if `bits` or `kind` is out of range.
 * @throws {AbortError} (as a rejection, from ./errors.ts) when `signal` is or becomes aborted.
 * @throws {RngHealthError} if the system RNG fails its health tests.
 * @throws whatever `onProgress` throws (the search stops).
 * @example
 * const p = await generatePrime({ bits: 1024, kind: 'blum' });
 * p.toString(2).startsWith('11'); // true
 */
export async function generatePrime(opts: GeneratePrimeOptions): Promise<bigint> {
  const { bits, kind, rng: givenRng } = readOptions(opts);
  const { signal, onProgress } = opts;
  throwIfAborted(signal);
  await backendReady(); // run on the WebAssembly backend from the first candidate when it loads
  throwIfAborted(signal);
  const rng = givenRng ?? systemRng();
  const plan = planFor(kind, bits);
  const safe = kind === 'safe';
  const roundsX = mrRoundsFor(safe ? bits - 1 : bits);
  const roundsP = mrRoundsFor(bits);
  const { step, window: W, table, first, count } = plan;
  const primes = table.primes;
  const stepBig = BigInt(step);
  const stepWindow = BigInt(step * W);

  const progress: PrimeSearchProgress = { candidates: 0, tested: 0, expected: plan.expected };
  let yielder: Yielder | undefined;
  let lastYield = performance.now();
  let lastProgress = lastYield;
  const report = (): void => onProgress?.({ ...progress });
  /** Reports and yields when due (checked at least every ~25 ms); throws AbortError if cancelled. */
  const pause = async (now: number): Promise<void> => {
    if (onProgress && now - lastProgress >= PROGRESS_INTERVAL_MS) {
      lastProgress = now;
      report();
    }
    if (now - lastYield >= YIELD_INTERVAL_MS) {
      yielder ??= createYielder();
      await yielder.next();
      lastYield = performance.now();
    }
    throwIfAborted(signal);
  };

  /** Full tests after the sieve, cheapest rejection first. */
  const accept = (x: bigint): boolean => {
    if (!isStrongProbablePrime(x, 2n)) return false;
    if (!safe) return isStrongLucasProbablePrime(x) && millerRabin(x, roundsX, rng);
    const p = 2n * x + 1n;
    return (
      isStrongProbablePrime(p, 2n) &&
      isStrongLucasProbablePrime(x) &&
      millerRabin(x, roundsX, rng) &&
      isStrongLucasProbablePrime(p) &&
      millerRabin(p, roundsP, rng)
    );
  };

  const residues = new Uint32Array(count);
  const off0 = new Int32Array(count); // x ≡ 0 (mod r)
  const off1 = safe ? new Int32Array(count) : undefined; // 2q + 1 ≡ 0 (mod r)
  const mark = new Uint8Array(W);
  try {
    for (;;) {
      // A fresh random start in [lo, hi] with the kind's residue.
      let base = plan.lo + randomBits(bits - (safe ? 3 : 2), rng);
      if (kind === 'random') base |= 1n;
      else if (kind === 'blum') base |= 3n;
      else base += (5n - (base % 6n) + 6n) % 6n;
      residuesModPrimes(base, table, count, residues);
      for (let i = first; i < count; i++) {
        // base + step·j ≡ 0 (mod r), and for safe primes also 2(base + step·j) + 1 ≡ 0, i.e. ≡ (r − 1)/2.
        const r = primes[i]!;
        const rho = residues[i]!;
        off0[i] = divideByStep(rho === 0 ? 0 : r - rho, step, r);
        if (off1) {
          const t = (r - 1) / 2 - rho;
          off1[i] = divideByStep(t < 0 ? t + r : t, step, r);
        }
      }
      residues.fill(0);
      for (;;) {
        const span = plan.hi - base;
        if (span < 0n) break;
        const available = span / stepBig + 1n;
        const limit = available >= BigInt(W) ? W : Number(available);
        mark.fill(0);
        strike(mark, plan, off0);
        if (off1) strike(mark, plan, off1);
        const before = progress.candidates;
        for (let j = 0; j < limit; j++) {
          if (mark[j]) continue;
          const x = base + BigInt(step * j);
          progress.tested++;
          if (accept(x)) {
            progress.candidates = before + j + 1;
            report();
            return safe ? 2n * x + 1n : x;
          }
          const now = performance.now();
          if (now - lastYield >= YIELD_INTERVAL_MS) {
            progress.candidates = before + j + 1;
            await pause(now);
          }
        }
        progress.candidates = before + limit;
        await pause(performance.now());
        if (limit < W) break; // reached the top of the range: restart elsewhere
        base += stepWindow;
      }
    }
  } finally {
    yielder?.close();
    mark.fill(0);
    off0.fill(0);
    off1?.fill(0);
  }
}

/** Options of {@link isSafePrime} and {@link isBlumPrime}: those of {@link isProbablePrime}. */
export type PrimeCheckOptions = ProbablePrimeOptions;

/** Checks options up front, so that a quick `false` still rejects malformed ones. */
function assertPrimeCheckOptions(opts: PrimeCheckOptions): void {
  if (typeof opts !== 'object' || opts === null) throw new FieldTypeError('opts', 'expected an options object');
  if (opts.rounds !== undefined) assertInteger('rounds', opts.rounds, 0, 10_000);
  if (opts.rng !== undefined) assertRandomSource('rng', opts.rng);
}

/**
 * Whether p is a safe prime: p and q = (p − 1)/2 both (probable) primes, by
 * {@link isProbablePrime}. Pass `rounds: 64` for primes received from someone else.
 * @param p the candidate.
 * @param opts `rng` and `rounds` for the Miller–Rabin rounds.
 * @throws {FieldTypeError} if `p` is not a bigint or an option is malformed.
 * @throws {FieldRangeError} if `rounds` is out of range.
 * @example isSafePrime(23n); // true: 23 = 2·11 + 1
 */
export function isSafePrime(p: bigint, opts: PrimeCheckOptions = {}): boolean {
  assertBigInt('p', p);
  assertPrimeCheckOptions(opts);
  if (p < 5n) return false;
  if (p === 5n || p === 7n) return true;
  // Above 7, q is an odd prime ≥ 5, so q ≡ 5 (mod 6) and p ≡ 11 (mod 12).
  if (p % 12n !== 11n) return false;
  return isProbablePrime(p >> 1n, opts) && isProbablePrime(p, opts);
}

/**
 * Whether p is a Blum prime: a (probable) prime with p ≡ 3 (mod 4), by {@link isProbablePrime}.
 * @param p the candidate.
 * @param opts `rng` and `rounds` for the Miller–Rabin rounds.
 * @throws {FieldTypeError} if `p` is not a bigint or an option is malformed.
 * @throws {FieldRangeError} if `rounds` is out of range.
 * @example isBlumPrime(7n); // true
 */
export function isBlumPrime(p: bigint, opts: PrimeCheckOptions = {}): boolean {
  assertBigInt('p', p);
  assertPrimeCheckOptions(opts);
  if ((p & 3n) !== 3n) return false;
  return isProbablePrime(p, opts);
}
