/**
 * The worker pool as the commands use it: `--workers` parsing (default: every core) and
 * a scope that always terminates the pool.
 * @module
 */
import { availableParallelism } from 'node:os';
import { createWorkerPool, type WorkerPool } from '@tessera/crypto/pool';
import { parseIntArg } from './args.ts';

/** Most workers `--workers` accepts. */
export const MAX_WORKERS = 256;

/**
 * Worker count from `--workers` (default `os.availableParallelism()`).
 * @throws {UsageError} if the value is not an integer in [1, 256].
 */
export function parseWorkers(text: string | undefined): number {
  return text === undefined ? availableParallelism() : parseIntArg('--workers', text, 1, MAX_WORKERS);
}

/** Runs `fn` with a pool of `size` workers and terminates the pool afterwards. */
export async function withPool<T>(size: number, fn: (pool: WorkerPool) => Promise<T>): Promise<T> {
  const pool = createWorkerPool({ size });
  try {
    return await fn(pool);
  } finally {
    await pool.terminate();
  }
}
