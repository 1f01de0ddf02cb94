/**
 * Tampered key share e2e: after a 2-of-2 Taproot key generation, one byte of the member's
 * sealed FROST key share is flipped directly in IndexedDB (page.evaluate). The status screen's
 * integrity check fails naming the record, the account's share check fails, and nothing is
 * signed with it.
 */
import { expect, test } from '../support/fixtures.ts';
import { createSharedWallet, createVault, joinFromLink, waitForAccount } from '../support/wallet.ts';

test.setTimeout(180_000);

test('a tampered key share in IndexedDB is reported by the status checks', async ({ newParty, shot }) => {
  const alice = await newParty('alice');
  const bob = await newParty('bob');
  await createVault(alice.page, { passkey: true });
  await createVault(bob.page, { passkey: true });
  const links = await createSharedWallet(alice.page, { label: 'Tamper', suite: 'taproot', threshold: 2, parties: 2 });
  await joinFromLink(bob.page, links.get(2)!, 'Bob');
  await Promise.all([waitForAccount(alice.page), waitForAccount(bob.page)]);

  await bob.page.goto('/#/status');
  await expect(bob.page.getByTestId('status-integrity')).toHaveAttribute('data-ok', 'true', { timeout: 30_000 });
  await expect(bob.page.getByTestId('status-share')).toHaveText('share OK');

  const record = await bob.page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('tessera-wallet');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    try {
      const tx = db.transaction('shares', 'readwrite');
      const store = tx.objectStore('shares');
      const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
        const r = store.getAllKeys();
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const key = keys.map(String).find((k) => k.startsWith('frost:'));
      if (key === undefined) return undefined;
      const rec = await new Promise<{ ciphertext: Uint8Array }>((resolve, reject) => {
        const r = store.get(key);
        r.onsuccess = () => resolve(r.result as { ciphertext: Uint8Array });
        r.onerror = () => reject(r.error);
      });
      const ct = new Uint8Array(rec.ciphertext);
      ct[ct.length - 3] = (ct[ct.length - 3] ?? 0) ^ 0x80;
      store.put({ ...rec, ciphertext: ct }, key);
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      return key;
    } finally {
      db.close();
    }
  });
  expect(record).toMatch(/^frost:/);

  await bob.page.getByTestId('status-rerun').click();
  await expect(bob.page.getByTestId('status-integrity')).toHaveAttribute('data-ok', 'false', { timeout: 30_000 });
  await expect(bob.page.getByTestId('status-alert')).toBeVisible();
  await expect(bob.page.getByTestId('status-share')).toHaveText('share FAILED');
  await expect(bob.page.getByTestId('status-body')).toContainText(record!.slice(0, 12));
  await shot(bob.page, 'status-tampered-share');
});
