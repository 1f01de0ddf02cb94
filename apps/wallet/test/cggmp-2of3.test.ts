/**
 * A 2-of-3 ECDSA (CGGMP21, secp256k1) wallet among three wallet cores over a real in-process
 * signal server: creation via invite links, a signature by the requester and the first
 * approver (the third wallet shows it verified without taking part), then a refresh approved
 * by all three (new epoch, same group key, new shares and new Paillier keys), and a signature
 * with the refreshed shares by another pair. Signatures verify with noble and OpenSSL; a
 * result posted by a member with a signature the wallet's low-S check refuses is reported as
 * tampered, naming the member.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { decodeEcdsaSignature, encodeEcdsaSignature } from '../src/core/cggmp-driver.ts';
import { WalletRecords } from '../src/core/records.ts';
import { closeAll, ownerOf, startTestSignal, until, type TestCore, type TestSignal } from './helpers.ts';
import { cggmpCommittee, fixturePrimes, nobleVerify, openSecondVault, opensslVerify, postAs } from './cggmp-support.ts';

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

/** The ceremony session of a request as wallet `t` stored it. */
async function sessionOf(t: TestCore, accountId: string, requestId: string): Promise<string> {
  const owner = await ownerOf(t);
  try {
    const book = await owner.records.requests(accountId);
    return book.requests.find((r) => r.id === requestId)!.session!;
  } finally {
    owner.close();
  }
}

async function paillierN(t: TestCore, accountId: string): Promise<bigint> {
  const v = await openSecondVault(t);
  try {
    const share = await v.getCggmpKeyShare((await new WalletRecords(v).account(accountId))!.shareId);
    return share.aux.public.get(share.core.index)!.N;
  } finally {
    v.close();
  }
}

describe('wallet core: 2-of-3 ECDSA (CGGMP21, secp256k1)', () => {
  it('signs with two of three, reports a forged high-S result, refreshes among all three keeping the key, signs again with another pair', async () => {
    const [A, B, C] = fixturePrimes() as [never, never, never];
    const { cores, accounts } = await cggmpCommittee(signal, 'ecdsa3', 2, [
      [A, B],
      [B, C],
      [C, A],
    ]);
    const [c1, c2, c3] = cores as [TestCore, TestCore, TestCore];
    try {
      const acc = accounts[0]!;
      expect(accounts.map((a) => a.groupKey)).toEqual([acc.groupKey, acc.groupKey, acc.groupKey]);
      expect(accounts.map((a) => a.selfIndex)).toEqual([1, 2, 3]);

      // c1 requests, c2 approves, c1 finalizes: signers 1 and 2; c3 only sees the result
      const m1 = text.encode('2-of-3 ECDSA, first signature');
      const req = await c1.core.requestSignature(acc.id, m1);
      await until(async () => (await requestOf(c2, req.id)) !== undefined && (await requestOf(c3, req.id)) !== undefined, 20_000, 'request delivered');
      await c2.core.approve(req.id);
      await until(async () => (await requestOf(c1, req.id))?.status === 'ready', 20_000, 'ready');
      const done = await c1.core.finalize(req.id);
      expect(done).toMatchObject({ status: 'done', verified: true, signers: [1, 2] });
      const sig1 = hexToBytes(done.signature!);
      expect(nobleVerify(acc.groupKey, m1, sig1)).toBe(true);
      expect(opensslVerify(acc.groupKey, m1, sig1)).toBe(true);
      await until(async () => (await requestOf(c3, req.id))?.status === 'done', 20_000, 'done at the non-signer');
      expect(await requestOf(c3, req.id)).toMatchObject({ signature: done.signature, verified: true, participating: false });
      // a late approval is not needed
      await c3.core.approve(req.id);
      await until(async () => (await requestOf(c1, req.id))?.lateApprovals.some((d) => d.party === 3) === true, 20_000, 'late approval recorded');

      // a member posting a result that does not pass the wallet's check (the high-S twin, which
      // OpenSSL would accept) is reported as tampered, naming it
      const { r, s, v } = decodeEcdsaSignature(sig1);
      const highS = encodeEcdsaSignature({ r, s: secp256k1.Point.Fn.ORDER - s, v: v ^ 1 });
      expect(opensslVerify(acc.groupKey, m1, highS)).toBe(true);
      await postAs(signal.url, c1, acc.id, 3, { t: 'result', id: req.id, session: await sessionOf(c1, acc.id, req.id), signature: bytesToHex(highS), epoch: null });
      await until(() => c3.events.some((e) => e.type === 'error' && e.error.field === 'message.signature'), 20_000, 'tampered result reported');
      expect(c3.events.find((e) => e.type === 'error' && e.error.field === 'message.signature')).toMatchObject({ error: { code: 'tampered', culprit: 1 } });
      expect(await requestOf(c3, req.id)).toMatchObject({ signature: done.signature, verified: true });

      // refresh among all three: new epoch, same key, new Paillier moduli
      const before = await Promise.all(cores.map((c) => paillierN(c, acc.id)));
      const rr = await c2.core.requestRefresh(acc.id, 'rotate');
      await until(async () => (await requestOf(c1, rr.id)) !== undefined && (await requestOf(c3, rr.id)) !== undefined, 20_000, 'refresh request delivered');
      await c1.core.approve(rr.id);
      await c3.core.approve(rr.id);
      await until(async () => (await requestOf(c2, rr.id))?.status === 'ready', 20_000, 'refresh ready');
      const refreshed = await c2.core.finalize(rr.id);
      expect(refreshed).toMatchObject({ status: 'done', epoch: 1 });
      for (const c of cores) await until(async () => (await c.core.account(acc.id)).epoch === 1, 30_000, 'epoch 1 everywhere');
      for (const c of cores) expect((await c.core.account(acc.id)).groupKey).toBe(acc.groupKey);
      const after = await Promise.all(cores.map((c) => paillierN(c, acc.id)));
      for (let k = 0; k < 3; k++) expect(after[k]).not.toBe(before[k]);
      expect(c2.events.some((e) => e.type === 'progress' && e.ceremony === 'refresh' && e.progress.rounds === 6)).toBe(true);
      const status = await c3.core.status();
      expect(status.accounts.find((s) => s.accountId === acc.id)).toMatchObject({ epoch: 1, shareOk: true });

      // signing with the refreshed shares, by parties 3 and 1
      const m2 = text.encode('2-of-3 ECDSA, after the refresh');
      const req2 = await c3.core.requestSignature(acc.id, m2);
      await until(async () => (await requestOf(c1, req2.id)) !== undefined, 20_000, 'second request delivered');
      await c1.core.approve(req2.id);
      await until(async () => (await requestOf(c3, req2.id))?.status === 'ready', 20_000, 'second ready');
      const done2 = await c3.core.finalize(req2.id);
      expect(done2).toMatchObject({ status: 'done', verified: true, signers: [1, 3] });
      const sig2 = hexToBytes(done2.signature!);
      expect(nobleVerify(acc.groupKey, m2, sig2)).toBe(true);
      expect(opensslVerify(acc.groupKey, m2, sig2)).toBe(true);
      expect(nobleVerify(acc.groupKey, m1, sig2)).toBe(false);
      expect(bytesToHex(sig2)).not.toBe(bytesToHex(sig1));
    } finally {
      await closeAll(cores);
    }
  }, 180_000);
});
