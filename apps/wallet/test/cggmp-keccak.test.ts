/**
 * Keccak-256 (Ethereum) signing requests of an ECDSA (CGGMP21, secp256k1) account: the digest
 * chosen in `requestSignature` travels in the request and the ceremony invitation, the inbox
 * preview names it and shows the Keccak digest at every member, and the finalized 65-byte
 * signature verifies (noble, no re-hashing) over keccak256(message) — not over its SHA-256 —
 * and recovers the group key from the Keccak digest. A finalize invitation whose digest differs
 * from the request's is refused (`tampered`, `invitation.params.hash`) in both directions, as
 * is a request naming an unknown digest. On a FROST account a digest choice is refused
 * (`bad-input`, field `hash`), and a forged Keccak request from a member is refused at receipt.
 * Fixture safe primes (vectors/paillier), as in cggmp-2of2.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { cggmpDriver } from '../src/core/cggmp-driver.ts';
import { checkCeremonyInvitation, createCeremonyInvitation } from '../src/core/ceremony-invitation.ts';
import { previewMessage } from '../src/core/preview.ts';
import type { RequestRecord } from '../src/core/records.ts';
import { closeAll, committee, ownerOf, startTestSignal, until, type TestCore, type TestSignal } from './helpers.ts';
import { cggmpCommittee, fixturePrimes, nobleVerify, postAs } from './cggmp-support.ts';

let signal: TestSignal;
beforeAll(async () => {
  signal = await startTestSignal();
});
afterAll(async () => {
  await signal.stop();
});

const text = new TextEncoder();

async function requestOf(t: TestCore, id: string) {
  return (await t.core.inbox()).find((r) => r.id === id);
}

/** The error `f` throws (undefined if it returns). */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** noble's verdict over a given 32-byte digest (no re-hashing, low-S). */
function verifyDigest(groupKey: string, digest: Uint8Array, sig: Uint8Array): boolean {
  return secp256k1.verify(sig.subarray(0, 64), digest, hexToBytes(groupKey), { prehash: false, lowS: true, format: 'compact' });
}

