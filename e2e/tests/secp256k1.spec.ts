/**
 * FROST(secp256k1, SHA-256) e2e: a 2-of-3 wallet signs with two members, and the test checks
 * the RFC 9591 signature itself (R ‖ z, 65 bytes): z·G = R + c·PK with the challenge
 * c = H2(R ‖ PK ‖ msg), H2 being hash_to_field with expand_message_xmd(SHA-256) and the DST
 * "FROST-secp256k1-SHA256-v1chal" (RFC 9591 §6.5). A changed message does not verify.
 */
import { hash_to_field } from '@noble/curves/abstract/hash-to-curve.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { expect, test } from '../support/fixtures.ts';
import { CEREMONY_TIMEOUT, createSharedWallet, createVault, joinFromLink, openAccount, openInboxRequest, requestCard, requestSignature, waitForAccount } from '../support/wallet.ts';

test.setTimeout(240_000);

const G = secp256k1.Point.BASE;
const N = secp256k1.Point.Fn.ORDER;

/** RFC 9591 FROST(secp256k1, SHA-256) verification of `sig` = R (33 bytes) ‖ z (32 bytes). */
function frostVerify(sig: Uint8Array, msg: Uint8Array, groupKey: Uint8Array): boolean {
  if (sig.length !== 65) return false;
  const R = secp256k1.Point.fromHex(bytesToHex(sig.subarray(0, 33)));
  const z = BigInt(`0x${bytesToHex(sig.subarray(33))}`);
  if (z >= N) return false;
  const PK = secp256k1.Point.fromHex(bytesToHex(groupKey));
  const input = new Uint8Array([...R.toBytes(true), ...PK.toBytes(true), ...msg]);
  const [[c]] = hash_to_field(input, 1, { DST: 'FROST-secp256k1-SHA256-v1chal', p: N, m: 1, k: 128, expand: 'xmd', hash: sha256 }) as [[bigint]];
  return G.multiply(z).equals(R.add(PK.multiply(c)));
}

test('a 2-of-3 FROST secp256k1 wallet signs; the RFC 9591 signature verifies', async ({ newParty }) => {
  const alice = await newParty('alice');
  const bob = await newParty('bob');
  const carol = await newParty('carol');
  for (const p of [alice, bob, carol]) await createVault(p.page, { passkey: true });
  const links = await createSharedWallet(alice.page, { label: 'Schnorr', suite: 'secp256k1', threshold: 2, parties: 3, memberLabel: 'Alice' });
  await joinFromLink(bob.page, links.get(2)!, 'Bob');
  await joinFromLink(carol.page, links.get(3)!, 'Carol');
  const [id] = await Promise.all([waitForAccount(alice.page), waitForAccount(bob.page), waitForAccount(carol.page)]);
  const groupKey = await openAccount(alice.page, id);
  expect(groupKey).toMatch(/^0[23][0-9a-f]{64}$/);

  // Carol (not the requester) approves this time; the hex input form is used.
  const msg = sha256(new TextEncoder().encode('secp256k1: hashed payload'));
  const requestId = await requestSignature(alice.page, { hex: bytesToHex(msg) }, 'Hex payload');
  const carolCard = await openInboxRequest(carol.page, requestId);
  await expect(carolCard.getByTestId('request-hex')).toHaveText(bytesToHex(msg));
  await expect(carolCard.getByTestId('request-utf8')).toHaveCount(0);
  await carolCard.getByTestId('request-approve').click();
  const card = requestCard(alice.page, requestId);
  await expect(card.getByTestId('request-finalize')).toBeVisible({ timeout: 60_000 });
  await card.getByTestId('request-finalize').click();
  await expect(card).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  await expect(card.getByTestId('request-signers')).toContainText('#3');
  const sig = hexToBytes(((await card.getByTestId('request-signature').textContent()) ?? '').trim());
  expect(frostVerify(sig, msg, hexToBytes(groupKey))).toBe(true);
  const other = msg.slice();
  other[0] = (other[0] ?? 0) ^ 1;
  expect(frostVerify(sig, other, hexToBytes(groupKey))).toBe(false);
  await expect(carolCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
});
