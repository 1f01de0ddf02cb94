/**
 * Encrypted backup: export under an Argon2id-derived key, import into an empty vault (then
 * unlock with the original methods), wrong passphrase and altered backups refused, import
 * into a non-empty vault refused.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { encodeKeyShare } from '@tessera/protocols/frost/keyshare';
import { NonceReuseError } from '@tessera/protocols/engine/errors';
import { openVault, webauthnPrfMethod, VaultIntegrityError, VaultUnlockError } from '../src/index.ts';
import { dumpStores, freshName, frostShare, newVault, pass, TEST_KDF } from './helpers.ts';

const PW = 'correct horse battery staple';
const BACKUP_PW = 'backup passphrase 42';
const prf = () => webauthnPrfMethod(new Uint8Array(32).fill(0x33), { credentialId: 'cred-B' });

async function exported() {
  const { vault, name } = await newVault('backup-src');
  await vault.addMethod(pass(PW), prf());
  const id = await vault.putFrostKeyShare(frostShare(3));
  await vault.sessions.save('sess', 'snapshot-text');
  await vault.nonceLedger.consume(id, 'used-nonce');
  await vault.nonceLedger.nextCounter(id);
  const text = await vault.exportBackup(BACKUP_PW, { kdf: TEST_KDF });
  return { vault, name, id, text };
}

describe('vault backup', () => {
  it('exports encrypted and restores into an empty vault', async () => {
    const { vault, name, id, text } = await exported();
    expect(text).not.toContain('snapshot-text');
    const o = JSON.parse(text) as { header: { kdf: unknown } };
    expect(o.header.kdf).toEqual({ alg: 'argon2id', ...TEST_KDF });
    const srcDump = await dumpStores(name);
    const dst = freshName('backup-dst');
    const restored = await openVault(dst);
    await restored.importBackup(text, BACKUP_PW);
    expect(restored.vaultId).toBe(vault.vaultId);
    expect(restored.unlocked).toBe(false);
    const dstDump = await dumpStores(dst);
    for (const s of ['wrappedKeys', 'shares', 'nonces', 'counters', 'sessions']) expect(dstDump[s], s).toBe(srcDump[s]);
    await restored.unlock(prf());
    expect(encodeKeyShare(await restored.getFrostKeyShare(id))).toBe(encodeKeyShare(frostShare(3)));
    expect(await restored.sessions.load('sess')).toBe('snapshot-text');
    await expect(restored.nonceLedger.consume(id, 'used-nonce')).rejects.toBeInstanceOf(NonceReuseError);
    expect(await restored.nonceLedger.nextCounter(id)).toBe(2n);
    const kinds = (await restored.auditLog()).map((e) => e.kind);
    expect(kinds).toContain('backup-exported');
    expect(kinds).toContain('backup-imported');
    await expect(restored.verifyAuditChain()).resolves.toBeTruthy();
    await expect(restored.verifyIntegrity()).resolves.toBeGreaterThan(0);
    vault.close();
    restored.close();
  });

  it('refuses a wrong backup passphrase and leaves the target empty', async () => {
    const { vault, text } = await exported();
    const dst = freshName('backup-wrong');
    const target = await openVault(dst);
    await expect(target.importBackup(text, 'backup passphrase 43')).rejects.toMatchObject({ name: 'VaultUnlockError', reason: 'wrong-secret', method: 'backup' });
    expect(target.initialized).toBe(false);
    for (const v of Object.values(await dumpStores(dst))) expect(v).toBe('[]');
    vault.close();
    target.close();
  });

  it('refuses an altered backup', async () => {
    const { vault, text } = await exported();
    const o = JSON.parse(text) as { header: Record<string, unknown>; check: string; iv: string; ciphertext: string };
    const flipHex = (h: string, at: number) => h.slice(0, at) + (h[at] === '0' ? '1' : '0') + h.slice(at + 1);
    const variants: [string, string, typeof VaultIntegrityError | typeof VaultUnlockError][] = [
      ['ciphertext', JSON.stringify({ ...o, ciphertext: flipHex(o.ciphertext, 10) }), VaultIntegrityError],
      ['iv', JSON.stringify({ ...o, iv: flipHex(o.iv, 0) }), VaultIntegrityError],
      ['truncated', JSON.stringify({ ...o, ciphertext: o.ciphertext.slice(0, -32) }), VaultIntegrityError],
      ['header vault id', JSON.stringify({ ...o, header: { ...o.header, vaultId: '00'.repeat(16) } }), VaultIntegrityError],
      ['kdf params', JSON.stringify({ ...o, header: { ...o.header, kdf: { alg: 'argon2id', t: 2, m: 8, p: 1 } } }), VaultUnlockError],
      ['not json', text.slice(0, 40), VaultIntegrityError],
    ];
    for (const [what, t, cls] of variants) {
      const dst = freshName('backup-tamper');
      const target = await openVault(dst);
      await expect(target.importBackup(t, BACKUP_PW), what).rejects.toBeInstanceOf(cls);
      expect(target.initialized, what).toBe(false);
      target.close();
    }
    vault.close();
  });

  it('refuses import into a non-empty vault and export while locked', async () => {
    const { vault, text } = await exported();
    await expect(vault.importBackup(text, BACKUP_PW)).rejects.toMatchObject({ name: 'VaultStateError', reason: 'not-empty' });
    vault.lock();
    await expect(vault.exportBackup(BACKUP_PW, { kdf: TEST_KDF })).rejects.toMatchObject({ reason: 'locked' });
    vault.close();
  });
});
