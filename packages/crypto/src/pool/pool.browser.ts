/**
 * The worker pool for browsers: module Web Workers speaking Comlink. `@tessera/crypto/pool`
 * resolves here under the `browser` condition; Vite bundles `prime.worker.ts` from the
 * `new Worker(new URL(...), { type: 'module' })` expression below.
 * @module
 */
import { wrap } from 'comlink';
import { createPoolCore, type WorkerHandle } from './pool-core.ts';
import type { CreateWorkerPoolOptions, PrimeWorkerApi, WorkerPool } from './types.ts';

export type {
  CreateWorkerPoolOptions,
  PoolPaillierKeyGenOptions,
  PoolPrimeOptions,
  PoolProgress,
  PrimeProgress,
  WorkerPool,
  ZkProof,
  ZkProveJob,
} from './types.ts';

/** Starts one prime Web Worker. */
function spawnWebWorker(): WorkerHandle {
  const worker = new Worker(new URL('./prime.worker.ts', import.meta.url), { type: 'module', name: 'tessera-prime' });
  let stop!: (reason: Error) => void;
  const stopped = new Promise<Error>((resolve) => (stop = resolve));
  worker.addEventListener('error', (ev: ErrorEvent) => {
    ev.preventDefault();
    stop(new Error(`prime worker failed: ${ev.message || 'script error'}`));
    worker.terminate();
  });
  worker.addEventListener('messageerror', () => {
    stop(new Error('prime worker sent a message that could not be deserialized'));
    worker.terminate();
  });
  return {
    api: wrap<PrimeWorkerApi>(worker),
    stopped,
    setBusy: () => undefined,
    async terminate() {
      worker.terminate();
      stop(new Error('prime worker terminated'));
    },
  };
}

/** Default pool size: the number of logical cores the browser reports (at least 1). */
function defaultSize(): number {
  const n = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? n : 2;
}

/**
 * Creates a pool of Web Workers for parallel prime search. Workers start on first use;
 * `terminate()` ends every worker.
 * @param opts.size number of workers (default `navigator.hardwareConcurrency`).
 * @throws {FieldRangeError} / {FieldTypeError} if `size` is not an integer in [1, 1024].
 * @example
 * const pool = createWorkerPool();
 * const [p, q] = await pool.findPrimes(2, { bits: 1024, kind: 'safe' });
 * await pool.terminate();
 */
export function createWorkerPool(opts: CreateWorkerPoolOptions = {}): WorkerPool {
  return createPoolCore(spawnWebWorker, opts.size ?? defaultSize());
}
