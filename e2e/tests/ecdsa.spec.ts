/**
 * ECDSA e2e: two contexts create a 2-of-2 secp256k1 ECDSA wallet with CGGMP21 (key generation
 * plus auxiliary information, whose safe-prime search runs in the browser's worker pool with a
 * progress bar), then sign; the test verifies the 65-byte r‖s‖v signature itself with noble's
 * `secp256k1.verify` (low-S, over the SHA-256 digest of the message) against the compressed
 * group key.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes } from '@noble/curves/utils.js';
import { expect, test } from '../support/fixtures.ts';
import { createSharedWallet, createVault, joinFromLink, openAccount, openInboxRequest, requestCard, requestSignature, waitForAccount } from '../support/wallet.ts';

test.setTimeout(360_000);

test('two contexts create a 2-of-2 ECDSA (CGGMP21) wallet and sign; the signature verifies', async ({ newParty, shot }) => {
  const alice = await newParty('alice');
  const bob = await newParty('bob');
  await createVault(alice.page, { passkey: true });
  await createVault(bob.page, { passkey: true });
  const links = await createSharedWallet(alice.page, { label: 'ECDSA pair', suite: 'ecdsa', threshold: 2, parties: 2, memberLabel: 'Alice' });
  await joinFromLink(bob.page, links.get(2)!, 'Bob');
  await expect(alice.page.getByTestId('lobby-keygen-progress')).toBeVisible({ timeout: 60_000 });
  await shot(alice.page, 'lobby-ecdsa-keygen-progress');
  const [id] = await Promise.all([waitForAccount(alice.page, 300_000), waitForAccount(bob.page, 300_000)]);

  const groupKey = await openAccount(alice.page, id);
  expect(groupKey).toMatch(/^0[23][0-9a-f]{64}$/);
  expect(await openAccount(bob.page, id)).toBe(groupKey);

  const text = 'ecdsa: transfer 1 ETH to 0x00e2e';
  const requestId = await requestSignature(alice.page, { text }, 'ECDSA');
  const bobCard = await openInboxRequest(bob.page, requestId);
  await expect(bobCard.getByTestId('request-signed-as')).toContainText('ECDSA');
  await bobCard.getByTestId('request-approve').click();
  const card = requestCard(alice.page, requestId);
  await expect(card.getByTestId('request-finalize')).toBeVisible({ timeout: 60_000 });
  await card.getByTestId('request-finalize').click();
  await expect(card).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  const sig = hexToBytes(((await card.getByTestId('request-signature').textContent()) ?? '').trim());
  expect(sig.length).toBe(65);
  const digest = sha256(new TextEncoder().encode(text));
  expect(secp256k1.verify(sig.subarray(0, 64), digest, hexToBytes(groupKey), { prehash: false, lowS: true, format: 'compact' })).toBe(true);
  expect(secp256k1.verify(sig.subarray(0, 64), sha256(new TextEncoder().encode(`${text}!`)), hexToBytes(groupKey), { prehash: false, lowS: true, format: 'compact' })).toBe(false);
  await shot(alice.page, 'request-ecdsa-signed');
});
