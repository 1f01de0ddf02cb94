/**
 * Web Worker entry of the prime pool (browsers): exposes the prime-search API on the
 * worker's global scope through Comlink. Bundled by Vite from `pool.browser.ts`
 * (`new Worker(new URL('./prime.worker.ts', import.meta.url), { type: 'module' })`).
 * @module
 */
import { expose } from 'comlink';
import { createPrimeWorkerApi } from './worker-api.ts';

expose(createPrimeWorkerApi());
