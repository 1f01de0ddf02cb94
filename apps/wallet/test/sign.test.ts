/**
 * Requests, approvals and signing across three wallet cores: a request shows exactly the
 * bytes to sign everywhere; an approval makes it ready; finalize runs FROST signing among the
 * requester and the approver; the signature verifies with noble (BIP340 / Ed25519) and every
 * wallet, signer or not, shows it verified; a late approval is recorded as not needed;
 * rejections close a request; bad calls give typed errors; forged ceremony invitations (wrong
 * message hash, not signed by the sending member, naming a party that did not approve) are
 * refused naming the field; an invitation posted again after
 * the signing finished is refused by the nonce ledger (audited, shown on the request); a
 * posted signature that does not verify is reported as tampered, naming its sender.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { newSessionId } from '@tessera/protocols/engine/ids';
import { generateIdentity } from '@tessera/transport/identity';
import { getSuite } from '@tessera/protocols/frost/suite';
import { createInvitation, parseInvitation } from '@tessera/transport/invitation';
import { connectSignal } from '@tessera/transport/signal-client';
import { sealAppMessage } from '../src/core/messages.ts';
import { PASS, closeAll, committee, ownerOf, startTestSignal, until, type TestCore, type TestSignal } from './helpers.ts';

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

/** Posts a group-room message as `owner` of core `from` to party `to`. */
async function postAs(from: TestCore, accountId: string, to: number, payload: Record<string, unknown>): Promise<void> {
  const owner = await ownerOf(from);
  try {
    const acc = (await owner.records.account(accountId))!;
    const group = parseInvitation(acc.groupInvitation, { now: null });
    const client = await connectSignal({ url: signal.url, identity: owner.identity });
    try {
      await client.join(group.session);
      const route = { session: group.session, protocol: group.protocol, self: acc.selfIndex as never, identity: owner.identity, directory: group.parties, now: Date.now };
      await client.post(group.session, [to as never], await sealAppMessage(route, to as never, payload as never));
    } finally {
      await client.close();
    }
  } finally {
    owner.close();
  }
}

