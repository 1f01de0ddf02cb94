/**
 * Wallet core lock state: vault creation with a passphrase generates and seals a device
 * identity; lock/unlock keeps the same identity; a wrong passphrase is refused with the
 * vault's VaultUnlockError and changes nothing; calls in the wrong state give typed errors;
 * a second unlock method can be added and removed; the identity record is sealed (tampering
 * is detected).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { VaultUnlockError, WalletError } from '../src/core/index.ts';
import { PASS, fakeAuthenticator, startTestSignal, testCore, type TestSignal } from './helpers.ts';

let signal: TestSignal;
beforeAll(async () => {
  signal = await startTestSignal();
});
afterAll(async () => {
  await signal.stop();
});

describe('wallet core: vault and device identity', () => {
  it('creates a vault, locks, unlocks with the same identity, and refuses a wrong passphrase', async () => {
    const t = await testCore(signal, 'lock');
    const { core } = t;
    expect(core.state).toBe('no-vault');
    expect(core.vaultExists).toBe(false);
    await expect(core.unlockWithPassphrase(PASS)).rejects.toMatchObject({ code: 'no-vault' });
    expect(() => core.identity()).toThrow(WalletError);
    await core.createVault({ passphrase: PASS });
    expect(core.state).toBe('unlocked');
    const id = core.identity();
    expect(id.publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect(id.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    await expect(core.createVault({ passphrase: PASS })).rejects.toMatchObject({ code: 'vault-exists', field: 'vault' });
    await core.lock();
    expect(core.state).toBe('locked');
    expect(() => core.identity()).toThrow(expect.objectContaining({ code: 'locked' }));
    await expect(core.accounts()).rejects.toMatchObject({ code: 'locked' });
    await expect(core.unlockWithPassphrase('wrong passphrase')).rejects.toBeInstanceOf(VaultUnlockError);
    expect(core.state).toBe('locked');
    const again = await t.reopen();
    expect(again.state).toBe('locked');
    expect(again.vaultExists).toBe(true);
    await again.unlockWithPassphrase(PASS);
    expect(again.identity()).toEqual(id);
    expect(t.events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state)).toEqual(['unlocked', 'locked', 'unlocked']);
    await again.close();
  });

  it('adds a passkey (WebAuthn PRF glue), unlocks with it, removes the passphrase; bad options name the field', async () => {
    const prf = new Uint8Array(32).fill(0x5a);
    const fake = fakeAuthenticator(prf);
    const t = await testCore(signal, 'methods', { webauthn: { rpId: 'localhost', credentials: fake.credentials } });
    await expect(t.core.createVault({})).rejects.toMatchObject({ code: 'bad-input', field: 'opts' });
    await expect(t.core.createVault({ passphrase: '' })).rejects.toMatchObject({ code: 'bad-input', field: 'passphrase' });
    await t.core.createVault({ passphrase: PASS });
    const id = t.core.identity();
    await expect(t.core.addMethod({ kind: 'passphrase', passphrase: 'nope' }, { kind: 'webauthn' })).rejects.toBeInstanceOf(VaultUnlockError);
    await expect(t.core.addMethod({ kind: 'passphrase', passphrase: PASS }, { kind: 'passphrase', passphrase: 'second secret' })).rejects.toMatchObject({ code: 'bad-input', field: 'added.kind' });
    const added = await t.core.addMethod({ kind: 'passphrase', passphrase: PASS }, { kind: 'webauthn', label: 'Laptop key' });
    expect(added).toMatchObject({ kind: 'webauthn-prf', label: 'Laptop key' });
    expect(fake.created).toBe(1);
    await t.core.lock();
    await t.core.unlockWithWebAuthn();
    expect(t.core.identity()).toEqual(id);
    await t.core.removeMethod('passphrase');
    await expect(t.core.removeMethod(added.id)).rejects.toMatchObject({ reason: 'last-method' });
    await expect(t.core.removeMethod('')).rejects.toMatchObject({ code: 'bad-input', field: 'id' });
    await t.core.lock();
    await expect(t.core.unlockWithPassphrase(PASS)).rejects.toBeInstanceOf(VaultUnlockError);
    fake.output.fill(0x11); // another authenticator secret: refused, nothing touched
    await expect(t.core.unlockWithWebAuthn()).rejects.toBeInstanceOf(VaultUnlockError);
    fake.output.fill(0x5a);
    await t.core.unlockWithWebAuthn();
    expect((await t.core.listMethods()).map((m) => m.kind)).toEqual(['webauthn-prf']);
    await t.core.close();
  });

  it('with two passkeys enrolled, either one unlocks (the credential used names the method)', async () => {
    const fake = fakeAuthenticator(new Uint8Array(32).fill(1));
    fake.perCredential = true;
    const t = await testCore(signal, 'two-passkeys', { webauthn: { rpId: 'localhost', credentials: fake.credentials } });
    await t.core.createVault({ webauthn: { label: 'First key' } });
    fake.output = new Uint8Array(32).fill(2);
    await t.core.addMethod({ kind: 'webauthn' }, { kind: 'webauthn', label: 'Second key' });
    const ids = (await t.core.listMethods()).map((m) => m.id);
    expect(ids).toHaveLength(2);
    await t.core.lock();
    fake.pick = ids[1]!.slice('webauthn:'.length);
    await t.core.unlockWithWebAuthn();
    await t.core.lock();
    fake.pick = ids[0]!.slice('webauthn:'.length);
    await t.core.unlockWithWebAuthn();
    await t.core.lock();
    fake.pick = 'AQIDCQ'; // a credential this vault does not know
    await expect(t.core.unlockWithWebAuthn()).rejects.toMatchObject({ code: 'webauthn-unavailable', field: 'webauthn.prf' });
    await t.core.close();
  });

  it('without WebAuthn configured, passkey calls fail with webauthn-unavailable', async () => {
    const t = await testCore(signal, 'nowebauthn');
    await expect(t.core.createVault({ webauthn: {} })).rejects.toMatchObject({ code: 'webauthn-unavailable', field: 'webauthn' });
    expect(t.core.state).toBe('no-vault');
    await t.core.close();
  });

  it('detects a tampered device identity record at unlock', async () => {
    const t = await testCore(signal, 'tamper');
    await t.core.createVault({ passphrase: PASS });
    await t.core.close();
    const db = await openDB(t.name);
    const rec = (await db.get('shares', 'device-identity')) as { ciphertext: Uint8Array };
    const ct = new Uint8Array(rec.ciphertext);
    ct[5]! ^= 1;
    await db.put('shares', { ...rec, ciphertext: ct }, 'device-identity');
    db.close();
    const core = await t.reopen();
    await expect(core.unlockWithPassphrase(PASS)).rejects.toMatchObject({ name: 'VaultIntegrityError' });
    expect(core.state).toBe('locked');
    await core.close();
  });
});
