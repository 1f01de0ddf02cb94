/**
 * Status, refresh, backup/restore and tamper detection: the status report shows presence,
 * shares, nonce ledger, audit chain and integrity; a refresh among all three (approved by
 * everyone) moves every share to epoch 1 under the same group key, and the refreshed shares
 * still sign; an encrypted backup restores into an empty vault (wrong passphrase refused),
 * giving back the same identity and account; a tampered sealed record is reported at unlock
 * and by the integrity check, naming the record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { hexToBytes } from '@tessera/crypto/bytes';
import { getSuite } from '@tessera/protocols/frost/suite';
import { VaultUnlockError } from '../src/core/index.ts';
import { PASS, closeAll, committee, startTestSignal, testCore, until, type TestCore, type TestSignal } from './helpers.ts';

let signal: TestSignal;
beforeAll(async () => {
  signal = await startTestSignal();
});
afterAll(async () => {
  await signal.stop();
});

async function signOnce(c1: TestCore, c2: TestCore, accountId: string, text: string) {
  const req = await c1.core.requestSignature(accountId, new TextEncoder().encode(text));
  await until(async () => (await c2.core.inbox()).some((r) => r.id === req.id), 20_000, 'request delivered');
  await c2.core.approve(req.id);
  await until(async () => (await c1.core.inbox()).find((r) => r.id === req.id)?.status === 'ready', 20_000, 'ready');
  return c1.core.finalize(req.id);
}

describe('wallet core: status, refresh, backup and integrity', () => {
  it('reports status, refreshes to epoch 1 with the same group key, and signs afterwards', async () => {
    const { cores, accounts } = await committee(signal, 'status', 'secp256k1', 2, 3);
    const [c1, c2, c3] = cores as [TestCore, TestCore, TestCore];
    const acc = accounts[0]!;
    try {
      await until(async () => (await c1.core.status()).accounts[0]!.members.every((m) => m.online), 20_000, 'everyone online');
      const s = await c1.core.status();
      expect(s).toMatchObject({ state: 'unlocked', signalConnected: true, identity: c1.core.identity() });
      expect(s.accounts[0]).toMatchObject({ accountId: acc.id, epoch: 0, shareOk: true });
      expect(s.accounts[0]!.members.map((m) => [m.index, m.self])).toEqual([[1, true], [2, false], [3, false]]);
      expect(s.nonceLedger.ok).toBe(true);
      expect(s.audit.ok).toBe(true);
      expect(s.audit.length).toBeGreaterThan(2);
      expect(s.audit.head).toMatch(/^[0-9a-f]{64}$/);
      expect(s.integrity.ok).toBe(true);
      expect(s.integrity.records).toBeGreaterThan(3);

      // presence follows a party going away
      await c3.core.lock();
      await until(() => c1.events.some((e) => e.type === 'presence' && e.party === 3 && !e.online), 20_000, 'party 3 offline');
      expect((await c1.core.status()).accounts[0]!.members[2]!.online).toBe(false);
      await c3.core.unlockWithPassphrase(PASS);

      // a signature before the refresh, to compare keys
      const before = await signOnce(c1, c2, acc.id, 'before refresh');
      expect(before.verified).toBe(true);
      expect((await c1.core.status()).nonceLedger).toMatchObject({ ok: true, detail: expect.stringContaining('1 finished') });

      // refresh: all three approve; new epoch, same group key
      const rf = await c1.core.requestRefresh(acc.id, 'quarterly refresh');
      expect(rf).toMatchObject({ kind: 'refresh', needed: 3, status: 'pending' });
      expect(rf.message).toBeUndefined();
      await until(async () => (await c2.core.inbox()).some((r) => r.id === rf.id) && (await c3.core.inbox()).some((r) => r.id === rf.id), 20_000, 'refresh request delivered');
      await c2.core.approve(rf.id);
      await until(async () => (await c1.core.inbox()).find((r) => r.id === rf.id)?.approvals.length === 2, 20_000, 'one approval');
      await expect(c1.core.finalize(rf.id)).rejects.toMatchObject({ code: 'not-enough-approvals' });
      await c3.core.approve(rf.id);
      await until(async () => (await c1.core.inbox()).find((r) => r.id === rf.id)?.status === 'ready', 20_000, 'refresh ready');
      const refreshed = await c1.core.finalize(rf.id);
      expect(refreshed).toMatchObject({ status: 'done', epoch: 1, signers: [1, 2, 3] });
      for (const c of [c2, c3]) await until(async () => (await c.core.accounts())[0]!.epoch === 1, 20_000, 'epoch 1 everywhere');
      for (const c of cores) expect((await c.core.accounts())[0]).toMatchObject({ epoch: 1, groupKey: acc.groupKey });
      expect(c2.events.some((e) => e.type === 'account' && e.change === 'refreshed')).toBe(true);
      expect((await c3.core.auditLog()).some((e) => e.kind === 'refresh')).toBe(true);
      expect((await c1.core.status()).accounts[0]).toMatchObject({ epoch: 1, shareOk: true });

      // refreshed shares sign under the same key (party 3 with party 1 this time)
      const after = await signOnce(c1, c3, acc.id, 'after refresh');
      expect(after).toMatchObject({ status: 'done', verified: true, signers: [1, 3] });
      expect(getSuite('secp256k1').verify(hexToBytes(after.signature!), new TextEncoder().encode('after refresh'), hexToBytes(acc.groupKey))).toBe(true);
      const st = await c1.core.status();
      expect(st.nonceLedger.ok && st.audit.ok && st.integrity.ok).toBe(true);
    } finally {
      await closeAll(cores);
    }
  });

  it('exports an encrypted backup and restores it into an empty vault; a tampered record is reported', async () => {
    const { cores, accounts } = await committee(signal, 'backup', 'ed25519', 2, 3);
    const [c1, c2] = cores as [TestCore, TestCore, TestCore];
    const restored = await testCore(signal, 'restored');
    try {
      await expect(c1.core.exportBackup('')).rejects.toMatchObject({ code: 'bad-input', field: 'passphrase' });
      const text = await c1.core.exportBackup('backup passphrase');
      expect(text).not.toContain(accounts[0]!.groupKey);
      await expect(c1.core.importBackup(text, 'backup passphrase')).rejects.toMatchObject({ code: 'vault-exists' });
      await expect(restored.core.importBackup(text, 'wrong')).rejects.toBeInstanceOf(VaultUnlockError);
      expect(restored.core.state).toBe('no-vault');
      await restored.core.importBackup(text, 'backup passphrase');
      expect(restored.core.state).toBe('locked');
      await restored.core.unlockWithPassphrase(PASS);
      expect(restored.core.identity()).toEqual(c1.core.identity());
      expect(await restored.core.accounts()).toEqual(await c1.core.accounts());
      const rs = await restored.core.status();
      expect(rs.accounts[0]!.shareOk).toBe(true);
      expect(rs.integrity.ok && rs.audit.ok).toBe(true);
      await restored.core.close();

      // tamper with party 3's sealed key share while it is closed: reported right at unlock
      const c3 = cores[2]!;
      await c3.core.close();
      const db3 = await openDB(c3.name);
      const shareKey = (await db3.getAllKeys('shares')).map(String).find((k) => k.startsWith('frost:'))!;
      const share = (await db3.get('shares', shareKey)) as { ciphertext: Uint8Array };
      const sct = new Uint8Array(share.ciphertext);
      sct[sct.length - 1]! ^= 1;
      await db3.put('shares', { ...share, ciphertext: sct }, shareKey);
      db3.close();
      const c3again = await c3.reopen();
      await c3again.unlockWithPassphrase(PASS);
      await until(() => c3.events.some((e) => e.type === 'error' && e.context === 'vault' && e.error.field === `shares/${shareKey}`), 20_000, 'tampered share reported');
      expect((await c3again.status()).accounts[0]!.shareOk).toBe(false);

      // tamper with party 2's sealed account record while it is locked
      await c2.core.close();
      const db = await openDB(c2.name);
      const key = `wallet/account/${accounts[0]!.id}`;
      const rec = (await db.get('shares', key)) as { ciphertext: Uint8Array };
      const ct = new Uint8Array(rec.ciphertext);
      ct[3]! ^= 0x80;
      await db.put('shares', { ...rec, ciphertext: ct }, key);
      db.close();
      const c2again = await c2.reopen();
      await c2again.unlockWithPassphrase(PASS);
      expect(c2.events.some((e) => e.type === 'error' && e.error.code === 'tampered' && e.error.field === `shares/${key}`)).toBe(true);
      expect(await c2again.accounts()).toEqual([]);
      const st = await c2again.status();
      expect(st.integrity).toMatchObject({ ok: false, error: { code: 'tampered', field: `shares/${key}` } });
      expect((await c2again.auditLog()).some((e) => e.kind === 'integrity-failure')).toBe(true);
    } finally {
      await closeAll([...cores, restored]);
    }
  });
});
