/**
 * Vault e2e: a wrong passphrase is refused (clear error, vault untouched, audit event), and a
 * tampered IndexedDB record is detected (the sealed device identity's ciphertext is altered
 * through page.evaluate; unlocking reports the integrity failure naming the record). Also: the
 * passkey (virtual WebAuthn PRF authenticator) unlocks across a reload, and the installed app's
 * shell loads offline from the service worker.
 */
import { expect, test } from '../support/fixtures.ts';
import { createVault, unlockWithPasskey, unlockWithPassphrase } from '../support/wallet.ts';

const PASSPHRASE = 'correct horse battery staple';

test('a wrong passphrase is refused and nothing is touched', async ({ newParty, shot }) => {
  const { page } = await newParty('alice');
  await shot(page, 'welcome');
  await createVault(page, { passkey: false, passphrase: PASSPHRASE });
  await page.getByTestId('lock').click();
  await expect(page.getByTestId('screen-unlock')).toBeVisible();
  await shot(page, 'unlock');

  await page.getByTestId('unlock-passphrase').fill('wrong passphrase!');
  await page.getByTestId('unlock-submit').click();
  const err = page.getByTestId('unlock-error');
  await expect(err).toBeVisible({ timeout: 60_000 });
  await expect(err).toHaveAttribute('data-code', 'unlock:wrong-secret');
  await expect(err).toContainText('Wrong passphrase');
  await expect(page.getByTestId('screen-unlock')).toBeVisible();
  await shot(page, 'unlock-wrong-passphrase');

  // The right passphrase still works: nothing was changed by the failed attempt.
  await unlockWithPassphrase(page, PASSPHRASE);
  await page.goto('/#/status');
  await expect(page.getByTestId('status-integrity')).toHaveAttribute('data-ok', 'true', { timeout: 30_000 });
  await expect(page.getByTestId('status-audit')).toHaveAttribute('data-ok', 'true');
  await expect(page.locator('[data-testid="audit-entry"][data-kind="unlock-failure"]')).toHaveCount(1);
});

test('a tampered IndexedDB record is detected', async ({ newParty, shot }) => {
  const { page } = await newParty('mallory-target');
  await createVault(page, { passkey: true });
  await page.getByTestId('lock').click();
  await expect(page.getByTestId('screen-unlock')).toBeVisible();

  // Flip one ciphertext byte of the sealed device identity, as a malicious script of the origin could.
  const tampered = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('tessera-wallet');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    try {
      const tx = db.transaction('shares', 'readwrite');
      const store = tx.objectStore('shares');
      const rec = await new Promise<{ ciphertext: Uint8Array } | undefined>((resolve, reject) => {
        const r = store.get('device-identity');
        r.onsuccess = () => resolve(r.result as { ciphertext: Uint8Array } | undefined);
        r.onerror = () => reject(r.error);
      });
      if (!rec) return false;
      const ct = new Uint8Array(rec.ciphertext);
      ct[5] = (ct[5] ?? 0) ^ 0x01;
      store.put({ ...rec, ciphertext: ct }, 'device-identity');
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      return true;
    } finally {
      db.close();
    }
  });
  expect(tampered).toBe(true);

  await page.reload();
  await expect(page.getByTestId('screen-unlock')).toBeVisible();
  await page.getByTestId('unlock-passkey').click();
  const err = page.getByTestId('unlock-error');
  await expect(err).toBeVisible({ timeout: 60_000 });
  await expect(err).toHaveAttribute('data-code', 'tampered');
  await expect(err).toContainText('shares/device-identity');
  await expect(page.getByTestId('screen-unlock')).toBeVisible();
  await shot(page, 'unlock-tampered-record');
});

test('the passkey unlocks after a reload and the app shell loads offline', async ({ newParty }) => {
  const { page, context } = await newParty('carol');
  await createVault(page, { passkey: true });
  await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated', undefined, { timeout: 30_000 });
  await page.reload();
  await unlockWithPasskey(page);
  await expect(page.getByTestId('screen-accounts')).toBeVisible();

  // Installable: the manifest names a standalone app with 192 and 512 px icons that are served.
  const manifest = (await (await page.request.get('/manifest.webmanifest')).json()) as { display: string; icons: { src: string; sizes: string }[] };
  expect(manifest.display).toBe('standalone');
  for (const size of ['192x192', '512x512']) {
    const icon = manifest.icons.find((i) => i.sizes === size);
    expect(icon, size).toBeDefined();
    expect((await page.request.get(icon!.src)).status()).toBe(200);
  }

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('screen-unlock')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('link[rel="manifest"]')).toHaveCount(1);
  await context.setOffline(false);
});

test('the vault can be created and the wallet navigated with the keyboard alone', async ({ newParty, shot }) => {
  const { page } = await newParty('keyboard', { authenticator: false });
  await expect(page.getByTestId('screen-welcome')).toBeVisible();
  // Without a passkey authenticator the passkey choice is still offered by the browser; turn it off with Space.
  await page.getByTestId('welcome-use-passkey').focus();
  if (await page.getByTestId('welcome-use-passkey').isChecked()) await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('welcome-use-passphrase')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('welcome-passphrase')).toBeFocused();
  await page.keyboard.type(PASSPHRASE);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSPHRASE);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('screen-accounts')).toBeVisible({ timeout: 60_000 });

  // Tab reaches the navigation; the focused link has a visible focus ring and Enter follows it.
  const nav = page.getByTestId('nav-settings');
  for (let i = 0; i < 12 && !(await nav.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(nav).toBeFocused();
  const outline = await nav.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('screen-settings')).toBeVisible();
  await expect(page.locator('[data-testid="method"][data-kind="passphrase"]')).toHaveCount(1);
  await shot(page, 'settings');
});

test('a passkey added to a passphrase vault unlocks it', async ({ newParty, shot }) => {
  const { page } = await newParty('dave');
  await createVault(page, { passkey: false, passphrase: PASSPHRASE });
  await page.goto('/#/settings');
  await expect(page.locator('[data-testid="method"]')).toHaveCount(1);
  await page.getByTestId('auth-passphrase').fill('not the passphrase');
  await page.getByTestId('add-passkey').click();
  await expect(page.getByTestId('settings-error')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('auth-passphrase').fill(PASSPHRASE);
  await page.getByTestId('add-passkey').click();
  await expect(page.locator('[data-testid="method"]')).toHaveCount(2, { timeout: 60_000 });
  await shot(page, 'settings-two-methods');
  await page.getByTestId('lock').click();
  await unlockWithPasskey(page);
  await expect(page.getByTestId('screen-settings')).toBeVisible();
});
