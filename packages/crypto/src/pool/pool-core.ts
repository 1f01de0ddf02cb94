/**
 * The platform-independent part of the worker pool: job scheduling, "first prime wins"
 * cancellation, progress aggregation, error re-creation, proof verification and proving
 * spread over the workers, and shutdown. `pool.node.ts` and `pool.browser.ts` only supply a function that
 * starts one worker.
 *
 * A `findPrimes(count)` call starts one search per worker. Each time a worker finds a
 * prime not seen before it is kept, and the worker starts another search while fewer
 * than `count` primes are known; once `count` are known, every running search is
 * cancelled (`cancel(jobId)` aborts the worker's `AbortController`; the search stops at
 * its next yield) and the call resolves after they have all stopped, leaving the pool idle.
 * @module
 */
import { proxy, type Remote } from 'comlink';
import {
  AbortError,
  CryptoError,
  FieldRangeError,
  FieldTypeError,
  RngHealthError,
  assertInteger,
  throwIfAborted,
} from '../errors.ts';
import { generatePaillierKeyPair } from '../paillier/index.ts';
import type { PaillierSecretKey } from '../paillier/index.ts';
import type { ZkVerifyJob, ZkVerifyResult } from '../zk/dispatch.ts';
import type { ZkProof, ZkProveJob, ZkProveResult } from '../zk/prove-dispatch.ts';
import type {
  PoolPaillierKeyGenOptions,
  PoolPrimeOptions,
  PoolProgress,
  PoolVerifyOptions,
  PrimeJobRequest,
  PrimeJobResult,
  PrimeProgress,
  PrimeWorkerApi,
  WorkerPool,
} from './types.ts';

/** One running worker, as the pool core sees it. */
export interface WorkerHandle {
  /** The worker's API through Comlink. */
  readonly api: Remote<PrimeWorkerApi>;
  /** Resolves with the reason once the worker has stopped (crash, exit or termination). */
  readonly stopped: Promise<Error>;
  /** Marks the worker busy or idle (Node: an idle worker does not keep the process alive). */
  setBusy(busy: boolean): void;
  /** Stops the worker; resolves once it is gone. */
  terminate(): Promise<void>;
}

/** Starts one worker. */
export type SpawnWorker = () => WorkerHandle;

/** Upper bound on pool size, far above any real core count. */
export const MAX_POOL_SIZE = 1024;

/** Re-creates a worker-side error on this side with its class and field. */
export function reviveWorkerError(r: { name: string; message: string; field?: string }): Error {
  const { field } = r;
  const bare = field !== undefined && r.message.startsWith(`${field}: `) ? r.message.slice(field.length + 2) : r.message;
  switch (r.name) {
    case 'FieldRangeError':
      return field !== undefined ? new FieldRangeError(field, bare) : new RangeError(r.message);
    case 'FieldTypeError':
      return field !== undefined ? new FieldTypeError(field, bare) : new TypeError(r.message);
    case 'CryptoError':
      return new CryptoError(bare, field);
    case 'AbortError':
      return new AbortError(r.message);
    case 'RngHealthError': {
      const m = /^RNG health test failed \(([a-z-]+)\): ([\s\S]*)$/.exec(r.message);
      const tests: readonly string[] = ['startup', 'repetition-count', 'adaptive-proportion', 'repeated-block', 'unavailable'];
      if (m && tests.includes(m[1]!)) return new RngHealthError(m[1] as RngHealthError['test'], m[2]!);
      return new RngHealthError('unavailable', r.message);
    }
    case 'RangeError':
      return new RangeError(r.message);
    case 'TypeError':
      return new TypeError(r.message);
    default: {
      const e = new Error(r.message);
      e.name = r.name;
      return e;
    }
  }
}

/** How a call on a worker ended: its value, its own rejection, or the worker stopping first. */
type CallOutcome<T> = { readonly kind: 'done'; readonly value: T } | { readonly kind: 'failed'; readonly error: unknown } | { readonly kind: 'stopped'; readonly reason: Error };

/** A worker slot: holds the current worker and starts a fresh one after a crash. */
class Slot {
  private handle: WorkerHandle | undefined;
  /** Calls in flight per worker (a worker is marked busy while it has any). */
  private readonly busy = new WeakMap<WorkerHandle, number>();
  constructor(private readonly spawn: SpawnWorker) {}

