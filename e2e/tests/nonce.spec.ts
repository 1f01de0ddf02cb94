/**
 * Nonce-reuse e2e: after a 2-of-2 Taproot signature is done, the signing invitation reaches the
 * co-signer AGAIN — once through the requester's own "Re-send invitation" (a recovery action
 * for members that missed it), and once as a byte-for-byte replay of the requester's original
 * `finalize` message over its authenticated connection (a buggy or malicious requester). The
 * co-signer must refuse to take part a second time in a session it already signed in (its
 * vault's nonce ledger fails closed), show "nonce already used — refused" on the request, keep
 * the finished signature, and record the refusal in its audit log.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/curves/utils.js';
import type { Locator, Page } from '@playwright/test';
import { expect, test, type Party } from '../support/fixtures.ts';
import { CEREMONY_TIMEOUT, createSharedWallet, createVault, joinFromLink, openAccount, openInboxRequest, requestCard, requestSignature, waitForAccount } from '../support/wallet.ts';
import { tapWebSockets, type TappedPost, type WsTap } from '../support/ws-tap.ts';

test.setTimeout(180_000);

interface Signed {
  readonly alice: Party;
  readonly bob: Party;
  readonly aliceCard: Locator;
  readonly bobCard: Locator;
  readonly signature: string;
  /** Alice's original finalize message to Bob. */
  readonly finalizePost: TappedPost;
  readonly tap: WsTap;
}

/** A 2-of-2 Taproot wallet of Alice (WebSocket tapped) and Bob that signed one message. */
async function signOnce(newParty: (name: string, opts?: { beforeGoto?: (page: Page) => Promise<unknown> }) => Promise<Party>): Promise<Signed> {
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

  const bobCard = await openInboxRequest(bob.page, requestId);
  await bobCard.getByTestId('request-approve').click();
  const aliceCard = requestCard(alice.page, requestId);
  await expect(aliceCard.getByTestId('request-finalize')).toBeVisible({ timeout: 60_000 });
  const beforeFinalize = tap!.posts.length;
  await aliceCard.getByTestId('request-finalize').click();
  await expect(aliceCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  await expect(bobCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  const signature = ((await bobCard.getByTestId('request-signature').textContent()) ?? '').trim();
  expect(schnorr.verify(hexToBytes(signature), new TextEncoder().encode(text), hexToBytes(groupKey))).toBe(true);
  await expect(bobCard.getByTestId('request-nonce-refused')).toHaveCount(0);
  const finalizePost = tap!.posts.slice(beforeFinalize).find((p) => p.session === requestPost!.session && p.to?.includes(2));
  expect(finalizePost, 'the finalize message to Bob was recorded').toBeDefined();
  return { alice, bob, aliceCard, bobCard, signature, finalizePost: finalizePost!, tap: tap! };
}

/** Bob refused, kept the signature, and audited the refusal once. */
async function expectRefused(s: Signed): Promise<void> {
  const refused = s.bobCard.getByTestId('request-nonce-refused');
  await expect(refused).toBeVisible({ timeout: 30_000 });
  await expect(refused).toContainText('Nonce already used — refused');
  await expect(s.bobCard).toHaveAttribute('data-status', 'done');
  await expect(s.bobCard.getByTestId('request-signature')).toHaveText(s.signature);
}

async function expectAudited(bob: Page): Promise<void> {
  await bob.goto('/#/status');
  await expect(bob.locator('[data-testid="audit-entry"][data-kind="sign"]').filter({ hasText: 'nonce-reuse' })).toHaveCount(1, { timeout: 30_000 });
  await expect(bob.getByTestId('status-nonce')).toHaveAttribute('data-ok', 'true');
}

test('a second use of a nonce is refused: the requester re-sends the invitation', async ({ newParty, shot }) => {
  const s = await signOnce(newParty);
  await s.aliceCard.getByTestId('request-resend').click();
  await expectRefused(s);
  await shot(s.bob.page, 'inbox-nonce-reuse-refused');
  await expectAudited(s.bob.page);
});

test('a second use of a nonce is refused: a replayed signing invitation', async ({ newParty }) => {
  const s = await signOnce(newParty);
  await s.tap.repost(s.finalizePost);
  await expectRefused(s);
  await expectAudited(s.bob.page);
});
