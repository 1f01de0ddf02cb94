/**
 * Entry point of the wallet core: `openWalletCore(options)` and the public types. The UI
 * imports only from here.
 * @module
 */
export type * from './api.ts';
export { WalletError } from './errors.ts';
export { openWalletCore, DEFAULT_VAULT_NAME } from './wallet.ts';
export { frostDriver } from './frost-driver.ts';
export { parseInviteLink } from './link.ts';
export { previewMessage } from './preview.ts';
export { approveCommand, DEV_BRIDGE_DATA_DIR, HARDWARE_KEY_KIND, HARDWARE_KEY_LABEL } from './bridge.ts';
export type { HardwareKeyControl, HardwareKeyState, HardwareKeyConfigureOptions, HardwareKeyRegistration, NonceCrossCheck, AccountNonceRecords } from './bridge.ts';
export { BridgeError } from '@tessera/vault';
export { VaultUnlockError, VaultIntegrityError, VaultStateError } from '@tessera/vault';
export { COSIGNER_LABEL, cosignerCommand, parseCosignerKey } from './cosigner.ts';
export type { CosignerControl, CosignerHandle, CosignerCeremonyView, CosignerStage, CreateCosignerAccountOptions, CosignerSignOptions, CosignerCommandPaths } from './cosigner.ts';