  /** The live worker, started on first use or after the previous one stopped. */
  get(): WorkerHandle {
    if (!this.handle) {
      const h = this.spawn();
      this.handle = h;
      void h.stopped.then(() => {
        if (this.handle === h) this.handle = undefined;
      });
    }
    return this.handle;
  }

  /** Calls the worker, keeping it marked busy meanwhile; never rejects (see {@link CallOutcome}). */
  async call<T>(f: (api: Remote<PrimeWorkerApi>) => Promise<T>): Promise<CallOutcome<T>> {
    const h = this.get();
    const inFlight = this.busy.get(h) ?? 0;
    this.busy.set(h, inFlight + 1);
    if (inFlight === 0) h.setBusy(true);
    try {
      const result = (async (): Promise<CallOutcome<T>> => {
        try {
          return { kind: 'done', value: await f(h.api) };
        } catch (error) {
          return { kind: 'failed', error };
        }
      })();
      const died = h.stopped.then((reason): CallOutcome<T> => ({ kind: 'stopped', reason }));
      return await Promise.race([result, died]);
    } finally {
      const left = (this.busy.get(h) ?? 1) - 1;
      this.busy.set(h, left);
      if (left === 0) h.setBusy(false);
    }
  }

  /** Runs one search on this slot's worker; rejects if the worker stops meanwhile. */
  async run(jobId: number, request: PrimeJobRequest, onProgress: ((p: PrimeProgress) => void) | undefined): Promise<PrimeJobResult> {
    const out = await this.call((api) => api.findPrime(jobId, request, onProgress ? proxy(onProgress) : undefined) as Promise<PrimeJobResult>);
    if (out.kind === 'done') return out.value;
    throw out.kind === 'failed' ? out.error : out.reason;
  }

  /** Asks the worker to stop job `jobId` (no-op if the worker is gone). */
  cancel(jobId: number): void {
    const h = this.handle;
    if (h) void Promise.resolve(h.api.cancel(jobId)).catch(() => undefined);
  }

  /** Stops the worker if one is running. */
  async terminate(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h) await h.terminate();
  }
}

