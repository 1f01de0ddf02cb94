/**
 * ECDSA e2e: two contexts create a 2-of-2 secp256k1 ECDSA wallet with CGGMP21 (key generation
 * plus auxiliary information, whose safe-prime search runs in the browser's worker pool with a
 * progress bar), then sign; the test verifies the 65-byte r‖s‖v signature itself with noble's
 * `secp256k1.verify` (low-S, over the SHA-256 digest of the message) against the compressed
 * group key; then a Keccak-256 (Ethereum) request chosen in the form's digest select, whose
 * preview shows the Keccak digest at both members, verifies over keccak256(message) and not
 * over its SHA-256. Main-thread long tasks (Long Tasks API, both pages) during key generation and
 * during signing are attached as annotations (`ecdsa-keygen-longtask`, `ecdsa-sign-longtask`):
 * measurements, not assertions.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { hexToBytes } from '@noble/curves/utils.js';
import { expect, test } from '../support/fixtures.ts';
import { describeLongTasks, installLongTaskRecorder, longTaskMark, longTasksSince } from '../support/long-tasks.ts';
import { createSharedWallet, createVault, joinFromLink, openAccount, openInboxRequest, requestCard, requestSignature, waitForAccount } from '../support/wallet.ts';

test.setTimeout(360_000);

test('two contexts create a 2-of-2 ECDSA (CGGMP21) wallet and sign; the signature verifies', async ({ newParty, shot }, testInfo) => {
  const alice = await newParty('alice', { beforeGoto: installLongTaskRecorder });
  const bob = await newParty('bob', { beforeGoto: installLongTaskRecorder });
  await createVault(alice.page, { passkey: true });
  await createVault(bob.page, { passkey: true });
  const links = await createSharedWallet(alice.page, { label: 'ECDSA pair', suite: 'ecdsa', threshold: 2, parties: 2, memberLabel: 'Alice' });
  const keygenMarks = await Promise.all([longTaskMark(alice.page), longTaskMark(bob.page)]);
  const started = Date.now();
  await joinFromLink(bob.page, links.get(2)!, 'Bob');
  await expect(alice.page.getByTestId('lobby-keygen-progress')).toBeVisible({ timeout: 60_000 });
  // the real prime search (Web Workers) reports a percentage in the progress bar's label
  await expect(alice.page.getByTestId('screen-lobby').locator('.progress-label').filter({ hasText: '%' })).toBeVisible({ timeout: 120_000 });
  await shot(alice.page, 'lobby-ecdsa-keygen-progress');
  const [id] = await Promise.all([waitForAccount(alice.page, 300_000), waitForAccount(bob.page, 300_000)]);
  // measured: join → both accounts ready, including aux-info with the real safe-prime search
  testInfo.annotations.push({ type: 'ecdsa-keygen-ms', description: String(Date.now() - started) });
  // main-thread long tasks from the join to both accounts ready (prime search and proofs on the pool)
  const keygenTasks = [await longTasksSince(alice.page, keygenMarks[0]), await longTasksSince(bob.page, keygenMarks[1])];
  testInfo.annotations.push({ type: 'ecdsa-keygen-longtask', description: `alice ${describeLongTasks(keygenTasks[0]!)}; bob ${describeLongTasks(keygenTasks[1]!)}` });

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
  const signMarks = await Promise.all([longTaskMark(alice.page), longTaskMark(bob.page)]);
  const signStarted = Date.now();
  await card.getByTestId('request-finalize').click();
  await expect(card).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  testInfo.annotations.push({ type: 'ecdsa-presign-sign-ms', description: String(Date.now() - signStarted) });
  const sig = hexToBytes(((await card.getByTestId('request-signature').textContent()) ?? '').trim());
  expect(sig.length).toBe(65);
  const digest = sha256(new TextEncoder().encode(text));
  expect(secp256k1.verify(sig.subarray(0, 64), digest, hexToBytes(groupKey), { prehash: false, lowS: true, format: 'compact' })).toBe(true);
  expect(secp256k1.verify(sig.subarray(0, 64), sha256(new TextEncoder().encode(`${text}!`)), hexToBytes(groupKey), { prehash: false, lowS: true, format: 'compact' })).toBe(false);
  // the recovery id (byte 65) recovers the group key from the low-S signature
  const compact = secp256k1.Signature.fromBytes(sig.subarray(0, 64), 'compact');
  expect(compact.hasHighS()).toBe(false);
  expect(compact.addRecoveryBit(sig[64]!).recoverPublicKey(digest).toHex(true)).toBe(groupKey);
  await shot(alice.page, 'request-ecdsa-signed');
  // Bob's wallet shows the same signature, verified there too
  const bobDone = await openInboxRequest(bob.page, requestId);
  await expect(bobDone).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(bobDone.getByTestId('request-signature')).toHaveText(Buffer.from(sig).toString('hex'));
  await expect(bobDone.getByTestId('request-verified')).toHaveAttribute('data-verified', 'true');
  // no Keccak digest row on a SHA-256 request
  await expect(bobDone.getByTestId('request-digest')).toHaveCount(0);
  // main-thread long tasks from finalize to the signature on both pages (presigning + signing)
  const signTasks = [await longTasksSince(alice.page, signMarks[0]), await longTasksSince(bob.page, signMarks[1])];
  testInfo.annotations.push({ type: 'ecdsa-sign-longtask', description: `alice ${describeLongTasks(signTasks[0]!)}; bob ${describeLongTasks(signTasks[1]!)}` });

  // Keccak-256 (Ethereum): chosen in the request form, shown to the approver, signed over it
  // Alice is still on the account page
  const ethText = 'ecdsa: keccak256 transfer to 0x00e2e';
  const ethDigest = Buffer.from(keccak_256(new TextEncoder().encode(ethText))).toString('hex');
  await expect(alice.page.getByTestId('sign-hash')).toBeVisible();
  await alice.page.getByTestId('sign-hash').selectOption('keccak256');
  await alice.page.getByTestId('sign-message').fill(ethText);
  await expect(alice.page.getByTestId('sign-preview-digest')).toHaveText(ethDigest);
  const ethId = await requestSignature(alice.page, { text: ethText }, 'Ethereum', { hash: 'keccak256' });
  const bobEth = await openInboxRequest(bob.page, ethId);
  await expect(bobEth.getByTestId('request-signed-as')).toContainText('Keccak-256');
  await expect(bobEth.getByTestId('request-digest')).toHaveText(ethDigest);
  await bobEth.getByTestId('request-approve').click();
  const ethCard = requestCard(alice.page, ethId);
  await expect(ethCard.getByTestId('request-finalize')).toBeVisible({ timeout: 60_000 });
  const ethMarks = await Promise.all([longTaskMark(alice.page), longTaskMark(bob.page)]);
  await ethCard.getByTestId('request-finalize').click();
  await expect(ethCard).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  const ethSig = hexToBytes(((await ethCard.getByTestId('request-signature').textContent()) ?? '').trim());
  expect(ethSig.length).toBe(65);
  const ethMessage = new TextEncoder().encode(ethText);
  expect(secp256k1.verify(ethSig.subarray(0, 64), keccak_256(ethMessage), hexToBytes(groupKey), { prehash: false, lowS: true, format: 'compact' })).toBe(true);
  expect(secp256k1.verify(ethSig.subarray(0, 64), sha256(ethMessage), hexToBytes(groupKey), { prehash: false, lowS: true, format: 'compact' })).toBe(false);
  expect(secp256k1.Signature.fromBytes(ethSig.subarray(0, 64), 'compact').addRecoveryBit(ethSig[64]!).recoverPublicKey(keccak_256(ethMessage)).toHex(true)).toBe(groupKey);
  await shot(alice.page, 'request-ecdsa-keccak-signed');
  await expect(requestCard(bob.page, ethId)).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const ethTasks = [await longTasksSince(alice.page, ethMarks[0]), await longTasksSince(bob.page, ethMarks[1])];
  testInfo.annotations.push({ type: 'ecdsa-sign-keccak-longtask', description: `alice ${describeLongTasks(ethTasks[0]!)}; bob ${describeLongTasks(ethTasks[1]!)}` });
});
