/**
 * Errors of the vault: a refused unlock (wrong passphrase or PRF output), a record that fails
 * its integrity check (named), and an operation refused in the vault's current state.
 * @module
 */
import { CryptoError } from '@tessera/crypto/errors';

/** Why an unlock was refused. */
export type UnlockFailure = 'wrong-secret' | 'unknown-method' | 'not-initialized';

/**
 * An unlock method could not open the vault: the passphrase or PRF output is wrong, or no
 * method with that id is enrolled. Nothing in the vault changed except an audit event.
 */
export class VaultUnlockError extends Error {
  /** Why the unlock was refused. */
  readonly reason: UnlockFailure;
  /** Id of the unlock method that was tried. */
  readonly method: string;
  constructor(method: string, reason: UnlockFailure, message?: string) {
    super(message ?? `unlock with method "${method}" refused: ${reason === 'wrong-secret' ? 'wrong passphrase or PRF output' : reason === 'unknown-method' ? 'no such unlock method' : 'vault not initialised'}`);
    this.name = 'VaultUnlockError';
    this.reason = reason;
    this.method = method;
  }
}

/**
 * A stored record failed its integrity check (altered ciphertext, IV, bound field, MAC, or a
 * broken audit chain). `record` names it as `<store>/<id>`, e.g. `shares/frost:ab12…`.
 */
export class VaultIntegrityError extends CryptoError {
  /** The record that failed, as `<store>/<id>`. */
  readonly record: string;
  constructor(record: string, message = 'record failed its integrity check (altered or moved)') {
    super(message, record);
    this.name = 'VaultIntegrityError';
    this.record = record;
  }
}

/** Why a vault operation was refused. */
export type VaultStateReason = 'locked' | 'not-initialized' | 'already-initialized' | 'last-method' | 'duplicate-method' | 'not-empty' | 'concurrent-write' | 'not-found';

/** An operation was refused in the vault's current state (locked, last method, non-empty import…). */
export class VaultStateError extends Error {
  /** Why the operation was refused. */
  readonly reason: VaultStateReason;
  constructor(reason: VaultStateReason, message: string) {
    super(message);
    this.name = 'VaultStateError';
    this.reason = reason;
  }
}
