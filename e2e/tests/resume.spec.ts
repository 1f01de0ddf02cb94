/**
 * Resume e2e: tabs reloaded in the middle of a ceremony pick it up again once unlocked. The
 * creator and a joiner reload while the wallet's setup (enrollment lobby, then key generation)
 * is under way; the third member joins afterwards and the key generation completes for all.
 * Then an approver reloads between receiving a signing request and approving it, and the
 * signature still completes and verifies.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes } from '@noble/curves/utils.js';
import { expect, test } from '../support/fixtures.ts';
import { CEREMONY_TIMEOUT, createSharedWallet, createVault, joinFromLink, openAccount, openInboxRequest, requestCard, requestSignature, unlockWithPasskey, waitForAccount } from '../support/wallet.ts';

test.setTimeout(240_000);

test('a tab reloaded mid-ceremony resumes', async ({ newParty, shot }) => {
  const alice = await newParty('alice');
  const bob = await newParty('bob');
  const carol = await newParty('carol');
  for (const p of [alice, bob, carol]) await createVault(p.page, { passkey: true });

  const links = await createSharedWallet(alice.page, { label: 'Resumable', suite: 'taproot', threshold: 2, parties: 3, memberLabel: 'Alice' });
  await joinFromLink(bob.page, links.get(2)!, 'Bob');
  await expect(bob.page.getByTestId('lobby-stage')).toHaveAttribute('data-stage', 'waiting-invitation', { timeout: 30_000 });
  await expect(alice.page.locator('[data-testid="lobby-slot"][data-index="2"]')).toHaveAttribute('data-joined', 'true', { timeout: 30_000 });
  const lobbyUrl = bob.page.url();
  expect(lobbyUrl).toContain('#/lobby/');

  // Both the joiner and the creator reload mid-setup; once unlocked, their lobbies are back.
  await bob.page.reload();
  await unlockWithPasskey(bob.page);
  await expect(bob.page.getByTestId('screen-lobby')).toBeVisible();
  await expect(bob.page.getByTestId('lobby-stage')).toHaveAttribute('data-stage', 'waiting-invitation');

  await alice.page.reload();
  await unlockWithPasskey(alice.page);
  await expect(alice.page.getByTestId('screen-lobby')).toBeVisible();
  await expect(alice.page.locator('[data-testid="lobby-slot"][data-index="2"]')).toHaveAttribute('data-joined', 'true');
  await expect(alice.page.getByTestId('invite-link-3')).toHaveValue(links.get(3)!);
  await shot(alice.page, 'lobby-resumed-after-reload');

  await joinFromLink(carol.page, links.get(3)!, 'Carol');
  const [idA, idB, idC] = await Promise.all([waitForAccount(alice.page), waitForAccount(bob.page), waitForAccount(carol.page)]);
  expect(new Set([idA, idB, idC]).size).toBe(1);
  const groupKey = await openAccount(alice.page, idA);
  expect(await openAccount(bob.page, idA)).toBe(groupKey);

  // A signing request survives the approver's reload.
  const text = 'resume: approve after a reload';
  const requestId = await requestSignature(alice.page, { text }, 'After reload');
  await openInboxRequest(bob.page, requestId);
  await bob.page.reload();
  await unlockWithPasskey(bob.page);
  const bobCard = await openInboxRequest(bob.page, requestId);
  await bobCard.getByTestId('request-approve').click();

  const aliceCard = requestCard(alice.page, requestId);
  await expect(aliceCard.getByTestId('request-finalize')).toBeVisible({ timeout: 60_000 });
  await aliceCard.getByTestId('request-finalize').click();
  await expect(aliceCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  const sig = ((await aliceCard.getByTestId('request-signature').textContent()) ?? '').trim();
  expect(schnorr.verify(hexToBytes(sig), new TextEncoder().encode(text), hexToBytes(groupKey))).toBe(true);
  await expect(bobCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
});

test('a tab reloaded during a running key generation, then during a running signing, resumes both', async ({ newParty, shot }) => {
  test.setTimeout(360_000);
  const alice = await newParty('alice');
  const bob = await newParty('bob');
  await createVault(alice.page, { passkey: true });
  await createVault(bob.page, { passkey: true });
  // CGGMP21's key generation (with the auxiliary-information phase) runs several rounds over
  // seconds, long enough to reload a participant in the middle of it.
  const links = await createSharedWallet(alice.page, { label: 'Reloaded keygen', suite: 'ecdsa', threshold: 2, parties: 2, memberLabel: 'Alice' });
  await joinFromLink(bob.page, links.get(2)!, 'Bob');
  await expect(bob.page.getByTestId('lobby-stage')).toHaveAttribute('data-stage', 'keygen', { timeout: 60_000 });
  await expect(bob.page.getByTestId('lobby-done')).toHaveCount(0);
  await bob.page.reload();
  await unlockWithPasskey(bob.page);
  await expect(bob.page.getByTestId('screen-lobby')).toBeVisible();
  await shot(bob.page, 'lobby-keygen-resumed');
  const [idA, idB] = await Promise.all([waitForAccount(alice.page, 300_000), waitForAccount(bob.page, 300_000)]);
  expect(idB).toBe(idA);
  const key = await openAccount(alice.page, idA);
  expect(await openAccount(bob.page, idA)).toBe(key);

  // Signing (presigning + signing rounds): Bob reloads while the ceremony runs.
  const text = 'resume: reloaded while signing';
  const requestId = await requestSignature(alice.page, { text }, 'Reload while signing');
  const bobCard = await openInboxRequest(bob.page, requestId);
  await bobCard.getByTestId('request-approve').click();
  const aliceCard = requestCard(alice.page, requestId);
  await expect(aliceCard.getByTestId('request-finalize')).toBeVisible({ timeout: 60_000 });
  await aliceCard.getByTestId('request-finalize').click();
  await expect(bobCard).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await bob.page.reload();
  await unlockWithPasskey(bob.page);
  const again = await openInboxRequest(bob.page, requestId);
  await expect(aliceCard).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  await expect(again).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  const sig = hexToBytes(((await aliceCard.getByTestId('request-signature').textContent()) ?? '').trim());
  expect(secp256k1.verify(sig.subarray(0, 64), sha256(new TextEncoder().encode(text)), hexToBytes(key), { prehash: false, lowS: true, format: 'compact' })).toBe(true);
});