describe('wallet core: Keccak-256 ECDSA requests', () => {
  it('a keccak256 request is approved, finalized and verifies over keccak256(message) only; a finalize with another digest is refused', async () => {
    const pairs = fixturePrimes();
    const { cores, accounts } = await cggmpCommittee(signal, 'keccak', 2, [[pairs[0]!], [pairs[2]!]]);
    const [c1, c2] = cores as [TestCore, TestCore];
    try {
      const acc = accounts[0]!;
      const message = text.encode('transfer 1 ETH to 0x00000000000000000000000000000000000000e2');
      const keccakHex = bytesToHex(keccak_256(message));

      // bad digests are typed errors naming hash
      await expect(c1.core.requestSignature(acc.id, message, '', { hash: 'md5' as never })).rejects.toMatchObject({ code: 'bad-input', field: 'hash' });

      const req = await c1.core.requestSignature(acc.id, message, 'eth', { hash: 'keccak256' });
      expect(req.message).toMatchObject({ hash: 'keccak256', digest: keccakHex, sha256: bytesToHex(sha256(message)) });
      expect(req.message!.signedAs).toContain('ECDSA');
      expect(req.message!.signedAs).toContain('Keccak-256');
      await until(async () => (await requestOf(c2, req.id)) !== undefined, 20_000, 'request delivered');
      // the approver sees the same digest before approving
      expect((await requestOf(c2, req.id))!.message).toMatchObject({ hash: 'keccak256', digest: keccakHex });
      await c2.core.approve(req.id);
      await until(async () => (await requestOf(c1, req.id))?.status === 'ready', 20_000, 'ready');

      // a finalize invitation signed by the requester but naming SHA-256 is refused by the approver
      const owner = await ownerOf(c1);
      let forged: string;
      let record: RequestRecord;
      try {
        const a = (await owner.records.account(acc.id))!;
        record = (await owner.records.requests(acc.id)).requests.find((r) => r.id === req.id)!;
        expect(record.hash).toBe('keccak256');
        const asSha256 = Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'hash')) as unknown as RequestRecord;
        forged = createCeremonyInvitation({ account: a, request: asSha256, driver: cggmpDriver, signers: [1, 2], identity: owner.identity, now: Date.now() }).text;
        // the pure check refuses it too, and the reverse (a SHA-256 request, a Keccak invitation)
        expect(thrown(() => checkCeremonyInvitation({ account: a, request: record, driver: cggmpDriver, from: 1, text: forged, now: Date.now() }))).toMatchObject({ code: 'tampered', field: 'invitation.params.hash', culprit: 1 });
        const keccakInv = createCeremonyInvitation({ account: a, request: record, driver: cggmpDriver, signers: [1, 2], identity: owner.identity, now: Date.now() }).text;
        expect(checkCeremonyInvitation({ account: a, request: record, driver: cggmpDriver, from: 1, text: keccakInv, now: Date.now() }).signers).toEqual([1, 2]);
        expect(thrown(() => checkCeremonyInvitation({ account: a, request: asSha256, driver: cggmpDriver, from: 1, text: keccakInv, now: Date.now() }))).toMatchObject({ code: 'tampered', field: 'invitation.params.hash' });
      } finally {
        owner.close();
      }
      await postAs(signal.url, c1, acc.id, 2, { t: 'finalize', id: req.id, invitation: forged });
      await until(() => c2.events.some((e) => e.type === 'error' && e.error.field === 'invitation.params.hash'), 20_000, 'forged finalize refused');
      expect(c2.events.find((e) => e.type === 'error' && e.error.field === 'invitation.params.hash')).toMatchObject({ error: { code: 'tampered', culprit: 1 } });
      expect(await requestOf(c2, req.id)).toMatchObject({ status: 'ready' });
      expect((await requestOf(c2, req.id))!.signers).toBeUndefined();

      // the real finalize: signed over keccak256(message)
      const done = await c1.core.finalize(req.id);
      expect(done).toMatchObject({ status: 'done', verified: true, signers: [1, 2] });
      const sig = hexToBytes(done.signature!);
      expect(sig.length).toBe(65);
      expect(verifyDigest(acc.groupKey, keccak_256(message), sig)).toBe(true);
      expect(verifyDigest(acc.groupKey, sha256(message), sig)).toBe(false);
      expect(nobleVerify(acc.groupKey, message, sig)).toBe(false);
      expect(verifyDigest(acc.groupKey, keccak_256(text.encode('transfer 2 ETH')), sig)).toBe(false);
      const compact = secp256k1.Signature.fromBytes(sig.subarray(0, 64), 'compact');
      expect(compact.hasHighS()).toBe(false);
      expect(compact.addRecoveryBit(sig[64]!).recoverPublicKey(keccak_256(message)).toHex(true)).toBe(acc.groupKey);
      // the driver verifies with the digest it is told, and not with the other
      expect(cggmpDriver.verify('secp256k1', hexToBytes(acc.groupKey), message, sig, 'keccak256')).toBe(true);
      expect(cggmpDriver.verify('secp256k1', hexToBytes(acc.groupKey), message, sig)).toBe(false);
      await until(async () => (await requestOf(c2, req.id))?.status === 'done', 20_000, 'done at the approver');
      expect(await requestOf(c2, req.id)).toMatchObject({ signature: done.signature, verified: true, message: { hash: 'keccak256', digest: keccakHex } });

      // a SHA-256 request on the same account keeps its digest (explicit or by default)
      const plain = await c1.core.requestSignature(acc.id, message, '', { hash: 'sha256' });
      expect(plain.message).toMatchObject({ hash: 'sha256', digest: bytesToHex(sha256(message)) });
      expect(plain.message!.signedAs).toContain('SHA-256');
      await until(async () => (await requestOf(c2, plain.id)) !== undefined, 20_000, 'sha256 request delivered');
      expect((await requestOf(c2, plain.id))!.message).toMatchObject({ hash: 'sha256' });

      // a request message naming an unknown digest is refused at receipt
      const before = c2.events.length;
      await postAs(signal.url, c1, acc.id, 2, { t: 'request', id: 'ab'.repeat(16), kind: 'sign', note: '', message: bytesToHex(message), createdAt: Date.now(), hash: 'sha3-256' });
      await until(() => c2.events.slice(before).some((e) => e.type === 'error' && e.error.field === 'message.hash'), 20_000, 'unknown digest refused');
      expect(await requestOf(c2, 'ab'.repeat(16))).toBeUndefined();
    } finally {
      await closeAll(cores);
    }
  }, 120_000);

  it('a FROST account refuses a digest choice, and a forged Keccak request from a member', async () => {
    const { cores, accounts } = await committee(signal, 'keccak-frost', 'secp256k1', 2, 2);
    const [c1, c2] = cores as [TestCore, TestCore];
    try {
      const acc = accounts[0]!;
      const message = text.encode('frost signs the bytes');
      await expect(c1.core.requestSignature(acc.id, message, '', { hash: 'keccak256' })).rejects.toMatchObject({ name: 'WalletError', code: 'bad-input', field: 'hash' });
      await expect(c1.core.requestSignature(acc.id, message, '', { hash: 'sha256' })).rejects.toMatchObject({ code: 'bad-input', field: 'hash' });
      expect(await c1.core.inbox(acc.id)).toEqual([]);
      // the FROST preview names no ECDSA digest
      const r = await c1.core.requestSignature(acc.id, message, '');
      expect(r.message!.hash).toBeUndefined();
      expect(r.message!.digest).toBeUndefined();
      expect(previewMessage(message, 'secp256k1', 'frost', 'keccak256').signedAs).toContain('FROST');
      // a member's request naming keccak256 for this FROST account: refused, not listed
      await postAs(signal.url, c1, acc.id, 2, { t: 'request', id: 'cd'.repeat(16), kind: 'sign', note: '', message: bytesToHex(message), createdAt: Date.now(), hash: 'keccak256' });
      await until(() => c2.events.some((e) => e.type === 'error' && e.error.field === 'message.hash'), 20_000, 'keccak request refused');
      expect(c2.events.find((e) => e.type === 'error' && e.error.field === 'message.hash')).toMatchObject({ error: { code: 'tampered', culprit: 1 } });
      await until(async () => (await requestOf(c2, r.id)) !== undefined, 20_000, 'plain request delivered');
      expect(await requestOf(c2, 'cd'.repeat(16))).toBeUndefined();
    } finally {
      await closeAll(cores);
    }
  }, 60_000);
});
