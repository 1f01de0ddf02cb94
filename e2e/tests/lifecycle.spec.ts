/**
 * Account lifecycle e2e on the Ed25519 suite: a 2-of-2 wallet signs (verified with noble's
 * `ed25519.verify`), a rejected request cannot be finalized, the wallet refreshes its shares (both approve; epoch 1, same group key) and signs again
 * with the refreshed shares; then a member exports an encrypted backup, and a fresh browser
 * profile restores it and shows the same account at the same epoch.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '@noble/curves/utils.js';
import { expect, test } from '../support/fixtures.ts';
import { CEREMONY_TIMEOUT, createSharedWallet, createVault, joinFromLink, openAccount, openInboxRequest, requestCard, requestSignature, unlockWithPassphrase, waitForAccount } from '../support/wallet.ts';
import type { Page } from '@playwright/test';

test.setTimeout(240_000);

async function signAndVerify(alice: Page, bob: Page, accountId: string, groupKey: string, text: string): Promise<void> {
  await openAccount(alice, accountId);
  const requestId = await requestSignature(alice, { text }, text);
  const bobCard = await openInboxRequest(bob, requestId);
  await expect(bobCard.getByTestId('request-signed-as')).toContainText('Ed25519');
  await bobCard.getByTestId('request-approve').click();
  const card = requestCard(alice, requestId);
  await expect(card.getByTestId('request-finalize')).toBeVisible({ timeout: 60_000 });
  await card.getByTestId('request-finalize').click();
  await expect(card).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  const sig = ((await card.getByTestId('request-signature').textContent()) ?? '').trim();
  expect(ed25519.verify(hexToBytes(sig), new TextEncoder().encode(text), hexToBytes(groupKey))).toBe(true);
}

test('an Ed25519 wallet signs, refreshes its shares, signs again, and restores from a backup', async ({ newParty, shot }) => {
  const alice = await newParty('alice');
  const bob = await newParty('bob');
  await createVault(alice.page, { passkey: true });
  await createVault(bob.page, { passkey: true, passphrase: 'bob passphrase 22' });
  const links = await createSharedWallet(alice.page, { label: 'Ed pair', suite: 'ed25519', threshold: 2, parties: 2, memberLabel: 'Alice' });
  await joinFromLink(bob.page, links.get(2)!, 'Bob');
  const [id] = await Promise.all([waitForAccount(alice.page), waitForAccount(bob.page)]);
  const groupKey = await openAccount(alice.page, id);
  expect(groupKey).toMatch(/^[0-9a-f]{64}$/);
  await signAndVerify(alice.page, bob.page, id, groupKey, 'ed25519: first signature');

  // A request Bob rejects cannot be finalized in a 2-of-2 wallet.
  await openAccount(alice.page, id);
  const rejectedId = await requestSignature(alice.page, { text: 'ed25519: Bob says no' }, 'To be rejected');
  const bobRejects = await openInboxRequest(bob.page, rejectedId);
  await bobRejects.getByTestId('request-reject').click();
  await expect(bobRejects.getByTestId('request-mine')).toHaveText('You rejected');
  const aliceRejected = requestCard(alice.page, rejectedId);
  await expect(aliceRejected).toHaveAttribute('data-status', 'rejected', { timeout: 60_000 });
  await expect(aliceRejected.getByTestId('request-finalize')).toHaveCount(0);

  // Refresh: requested on the refresh screen, approved by Bob, finalized by Alice.
  await alice.page.goto('/#/refresh');
  const account = alice.page.locator(`[data-testid="refresh-account"][data-account-id="${id}"]`);
  await expect(account.getByTestId('refresh-epoch')).toHaveText('epoch 0');
  await account.getByTestId('refresh-request').click();
  const refreshCard = account.getByTestId('request').first();
  await expect(refreshCard).toBeVisible({ timeout: 30_000 });
  const refreshId = (await refreshCard.getAttribute('data-request-id'))!;
  await shot(alice.page, 'refresh');
  const bobRefresh = await openInboxRequest(bob.page, refreshId);
  await bobRefresh.getByTestId('request-approve').click();
  const aliceRefresh = requestCard(alice.page, refreshId);
  await expect(aliceRefresh.getByTestId('request-finalize')).toBeVisible({ timeout: 60_000 });
  await aliceRefresh.getByTestId('request-finalize').click();
  await expect(aliceRefresh).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  await expect(bobRefresh).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  await expect(alice.page.locator(`[data-testid="refresh-account"][data-account-id="${id}"]`).getByTestId('refresh-epoch')).toHaveText('epoch 1', { timeout: 30_000 });

  expect(await openAccount(alice.page, id)).toBe(groupKey);
  await expect(alice.page.getByTestId('account-epoch')).toHaveText('1');
  expect(await openAccount(bob.page, id)).toBe(groupKey);
  await expect(bob.page.getByTestId('account-epoch')).toHaveText('1');
  await signAndVerify(alice.page, bob.page, id, groupKey, 'ed25519: after the refresh');

  // Backup on Bob's device, restore in a fresh browser profile.
  await bob.page.goto('/#/backup');
  await bob.page.getByTestId('backup-passphrase').fill('backup passphrase 9');
  await bob.page.getByTestId('backup-passphrase-confirm').fill('backup passphrase 9');
  await bob.page.getByTestId('backup-export').click();
  const backup = await bob.page.getByTestId('backup-text').inputValue({ timeout: 60_000 });
  expect(backup.length).toBeGreaterThan(100);
  await shot(bob.page, 'backup');
  await bob.page.close();

  const restored = await newParty('bob-restored', { authenticator: false });
  await restored.page.getByTestId('welcome-restore').click();
  await restored.page.getByTestId('restore-text').fill(backup);
  await restored.page.getByTestId('restore-passphrase').fill('wrong backup passphrase');
  await restored.page.getByTestId('restore-submit').click();
  await expect(restored.page.getByTestId('restore-error')).toBeVisible({ timeout: 60_000 });
  await shot(restored.page, 'restore-wrong-passphrase');
  await restored.page.getByTestId('restore-passphrase').fill('backup passphrase 9');
  await restored.page.getByTestId('restore-submit').click();
  await expect(restored.page.getByTestId('screen-unlock').or(restored.page.getByTestId('screen-accounts'))).toBeVisible({ timeout: 60_000 });
  if (await restored.page.getByTestId('screen-unlock').isVisible()) await unlockWithPassphrase(restored.page, 'bob passphrase 22');
  await expect(restored.page.locator(`[data-testid="account-card"][data-account-id="${id}"]`)).toBeVisible({ timeout: 60_000 });
  expect(await openAccount(restored.page, id)).toBe(groupKey);
  await expect(restored.page.getByTestId('account-epoch')).toHaveText('1');
});
