/**
 * Resume and catch-up: a joiner whose wallet is closed in the middle of the DKG resumes from
 * its sealed runner record once reopened and unlocked, and the account completes for all; a
 * signer closed right after approving (offline while the request is finalized) catches up from
 * the mailbox when it comes back, and the signing completes; a party offline during the whole
 * request sees it signed and verified when it returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@tessera/crypto/bytes';
import { PASS, closeAll, committee, links, startTestSignal, testCore, until, type TestCore, type TestSignal } from './helpers.ts';

let signal: TestSignal;
beforeAll(async () => {
  signal = await startTestSignal();
});
afterAll(async () => {
  await signal.stop();
});

describe('wallet core: resume and mailbox catch-up', () => {
  it('a joiner closed mid-DKG resumes after reopening and unlocking', async () => {
    const cores: TestCore[] = [];
    try {
      for (let i = 1; i <= 3; i++) {
        const c = await testCore(signal, `resume-dkg-${i}`);
        await c.core.createVault({ passphrase: PASS });
        cores.push(c);
      }
      const [c1, c2, c3] = cores as [TestCore, TestCore, TestCore];
      // party 3 stops as soon as its DKG is past round 1
      let stopped: Promise<void> | undefined;
      c3.core.subscribe((e) => {
        if (!stopped && e.type === 'progress' && e.ceremony === 'keygen' && e.progress.round >= 2) stopped = c3.core.lock();
      });
      const lobby = await c1.core.startCreate({ label: 'Resume', suite: 'taproot', threshold: 2, parties: 3 });
      const ls = links(lobby);
      const j2 = await c2.core.joinFromLink(ls.get(2)!);
      await c3.core.joinFromLink(ls.get(3)!);
      await until(() => stopped !== undefined, 30_000, 'party 3 stopped mid-DKG');
      await stopped;
      expect(c3.core.state).toBe('locked');
      const reopened = await c3.reopen();
      await reopened.unlockWithPassphrase(PASS);
      expect(reopened.lobbies().length).toBe(1);
      const [a1, a2, a3] = await Promise.all([lobby.done, j2.done, reopened.lobbies()[0]!.done]);
      expect(new Set([a1.groupKey, a2.groupKey, a3.groupKey]).size).toBe(1);
      expect(c3.events.some((e) => e.type === 'progress' && e.ceremony === 'keygen' && e.resumed === true)).toBe(true);
      expect((await reopened.accounts()).map((a) => a.id)).toEqual([a1.id]);
      // nothing left to resume afterwards
      await reopened.lock();
      await reopened.unlockWithPassphrase(PASS);
      expect(reopened.lobbies()).toEqual([]);
    } finally {
      await closeAll(cores);
    }
  });

  it('an approver offline during finalize catches up from the mailbox; an absent party sees the result later', async () => {
    const { cores, accounts } = await committee(signal, 'resume-sign', 'taproot', 2, 3);
    const [c1, c2, c3] = cores as [TestCore, TestCore, TestCore];
    const acc = accounts[0]!;
    try {
      await c3.core.lock(); // party 3 is away for the whole request
      const message = new TextEncoder().encode('offline catch-up');
      const req = await c1.core.requestSignature(acc.id, message, 'while 3 is away');
      await until(async () => (await c2.core.inbox()).some((r) => r.id === req.id), 20_000, 'request at party 2');
      await c2.core.approve(req.id);
      await c2.core.lock(); // party 2 goes offline right after approving
      await until(async () => (await c1.core.inbox()).find((r) => r.id === req.id)?.status === 'ready', 20_000, 'ready at party 1');
      const finalizing = c1.core.finalize(req.id);
      await until(() => c1.events.some((e) => e.type === 'request' && e.change === 'finalized'), 20_000, 'finalized');
      await new Promise((r) => setTimeout(r, 300));
      const c2again = await c2.reopen();
      await c2again.unlockWithPassphrase(PASS);
      const done = await finalizing;
      expect(done).toMatchObject({ status: 'done', verified: true, signers: [1, 2] });
      expect(schnorr.verify(hexToBytes(done.signature!), message, hexToBytes(acc.groupKey))).toBe(true);
      await until(async () => (await c2again.inbox()).find((r) => r.id === req.id)?.status === 'done', 20_000, 'done at party 2');
      // party 3 comes back: the mailbox brings the request, the approval, finalize and the result
      await c3.core.unlockWithPassphrase(PASS);
      await until(async () => (await c3.core.inbox()).find((r) => r.id === req.id)?.status === 'done', 20_000, 'done at party 3');
      expect((await c3.core.inbox()).find((r) => r.id === req.id)).toMatchObject({ signature: done.signature, verified: true, participating: false, approvals: [{ party: 1 }, { party: 2 }] });
      // after a lock/unlock cycle nothing is handled twice (no spurious errors, same state)
      const errorsBefore = c3.events.filter((e) => e.type === 'error').length;
      await c3.core.lock();
      await c3.core.unlockWithPassphrase(PASS);
      await new Promise((r) => setTimeout(r, 300));
      expect(c3.events.filter((e) => e.type === 'error').length).toBe(errorsBefore);
      expect((await c3.core.inbox()).find((r) => r.id === req.id)!.status).toBe('done');
    } finally {
      await closeAll(cores);
    }
  });

  it('a signer closed mid-signing resumes from its record', async () => {
    const { cores, accounts } = await committee(signal, 'resume-mid', 'secp256k1', 2, 3);
    const [c1, c2] = cores as [TestCore, TestCore, TestCore];
    const acc = accounts[0]!;
    try {
      const req = await c1.core.requestSignature(acc.id, new TextEncoder().encode('mid-signing resume'));
      await until(async () => (await c2.core.inbox()).some((r) => r.id === req.id), 20_000, 'request at party 2');
      let stopped: Promise<void> | undefined;
      c2.core.subscribe((e) => {
        if (!stopped && e.type === 'progress' && e.ceremony === 'sign') stopped = c2.core.lock();
      });
      await c2.core.approve(req.id);
      await until(async () => (await c1.core.inbox()).find((r) => r.id === req.id)?.status === 'ready', 20_000, 'ready');
      const finalizing = c1.core.finalize(req.id);
      await until(() => stopped !== undefined, 20_000, 'party 2 stopped mid-signing');
      await stopped;
      const again = await c2.reopen();
      await again.unlockWithPassphrase(PASS);
      const done = await finalizing;
      expect(done).toMatchObject({ status: 'done', verified: true });
      await until(async () => (await again.inbox()).find((r) => r.id === req.id)?.status === 'done', 20_000, 'done at party 2');
      expect((await again.inbox()).find((r) => r.id === req.id)!.error).toBeUndefined();
    } finally {
      await closeAll(cores);
    }
  });

  it('a wallet unlocked while the signal server is down reports it and catches up once the server is back', async () => {
    const { cores, accounts } = await committee(signal, 'resume-down', 'ed25519', 2, 3);
    const [c1, c2, c3] = cores as [TestCore, TestCore, TestCore];
    const acc = accounts[0]!;
    try {
      await c3.core.lock();
      const req = await c1.core.requestSignature(acc.id, new TextEncoder().encode('while the server restarts'));
      await until(async () => (await c2.core.inbox()).some((r) => r.id === req.id), 20_000, 'request at party 2');
      await signal.pause();
      await c3.core.unlockWithPassphrase(PASS);
      await until(() => c3.events.some((e) => e.type === 'error' && e.error.code === 'transport'), 20_000, 'unreachable server reported');
      expect(await c3.core.inbox()).toEqual([]);
      await signal.start();
      await until(async () => (await c3.core.inbox()).some((r) => r.id === req.id), 30_000, 'request at party 3 after the restart');
      await c3.core.approve(req.id);
      await until(async () => (await c1.core.inbox()).find((r) => r.id === req.id)?.status === 'ready', 30_000, 'ready at party 1');
      expect(await c1.core.finalize(req.id)).toMatchObject({ status: 'done', verified: true, signers: [1, 3] });
    } finally {
      await signal.start();
      await closeAll(cores);
    }
  });

  it('a lobby created while the signal server is down shows its links and completes once it is back', async () => {
    const cores: TestCore[] = [];
    try {
      for (let i = 1; i <= 3; i++) {
        const c = await testCore(signal, `lobby-down-${i}`);
        await c.core.createVault({ passphrase: PASS });
        cores.push(c);
      }
      const [c1, c2, c3] = cores as [TestCore, TestCore, TestCore];
      await signal.pause();
      const lobby = await c1.core.startCreate({ label: 'Offline start', suite: 'ed25519', threshold: 2, parties: 3 });
      const ls = links(lobby);
      expect([...ls.keys()]).toEqual([2, 3]);
      await until(() => lobby.view().error?.code === 'transport', 20_000, 'unreachable server shown on the lobby');
      await signal.start();
      const [j2, j3] = await Promise.all([c2.core.joinFromLink(ls.get(2)!), c3.core.joinFromLink(ls.get(3)!)]);
      const [a1, a2, a3] = await Promise.all([lobby.done, j2.done, j3.done]);
      expect(new Set([a1.groupKey, a2.groupKey, a3.groupKey]).size).toBe(1);
    } finally {
      await signal.start();
      await closeAll(cores);
    }
  });
});