/** Resolves when `p` settles, or rejects with AbortError as soon as `signal` aborts. */
function abortable(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return p;
  throwIfAborted(signal);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortError('operation aborted', { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    void p.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/**
 * Rough relative cost of verifying one proof of each kind (Π^mod and Π^prm run 80
 * repetitions of a full-size exponentiation); jobs are handed out costliest first, so a
 * batch ends with the cheap ones filling the gaps.
 */
const VERIFY_COST: Readonly<Record<string, number>> = Object.freeze({
  pimod: 80,
  piprm: 80,
  pifac: 12,
  piaffg: 8,
  pilogstar: 3,
  pienc: 3,
  'dleq-zn': 3,
  dleq: 1,
  schnorr: 1,
});


/**
 * Rough relative cost of making one proof of each kind (Π^mod: 80 square roots by CRT; Π^prm:
 * 80 exponentiations mod N̂; Π^fac and Π^aff-g: several full-size ring-Pedersen commitments).
 */
const PROVE_COST: Readonly<Record<string, number>> = Object.freeze({
  piprm: 80,
  pimod: 40,
  pifac: 14,
  piaffg: 10,
  pidec: 5,
  pimul: 4,
  pilogstar: 4,
  pienc: 4,
  'dleq-zn': 3,
  dleq: 1,
  schnorr: 1,
});

function costOf(table: Readonly<Record<string, number>>, job: unknown): number {
  const kind = job !== null && typeof job === 'object' ? (job as { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' && Object.hasOwn(table, kind) ? table[kind]! : 1;
}

/** Whether a value from a worker has the shape of a {@link ZkProveResult}. */
function isProveResult(r: unknown): r is ZkProveResult {
  if (r === null || typeof r !== 'object' || typeof (r as { kind?: unknown }).kind !== 'string') return false;
  const o = r as { ok?: unknown; proof?: unknown; name?: unknown; message?: unknown };
  return o.ok === true ? o.proof !== null && typeof o.proof === 'object' : o.ok === false && typeof o.name === 'string' && typeof o.message === 'string';
}

/** Whether a value from a worker has the shape of a {@link ZkVerifyResult}. */
function isVerifyResult(r: unknown): r is ZkVerifyResult {
  return r !== null && typeof r === 'object' && typeof (r as { ok?: unknown }).ok === 'boolean' && typeof (r as { kind?: unknown }).kind === 'string';
}

/**
 * Builds a {@link WorkerPool} of `size` workers started by `spawn`. Workers start lazily,
 * on the first call that needs them.
 * @throws {FieldRangeError} / {FieldTypeError} if `size` is not an integer in [1, 1024].
 */
export function createPoolCore(spawn: SpawnWorker, size: number): WorkerPool & Required<Pick<WorkerPool, 'proveZkJobs'>> {
  assertInteger('size', size, 1, MAX_POOL_SIZE);
  const slots = Array.from({ length: size }, () => new Slot(spawn));
  let terminated = false;
  let nextJobId = 1;
  let tail: Promise<void> = Promise.resolve();
  /** Aborts the search in progress when the pool is terminated. */
  let abortCurrent: ((e: Error) => void) | undefined;

  const search = (count: number, opts: PoolPrimeOptions): Promise<bigint[]> =>
    new Promise<bigint[]>((resolve, reject) => {
      const request: PrimeJobRequest = { bits: opts.bits, kind: opts.kind ?? 'random' };
      const found: bigint[] = [];
      const seen = new Set<bigint>();
      const running = new Map<number, { slot: Slot; done: Promise<void> }>();
      const progress = new Map<number, PrimeProgress>();
      const maxDuplicates = 64 + 2 * count;
      let duplicates = 0;
      let settled = false;
      const { signal, onProgress } = opts;

      const emit = (): void => {
        if (!onProgress || settled) return;
        let candidates = 0;
        let tested = 0;
        let expected = 0;
        for (const p of progress.values()) {
          candidates += p.candidates;
          tested += p.tested;
          expected = p.expected;
        }
        const report: PoolProgress = { candidates, tested, expected: expected * count, found: found.length, count };
        try {
          onProgress(report);
        } catch {
          // A failing progress callback must not break the search.
        }
      };

      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        abortCurrent = undefined;
        const stopping = [...running.entries()];
        for (const [jobId, job] of stopping) job.slot.cancel(jobId);
        void Promise.allSettled(stopping.map(([, job]) => job.done)).then(() => {
          if (error) reject(terminated && !(error instanceof AbortError) ? new AbortError('worker pool terminated', { cause: error }) : error);
          else resolve(found.slice(0, count));
        });
      };

      const onAbort = (): void => finish(new AbortError('operation aborted', { cause: signal?.reason }));

      const start = (slot: Slot): void => {
        const jobId = nextJobId++;
        const report = onProgress
          ? (p: PrimeProgress): void => {
              if (settled) return;
              progress.set(jobId, { candidates: p.candidates, tested: p.tested, expected: p.expected });
              emit();
            }
          : undefined;
        const done = slot.run(jobId, request, report).then(
          (result) => {
            running.delete(jobId);
            if (settled) return;
            if (result.kind === 'error') return finish(reviveWorkerError(result));
            if (result.kind === 'aborted') return finish(new AbortError('prime search was cancelled in the worker'));
            const { p } = result;
            if (typeof p !== 'bigint' || p.toString(2).length !== request.bits)
              return finish(new CryptoError(`worker returned a value that is not a ${request.bits}-bit integer`));
            if (seen.has(p)) {
              if (++duplicates > maxDuplicates)
                return finish(new CryptoError(`fewer than ${count} distinct ${request.bits}-bit primes of kind ${request.kind} were found`, 'count'));
            } else {
              seen.add(p);
              found.push(p);
              emit();
            }
            if (found.length >= count) return finish();
            start(slot);
          },
          (e: unknown) => {
            running.delete(jobId);
            finish(e instanceof Error ? e : new Error(String(e)));
          },
        );
        running.set(jobId, { slot, done });
      };

      abortCurrent = finish;
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const slot of slots) start(slot);
    });

  /**
   * Runs one-job calls on the workers, each job to the next free worker (costliest first), and
   * returns the results in job order. Machinery failures (abort, termination, a dead worker, a
   * malformed answer) reject the whole call.
   */
  const spread = async <J, R>(
    jobs: readonly J[],
    opts: PoolVerifyOptions,
    cost: Readonly<Record<string, number>>,
    call: (api: Remote<PrimeWorkerApi>, job: J) => Promise<R[]>,
    isResult: (r: unknown) => r is R,
    what: string,
  ): Promise<R[]> => {
    if (typeof opts !== 'object' || opts === null) throw new FieldTypeError('opts', 'expected an options object');
    if (terminated) throw new AbortError('worker pool terminated');
    const { signal } = opts;
    throwIfAborted(signal);
    const results: R[] = new Array<R>(jobs.length);
    const order = jobs.map((_, i) => i).sort((a, b) => costOf(cost, jobs[b]) - costOf(cost, jobs[a]));
    let next = 0;
    let failure: Error | undefined;
    /** One worker's loop: take the next job until none is left or something failed. */
    const drain = async (slot: Slot): Promise<void> => {
      while (failure === undefined && next < order.length) {
        if (terminated) failure = new AbortError('worker pool terminated');
        else if (signal?.aborted) failure = new AbortError('operation aborted', { cause: signal.reason });
        if (failure) return;
        const i = order[next++]!;
        const out = await slot.call((api) => call(api, jobs[i]!));
        if (out.kind === 'done') {
          const r: unknown = out.value;
          if (Array.isArray(r) && r.length === 1 && isResult(r[0])) results[i] = r[0];
          else failure ??= new CryptoError(`a worker answered with something that is not a ${what} result`, 'pool');
        } else if (out.kind === 'failed') {
          failure ??= out.error instanceof Error ? out.error : new Error(String(out.error));
        } else {
          failure ??= terminated ? new AbortError('worker pool terminated', { cause: out.reason }) : out.reason;
        }
      }
    };
    const all = Promise.all(slots.slice(0, Math.min(slots.length, jobs.length)).map(drain)).then(() => undefined);
    await abortable(all, signal);
    if (failure) throw failure;
    return results;
  };

  const pool: WorkerPool & Required<Pick<WorkerPool, 'proveZkJobs'>> = {
    size,
    async findPrimes(count: number, opts: PoolPrimeOptions): Promise<bigint[]> {
      assertInteger('count', count, 1, 1 << 16);
      if (typeof opts !== 'object' || opts === null) throw new FieldTypeError('opts', 'expected an options object');
      if (terminated) throw new AbortError('worker pool terminated');
      throwIfAborted(opts.signal);
      const previous = tail;
      let release!: () => void;
      const mine = new Promise<void>((r) => (release = r));
      tail = previous.then(() => mine);
      try {
        await abortable(previous, opts.signal);
        if (terminated) throw new AbortError('worker pool terminated');
        throwIfAborted(opts.signal);
        return await search(count, opts);
      } finally {
        release();
      }
    },
    async generatePaillierKeyPair(opts: PoolPaillierKeyGenOptions = {}): Promise<PaillierSecretKey> {
      const { onProgress, ...rest } = opts;
      return generatePaillierKeyPair({
        ...rest,
        findPrimes: (count, o) => pool.findPrimes(count, { bits: o.bits, kind: o.kind, signal: o.signal, onProgress }),
      });
    },
    async verifyZkJobs(jobs: readonly ZkVerifyJob[], opts: PoolVerifyOptions = {}): Promise<ZkVerifyResult[]> {
      if (!Array.isArray(jobs)) throw new FieldTypeError('jobs', 'expected an array of verification jobs');
      return spread(jobs, opts, VERIFY_COST, (api, job) => api.verifyZkJobs([job]) as Promise<ZkVerifyResult[]>, isVerifyResult, 'verification');
    },
    async proveZkJobs(jobs: readonly ZkProveJob[], opts: PoolVerifyOptions = {}): Promise<ZkProof[]> {
      if (!Array.isArray(jobs)) throw new FieldTypeError('jobs', 'expected an array of prove jobs');
      const results = await spread(jobs, opts, PROVE_COST, (api, job) => (api as unknown as Remote<Required<PrimeWorkerApi>>).proveZkJobs([job]) as Promise<ZkProveResult[]>, isProveResult, 'prove');
      const proofs: ZkProof[] = [];
      for (const r of results) {
        if (!r.ok) throw reviveWorkerError(r.field !== undefined ? { name: r.name, message: r.message, field: r.field } : { name: r.name, message: r.message });
        proofs.push(r.proof);
      }
      return proofs;
    },
    async terminate(): Promise<void> {
      terminated = true;
      abortCurrent?.(new AbortError('worker pool terminated'));
      await Promise.all(slots.map((s) => s.terminate()));
    },
  };
  return pool;
}
