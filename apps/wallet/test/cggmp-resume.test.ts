/**
 * Resume of the multi-phase CGGMP21 ceremonies from the vault: a joiner whose wallet locks in
 * the middle of the key generation (in the aux-info phase) resumes from its sealed phase
 * records once reopened and unlocked, and the ECDSA account completes for both; a signer that
 * locks during presigning resumes the same way and the signature completes and verifies
 * (noble, OpenSSL). Fixture safe primes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexToBytes } from '@tessera/crypto/bytes';
import { PASS, closeAll, links, startTestSignal, testCore, until, type TestCore, type TestSignal } from './helpers.ts';
import { fixtureDriver, fixturePrimes, nobleVerify, opensslVerify } from './cggmp-support.ts';

let signal: TestSignal;
beforeAll(async () => {
  signal = await startTestSignal();
});
afterAll(async () => {
  await signal.stop();
});

describe('wallet core: CGGMP21 ceremonies resume after a lock', () => {
  it('a joiner locked during aux-info and a signer locked during presigning resume and finish', async () => {
    const pairs = fixturePrimes();
    const cores: TestCore[] = [];
    try {
      for (let k = 0; k < 2; k++) {
        const c = await testCore(signal, `ecdsa-resume-${k + 1}`, { schemes: [fixtureDriver([pairs[k]!])], timeoutMs: 60_000 });
        await c.core.createVault({ passphrase: PASS });
        cores.push(c);
      }
      const [c1, c2] = cores as [TestCore, TestCore];
      // party 2 locks as soon as it is in the aux-info phase (round 4 of 6)
      let stopped: Promise<void> | undefined;
      const unsub = c2.core.subscribe((e) => {
        if (!stopped && e.type === 'progress' && e.ceremony === 'keygen' && e.progress.round >= 4) stopped = c2.core.lock();
      });
      const lobby = await c1.core.startCreate({ label: 'ECDSA resume', scheme: 'cggmp', suite: 'secp256k1', threshold: 2, parties: 2 });
      await c2.core.joinFromLink(links(lobby).get(2)!);
      await until(() => stopped !== undefined, 30_000, 'party 2 stopped in aux-info');
      await stopped;
      unsub();
      expect(c2.core.state).toBe('locked');
      const c2b = await c2.reopen();
      await c2b.unlockWithPassphrase(PASS);
      expect(c2b.lobbies().length).toBe(1);
      const [a1, a2] = await Promise.all([lobby.done, c2b.lobbies()[0]!.done]);
      expect(a2).toMatchObject({ id: a1.id, scheme: 'cggmp', groupKey: a1.groupKey });
      expect(c2.events.some((e) => e.type === 'progress' && e.ceremony === 'keygen' && e.progress.round >= 4 && e.resumed !== true)).toBe(true);

      // party 2 approves, then locks as soon as presigning runs; it comes back and the signature completes
      const message = new TextEncoder().encode('resume an ECDSA presigning');
      const req = await c1.core.requestSignature(a1.id, message);
      await until(async () => (await c2b.inbox()).some((r) => r.id === req.id), 20_000, 'request delivered');
      await c2b.approve(req.id);
      await until(async () => (await c1.core.inbox()).find((r) => r.id === req.id)?.status === 'ready', 20_000, 'ready');
      let stopped2: Promise<void> | undefined;
      c2b.subscribe((e) => {
        if (!stopped2 && e.type === 'progress' && e.ceremony === 'sign' && e.id === req.id && e.progress.round >= 2) stopped2 = c2b.lock();
      });
      const finalizing = c1.core.finalize(req.id);
      await until(() => stopped2 !== undefined, 30_000, 'party 2 stopped in presigning');
      await stopped2;
      const c2c = await c2.reopen();
      await c2c.unlockWithPassphrase(PASS);
      const done = await finalizing;
      expect(done).toMatchObject({ status: 'done', verified: true, signers: [1, 2] });
      const sig = hexToBytes(done.signature!);
      expect(nobleVerify(a1.groupKey, message, sig)).toBe(true);
      expect(opensslVerify(a1.groupKey, message, sig)).toBe(true);
      await until(async () => (await c2c.inbox()).find((r) => r.id === req.id)?.status === 'done', 30_000, 'done at party 2');
      expect((await c2c.inbox()).find((r) => r.id === req.id)).toMatchObject({ signature: done.signature, verified: true });
    } finally {
      await closeAll(cores);
    }
  }, 150_000);
});
