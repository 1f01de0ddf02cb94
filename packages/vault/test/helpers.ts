/**
 * Test helpers for the vault: unique database names, small Argon2id parameters, raw access to
 * the IndexedDB stores (to tamper with records), a store dump for before/after comparisons,
 * and a FROST key share built from a fixed degree-1 polynomial.
 * @module
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { bytesToHex } from '@tessera/crypto/bytes';
import { validateKeyShare, type KeyShare } from '@tessera/protocols/frost/keyshare';
import { getSuite } from '@tessera/protocols/frost/suite';
import { openVault, passphraseMethod, VAULT_STORES, type Argon2Params, type UnlockMethod, type Vault } from '../src/index.ts';

/** Small Argon2id parameters for tests (8 KiB, 1 pass). */
export const TEST_KDF: Argon2Params = { t: 1, m: 8, p: 1 };

let counter = 0;
/** A database name not used before in this process. */
export function freshName(tag: string): string {
  return `vault-test-${tag}-${++counter}`;
}

/** A passphrase method with test KDF parameters. */
export function pass(passphrase: string, id?: string): UnlockMethod {
  return passphraseMethod(passphrase, { kdf: TEST_KDF, ...(id ? { id } : {}) });
}

/** A fresh vault created with passphrase `pw`; returns the vault and its database name. */
export async function newVault(tag: string, pw = 'correct horse battery staple'): Promise<{ vault: Vault; name: string }> {
  const name = freshName(tag);
  const vault = await openVault(name);
  await vault.create(pass(pw));
  return { vault, name };
}

/** A second raw connection to the vault database, for tampering. */
export async function raw(name: string) {
  return openDB(name);
}

/** Every store's (key, value) pairs as text, to compare states. */
export async function dumpStores(name: string): Promise<Record<string, string>> {
  const db = await openDB(name);
  const out: Record<string, string> = {};
  for (const s of VAULT_STORES) {
    const keys = await db.getAllKeys(s);
    const values = await db.getAll(s);
    out[s] = JSON.stringify(keys.map((k, i) => [k, values[i]]), (_k, v: unknown) => (v instanceof Uint8Array ? bytesToHex(v) : typeof v === 'bigint' ? v.toString() : v));
  }
  db.close();
  return out;
}

/** Flips one bit of byte `at` (default: last) in a copy of `b`. */
export function flip(b: Uint8Array, at = b.length - 1): Uint8Array {
  const c = new Uint8Array(b);
  c[at]! ^= 1;
  return c;
}

/** A valid 2-of-3 FROST secp256k1 key share of party `index` from the polynomial f(x) = 7 + 11·x. */
export function frostShare(index = 1): KeyShare {
  const suite = getSuite('secp256k1');
  const G = suite.Point.BASE;
  const a0 = 7n, a1 = 11n;
  const parties = [1, 2, 3];
  const x = (i: number) => a0 + a1 * BigInt(i);
  const commitments = [G.multiply(a0).toBytes(true), G.multiply(a1).toBytes(true)];
  const verifyingShares = parties.map((i) => G.multiply(x(i)).toBytes(true));
  return validateKeyShare({ suite: 'secp256k1', index, threshold: 2, parties, commitments, verifyingShares, signingShare: suite.Fn.toBytes(x(index)) });
}
