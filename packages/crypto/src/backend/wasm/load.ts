/**
 * Loading the WebAssembly Montgomery backends: feature detection, decoding the generated
 * base64 module, and instantiation (synchronous where the engine allows it — Node, Web
 * Workers, small modules on a browser main thread — asynchronous otherwise).
 *
 * The compiled bytes live in `./montgomery.generated.js`, written by
 * packages/crypto/scripts/build-wasm.mjs (which `scripts/ensure.mjs` runs before
 * `npm test`, `npm start` and `pnpm bench`). It is imported dynamically, so a missing
 * build only makes {@link loadWasmBackends} reject: callers fall back to BigInt.
 * @module
 */
import { CryptoError } from '../../errors.ts';
import type { ModBackend } from '../types.ts';
import { createWasmBackend } from './engine.ts';
import type { MontgomeryExports, WasmVariant } from './engine.ts';

/** The WebAssembly backends this engine can run; `simd` is absent without 128-bit SIMD. */
export interface WasmBackends {
  readonly simd: ModBackend | undefined;
  readonly scalar: ModBackend;
}

// (module (func (result v128) (i64x2.extmul_low_i32x4_u (v128.const …) (v128.const …))))
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
  0x0a, 0x2b, 0x01, 0x29, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0xfd, 0x0c, ...new Array<number>(16).fill(0),
  0xfd, 0xde, 0x01, 0x0b,
]);

/** Whether WebAssembly is present at all. */
export function wasmSupported(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
}

/** Whether the engine validates WebAssembly 128-bit SIMD (including `i64x2.extmul`). */
export function wasmSimdSupported(): boolean {
  return wasmSupported() && WebAssembly.validate(SIMD_PROBE);
}

/** Decodes standard base64 (atob exists in browsers, workers and Node ≥ 16). */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function instantiate(bytes: Uint8Array<ArrayBuffer>): Promise<MontgomeryExports> {
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  } catch {
    // a browser main thread may refuse synchronous compilation
    instance = (await WebAssembly.instantiate(bytes, {})).instance;
  }
  return instance.exports as unknown as MontgomeryExports;
}

type Generated = typeof import('./montgomery.generated.js');
let generated: Promise<Generated> | undefined;
const variants = new Map<WasmVariant, Promise<ModBackend>>();

/** The generated module (memoized once it has loaded; a failure is retried on the next call). */
function importGenerated(): Promise<Generated> {
  generated ??= import('./montgomery.generated.js').catch((cause: unknown) => {
    generated = undefined;
    throw new CryptoError(
      `the WebAssembly module is not built (run node packages/crypto/scripts/build-wasm.mjs): ${String(cause)}`,
    );
  });
  return generated;
}

/**
 * One variant as a backend, compiled and instantiated on first use (memoized).
 * @throws {CryptoError} (rejects) if WebAssembly (or, for `simd`, 128-bit SIMD) is missing
 * or the generated module was not built.
 */
export function loadWasmBackend(variant: WasmVariant): Promise<ModBackend> {
  let p = variants.get(variant);
  if (p === undefined) {
    p = (async () => {
      if (!wasmSupported()) throw new CryptoError('WebAssembly is not available in this engine');
      if (variant === 'simd' && !wasmSimdSupported()) throw new CryptoError('this engine has no WebAssembly SIMD');
      const g = await importGenerated();
      const bytes = decodeBase64(variant === 'simd' ? g.simdWasmBase64 : g.scalarWasmBase64);
      return createWasmBackend(await instantiate(bytes), variant);
    })();
    variants.set(variant, p);
    p.catch(() => variants.delete(variant));
  }
  return p;
}

/**
 * The fastest WebAssembly backend this engine runs: SIMD where supported, else scalar.
 * @throws {CryptoError} (rejects) as {@link loadWasmBackend}.
 */
export function loadBestWasmBackend(): Promise<ModBackend> {
  return loadWasmBackend(wasmSimdSupported() ? 'simd' : 'scalar');
}

/**
 * Both variants (SIMD only where supported), e.g. to test or compare them.
 * @throws {CryptoError} (rejects) as {@link loadWasmBackend}.
 */
export async function loadWasmBackends(): Promise<WasmBackends> {
  const scalar = await loadWasmBackend('scalar');
  const simd = wasmSimdSupported() ? await loadWasmBackend('simd') : undefined;
  return { simd, scalar };
}
