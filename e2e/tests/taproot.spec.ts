/**
 * The main ceremony: three browser contexts (each with its own vault and its own virtual
 * WebAuthn PRF authenticator) create a 2-of-3 Taproot wallet through the signal server over
 * WebRTC, then sign a message through the approvals inbox (request → approve → finalize). The
 * test verifies the BIP340 signature itself with noble's `schnorr.verify` against the x-only
 * group key every wallet shows, checks that all three agree, and that a late approval is
 * recorded as not needed. Screenshots of the main screens go to e2e/artifacts/.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/curves/utils.js';
import { expect, test } from '../support/fixtures.ts';
import { CEREMONY_TIMEOUT, createSharedWallet, createVault, joinFromLink, openAccount, openInboxRequest, requestCard, requestSignature, waitForAccount } from '../support/wallet.ts';

test.setTimeout(240_000);

test('three contexts create a 2-of-3 Taproot wallet and sign; the BIP340 signature verifies', async ({ newParty, shot }) => {
  const alice = await newParty('alice');
  const bob = await newParty('bob');
  await createVault(alice.page, { passkey: true });
  await createVault(bob.page, { passkey: true });
  await shot(alice.page, 'accounts-empty');

  // Alice creates the wallet; Bob and Carol join with their links.
  const links = await createSharedWallet(alice.page, { label: 'Treasury', suite: 'taproot', threshold: 2, parties: 3, memberLabel: 'Alice', beforeSubmit: () => shot(alice.page, 'create-form') });
  expect(links.size).toBe(2);
  for (const link of links.values()) expect(link).toContain('#join=');
  await shot(alice.page, 'create-lobby-invites');

  await bob.page.goto(`/${new URL(links.get(2)!).hash}`);
  await expect(bob.page.getByTestId('join-form')).toBeVisible();
  await expect(bob.page.getByTestId('join-slot')).toContainText('#2');
  const creatorFp = (await alice.page.getByTestId('lobby-creator-fingerprint').textContent())?.trim();
  await expect(bob.page.getByTestId('join-creator-fingerprint')).toHaveText(creatorFp ?? '');
  await shot(bob.page, 'join-preview');
  await bob.page.getByTestId('join-member-label').fill('Bob');
  await bob.page.getByTestId('join-confirm').click();
  await expect(bob.page.getByTestId('screen-lobby')).toBeVisible();
  // Carol opens her link on a device without a vault: she creates one first, then lands on the join screen.
  const carol = await newParty('carol', { path: `/${new URL(links.get(3)!).hash}` });
  await createVault(carol.page, { passkey: true, then: 'join-form' });
  await carol.page.getByTestId('join-member-label').fill('Carol');
  await carol.page.getByTestId('join-confirm').click();
  await expect(carol.page.getByTestId('screen-lobby')).toBeVisible();
  expect(carol.page.url()).not.toContain('#join=');

  const [idA, idB, idC] = await Promise.all([waitForAccount(alice.page), waitForAccount(bob.page), waitForAccount(carol.page)]);
  expect(idB).toBe(idA);
  expect(idC).toBe(idA);
  await shot(alice.page, 'create-lobby-done');
  await alice.page.goto('/#/accounts');
  await expect(alice.page.locator(`[data-testid="account-card"][data-account-id="${idA}"]`)).toBeVisible();
  await shot(alice.page, 'accounts');

  const keyA = await openAccount(alice.page, idA);
  const keyB = await openAccount(bob.page, idA);
  const keyC = await openAccount(carol.page, idA);
  expect(keyA).toMatch(/^[0-9a-f]{64}$/);
  expect(keyB).toBe(keyA);
  expect(keyC).toBe(keyA);
  await shot(alice.page, 'account');

  // Alice requests a signature; Bob sees exactly these bytes and approves; Alice finalizes.
  const text = 'Pay 0.05 BTC to bc1p-e2e-test, invoice #42';
  const message = new TextEncoder().encode(text);
  const requestId = await requestSignature(alice.page, { text }, 'Invoice 42');

  const bobCard = await openInboxRequest(bob.page, requestId);
  await expect(bobCard.getByTestId('request-utf8')).toHaveText(text);
  await expect(bobCard.getByTestId('request-hex')).toHaveText(Buffer.from(message).toString('hex'));
  await expect(bobCard.getByTestId('request-signed-as')).toContainText('BIP340');
  await shot(bob.page, 'inbox-request');
  await bobCard.getByTestId('request-approve').click();
  await expect(bobCard.getByTestId('request-mine')).toHaveText('You approved');

  const aliceCard = requestCard(alice.page, requestId);
  await expect(aliceCard.getByTestId('request-finalize')).toBeVisible({ timeout: 60_000 });
  await aliceCard.getByTestId('request-finalize').click();
  await expect(aliceCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  await expect(aliceCard.getByTestId('request-verified')).toHaveAttribute('data-verified', 'true');
  const sigHex = ((await aliceCard.getByTestId('request-signature').textContent()) ?? '').trim();
  expect(sigHex).toMatch(/^[0-9a-f]{128}$/);
  await shot(alice.page, 'request-signed');

  // Independent BIP340 verification; a tampered signature or message does not verify.
  expect(schnorr.verify(hexToBytes(sigHex), message, hexToBytes(keyA))).toBe(true);
  const badSig = hexToBytes(sigHex);
  badSig[40] = (badSig[40] ?? 0) ^ 1;
  expect(schnorr.verify(badSig, message, hexToBytes(keyA))).toBe(false);
  expect(schnorr.verify(hexToBytes(sigHex), new TextEncoder().encode(`${text}.`), hexToBytes(keyA))).toBe(false);

  // Every wallet learns the result; Carol's approval comes late and is recorded as not needed.
  await expect(bobCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  await expect(bobCard.getByTestId('request-signature')).toHaveText(sigHex);
  const carolCard = await openInboxRequest(carol.page, requestId);
  await expect(carolCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  await expect(carolCard.getByTestId('request-signature')).toHaveText(sigHex);
  await carolCard.getByTestId('request-approve').click();
  await expect(carolCard.getByTestId('request-late')).toBeVisible({ timeout: 30_000 });
  await shot(carol.page, 'inbox-done-late-approval');
  await carol.page.setViewportSize({ width: 390, height: 844 });
  await shot(carol.page, 'inbox-phone-width');
  const overflow = await carol.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'no horizontal scrolling at phone width').toBeLessThanOrEqual(0);

  // Status: members online, checks green, key epoch 0.
  await alice.page.goto('/#/status');
  await expect(alice.page.getByTestId('status-nonce')).toHaveAttribute('data-ok', 'true', { timeout: 30_000 });
  await expect(alice.page.getByTestId('status-audit')).toHaveAttribute('data-ok', 'true');
  await expect(alice.page.getByTestId('status-integrity')).toHaveAttribute('data-ok', 'true');
  await expect(alice.page.getByTestId('status-epoch')).toHaveText('epoch 0');
  await shot(alice.page, 'status');
});
