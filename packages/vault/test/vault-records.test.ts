/**
 * Encrypted records: FROST shares round-trip; altered ciphertext, IV, type, revision, a record
 * moved to another id, and altered wrapped keys are reported as VaultIntegrityError naming the
 * record; encrypted session records (RunnerStore shape).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@tessera/crypto/bytes';
import { encodeKeyShare } from '@tessera/protocols/frost/keyshare';
import { webauthnPrfMethod, VaultIntegrityError, FROST_SHARE_TYPE } from '../src/index.ts';
import { flip, frostShare, newVault, pass, raw } from './helpers.ts';

const PW = 'correct horse battery staple';

async function tamper(name: string, store: string, key: IDBValidKey, f: (v: Record<string, unknown>) => Record<string, unknown>, newKey?: IDBValidKey): Promise<void> {
  const db = await raw(name);
  const v = (await db.get(store, key)) as Record<string, unknown>;
  if (newKey !== undefined) await db.put(store, f(v), newKey);
  else await db.put(store, f(v), key);
  db.close();
}

describe('vault records', () => {
  it('stores a FROST key share encrypted and reads it back validated', async () => {
    const { vault, name } = await newVault('frost');
    const share = frostShare(2);
    const id = await vault.putFrostKeyShare(share);
    expect(id).toMatch(/^frost:[0-9a-f]{64}$/);
    const db = await raw(name);
    const stored = (await db.get('shares', id)) as { ciphertext: Uint8Array; type: string; revision: number };
    db.close();
    expect(stored.type).toBe(FROST_SHARE_TYPE);
    expect(bytesToHex(stored.ciphertext)).not.toContain(bytesToHex(share.signingShare));
    const back = await vault.getFrostKeyShare(id);
    expect(encodeKeyShare(back)).toBe(encodeKeyShare(share));
    expect((await vault.auditLog()).at(-1)).toMatchObject({ kind: 'keygen', details: { share: id } });
    await vault.putFrostKeyShare(share, 'refresh');
    expect((await vault.listShares())[0]).toMatchObject({ id, revision: 2 });
    expect((await vault.auditLog()).at(-1)?.kind).toBe('refresh');
    expect(JSON.stringify(await vault.auditLog(), (_k, v: unknown) => (v instanceof Uint8Array ? bytesToHex(v) : v))).not.toContain(bytesToHex(share.signingShare));
    vault.close();
  });

  const cases: [string, (v: Record<string, unknown>) => Record<string, unknown>][] = [
    ['ciphertext', (v) => ({ ...v, ciphertext: flip(v.ciphertext as Uint8Array, 0) })],
    ['tag', (v) => ({ ...v, ciphertext: flip(v.ciphertext as Uint8Array) })],
    ['iv', (v) => ({ ...v, iv: flip(v.iv as Uint8Array) })],
    ['type', (v) => ({ ...v, type: 'tessera/cggmp-key-share' })],
    ['revision', (v) => ({ ...v, revision: (v.revision as number) + 1 })],
  ];
  for (const [what, f] of cases) {
    it(`detects an altered share ${what}`, async () => {
      const { vault, name } = await newVault(`tamper-${what}`);
      await vault.putShare('share-1', 'raw', new Uint8Array(40).fill(3));
      await tamper(name, 'shares', 'share-1', f);
      const err = await vault.getShare('share-1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VaultIntegrityError);
      expect((err as VaultIntegrityError).record).toBe('shares/share-1');
      await expect(vault.verifyIntegrity()).rejects.toMatchObject({ record: 'shares/share-1' });
      expect((await vault.auditLog()).at(-1)).toMatchObject({ kind: 'integrity-failure', details: { record: 'shares/share-1' } });
      vault.close();
    });
  }

  it('detects a record moved to another id', async () => {
    const { vault, name } = await newVault('moved');
    await vault.putShare('a', 'raw', new Uint8Array([1]));
    await vault.putShare('b', 'raw', new Uint8Array([2]));
    await tamper(name, 'shares', 'a', (v) => ({ ...v, id: 'b' }), 'b');
    await expect(vault.getShare('b')).rejects.toMatchObject({ name: 'VaultIntegrityError', record: 'shares/b' });
    // same record copied under its original id field but a new key
    await tamper(name, 'shares', 'a', (v) => v, 'c');
    await expect(vault.getShare('c')).rejects.toMatchObject({ record: 'shares/c' });
    expect((await vault.getShare('a'))?.plaintext).toEqual(new Uint8Array([1]));
    vault.close();
  });

  it('a share record from another vault does not decrypt here', async () => {
    const one = await newVault('other-1');
    const two = await newVault('other-2');
    await one.vault.putShare('s', 'raw', new Uint8Array([7]));
    const db1 = await raw(one.name);
    const rec = await db1.get('shares', 's');
    db1.close();
    const db2 = await raw(two.name);
    await db2.put('shares', rec, 's');
    db2.close();
    await expect(two.vault.getShare('s')).rejects.toMatchObject({ record: 'shares/s' });
    one.vault.close();
    two.vault.close();
  });

  it('an altered wrapped key (with the right passphrase) is an integrity error, not a wrong passphrase', async () => {
    for (const field of ['ciphertext', 'iv'] as const) {
      const { vault, name } = await newVault(`wk-${field}`);
      vault.lock();
      await tamper(name, 'wrappedKeys', 'passphrase', (v) => {
        const blob = v.blob as Record<string, unknown>;
        return { ...v, blob: { ...blob, [field]: flip(blob[field] as Uint8Array) } };
      });
      await expect(vault.unlock(pass(PW))).rejects.toMatchObject({ name: 'VaultIntegrityError', record: 'wrappedKeys/passphrase' });
      expect(vault.unlocked).toBe(false);
      vault.close();
    }
  });

  it('a wrapped key copied to another method id is an integrity error (AAD binds the method id)', async () => {
    const { vault, name } = await newVault('wk-moved');
    vault.lock();
    await tamper(name, 'wrappedKeys', 'passphrase', (v) => ({ ...v, id: 'passphrase-2' }), 'passphrase-2');
    await expect(vault.unlock(pass(PW, 'passphrase-2'))).rejects.toMatchObject({ name: 'VaultIntegrityError', record: 'wrappedKeys/passphrase-2' });
    vault.close();
  });

  it('an altered record of another unlock method is detected at unlock (HMAC)', async () => {
    const { vault, name } = await newVault('wk-other');
    await vault.addMethod(pass(PW), webauthnPrfMethod(new Uint8Array(32).fill(1), { credentialId: 'c1' }));
    vault.lock();
    await tamper(name, 'wrappedKeys', 'webauthn:c1', (v) => ({ ...v, label: 'Evil key' }));
    await expect(vault.unlock(pass(PW))).rejects.toMatchObject({ name: 'VaultIntegrityError', record: 'wrappedKeys/webauthn:c1' });
    expect(vault.unlocked).toBe(false);
    vault.close();
  });

  it('session records are encrypted, round-trip, and altered ones are detected', async () => {
    const { vault, name } = await newVault('sessions');
    const store = vault.sessions;
    expect(await store.load('sess-1')).toBeUndefined();
    await store.save('sess-1', '{"snapshot":"secret-coefficients"}');
    await store.save('sess-1', '{"snapshot":"round-2"}');
    expect(await store.load('sess-1')).toBe('{"snapshot":"round-2"}');
    const db = await raw(name);
    const r = (await db.get('sessions', 'sess-1')) as { ciphertext: Uint8Array; revision: number };
    db.close();
    expect(r.revision).toBe(2);
    expect(new TextDecoder().decode(r.ciphertext)).not.toContain('round-2');
    await tamper(name, 'sessions', 'sess-1', (v) => ({ ...v, ciphertext: flip(v.ciphertext as Uint8Array, 3) }));
    await expect(store.load('sess-1')).rejects.toMatchObject({ record: 'sessions/sess-1' });
    await store.delete('sess-1');
    expect(await store.load('sess-1')).toBeUndefined();
    vault.lock();
    await expect(store.save('x', 'y')).rejects.toMatchObject({ reason: 'locked' });
    vault.close();
  });

  it('verifyIntegrity passes on an untouched vault', async () => {
    const { vault } = await newVault('integrity-ok');
    await vault.putFrostKeyShare(frostShare(1));
    await vault.sessions.save('s', 'v');
    await vault.storeNonce('k', 'n', new Uint8Array(32).fill(9));
    await expect(vault.verifyIntegrity()).resolves.toBeGreaterThan(3);
    vault.close();
  });
});
