/**
 * Vault creation and unlock methods: passphrase (Argon2id, parameters stored), WebAuthn PRF,
 * several methods per vault, re-wrapping without touching shares, last-method refusal,
 * non-extractable data key, and wrong secrets that change nothing but the audit log.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openVault, passphraseMethod, webauthnPrfMethod, VaultStateError, VaultUnlockError, DEFAULT_ARGON2 } from '../src/index.ts';
import { dumpStores, freshName, newVault, pass, TEST_KDF } from './helpers.ts';

const prfA = new Uint8Array(32).fill(0xa5);
const prfB = new Uint8Array(32).fill(0x5a);

describe('vault unlock', () => {
  it('creates, locks, reopens and unlocks with the passphrase', async () => {
    const { vault, name } = await newVault('basic');
    expect(vault.unlocked).toBe(true);
    await vault.putShare('s1', 'raw', new Uint8Array([1, 2, 3]));
    vault.close();
    const again = await openVault(name);
    expect(again.initialized).toBe(true);
    expect(again.unlocked).toBe(false);
    await expect(again.getShare('s1')).rejects.toMatchObject({ name: 'VaultStateError', reason: 'locked' });
    await again.unlock(pass('correct horse battery staple'));
    expect((await again.getShare('s1'))?.plaintext).toEqual(new Uint8Array([1, 2, 3]));
    again.close();
  });

  it('refuses a second create', async () => {
    const { vault } = await newVault('twice');
    await expect(vault.create(pass('x'))).rejects.toBeInstanceOf(VaultStateError);
    vault.close();
  });

  it('the unlocked data key is a non-extractable AES-GCM CryptoKey', async () => {
    const { vault } = await newVault('nonextract');
    const k = vault.dataKey;
    expect(k.extractable).toBe(false);
    expect(k.algorithm.name).toBe('AES-GCM');
    await expect(crypto.subtle.exportKey('raw', k)).rejects.toThrow();
    vault.lock();
    expect(() => vault.dataKey).toThrow(VaultStateError);
    vault.close();
  });

  it('stores the KDF parameters with the wrapped key', async () => {
    const name = freshName('params');
    const vault = await openVault(name);
    await vault.create(passphraseMethod('pw', { kdf: { t: 2, m: 16, p: 1 } }));
    const [m] = await vault.listMethods();
    expect(m).toMatchObject({ id: 'passphrase', kind: 'passphrase', params: { alg: 'argon2id', t: 2, m: 16, p: 1 } });
    vault.close();
  });

  it('a wrong passphrase is a VaultUnlockError and only appends an unlock-failure audit event', async () => {
    const { vault, name } = await newVault('wrongpw');
    await vault.putShare('s1', 'raw', new Uint8Array([9]));
    vault.lock();
    const before = await dumpStores(name);
    const err = await vault.unlock(pass('Correct horse battery staple')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultUnlockError);
    expect(err).toMatchObject({ reason: 'wrong-secret', method: 'passphrase' });
    expect(vault.unlocked).toBe(false);
    const after = await dumpStores(name);
    for (const s of Object.keys(before)) if (s !== 'audit' && s !== 'meta') expect(after[s], s).toBe(before[s]);
    // meta: only the audit head moved
    const log = await vault.auditLog();
    expect(log.at(-1)).toMatchObject({ kind: 'unlock-failure', details: { method: 'passphrase', reason: 'wrong-secret' } });
    expect(JSON.parse(after.audit!).length).toBe(JSON.parse(before.audit!).length + 1);
    expect(JSON.parse(after.meta!).filter(([k]: [string]) => k !== 'auditHead')).toEqual(JSON.parse(before.meta!).filter(([k]: [string]) => k !== 'auditHead'));
    await expect(vault.verifyAuditChain()).resolves.toMatchObject({ length: log.length });
    vault.close();
  });

  it('an unknown method id is refused (and audited)', async () => {
    const { vault } = await newVault('unknown');
    vault.lock();
    await expect(vault.unlock(webauthnPrfMethod(prfA, { credentialId: 'abc' }))).rejects.toMatchObject({ name: 'VaultUnlockError', reason: 'unknown-method' });
    expect((await vault.auditLog()).at(-1)?.kind).toBe('unlock-failure');
    vault.close();
  });

  it('adds a PRF method (re-wrapping the data key without touching shares), unlocks with either', async () => {
    const { vault, name } = await newVault('prf');
    await vault.putShare('s1', 'raw', new Uint8Array([4, 5]));
    const sharesBefore = (await dumpStores(name)).shares;
    const prf = webauthnPrfMethod(prfA, { credentialId: 'cred-A' });
    await vault.addMethod(pass('correct horse battery staple'), prf);
    expect((await dumpStores(name)).shares).toBe(sharesBefore);
    expect((await vault.listMethods()).map((m) => m.id).sort()).toEqual(['passphrase', 'webauthn:cred-A']);
    vault.lock();
    await vault.unlock(prf);
    expect((await vault.getShare('s1'))?.plaintext).toEqual(new Uint8Array([4, 5]));
    vault.lock();
    await vault.unlock(pass('correct horse battery staple'));
    expect(vault.unlocked).toBe(true);
    vault.close();
  });

  it('a wrong PRF output is a VaultUnlockError and changes nothing else', async () => {
    const { vault, name } = await newVault('wrongprf');
    await vault.addMethod(pass('correct horse battery staple'), webauthnPrfMethod(prfA, { credentialId: 'cred-A' }));
    vault.lock();
    const before = await dumpStores(name);
    await expect(vault.unlock(webauthnPrfMethod(prfB, { credentialId: 'cred-A' }))).rejects.toMatchObject({ name: 'VaultUnlockError', reason: 'wrong-secret', method: 'webauthn:cred-A' });
    const after = await dumpStores(name);
    for (const s of ['wrappedKeys', 'shares', 'nonces', 'nonceSecrets', 'counters', 'sessions']) expect(after[s], s).toBe(before[s]);
    expect((await vault.auditLog()).at(-1)?.kind).toBe('unlock-failure');
    vault.close();
  });

  it('adding a method needs a working existing method, and ids are unique', async () => {
    const { vault } = await newVault('addauth');
    await expect(vault.addMethod(pass('nope'), pass('second', 'p2'))).rejects.toBeInstanceOf(VaultUnlockError);
    expect((await vault.listMethods()).length).toBe(1);
    await expect(vault.addMethod(pass('correct horse battery staple'), pass('other'))).rejects.toMatchObject({ reason: 'duplicate-method' });
    vault.close();
  });

  it('removes a method; the removed method no longer unlocks; the last method cannot be removed', async () => {
    const { vault } = await newVault('remove');
    const prf = webauthnPrfMethod(prfA, { credentialId: 'cred-A' });
    await vault.addMethod(pass('correct horse battery staple'), prf);
    await vault.removeMethod('passphrase');
    await expect(vault.removeMethod('webauthn:cred-A')).rejects.toMatchObject({ name: 'VaultStateError', reason: 'last-method' });
    await expect(vault.removeMethod('nothing')).rejects.toMatchObject({ reason: 'not-found' });
    vault.lock();
    await expect(vault.removeMethod('webauthn:cred-A')).rejects.toMatchObject({ reason: 'locked' });
    await expect(vault.unlock(pass('correct horse battery staple'))).rejects.toMatchObject({ reason: 'unknown-method' });
    await vault.unlock(prf);
    const kinds = (await vault.auditLog()).map((e) => e.kind);
    expect(kinds).toContain('method-removed');
    expect(kinds.filter((k) => k === 'method-added').length).toBe(2);
    vault.close();
  });

  it('raises KDF parameters by enrolling a stronger passphrase method and removing the old one', async () => {
    const { vault } = await newVault('raise');
    await vault.addMethod(pass('correct horse battery staple'), passphraseMethod('correct horse battery staple', { id: 'passphrase-v2', kdf: { t: 2, m: 32, p: 1 } }));
    await vault.removeMethod('passphrase');
    expect((await vault.listMethods())[0]).toMatchObject({ id: 'passphrase-v2', params: { t: 2, m: 32 } });
    vault.close();
  });

  it('refuses KDF parameters out of bounds', () => {
    expect(() => passphraseMethod('pw', { kdf: { t: 0, m: 8, p: 1 } })).toThrow(RangeError);
    expect(() => passphraseMethod('pw', { kdf: { t: 1, m: 4, p: 1 } })).toThrow(RangeError);
    expect(() => passphraseMethod('', { kdf: TEST_KDF })).toThrow(TypeError);
    expect(() => webauthnPrfMethod(new Uint8Array(31), { credentialId: 'a' })).toThrow(RangeError);
  });

  it('creates a vault at the default Argon2id parameters (t=3, 64 MiB; one KDF run)', async () => {
    expect(DEFAULT_ARGON2).toEqual({ t: 3, m: 65536, p: 1 });
    const vault = await openVault(freshName('default'));
    await vault.create(passphraseMethod('default-params pass'));
    expect(vault.unlocked).toBe(true);
    expect((await vault.listMethods())[0]?.params).toEqual({ alg: 'argon2id', t: 3, m: 65536, p: 1 });
    vault.close();
  }, 30_000);
});
