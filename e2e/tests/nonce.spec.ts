/**
 * Nonce-reuse e2e: after a 2-of-2 Taproot signature is done, the requester's signing
 * invitation (its `finalize` message for the co-signer, byte for byte) is posted AGAIN over the
 * requester's own authenticated connection, as a buggy or malicious requester would. The
 * co-signer must refuse to take part a second time in a session it already signed in (its
 * vault's nonce ledger fails closed), show "nonce already used — refused" on the request, keep
 * the finished signature, and record the refusal in its audit log.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/curves/utils.js';
import { expect, test } from '../support/fixtures.ts';
import { CEREMONY_TIMEOUT, createSharedWallet, createVault, joinFromLink, openAccount, openInboxRequest, requestCard, requestSignature, waitForAccount } from '../support/wallet.ts';
import { tapWebSockets, type WsTap } from '../support/ws-tap.ts';

test.setTimeout(180_000);

test('a second use of a nonce is refused', async ({ newParty, shot }) => {
  let tap: WsTap | undefined;
  const alice = await newParty('alice', { beforeGoto: async (page) => (tap = await tapWebSockets(page)) });
  const bob = await newParty('bob');
  await createVault(alice.page, { passkey: true });
  await createVault(bob.page, { passkey: true });

  const links = await createSharedWallet(alice.page, { label: 'Two keys', suite: 'taproot', threshold: 2, parties: 2, memberLabel: 'Alice' });
  await joinFromLink(bob.page, links.get(2)!, 'Bob');
  const [id] = await Promise.all([waitForAccount(alice.page), waitForAccount(bob.page)]);
  const groupKey = await openAccount(alice.page, id);

  const beforeRequest = tap!.posts.length;
  const text = 'nonce: sign exactly once';
  const requestId = await requestSignature(alice.page, { text }, 'Once only');
  const requestPost = tap!.posts.slice(beforeRequest).find((p) => p.to?.includes(2));
  expect(requestPost, 'the request was posted to Bob').toBeDefined();
  const groupSession = requestPost!.session;

  const bobCard = await openInboxRequest(bob.page, requestId);
  await bobCard.getByTestId('request-approve').click();
  const aliceCard = requestCard(alice.page, requestId);
  await expect(aliceCard.getByTestId('request-finalize')).toBeVisible({ timeout: 60_000 });
  const beforeFinalize = tap!.posts.length;
  await aliceCard.getByTestId('request-finalize').click();
  await expect(aliceCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  await expect(bobCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  const sig = ((await bobCard.getByTestId('request-signature').textContent()) ?? '').trim();
  expect(schnorr.verify(hexToBytes(sig), new TextEncoder().encode(text), hexToBytes(groupKey))).toBe(true);
  await expect(bobCard.getByTestId('request-nonce-refused')).toHaveCount(0);

  // The same signing invitation arrives again.
  const finalizePost = tap!.posts.slice(beforeFinalize).find((p) => p.session === groupSession && p.to?.includes(2));
  expect(finalizePost, 'the finalize message to Bob was recorded').toBeDefined();
  await tap!.repost(finalizePost!);

  const refused = bobCard.getByTestId('request-nonce-refused');
  await expect(refused).toBeVisible({ timeout: 30_000 });
  await expect(refused).toContainText('Nonce already used — refused');
  await expect(bobCard).toHaveAttribute('data-status', 'done');
  await expect(bobCard.getByTestId('request-signature')).toHaveText(sig);
  await shot(bob.page, 'inbox-nonce-reuse-refused');

  await bob.page.goto('/#/status');
  await expect(bob.page.locator('[data-testid="audit-entry"][data-kind="sign"]').filter({ hasText: 'nonce-reuse' })).toHaveCount(1, { timeout: 30_000 });
  await expect(bob.page.getByTestId('status-nonce')).toHaveAttribute('data-ok', 'true');
});
