/**
 * The wallet core's typed error: a {@link WalletErrorCode}, the input or wire field at fault,
 * and the culprit party of a protocol abort. Also maps errors of the layers below (vault,
 * transport, protocol engine) to codes for events and views, without ever copying secrets.
 * @module
 */
import { FieldRangeError, FieldTypeError, CryptoError } from '@tessera/crypto/errors';
import type { PartyIndex, WalletErrorCode, WalletErrorInfo } from './api.ts';

/** An error of the wallet core; `code` says what kind, `field` which input. */
export class WalletError extends Error {
  readonly code: WalletErrorCode;
  readonly field: string | undefined;
  readonly culprit: PartyIndex | undefined;
  constructor(code: WalletErrorCode, message: string, opts: { field?: string; culprit?: PartyIndex; cause?: unknown } = {}) {
    super(opts.field === undefined ? `${code}: ${message}` : `${code}: ${opts.field}: ${message}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'WalletError';
    this.code = code;
    this.field = opts.field;
    this.culprit = opts.culprit;
  }

  /** Serializable form (events, views). */
  toInfo(): WalletErrorInfo {
    return {
      code: this.code,
      message: this.message,
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.culprit !== undefined ? { culprit: this.culprit } : {}),
    };
  }
}

/** Maps any thrown value to a {@link WalletErrorInfo} (messages of lower layers hold no secrets). */
export function errorInfo(e: unknown): WalletErrorInfo {
  if (e instanceof WalletError) return e.toInfo();
  const name = e instanceof Error ? e.name : '';
  const message = e instanceof Error ? e.message : String(e);
  const field = (e as { field?: unknown } | null)?.field;
  const f = typeof field === 'string' ? { field } : {};
  if (name === 'NonceReuseError') return { code: 'nonce-reused', message: 'nonce already used — refused', ...f };
  if (name === 'VaultIntegrityError') return { code: 'tampered', message, ...f };
  if (name === 'VaultStateError') return { code: (e as { reason?: string }).reason === 'locked' ? 'locked' : 'internal', message };
  if (name === 'ProtocolAbort') {
    const c = (e as { culprits?: readonly number[] }).culprits?.[0];
    return { code: 'protocol-abort', message, ...(typeof c === 'number' ? { culprit: c } : {}) };
  }
  if (name === 'TransportError') {
    const reason = (e as { reason?: string }).reason;
    if (reason === 'bad-signature') return { code: 'bad-signature', message, ...f };
    if (reason === 'stale') return { code: 'expired', message, ...f };
    if (reason === 'malformed' || reason === 'oversize' || reason === 'unsupported-version') return { code: 'tampered', message, ...f };
    return { code: 'transport', message, ...f };
  }
  if (e instanceof FieldTypeError || e instanceof FieldRangeError) return { code: 'bad-input', message, ...f };
  if (e instanceof CryptoError) return { code: 'tampered', message, ...f };
  return { code: 'internal', message };
}

/** Wraps any thrown value into a {@link WalletError} (keeps WalletErrors as they are). */
export function asWalletError(e: unknown): WalletError {
  if (e instanceof WalletError) return e;
  const i = errorInfo(e);
  return new WalletError(i.code, i.message, { ...(i.field !== undefined ? { field: i.field } : {}), ...(i.culprit !== undefined ? { culprit: i.culprit } : {}), cause: e });
}
