/**
 * The device identity: one Ed25519 transport identity per vault, generated when the vault is
 * created and kept sealed in it (record `device-identity`). It signs every envelope,
 * invitation and request this wallet sends; its fingerprint is what users compare.
 * @module
 */
import { bytesToHex } from '@tessera/crypto/bytes';
import type { RandomSource } from '@tessera/crypto/rng';
import { encodeIdentity, fingerprint, generateIdentity, parseIdentity, type IdentityKey } from '@tessera/transport/identity';
import type { Vault } from '@tessera/vault';
import type { DeviceIdentity } from './api.ts';
import { WalletError } from './errors.ts';

/** Vault record id of the device identity. */
export const DEVICE_IDENTITY_ID = 'device-identity';
/** Vault record type of the device identity. */
export const DEVICE_IDENTITY_TYPE = 'tessera/identity';

/**
 * Generates and seals a fresh device identity.
 * @throws {VaultStateError} if the vault is locked. @throws {RngHealthError}
 */
export async function createDeviceIdentity(vault: Vault, rng?: RandomSource): Promise<IdentityKey> {
  const id = generateIdentity(rng);
  const text = new TextEncoder().encode(encodeIdentity(id));
  try {
    await vault.putShare(DEVICE_IDENTITY_ID, DEVICE_IDENTITY_TYPE, text);
  } finally {
    text.fill(0);
  }
  return id;
}

/**
 * Loads the sealed device identity.
 * @throws {WalletError} `tampered` if it is missing or malformed. @throws {VaultIntegrityError} if altered.
 */
export async function loadDeviceIdentity(vault: Vault): Promise<IdentityKey> {
  const rec = await vault.getShare(DEVICE_IDENTITY_ID);
  if (!rec || rec.type !== DEVICE_IDENTITY_TYPE) throw new WalletError('tampered', 'the device identity record is missing', { field: DEVICE_IDENTITY_ID });
  try {
    return parseIdentity(new TextDecoder().decode(rec.plaintext));
  } catch (e) {
    throw new WalletError('tampered', 'the device identity record is malformed', { field: DEVICE_IDENTITY_ID, cause: e });
  } finally {
    rec.plaintext.fill(0);
  }
}

/** Public view of an identity. */
export function describeIdentity(id: { readonly publicKey: Uint8Array }): DeviceIdentity {
  return { publicKey: bytesToHex(id.publicKey), fingerprint: fingerprint(id.publicKey) };
}
