/**
 * Entry point of the wallet core: `openWalletCore(options)` and the public types. The UI
 * imports only from here.
 * @module
 */
export type * from './api.ts';
export { WalletError } from './errors.ts';
export { openWalletCore } from './wallet.ts';
export { parseInviteLink } from './link.ts';
export { VaultUnlockError, VaultIntegrityError, VaultStateError } from '@tessera/vault';
