/**
 * Creating an account: three wallet cores (own vaults) enroll through invite links into a
 * lobby on a real in-process signal server and run the FROST DKG (2-of-3 Taproot over the
 * WebRTC mesh, then a signing over the mesh; secp256k1 and ed25519 over the mailbox). All
 * three end with the same group key, the share sealed in their vault, and members/fingerprints
 * as enrolled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { releaseRtc } from '@tessera/transport/rtc';
import { closeAll, committee, ownerOf, startTestSignal, until, type TestSignal } from './helpers.ts';

let signal: TestSignal;
beforeAll(async () => {
  signal = await startTestSignal();
});
afterAll(async () => {
  await signal.stop();
  await releaseRtc();
});

describe('wallet core: create an account through the lobby', () => {
  it('2-of-3 Taproot over WebRTC: same group key everywhere, members and epoch 0; signs over the mesh', async () => {
    const { cores, accounts } = await committee(signal, 'tr', 'taproot', 2, 3, { rtc: true });
    try {
      const keys = new Set(accounts.map((a) => a.groupKey));
      expect(keys.size).toBe(1);
      expect([...keys][0]).toMatch(/^[0-9a-f]{64}$/);
      expect(accounts.map((a) => a.selfIndex)).toEqual([1, 2, 3]);
      for (const a of accounts) {
        expect(a).toMatchObject({ scheme: 'frost', suite: 'taproot', threshold: 2, parties: 3, epoch: 0, id: accounts[0]!.id });
        expect(a.members.map((m) => m.fingerprint)).toEqual(cores.map((c) => c.core.identity().fingerprint));
        expect(a.members.map((m) => m.label)).toEqual(['Alice', 'Member 2', 'Member 3']);
      }
      for (const c of cores) expect((await c.core.accounts()).map((a) => a.id)).toEqual([accounts[0]!.id]);
      // progress events reached the final DKG round; lobby events reached "done"
      const prog = cores[1]!.events.filter((e) => e.type === 'progress');
      expect(prog.length).toBeGreaterThan(0);
      expect(cores[0]!.events.some((e) => e.type === 'lobby' && e.lobby.stage === 'done')).toBe(true);
      expect(cores[0]!.events.some((e) => e.type === 'account' && e.change === 'created')).toBe(true);
      // the DKG went over direct data channels
      expect(cores.some((c) => c.events.some((e) => e.type === 'transport' && e.detail.startsWith('direct channel')))).toBe(true);
      // the sealed share is in the vault; the audit log names the keygen
      const audit = await cores[2]!.core.auditLog();
      expect(audit.some((e) => e.kind === 'keygen')).toBe(true);
      // and signs over the mesh: BIP340 signature checked with noble
      const message = new TextEncoder().encode('over WebRTC');
      const req = await cores[1]!.core.requestSignature(accounts[0]!.id, message);
      await until(async () => (await cores[2]!.core.inbox()).some((r) => r.id === req.id), 20_000, 'request at party 3');
      await cores[2]!.core.approve(req.id);
      await until(async () => (await cores[1]!.core.inbox()).find((r) => r.id === req.id)?.status === 'ready', 20_000, 'ready');
      const done = await cores[1]!.core.finalize(req.id);
      expect(done).toMatchObject({ status: 'done', verified: true, signers: [2, 3] });
      expect(schnorr.verify(hexToBytes(done.signature!), message, hexToBytes(accounts[0]!.groupKey))).toBe(true);
      // no secret in any event: neither device identity secrets nor key shares
      const all = JSON.stringify(cores.flatMap((c) => c.events));
      expect(all).not.toMatch(/signingShare|secretKey/);
      for (const c of cores) {
        const owner = await ownerOf(c);
        try {
          const acc = (await owner.records.account(accounts[0]!.id))!;
          const share = await owner.vault.getFrostKeyShare(acc.shareId);
          expect(all).not.toContain(bytesToHex(owner.identity.secretKey));
          expect(all).not.toContain(bytesToHex(share.signingShare));
        } finally {
          owner.close();
        }
      }
    } finally {
      await closeAll(cores);
    }
  });

  it.each([['secp256k1'], ['ed25519']] as const)('2-of-3 %s over the mailbox', async (suite) => {
    const { cores, accounts } = await committee(signal, suite, suite, 2, 3);
    try {
      expect(new Set(accounts.map((a) => a.groupKey)).size).toBe(1);
      expect(accounts[0]!.groupKey).toMatch(suite === 'ed25519' ? /^[0-9a-f]{64}$/ : /^0[23][0-9a-f]{64}$/);
    } finally {
      await closeAll(cores);
    }
  });
});
