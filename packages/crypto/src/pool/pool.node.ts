/**
 * The worker pool for Node: `worker_threads` workers speaking Comlink through its Node
 * adapter. `@tessera/crypto/pool` resolves here outside browsers.
 *
 * Packages run as TypeScript source, and Node 20 does not apply loader hooks given to a
 * worker through `execArgv` (`--import tsx`) to the worker's own entry file. So when the
 * entry is a `.ts` file, the worker starts from a two-line bootstrap that registers tsx's
 * ESM hooks (`tsx/esm/api`, resolved to an absolute URL from this package, so the current
 * directory does not matter) and then imports the entry. This works the same under
 * `node --import tsx` (CLI, benchmark), under Vitest and from any working directory.
 * @module
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
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

const ENTRY = new URL('./prime.worker.node.ts', import.meta.url);

/** Registers tsx in the worker, then loads the real entry (run as CommonJS by `eval`). */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then((tsx) => { tsx.register(); return import(workerData.entry); });
`;

let tsxApiUrl: string | undefined;

/**
 * Absolute file URL of tsx's ESM registration API, resolved from this package.
 * @throws {Error} if tsx is not installed where this package can see it.
 */
function resolveTsxApi(): string {
  if (tsxApiUrl) return tsxApiUrl;
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve('tsx/package.json');
  } catch (e) {
    throw new Error('the Node worker pool runs TypeScript workers and needs the "tsx" package', { cause: e });
  }
  return (tsxApiUrl = pathToFileURL(join(dirname(pkgJson), 'dist/esm/api/index.mjs')).href);
}

/** Options that must not reach a worker: eval/print scripts and tsx loaders (the bootstrap registers its own). */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (['-e', '--eval', '-p', '--print'].includes(a)) {
      i++;
      continue;
    }
    if (a.startsWith('--eval=') || a.startsWith('--print=') || a.startsWith('--input-type')) continue;
    const m = /^(--import|--loader|--experimental-loader|--require|-r)(=(.*))?$/.exec(a);
    if (m) {
      const value = m[2] !== undefined ? m[3]! : args[i + 1];
      if (m[2] === undefined) i++;
      if (value !== undefined && !/tsx/.test(value)) out.push(m[1]!, value);
      continue;
    }
    out.push(a);
  }
  return out;
}

/** Starts one prime worker thread. */
function spawnNodeWorker(): WorkerHandle {
  const execArgv = workerExecArgv();
  const worker = ENTRY.pathname.endsWith('.ts')
    ? new Worker(BOOTSTRAP, { eval: true, execArgv, workerData: { tsxApi: resolveTsxApi(), entry: ENTRY.href } })
    : new Worker(ENTRY, { execArgv });
  worker.unref();
  let failure: Error | undefined;
  const stopped = new Promise<Error>((resolve) => {
    worker.once('error', (e: unknown) => {
      failure = new Error(`prime worker failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    });
    worker.once('exit', (code) => resolve(failure ?? new Error(`prime worker exited (code ${code})`)));
  });
  return {
    api: wrap<PrimeWorkerApi>(nodeEndpoint(worker)),
    stopped,
    setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
    async terminate() {
      await worker.terminate();
    },
  };
}

/**
 * Creates a pool of Node worker threads for parallel prime search. Workers start on first
 * use; an idle pool does not keep the process alive, and `terminate()` ends every worker.
 * @param opts.size number of workers (default `os.availableParallelism()`).
 * @throws {FieldRangeError} / {FieldTypeError} if `size` is not an integer in [1, 1024].
 * @example
 * const pool = createWorkerPool();
 * const [p, q] = await pool.findPrimes(2, { bits: 1024, kind: 'safe' });
 * await pool.terminate();
 */
export function createWorkerPool(opts: CreateWorkerPoolOptions = {}): WorkerPool {
  return createPoolCore(spawnNodeWorker, opts.size ?? availableParallelism());
}
