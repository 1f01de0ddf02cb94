/**
 * Error types and argument asserters shared by every Tessera package.
 *
 * Convention (after noble): a wrong type is a `TypeError`, a wrong length or range a
 * `RangeError`, and both name the offending field; a cryptographic failure is a
 * `CryptoError`. Callers (the CLI, protocol rounds) read `.field` to report or blame.
 * @module
 */

/** A `TypeError` that names the argument or wire field it is about. */
export class FieldTypeError extends TypeError {
  /** Name of the offending argument or field, e.g. `"bits"` or `"key.n"`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'FieldTypeError';
    this.field = field;
  }
}

/** A `RangeError` that names the argument or wire field it is about. */
export class FieldRangeError extends RangeError {
  /** Name of the offending argument or field. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'FieldRangeError';
    this.field = field;
  }
}

/** A cryptographic check failed (invalid key, ciphertext, proof, share...). */
export class CryptoError extends Error {
  /** Name of the value that failed the check, when there is one. */
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(field === undefined ? message : `${field}: ${message}`);
    this.name = 'CryptoError';
    this.field = field;
  }
}

/** The randomness source failed a health test; no random output is produced after this. */
export class RngHealthError extends Error {
  /** Which test failed: start-up, repetition count, adaptive proportion or repeated block. */
  readonly test: 'startup' | 'repetition-count' | 'adaptive-proportion' | 'repeated-block' | 'unavailable';
  constructor(test: RngHealthError['test'], message: string) {
    super(`RNG health test failed (${test}): ${message}`);
    this.name = 'RngHealthError';
    this.test = test;
  }
}

/** Long-running work was cancelled through an `AbortSignal`. */
export class AbortError extends Error {
  constructor(message = 'operation aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/** Throws {@link AbortError} if `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError('operation aborted', { cause: signal.reason });
}

/** Asserts `value` is a bigint. @throws {FieldTypeError} */
export function assertBigInt(field: string, value: unknown): asserts value is bigint {
  if (typeof value !== 'bigint') throw new FieldTypeError(field, `expected bigint, got ${typeof value}`);
}

/** Asserts `value` is a safe integer in [min, max]. @throws {FieldTypeError} @throws {FieldRangeError} */
export function assertInteger(field: string, value: unknown, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new FieldTypeError(field, `expected an integer, got ${typeof value === 'number' ? value : typeof value}`);
  if (value < min || value > max) throw new FieldRangeError(field, `expected ${min} ≤ ${field} ≤ ${max}, got ${value}`);
}

/** Asserts `value` is a bigint with lo ≤ value < hi. @throws {FieldTypeError} @throws {FieldRangeError} */
export function assertBigIntInRange(field: string, value: unknown, lo: bigint, hi: bigint): asserts value is bigint {
  assertBigInt(field, value);
  if (value < lo || value >= hi) throw new FieldRangeError(field, `out of range [${lo}, ${hi < 1n << 64n ? hi : '2^' + (hi.toString(2).length - 1)})`);
}

/** Asserts `value` is a Uint8Array, of `length` bytes if given. @throws {FieldTypeError} @throws {FieldRangeError} */
export function assertBytes(field: string, value: unknown, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new FieldTypeError(field, `expected Uint8Array, got ${typeof value}`);
  if (length !== undefined && value.length !== length)
    throw new FieldRangeError(field, `expected ${length} bytes, got ${value.length}`);
}
