/**
 * @tessera/vault: a party's key shares, nonce ledger, audit log and session snapshots in an
 * encrypted IndexedDB vault, opened by passphrase (Argon2id), WebAuthn PRF or PKCS#11 bridge
 * (hardware key) unlock methods; the nonce ledger can take its counter from the bridge's HSM.
 * @module
 */
export { openVault, Vault, VAULT_STORES, VAULT_DB_VERSION, FROST_SHARE_TYPE, CGGMP_SHARE_TYPE } from './vault.ts';
export type { VaultOptions, ExternalCounter, VaultStore, MethodInfo, ShareRecord, AuditReport, BackupOptions } from './vault.ts';
export { passphraseMethod, webauthnPrfMethod } from './wrappers.ts';
export type { KeyWrapper, WrappedKey, UnlockMethod, PassphraseMethodOptions, PrfMethodOptions } from './wrappers.ts';
export { DEFAULT_ARGON2, checkArgon2Params, derivePassphraseKey } from './kdf.ts';
export type { Argon2Params } from './kdf.ts';
export { VaultUnlockError, VaultIntegrityError, VaultStateError } from './errors.ts';
export type { UnlockFailure, VaultStateReason } from './errors.ts';
export type { AuditEntry, AuditKind, AuditDetails } from './audit.ts';
export { pkcs11BridgeMethod, createBridgeClient, bridgeCounter, webCryptoBridgeSigner, generateWebCryptoBridgeKey, compareNonceRecords, crossCheckNonceRecords, bridgeRequestBytes, BridgeError, BRIDGE_REQUEST_TAG, PKCS11_KIND } from './bridge.ts';
export type { BridgeClient, BridgeClientOptions, BridgeMethodOptions, BridgeSigner, BridgeHealth, BridgeDeviceStatus, NonceRecords, NonceMismatch, NonceMismatchKind } from './bridge.ts';
