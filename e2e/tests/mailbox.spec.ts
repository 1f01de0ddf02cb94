/**
 * Mailbox e2e: a member that is offline (its tab closed) while a signing request is posted,
 * approved, finalized and signed by the others catches up through the signal server's
 * store-and-forward mailbox when it comes back: its inbox shows the request, the same
 * signature, verified on that device, and its late approval is recorded as not needed.
 *
 * The returning member opens a NEW page of its browser context (same IndexedDB). A virtual
 * authenticator belongs to one page, so that member unlocks with its passphrase.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/curves/utils.js';
import { expect, test } from '../support/fixtures.ts';
import { CEREMONY_TIMEOUT, createSharedWallet, createVault, joinFromLink, openAccount, openInboxRequest, requestCard, requestSignature, unlockWithPassphrase, waitForAccount } from '../support/wallet.ts';

test.setTimeout(240_000);

test('an offline party catches up through the mailbox', async ({ newParty, shot }) => {
  const alice = await newParty('alice');
  const bob = await newParty('bob');
  const carol = await newParty('carol');
  await createVault(alice.page, { passkey: true });
  await createVault(bob.page, { passkey: true });
  await createVault(carol.page, { passkey: true, passphrase: 'carol passphrase 1' });

  const links = await createSharedWallet(alice.page, { label: 'Mailbox', suite: 'taproot', threshold: 2, parties: 3, memberLabel: 'Alice' });
  await joinFromLink(bob.page, links.get(2)!, 'Bob');
  await joinFromLink(carol.page, links.get(3)!, 'Carol');
  const [id] = await Promise.all([waitForAccount(alice.page), waitForAccount(bob.page), waitForAccount(carol.page)]);
  const groupKey = await openAccount(alice.page, id);

  // Carol goes offline.
  await carol.page.close();
  await alice.page.goto('/#/status');
  await expect(alice.page.locator('[data-testid="status-member"][data-index="3"]')).toHaveAttribute('data-online', 'false', { timeout: 30_000 });
  await shot(alice.page, 'status-member-offline');

  // Alice and Bob sign without her.
  await openAccount(alice.page, id);
  const text = 'mailbox: signed while Carol was away';
  const requestId = await requestSignature(alice.page, { text }, 'While Carol is away');
  const bobCard = await openInboxRequest(bob.page, requestId);
  await bobCard.getByTestId('request-approve').click();
  const aliceCard = requestCard(alice.page, requestId);
  await expect(aliceCard.getByTestId('request-finalize')).toBeVisible({ timeout: 60_000 });
  await aliceCard.getByTestId('request-finalize').click();
  await expect(aliceCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  const sig = ((await aliceCard.getByTestId('request-signature').textContent()) ?? '').trim();
  expect(schnorr.verify(hexToBytes(sig), new TextEncoder().encode(text), hexToBytes(groupKey))).toBe(true);

  // Carol comes back: everything she missed arrives from the mailbox.
  const page = await carol.context.newPage();
  await page.goto('/');
  await unlockWithPassphrase(page, 'carol passphrase 1');
  const carolCard = await openInboxRequest(page, requestId);
  await expect(carolCard.getByTestId('request-utf8')).toHaveText(text);
  await expect(carolCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  await expect(carolCard.getByTestId('request-signature')).toHaveText(sig);
  await expect(carolCard.getByTestId('request-verified')).toHaveAttribute('data-verified', 'true');
  await carolCard.getByTestId('request-approve').click();
  await expect(carolCard.getByTestId('request-late')).toBeVisible({ timeout: 30_000 });
  await shot(page, 'mailbox-caught-up');
});

test('a member offline when the last seat is taken catches up through the mailbox', async ({ newParty, shot }) => {
  const alice = await newParty('alice');
  const bob = await newParty('bob');
  const carol = await newParty('carol');
  await createVault(alice.page, { passkey: true });
  await createVault(bob.page, { passkey: true, passphrase: 'bob passphrase 1' });
  await createVault(carol.page, { passkey: true });

  const links = await createSharedWallet(alice.page, { label: 'Late joiner', suite: 'taproot', threshold: 2, parties: 3, memberLabel: 'Alice' });
  await joinFromLink(bob.page, links.get(2)!, 'Bob');
  await expect(bob.page.getByTestId('lobby-stage')).toHaveAttribute('data-stage', 'waiting-invitation', { timeout: 30_000 });
  await expect(alice.page.locator('[data-testid="lobby-slot"][data-index="2"]')).toHaveAttribute('data-joined', 'true', { timeout: 30_000 });
  const lobbyPath = new URL(bob.page.url()).hash;
  await bob.page.close();

  // Carol joins while Bob is away: every seat is taken, but Bob is not there to run the key generation.
  await joinFromLink(carol.page, links.get(3)!, 'Carol');
  await expect(alice.page.locator('[data-testid="lobby-slot"][data-index="3"]')).toHaveAttribute('data-joined', 'true', { timeout: 30_000 });
  await expect(alice.page.getByTestId('lobby-stage')).toHaveAttribute('data-stage', 'keygen', { timeout: 30_000 });
  await expect(alice.page.getByTestId('lobby-done')).toHaveCount(0);
  await shot(alice.page, 'lobby-waiting-for-offline-member');

  // Bob comes back and catches up from the mailbox; everyone ends with the same key.
  const page = await bob.context.newPage();
  await page.goto(`/${lobbyPath}`);
  await unlockWithPassphrase(page, 'bob passphrase 1');
  const [idA, idB, idC] = await Promise.all([waitForAccount(alice.page), waitForAccount(page), waitForAccount(carol.page)]);
  expect(new Set([idA, idB, idC]).size).toBe(1);
  const key = await openAccount(alice.page, idA);
  expect(await openAccount(page, idA)).toBe(key);
  expect(await openAccount(carol.page, idA)).toBe(key);
});
