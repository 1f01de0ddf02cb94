/**
 * The prime-search and proof-verification service that runs inside each pool worker (Web
 * Worker or Node worker thread). It is transport-free: `prime.worker.ts` /
 * `prime.worker.node.ts` expose it through Comlink, and tests may call it directly.
 *
 * Verification and proving load the proof suite (`zk/dispatch.ts`, `zk/prove-dispatch.ts`) on
 * first use, so a worker that only searches primes never loads it. Prove jobs carry witnesses:
 * the worker proves with its own `systemRng()` and drops each witness right after use.
 *
 * Every job owns an `AbortController`; `cancel(jobId)` aborts it and `generatePrime`,
 * which yields to the event loop between candidates, stops at its next yield. Results and
 * failures are returned as values so that error names and fields survive the trip back to
 * the main thread (Comlink would keep only name and message).
 * @module
 */
import { releaseProxy } from 'comlink';
import { backendReady } from '../backend/index.ts';
import { AbortError } from '../errors.ts';
import { generatePrime } from '../primes.ts';
import type { ZkVerifyJob, ZkVerifyResult } from '../zk/dispatch.ts';
import type { ZkProveJob, ZkProveResult } from '../zk/prove-dispatch.ts';
import type { PrimeJobRequest, PrimeJobResult, PrimeProgress, PrimeWorkerApi } from './types.ts';

/** Minimum interval between two progress messages of one job, in milliseconds. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * Releases a Comlink proxy, which closes its message channel so that neither side is kept
 * alive by it; a plain function (direct calls in tests) has nothing to release.
 */
function releaseCallback(cb: unknown): void {
  try {
    const release = (cb as { [releaseProxy]?: unknown })[releaseProxy];
    if (typeof release === 'function') release();
  } catch {
    // Already released; nothing to do.
  }
}

/** Calls a (possibly remote) progress sink without letting its failure reach the search. */
function send(cb: (p: PrimeProgress) => void, p: PrimeProgress): void {
  try {
    const r: unknown = cb({ candidates: p.candidates, tested: p.tested, expected: p.expected });
    if (r instanceof Promise) r.catch(() => undefined);
  } catch {
    // A progress sink that throws must not stop the search.
  }
}

/** Turns anything thrown into a structured {@link PrimeJobResult}. */
function describeError(e: unknown): PrimeJobResult {
  if (e instanceof Error) {
    const field = (e as { field?: unknown }).field;
    return typeof field === 'string'
      ? { kind: 'error', name: e.name, message: e.message, field }
      : { kind: 'error', name: e.name, message: e.message };
  }
  return { kind: 'error', name: 'Error', message: String(e) };
}

/** `verifyZkJobs` of the proof suite, imported on first use. */
let dispatch: Promise<typeof import('../zk/dispatch.ts')> | undefined;

/** `proveZkJobsSettled` of the proof suite, imported on first use. */
let proveDispatch: Promise<typeof import('../zk/prove-dispatch.ts')> | undefined;

/**
 * Creates the worker-side API: one running prime search per `findPrime` call, each
 * cancellable by id, and batch proof verification.
 */
export function createPrimeWorkerApi(): PrimeWorkerApi {
  const jobs = new Map<number, AbortController>();
  return {
    async findPrime(jobId: number, request: PrimeJobRequest, onProgress?: (p: PrimeProgress) => void): Promise<PrimeJobResult> {
      const controller = new AbortController();
      jobs.set(jobId, controller);
      let pending: PrimeProgress | undefined;
      let lastSent = -Infinity;
      const progress =
        onProgress &&
        ((p: PrimeProgress): void => {
          const now = Date.now();
          if (now - lastSent >= PROGRESS_INTERVAL_MS) {
            lastSent = now;
            pending = undefined;
            send(onProgress, p);
          } else {
            pending = { candidates: p.candidates, tested: p.tested, expected: p.expected };
          }
        });
      try {
        await backendReady(); // the WebAssembly backend, once loaded, for every search
        const p = await generatePrime({ bits: request.bits, kind: request.kind, signal: controller.signal, onProgress: progress });
        return { kind: 'prime', p };
      } catch (e) {
        if (controller.signal.aborted && (e instanceof AbortError || (e instanceof Error && e.name === 'AbortError')))
          return { kind: 'aborted' };
        return describeError(e);
      } finally {
        jobs.delete(jobId);
        if (onProgress) {
          if (pending) send(onProgress, pending);
          releaseCallback(onProgress);
        }
      }
    },
    cancel(jobId: number): void {
      jobs.get(jobId)?.abort(new AbortError('prime search cancelled by the pool'));
    },
    async verifyZkJobs(list: readonly ZkVerifyJob[]): Promise<ZkVerifyResult[]> {
      await backendReady(); // verification exponentiates on the WebAssembly backend
      dispatch ??= import('../zk/dispatch.ts');
      const { verifyZkJobs } = await dispatch;
      return verifyZkJobs(Array.isArray(list) ? list : []);
    },
    async proveZkJobs(list: readonly ZkProveJob[]): Promise<ZkProveResult[]> {
      await backendReady();
      proveDispatch ??= import('../zk/prove-dispatch.ts');
      const { proveZkJobsSettled } = await proveDispatch;
      // the jobs are this worker's structured clones: proveZkJobsSettled wipes their witnesses
      return proveZkJobsSettled(list);
    },
  };
}
