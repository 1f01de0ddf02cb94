/**
 * Types of the module that packages/crypto/scripts/build-wasm.mjs generates next to this
 * file (montgomery.generated.js, gitignored): the compiled WebAssembly Montgomery module,
 * SIMD and scalar variants, as base64. Committed so that type-checking does not need a build.
 * @module
 */

/** Hash of the WAT source and build script the module was built from. */
export declare const sourceHash: string;
/** The SIMD variant (needs 128-bit SIMD: `i64x2.extmul_*_i32x4_u`). */
export declare const simdWasmBase64: string;
/** The scalar variant (MVP WebAssembly plus bulk memory). */
export declare const scalarWasmBase64: string;