describe('wallet core: requests, approvals and FROST signing', () => {
  it('2-of-3 Taproot: request, approve, finalize, BIP340 signature; late approval; nonce reuse refused; tampered result reported', async () => {
    const { cores, accounts } = await committee(signal, 'sign-tr', 'taproot', 2, 3);
    const [c1, c2, c3] = cores as [TestCore, TestCore, TestCore];
    const acc = accounts[0]!;
    try {
      const message = text.encode('pay 1 BTC to bc1q…');
      await expect(c1.core.requestSignature('00'.repeat(32), message)).rejects.toMatchObject({ code: 'unknown-account', field: 'accountId' });
      await expect(c1.core.requestSignature(acc.id, new Uint8Array(0))).rejects.toMatchObject({ code: 'bad-input', field: 'message' });
      await expect(c1.core.requestSignature(acc.id, message, 'x'.repeat(501))).rejects.toMatchObject({ code: 'bad-input', field: 'note' });
      const req = await c1.core.requestSignature(acc.id, message, 'invoice 42');
      expect(req).toMatchObject({ status: 'pending', needed: 2, requester: 1, mine: 'approved', canFinalize: false, kind: 'sign' });
      expect(req.message).toMatchObject({ utf8: 'pay 1 BTC to bc1q…', length: message.length });
      await expect(c1.core.finalize(req.id)).rejects.toMatchObject({ code: 'not-enough-approvals' });
      await expect(c1.core.approve(req.id)).rejects.toMatchObject({ code: 'already-decided' });
      await expect(c2.core.approve('ab'.repeat(16))).rejects.toMatchObject({ code: 'unknown-request', field: 'requestId' });

      await until(async () => (await requestOf(c2, req.id)) !== undefined, 20_000, 'request at party 2');
      await until(async () => (await requestOf(c3, req.id)) !== undefined, 20_000, 'request at party 3');
      const seen = (await requestOf(c3, req.id))!;
      expect(seen.message).toEqual(req.message);
      expect(seen).toMatchObject({ note: 'invoice 42', requester: 1, status: 'pending', canFinalize: false });
      expect(seen.mine).toBeUndefined();

      await c2.core.approve(req.id);
      await expect(c2.core.approve(req.id)).rejects.toMatchObject({ code: 'already-decided' });
      await until(async () => (await requestOf(c1, req.id))?.status === 'ready', 20_000, 'ready at party 1');
      expect((await requestOf(c1, req.id))!.canFinalize).toBe(true);
      // party 3 sees it ready too, but has not approved: it may not finalize
      await until(async () => (await requestOf(c3, req.id))?.status === 'ready', 20_000, 'ready at party 3');
      expect((await requestOf(c3, req.id))!.canFinalize).toBe(false);
      await expect(c3.core.finalize(req.id)).rejects.toMatchObject({ code: 'not-enough-approvals', field: 'requestId' });
      await expect(c3.core.reject(req.id, 'x'.repeat(501))).rejects.toMatchObject({ code: 'bad-input', field: 'reason' });
      await expect(c3.core.requestRefresh('ff'.repeat(32))).rejects.toMatchObject({ code: 'unknown-account', field: 'accountId' });
      await expect(c3.core.inbox('ff'.repeat(32))).rejects.toMatchObject({ code: 'unknown-account', field: 'accountId' });
      await expect(c3.core.request('ff'.repeat(16))).rejects.toMatchObject({ code: 'unknown-request', field: 'requestId' });

      const done = await c1.core.finalize(req.id);
      expect(done).toMatchObject({ status: 'done', verified: true, signers: [1, 2], participating: true });
      expect(schnorr.verify(hexToBytes(done.signature!), message, hexToBytes(acc.groupKey))).toBe(true);
      expect(schnorr.verify(hexToBytes(done.signature!), text.encode('something else'), hexToBytes(acc.groupKey))).toBe(false);
      await until(async () => (await requestOf(c2, req.id))?.status === 'done', 20_000, 'done at party 2');
      await until(async () => (await requestOf(c3, req.id))?.status === 'done', 20_000, 'done at party 3');
      for (const c of [c2, c3]) expect((await requestOf(c, req.id))).toMatchObject({ signature: done.signature, verified: true });
      expect((await requestOf(c3, req.id))!.participating).toBe(false);

      // party 3 approves after finalize: recorded as not needed, everywhere
      const late = await c3.core.approve(req.id);
      expect(late.lateApprovals.map((d) => d.party)).toEqual([3]);
      await until(async () => (await requestOf(c1, req.id))!.lateApprovals.length === 1, 20_000, 'late approval at party 1');
      expect(c3.events.some((e) => e.type === 'request' && e.change === 'late-approval')).toBe(true);
      expect((await c1.core.auditLog()).some((e) => e.kind === 'sign' && e.details.request === req.id)).toBe(true);

      // the finished signing invitation is posted again to party 2: the ledger refuses it
      const stored = (await ownerOf(c2).then(async (o) => {
        const book = await o.records.requests(acc.id);
        o.close();
        return book.requests.find((r) => r.id === req.id)!;
      }));
      await postAs(c1, acc.id, 2, { t: 'finalize', id: req.id, invitation: stored.invitation! });
      await until(() => c2.events.some((e) => e.type === 'error' && e.error.code === 'nonce-reused'), 20_000, 'nonce reuse refused');
      expect(c2.events.find((e) => e.type === 'error' && e.error.code === 'nonce-reused')).toMatchObject({ context: req.id });
      const after = (await requestOf(c2, req.id))!;
      expect(after).toMatchObject({ status: 'done', signature: done.signature, error: { code: 'nonce-reused' } });
      await until(async () => (await c2.core.auditLog()).some((e) => e.kind === 'sign' && e.details.refused === 'nonce-reuse'), 20_000, 'refusal audited');

      // a result whose signature does not verify is refused, naming the sender
      const bad = done.signature!.slice(0, -2) + (done.signature!.endsWith('00') ? '01' : '00');
      await postAs(c1, acc.id, 3, { t: 'result', id: req.id, session: stored.session!, signature: bad, epoch: null });
      await until(() => c3.events.some((e) => e.type === 'error' && e.error.field === 'message.signature'), 20_000, 'tampered result reported');
      expect(c3.events.find((e) => e.type === 'error' && e.error.field === 'message.signature')).toMatchObject({ error: { code: 'tampered', culprit: 1 } });
      expect((await requestOf(c3, req.id))!.signature).toBe(done.signature);

      // a second request rejected by both others ends rejected; finalize refuses it
      const r2 = await c1.core.requestSignature(acc.id, new Uint8Array([0, 1, 2, 255]), 'binary');
      expect(r2.message!.utf8).toBeUndefined();
      expect(r2.message!.hex).toBe('000102ff');
      await until(async () => (await requestOf(c2, r2.id)) !== undefined && (await requestOf(c3, r2.id)) !== undefined, 20_000, 'second request delivered');
      await c2.core.reject(r2.id, 'unknown payee');
      await c3.core.reject(r2.id);
      await until(async () => (await requestOf(c1, r2.id))?.status === 'rejected', 20_000, 'rejected at party 1');
      expect((await requestOf(c1, r2.id))!.rejections.map((d) => [d.party, d.reason])).toEqual([[2, 'unknown payee'], [3, '']]);
      await expect(c1.core.finalize(r2.id)).rejects.toMatchObject({ code: 'already-decided' });
      await expect(c2.core.approve(r2.id)).rejects.toMatchObject({ code: 'already-decided' });
    } finally {
      await closeAll(cores);
    }
  });

  it('2-of-3 ed25519: an approver other than the requester finalizes; the signature verifies as Ed25519', async () => {
    const { cores, accounts } = await committee(signal, 'sign-ed', 'ed25519', 2, 3);
    const [c1, , c3] = cores as [TestCore, TestCore, TestCore];
    const acc = accounts[0]!;
    try {
      const message = text.encode('release build 1.2.3');
      const req = await c1.core.requestSignature(acc.id, message);
      await until(async () => (await requestOf(c3, req.id)) !== undefined, 20_000, 'request at party 3');

      // forged finalize invitations (sent by member 1) are refused, naming the field
      const owner = await ownerOf(c1);
      const members = acc.members.filter((m) => m.index !== 2).map((m) => [m.index, hexToBytes(m.publicKey)] as [number, Uint8Array]);
      const params = { ceremony: 'sign', scheme: 'frost', suite: 'ed25519', groupKey: acc.groupKey, account: acc.id, request: req.id, signers: [1, 3], messageHash: bytesToHex(sha256(message)), epoch: 0 };
      const forge = (over: Record<string, unknown>, creator = owner.identity, parties = members) =>
        createInvitation({ session: newSessionId(), protocol: 'tessera/frost/sign', creator, parties, params: { ...params, ...over } as never }).text;
      const stranger = generateIdentity();
      owner.close();
      await postAs(c1, acc.id, 3, { t: 'finalize', id: req.id, invitation: forge({ messageHash: bytesToHex(sha256(text.encode('other'))) }) });
      await postAs(c1, acc.id, 3, { t: 'finalize', id: req.id, invitation: forge({}, stranger, [[1, stranger.publicKey], members[1]!]) });
      await postAs(c1, acc.id, 3, { t: 'finalize', id: req.id, invitation: forge({}) }); // valid, but party 3 has not approved
      await postAs(c1, acc.id, 3, { t: 'finalize', id: req.id, invitation: forge({ epoch: 1 }) }); // another key epoch
      await until(() => c3.events.filter((e) => e.type === 'error' && e.context === acc.id).length >= 4, 20_000, 'forged invitations reported');
      const errs = c3.events.flatMap((e) => (e.type === 'error' && e.context === acc.id ? [e.error] : []));
      expect(errs[0]).toMatchObject({ code: 'tampered', field: 'invitation.params.messageHash', culprit: 1 });
      expect(errs[1]).toMatchObject({ code: 'bad-signature', field: 'invitation.creator', culprit: 1 });
      expect(errs[2]).toMatchObject({ code: 'bad-input', field: 'invitation.params.signers', culprit: 1 });
      expect(errs[3]).toMatchObject({ code: 'tampered', field: 'invitation.params.epoch', culprit: 1 });
      expect((await requestOf(c3, req.id))!.status).toBe('pending');

      await c3.core.approve(req.id);
      expect((await requestOf(c3, req.id))!.canFinalize).toBe(true);
      const done = await c3.core.finalize(req.id);
      expect(done).toMatchObject({ status: 'done', verified: true, signers: [1, 3] });
      expect(ed25519.verify(hexToBytes(done.signature!), message, hexToBytes(acc.groupKey))).toBe(true);
      await until(async () => (await requestOf(c1, req.id))?.status === 'done', 20_000, 'done at the requester');
      // the finalizer re-sends its invitation: the requester already signed in that session and refuses
      await expect(c1.core.resendFinalize(req.id)).rejects.toMatchObject({ code: 'bad-input', field: 'requestId' });
      await c3.core.resendFinalize(req.id);
      await until(async () => (await requestOf(c1, req.id))?.error?.code === 'nonce-reused', 20_000, 'refused at the requester');
      expect((await requestOf(c1, req.id))!).toMatchObject({ status: 'done', signature: done.signature });
      expect(cores[1]!.events.some((e) => e.type === 'error' && e.error.code === 'nonce-reused')).toBe(false);
    } finally {
      await closeAll(cores);
    }
  });

  it('a signer that goes silent fails the signing naming it; finalizing again picks another approver', async () => {
    const { cores, accounts } = await committee(signal, 'sign-silent', 'taproot', 2, 3, { timeoutMs: 2500 });
    const [c1, c2, c3] = cores as [TestCore, TestCore, TestCore];
    const acc = accounts[0]!;
    try {
      const message = text.encode('second attempt');
      const req = await c1.core.requestSignature(acc.id, message);
      await until(async () => (await requestOf(c2, req.id)) !== undefined && (await requestOf(c3, req.id)) !== undefined, 20_000, 'request delivered');
      // party 2 approves and locks the moment the signing reaches it: it never sends a share
      let away = false;
      c2.core.subscribe((e) => {
        if (!away && e.type === 'request' && e.change === 'finalized') {
          away = true;
          void c2.core.lock();
        }
      });
      await c2.core.approve(req.id);
      await until(async () => (await requestOf(c1, req.id))?.status === 'ready', 20_000, 'ready');
      const failed = await c1.core.finalize(req.id);
      expect(failed).toMatchObject({ status: 'failed', signers: [1, 2], error: { code: 'protocol-abort', culprit: 2 } });
      await until(async () => (await requestOf(c3, req.id))?.status === 'failed', 20_000, 'failure reported to party 3');
      await expect(c1.core.approve(req.id)).rejects.toMatchObject({ code: 'already-decided' });
      await c3.core.approve(req.id);
      await until(async () => (await requestOf(c1, req.id))!.lateApprovals.some((d) => d.party === 3), 20_000, 'approval of party 3');
      const done = await c1.core.finalize(req.id);
      expect(done).toMatchObject({ status: 'done', verified: true, signers: [1, 3] });
      expect(done.approvals.map((d) => d.party)).toEqual([1, 3]);
      expect(done.lateApprovals.map((d) => d.party)).toEqual([2]);
      expect(done.error).toBeUndefined();
      expect(schnorr.verify(hexToBytes(done.signature!), message, hexToBytes(acc.groupKey))).toBe(true);
      await until(async () => (await requestOf(c3, req.id))?.status === 'done', 20_000, 'done at party 3');
      // party 2 comes back: the failure report stops its stale attempt, and it shows the result
      await c2.core.unlockWithPassphrase(PASS);
      await until(async () => (await requestOf(c2, req.id))?.status === 'done', 20_000, 'done at party 2');
      expect(await requestOf(c2, req.id)).toMatchObject({ signature: done.signature, verified: true, participating: false, signers: [1, 3] });
    } finally {
      await closeAll(cores);
    }
  });

  it('two members finalizing at once converge on one ceremony (the smaller session id) and both see it signed', async () => {
    const { cores, accounts } = await committee(signal, 'sign-race', 'secp256k1', 2, 3);
    const [c1, c2, c3] = cores as [TestCore, TestCore, TestCore];
    const acc = accounts[0]!;
    try {
      const message = text.encode('finalize race');
      const req = await c1.core.requestSignature(acc.id, message);
      await until(async () => (await requestOf(c2, req.id)) !== undefined && (await requestOf(c3, req.id)) !== undefined, 20_000, 'request delivered');
      await c2.core.approve(req.id);
      await until(async () => (await requestOf(c1, req.id))?.status === 'ready', 20_000, 'ready at party 1');
      const [d1, d2] = await Promise.all([c1.core.finalize(req.id), c2.core.finalize(req.id)]);
      for (const d of [d1, d2]) {
        expect(d).toMatchObject({ status: 'done', verified: true, signers: [1, 2] });
        expect(getSuite('secp256k1').verify(hexToBytes(d.signature!), message, hexToBytes(acc.groupKey))).toBe(true);
      }
      await until(async () => (await requestOf(c3, req.id))?.status === 'done', 20_000, 'done at party 3');
      expect(c1.events.some((e) => e.type === 'error' && e.error.code === 'nonce-reused')).toBe(false);
    } finally {
      await closeAll(cores);
    }
  });
});
