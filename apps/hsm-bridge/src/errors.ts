/**
 * Errors of the PKCS#11 bridge. Each carries a stable `code` that the HTTP layer sends to the
 * wallet as `{ error: code, message }`, and an HTTP status:
 *
 * - {@link BridgeStartError}: the bridge cannot start (module missing, wrong PIN, no token,
 *   unreadable PIN file); the CLI prints it on one line and exits non-zero;
 * - {@link HsmUnavailableError}: the token stopped answering at run time (session lost,
 *   library finalized, token removed) → 503, nothing was changed;
 * - {@link WrappedKeyAuthError}: an unwrap failed the AES-GCM tag check (SoftHSM reports a
 *   tampered ciphertext as `CKR_GENERAL_ERROR`) → 422;
 * - {@link CounterDecreaseError}: a counter was asked to go down → 409;
 * - {@link RequestRefusedError}: a request refused by the bridge's checks (signature, device,
 *   replay, timestamp, size, rate, origin, bad body) with its status.
 * @module
 */

/** Why the bridge could not start. */
export type StartFailure = 'module-not-found' | 'module-load-failed' | 'token-not-found' | 'wrong-pin' | 'pin-locked' | 'pin-missing' | 'login-failed';

/** The bridge could not start; `reason` says why. The message never contains the PIN. */
export class BridgeStartError extends Error {
  /** Why the start failed. */
  readonly reason: StartFailure;
  constructor(reason: StartFailure, message: string) {
    super(message);
    this.name = 'BridgeStartError';
    this.reason = reason;
  }
}

/** The HSM did not answer (session lost, module finalized, token removed): HTTP 503. */
export class HsmUnavailableError extends Error {
  /** The PKCS#11 return value name, e.g. `CKR_DEVICE_REMOVED`, or `token-not-present`. */
  readonly detail: string;
  constructor(detail: string) {
    super(`HSM unavailable (${detail}); nothing was changed, retry later`);
    this.name = 'HsmUnavailableError';
    this.detail = detail;
  }
}

/** An unwrap failed authentication: the wrapped key, its IV or its binding was altered (HTTP 422). */
export class WrappedKeyAuthError extends Error {
  constructor() {
    super('wrapped key failed authentication (altered ciphertext, IV, or bound device/vault id)');
    this.name = 'WrappedKeyAuthError';
  }
}

/** A counter was asked to move below its current value (HTTP 409). */
export class CounterDecreaseError extends Error {
  /** The counter's current value. */
  readonly current: bigint;
  constructor(current: bigint, requested: bigint) {
    super(`counter may only increase: current value ${current}, requested ${requested}`);
    this.name = 'CounterDecreaseError';
    this.current = current;
  }
}

/** Stable codes of refused requests, as sent in `{ error }`. */
export type RefusalCode =
  | 'bad-request'
  | 'bad-signature'
  | 'unknown-device'
  | 'device-not-approved'
  | 'device-key-mismatch'
  | 'replayed-nonce'
  | 'stale-timestamp'
  | 'body-too-large'
  | 'rate-limited'
  | 'origin-not-allowed'
  | 'not-found'
  | 'method-not-allowed'
  | 'no-wrapping-key'
  | 'counter-exhausted';

/** A request refused by the bridge: `status` is the HTTP status, `code` the stable reason. */
export class RequestRefusedError extends Error {
  readonly status: number;
  readonly code: RefusalCode;
  /** Seconds after which a rate-limited request may be retried. */
  readonly retryAfter: number | undefined;
  constructor(status: number, code: RefusalCode, message: string, retryAfter?: number) {
    super(message);
    this.name = 'RequestRefusedError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}
