/**
 * Node worker-thread entry of the prime pool: exposes the prime-search API on
 * `parentPort` through Comlink's Node adapter. Started by `pool.node.ts`.
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createPrimeWorkerApi } from './worker-api.ts';

if (!parentPort) throw new Error('prime.worker.node.ts must run in a worker thread');
expose(createPrimeWorkerApi(), nodeEndpoint(parentPort));
