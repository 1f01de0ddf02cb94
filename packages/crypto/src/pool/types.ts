/**
 * Types shared by the worker pool's two halves: the main-thread pool (`pool.node.ts`,
 * `pool.browser.ts`, `pool-core.ts`) and the code that runs inside each worker
 * (`worker-api.ts`, `prime.worker.ts`, `prime.worker.node.ts`).
 * @module
 */
import type { GeneratePrimeOptions, PrimeKind } from '../primes.ts';
import type { PaillierKeygenOptions, PaillierSecretKey } from '../paillier/index.ts';
import type { ZkVerifyJob, ZkVerifyResult } from '../zk/dispatch.ts';
import type { ZkProof, ZkProveJob, ZkProveResult } from '../zk/prove-dispatch.ts';

export type { ZkVerifyJob, ZkVerifyResult } from '../zk/dispatch.ts';
export type { ZkProof, ZkProveJob, ZkProveResult } from '../zk/prove-dispatch.ts';

/** Progress of one prime search, as reported by `generatePrime`. */
export interface PrimeProgress {
  /** Candidates drawn so far. */
  candidates: number;
  /** Candidates that reached a probabilistic test. */
  tested: number;
  /** Expected number of candidates per prime for this size and kind. */
  expected: number;
}

/**
 * Progress of a pool search, summed over every worker and every job of one
 * {@link WorkerPool.findPrimes} call. `expected` is the expected number of candidates for
 * all `count` primes, so `candidates / expected` is a fair progress fraction.
 */
export interface PoolProgress extends PrimeProgress {
  /** Distinct primes found so far. */
  found: number;
  /** Primes asked for. */
  count: number;
}

/**
 * Options of {@link WorkerPool.findPrimes}: those of `generatePrime` except `rng` (each
 * worker draws from its own health-checked `systemRng()`), with pool-wide progress.
 */
export type PoolPrimeOptions = Omit<GeneratePrimeOptions, 'rng' | 'onProgress'> & {
  /** Called with progress summed over all workers (a few times per second at most per worker). */
  onProgress?: (p: PoolProgress) => void;
};

/** Options of `createWorkerPool`. */
export interface CreateWorkerPoolOptions {
  /**
   * Number of workers. Default: `navigator.hardwareConcurrency` in browsers,
   * `os.availableParallelism()` in Node.
   */
  size?: number;
}

/**
 * Options of {@link WorkerPool.generatePaillierKeyPair}: those of the Paillier module
 * minus `findPrimes` (the pool supplies it) and `rng` (each worker uses its own system
 * RNG), with pool-wide progress.
 */
export type PoolPaillierKeyGenOptions = Omit<PaillierKeygenOptions, 'findPrimes' | 'onProgress' | 'rng'> & {
  /** Progress of the prime search, summed over workers. */
  onProgress?: (p: PoolProgress) => void;
};

/** Options of {@link WorkerPool.verifyZkJobs}. */
export interface PoolVerifyOptions {
  /** Stops handing out jobs and rejects with AbortError (jobs already in a worker finish there). */
  signal?: AbortSignal;
}

/**
 * A pool of workers that search for primes and verify proofs in parallel. Same interface in
 * browsers and Node.
 */
