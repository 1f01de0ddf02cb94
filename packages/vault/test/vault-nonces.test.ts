/**
 * The vault's nonce ledger: a consumed nonce id can never be consumed or released again
 * (also across reopening and concurrent callers), counters are monotonic and durable, and a
 * stored secret nonce is released exactly once in the transaction that records it.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { NonceReuseError } from '@tessera/protocols/engine/errors';
import type { PresignatureLedger } from '@tessera/protocols/cggmp/sign';
import { openVault } from '../src/index.ts';
import { newVault, pass, raw, flip } from './helpers.ts';

const PW = 'correct horse battery staple';

describe('vault nonce ledger', () => {
  it('consumes once; a second consume fails closed, also after reopening', async () => {
    const { vault, name } = await newVault('ledger');
    const ledger = vault.nonceLedger;
    await ledger.consume('key-1', 'nonce-a');
    await expect(ledger.consume('key-1', 'nonce-a')).rejects.toBeInstanceOf(NonceReuseError);
    await ledger.consume('key-2', 'nonce-a');
    vault.close();
    const again = await openVault(name);
    expect(again.unlocked).toBe(false);
    await expect(again.nonceLedger.consume('key-1', 'nonce-a')).rejects.toBeInstanceOf(NonceReuseError);
    expect(await again.isNonceConsumed('key-1', 'nonce-a')).toBe(true);
    expect(await again.isNonceConsumed('key-1', 'nonce-b')).toBe(false);
    again.close();
  });

  it('concurrent consumers of one nonce: exactly one succeeds', async () => {
    const { vault, name } = await newVault('race');
    const other = await openVault(name);
    const results = await Promise.allSettled([
      vault.nonceLedger.consume('k', 'n'),
      other.nonceLedger.consume('k', 'n'),
      vault.nonceLedger.consume('k', 'n'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof NonceReuseError)).toBe(true);
    vault.close();
    other.close();
  });

  it('serves as the CGGMP presignature ledger (same interface)', async () => {
    const { vault } = await newVault('presig');
    const ledger: PresignatureLedger = vault.nonceLedger;
    await ledger.consume('cggmp-key', 'presig-1');
    await expect(ledger.consume('cggmp-key', 'presig-1')).rejects.toBeInstanceOf(NonceReuseError);
    vault.close();
  });

  it('counters are strictly increasing per key and durable', async () => {
    const { vault, name } = await newVault('counter');
    expect(await vault.nonceLedger.nextCounter('k')).toBe(1n);
    expect(await vault.nonceLedger.nextCounter('k')).toBe(2n);
    expect(await vault.nonceLedger.nextCounter('j')).toBe(1n);
    vault.close();
    const again = await openVault(name);
    const c = await Promise.all([again.nonceLedger.nextCounter('k'), again.nonceLedger.nextCounter('k')]);
    expect(c.sort()).toEqual([3n, 4n]);
    again.close();
  });

  it('releases a stored secret nonce exactly once, logging a sign event', async () => {
    const { vault } = await newVault('release');
    const secret = new Uint8Array(64).fill(0x42);
    await vault.storeNonce('k', 'n1', secret);
    expect(await vault.isNonceConsumed('k', 'n1')).toBe(false);
    const got = await vault.releaseNonce('k', 'n1', { session: 'sess-9' });
    expect(got).toEqual(secret);
    expect(await vault.isNonceConsumed('k', 'n1')).toBe(true);
    expect((await vault.auditLog()).at(-1)).toMatchObject({ kind: 'sign', details: { keyId: 'k', nonceId: 'n1', session: 'sess-9' } });
    await expect(vault.releaseNonce('k', 'n1')).rejects.toBeInstanceOf(NonceReuseError);
    await expect(vault.storeNonce('k', 'n1', secret)).rejects.toBeInstanceOf(NonceReuseError);
    await expect(vault.nonceLedger.consume('k', 'n1')).rejects.toBeInstanceOf(NonceReuseError);
    vault.close();
  });

  it('parallel releases of one nonce: exactly one gets the secret', async () => {
    const { vault, name } = await newVault('release-race');
    await vault.storeNonce('k', 'n', new Uint8Array([1, 2, 3]));
    const other = await openVault(name);
    await other.unlock(pass(PW));
    const results = await Promise.allSettled([vault.releaseNonce('k', 'n'), other.releaseNonce('k', 'n')]);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
    expect(results.some((r) => r.status === 'rejected' && r.reason instanceof NonceReuseError)).toBe(true);
    vault.close();
    other.close();
  });

  it('consuming a nonce id destroys its stored secret (no later release)', async () => {
    const { vault, name } = await newVault('consume-first');
    await vault.storeNonce('k', 'n', new Uint8Array([5]));
    await vault.nonceLedger.consume('k', 'n');
    const db = await raw(name);
    expect(await db.get('nonceSecrets', ['k', 'n'])).toBeUndefined();
    db.close();
    await expect(vault.releaseNonce('k', 'n')).rejects.toBeInstanceOf(NonceReuseError);
    vault.close();
  });

  it('an altered sealed nonce is an integrity error and the nonce stays consumed', async () => {
    const { vault, name } = await newVault('nonce-tamper');
    await vault.storeNonce('k', 'n', new Uint8Array(32).fill(7));
    const db = await raw(name);
    const rec = (await db.get('nonceSecrets', ['k', 'n'])) as { ciphertext: Uint8Array };
    await db.put('nonceSecrets', { ...rec, ciphertext: flip(rec.ciphertext) }, ['k', 'n']);
    db.close();
    await expect(vault.releaseNonce('k', 'n')).rejects.toMatchObject({ name: 'VaultIntegrityError', record: 'nonceSecrets/k/n' });
    expect(await vault.isNonceConsumed('k', 'n')).toBe(true);
    vault.close();
  });

  it('a missing nonce or a locked vault is refused without consuming', async () => {
    const { vault } = await newVault('nonce-missing');
    await expect(vault.releaseNonce('k', 'absent')).rejects.toMatchObject({ reason: 'not-found' });
    expect(await vault.isNonceConsumed('k', 'absent')).toBe(false);
    await vault.storeNonce('k', 'n', new Uint8Array([1]));
    vault.lock();
    await expect(vault.releaseNonce('k', 'n')).rejects.toMatchObject({ reason: 'locked' });
    expect(await vault.isNonceConsumed('k', 'n')).toBe(false);
    vault.close();
  });
});