export interface WorkerPool {
  /** Number of workers. */
  readonly size: number;
  /**
   * Runs the prime search on every worker and returns the first `count` distinct primes
   * found; the searches still running are cancelled before the promise settles, so the
   * pool is idle when it does. Calls on one pool run one after another.
   * @throws {AbortError} if `opts.signal` aborts, or the pool is terminated meanwhile.
   * @throws {FieldRangeError} / {FieldTypeError} for bad options (checked in the worker,
   *   re-created here with their field).
   * @throws {CryptoError} if not enough distinct primes of that size exist.
   * @throws {Error} if a worker dies (the pool replaces it; later calls work).
   */
  findPrimes(count: number, opts: PoolPrimeOptions): Promise<bigint[]>;
  /**
   * Paillier key generation (same options and result as the Paillier module's
   * `generatePaillierKeyPair`) with the two primes found in parallel by this pool.
   * @throws what `generatePaillierKeyPair` and {@link WorkerPool.findPrimes} throw.
   */
  generatePaillierKeyPair(opts?: PoolPaillierKeyGenOptions): Promise<PaillierSecretKey>;
  /**
   * Verifies proofs described as plain data (`zk/dispatch.ts`) on the workers: each job goes
   * to the next free worker (the costliest kinds first), which runs `await backendReady()`
   * then `verifyZkJobs([job])`; results come back in job order, exactly as the in-thread
   * `verifyZkJobs(jobs)` gives them (`{ ok: false, field, … }` for a failed check, never a
   * rejection). Failures of the machinery itself reject the whole call instead of becoming
   * results, so they can never be mistaken for a bad proof (and blamed on its prover).
   * Unlike `findPrimes`, calls are not queued: they share the workers with whatever else
   * runs there.
   * @throws {FieldTypeError} if `jobs` is not an array.
   * @throws {AbortError} if `opts.signal` aborts or the pool is terminated meanwhile.
   * @throws {Error} if a worker dies during the call (the pool replaces it; later calls work),
   * or a job cannot be sent to a worker (e.g. `DataCloneError`: not structured-clone-able).
   * @throws {CryptoError} if a worker answers with something that is not a result.
   */
  verifyZkJobs(jobs: readonly ZkVerifyJob[], opts?: PoolVerifyOptions): Promise<ZkVerifyResult[]>;
  /**
   * Makes proofs described as plain data (`zk/prove-dispatch.ts`) on the workers: each job goes
   * to the next free worker (costliest kinds first), which proves it with its own health-checked
   * `systemRng()` and wipes its copy of the witness; the proofs come back in job order, each
   * valid exactly when the in-thread `proveZkJobs(jobs)` would give a valid one.
   * SECURITY: the witness (secret factors, nonces, MtA secrets) is structured-cloned to a worker
   * of this pool — same process and origin, same trust; never hand a pool that talks to
   * anything else. A job the prover refuses (bad witness, malformed statement) rejects the
   * call with the prover's own error class and field, re-created here.
   * @throws {FieldTypeError} if `jobs` is not an array, or (re-created) for a malformed job.
   * @throws {FieldRangeError} / {CryptoError} (re-created, naming the field, e.g. `witness`)
   *   if a witness does not satisfy its statement or is out of range.
   * @throws {AbortError} if `opts.signal` aborts or the pool is terminated meanwhile.
   * @throws {Error} if a worker dies during the call (the pool replaces it), or a job cannot be
   *   sent to a worker (e.g. `DataCloneError`).
   * @throws {CryptoError} if a worker answers with something that is not a prove result.
   * Optional in the interface only so that hand-written pools (test doubles) made before it
   * existed still type-check; both real pools (`pool.node.ts`, `pool.browser.ts`) have it.
   */
  proveZkJobs?(jobs: readonly ZkProveJob[], opts?: PoolVerifyOptions): Promise<ZkProof[]>;
  /**
   * Ends every worker. A pending `findPrimes` rejects with `AbortError`; later calls
   * reject. Idempotent.
   */
  terminate(): Promise<void>;
}

/** What a worker is asked to search for (the serializable part of the options). */
export interface PrimeJobRequest {
  bits: number;
  kind: PrimeKind;
}

/** Outcome of one job, returned (never thrown) across the worker boundary. */
export type PrimeJobResult =
  | { kind: 'prime'; p: bigint }
  | { kind: 'aborted' }
  | { kind: 'error'; name: string; message: string; field?: string };

/** The object each worker exposes through Comlink (prime search and proof verification). */
export interface PrimeWorkerApi {
  /**
   * Searches for one prime; resolves when found, cancelled or failed. `onProgress`, when
   * given, is a Comlink proxy released by the worker when the job ends.
   */
  findPrime(jobId: number, request: PrimeJobRequest, onProgress?: (p: PrimeProgress) => void): Promise<PrimeJobResult>;
  /** Aborts job `jobId` if it is running (the search stops at its next yield). */
  cancel(jobId: number): void;
  /**
   * Waits for the arithmetic backend, then verifies the jobs in order with `verifyZkJobs`
   * (never rejects for a bad proof or job: failures are results).
   */
  verifyZkJobs(jobs: readonly ZkVerifyJob[]): Promise<ZkVerifyResult[]>;
  /**
   * Waits for the arithmetic backend, then proves the jobs in order with `proveZkJobsSettled`
   * (the worker's own `systemRng()`; witnesses wiped after use; never rejects for a refused
   * job: failures are results carrying the error's class name and field). Optional only for
   * test doubles written before it existed; the real worker has it.
   */
  proveZkJobs?(jobs: readonly ZkProveJob[]): Promise<ZkProveResult[]>;
}
