/**
 * Server co-signer (2PC wallet): a wallet core (fake IndexedDB) and a Node party
 * (`runNodeParty`, what `tessera party` runs) over a real in-process signal server create a
 * 2-of-2 CGGMP21 ECDSA account from the invitation the wallet signs (key generation + aux-info
 * with fixture safe primes on both sides), then sign a message from a wallet-signed signing
 * invitation; the signature verifies with noble and OpenSSL and is the same on both sides, and
 * it is audited and kept. Negative: a co-signer key that is not hex / not an Ed25519 point /
 * of small order / this device's own is refused naming `cosignerKey`; an invitation altered
 * after the wallet signed it (another message, another session id) is refused by the Node party.
 * A key generation stopped by a lock continues after unlock (`resume`), and a Keccak-256
 * (Ethereum) signing verifies over the Keccak digest. A co-signer that never joins ends the key
 * generation with a timeout naming party 2; that failure is final (resume does not rerun it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { generateIdentity } from '@tessera/transport/identity';
import { parseInvitation } from '@tessera/transport/invitation';
import { parseCeremonyParams, runNodeParty } from '@tessera/transport/node-party';
import type { CggmpKeyShare } from '@tessera/protocols/cggmp/keyshare';
import { WalletError, parseCosignerKey } from '../src/core/index.ts';
import { PASS, closeAll, startTestSignal, testCore, type TestCore, type TestSignal } from './helpers.ts';
import { fixtureDriver, fixturePrimes, nobleVerify, opensslVerify } from './cggmp-support.ts';

let signal: TestSignal;
let dir: string;
beforeAll(async () => {
  signal = await startTestSignal();
  dir = mkdtempSync(join(tmpdir(), 'tessera-cosigner-'));
});
afterAll(async () => {
  await signal.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Expects `f` to throw a WalletError `bad-input` naming `field`. */
async function expectBadInput(f: () => Promise<unknown>, field: string): Promise<void> {
  const e = await f().then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(WalletError);
  expect((e as WalletError).code).toBe('bad-input');
  expect((e as WalletError).field).toBe(field);
}

/** Replaces `from` by `to` once in an invitation's text (the signature stays the old one). */
function alter(text: string, from: string, to: string): string {
  expect(text.includes(from)).toBe(true);
  return text.replace(from, to);
}

describe('wallet core: server co-signer (browser wallet + tessera party, 2-of-2 ECDSA)', () => {
  it('refuses a co-signer key that is not a valid Ed25519 identity key, naming cosignerKey', async () => {
    const c = await testCore(signal, 'cosigner-bad');
    try {
      await c.core.createVault({ passphrase: PASS });
      const cs = c.core.cosigner!;
      // y = 2 is not the y-coordinate of a curve point (x² = (y²−1)/(d·y²+1) is not a square)
      const notAPoint = `02${'00'.repeat(31)}`;
      expect(() => parseCosignerKey(notAPoint)).toThrow(/cosignerKey/);
      for (const bad of ['zz', 'ab'.repeat(31), notAPoint, `01${'00'.repeat(31)}`, c.core.identity().publicKey]) await expectBadInput(() => cs.createAccount({ label: 'x', cosignerKey: bad }), 'cosignerKey');
      await expectBadInput(() => cs.createAccount({ label: '', cosignerKey: bytesToHex(generateIdentity().publicKey) }), 'label');
      expect(await cs.ceremonies()).toEqual([]);
    } finally {
      await closeAll([c]);
    }
  });

  it('creates the account with a Node co-signer, signs, verifies with noble and OpenSSL; tampered invitations are refused by the Node party', async () => {
    const pairs = fixturePrimes();
    const c: TestCore = await testCore(signal, 'cosigner', { schemes: [fixtureDriver([pairs[0]!])] });
    const node = generateIdentity();
    const stateDir = join(dir, 'state');
    try {
      await c.core.createVault({ passphrase: PASS });
      const cs = c.core.cosigner!;
      const kg = await cs.createAccount({ label: '2PC wallet', cosignerKey: bytesToHex(node.publicKey).toUpperCase() });
      const v0 = kg.view();
      expect(v0).toMatchObject({ kind: 'keygen', stage: 'running', label: '2PC wallet', cosignerKey: bytesToHex(node.publicKey) });
      expect(v0.command).toContain(`tessera party --signal ${signal.url} --identity`);
      expect(v0.command).toContain(`--invitation ${v0.fileName}`);
      // exactly the invitation format tessera party reads
      const inv = parseInvitation(v0.invitation);
      expect(parseCeremonyParams(inv)).toEqual({ ceremony: 'cggmp-keygen', threshold: 2 });
      expect(bytesToHex(inv.parties.get(1 as never)!)).toBe(c.core.identity().publicKey);
      expect(bytesToHex(inv.parties.get(2 as never)!)).toBe(bytesToHex(node.publicKey));

      // an altered keygen invitation (another threshold would not parse; another session id) is refused before anything runs
      const forgedKg = alter(v0.invitation, `"session":"${inv.session}"`, `"session":"${'0'.repeat(64)}"`);
      await expect(runNodeParty({ signal: signal.url, identity: node, invitation: forgedKg, stateDir, transport: 'mailbox', keepRtc: true })).rejects.toThrow(/signature|sig/i);

      const [nodeKg, kgView] = await Promise.all([
        runNodeParty({ signal: signal.url, identity: node, invitation: v0.invitation, stateDir, transport: 'mailbox', keepRtc: true, primeSource: async () => pairs[1]!, timeoutMs: 60_000 }),
        kg.done,
      ]);
      if (nodeKg.ceremony !== 'cggmp-keygen') throw new Error('expected a keygen result');
      const nodeShare: CggmpKeyShare = nodeKg.result.keyShare;
      expect(kgView.stage).toBe('done');
      expect(kgView.groupKey).toBe(bytesToHex(nodeShare.core.publicKey));
      const account = await c.core.account(kgView.accountId!);
      expect(account).toMatchObject({ id: inv.session, scheme: 'cggmp', suite: 'secp256k1', threshold: 2, parties: 2, selfIndex: 1, groupKey: kgView.groupKey, epoch: 0 });
      expect(account.members.map((m) => m.label)).toEqual(['This device', 'co-signer']);
      expect(cs.isCosignerAccount(account)).toBe(true);
      expect(c.events.some((e) => e.type === 'account' && e.change === 'created' && e.account.id === account.id)).toBe(true);
      expect(c.events.some((e) => e.type === 'progress' && e.ceremony === 'keygen' && e.id === account.id && e.progress.round === 6)).toBe(true);
      expect((await c.core.status()).accounts.find((s) => s.accountId === account.id)?.shareOk).toBe(true);

      // signing
      const message = new TextEncoder().encode('co-signed: pay 0.01 BTC');
      const sg = await cs.sign(account.id, message);
      const s0 = sg.view();
      expect(s0.message).toMatchObject({ hex: bytesToHex(message), utf8: 'co-signed: pay 0.01 BTC', length: message.length });
      expect(s0.hash).toBe('sha256');
      const sinv = parseInvitation(s0.invitation);
      const params = parseCeremonyParams(sinv);
      expect(params).toMatchObject({ ceremony: 'cggmp-sign', groupKey: account.groupKey, message: bytesToHex(message), hash: 'sha256', signers: [1, 2], derivation: [], digest: s0.digest });

      // the operator's copy altered after signing: another message → refused by the Node party (bad signature)
      const other = bytesToHex(new TextEncoder().encode('co-signed: pay 9.99 BTC'));
      const forged = alter(s0.invitation, bytesToHex(message), other);
      const err = await runNodeParty({ signal: signal.url, identity: node, invitation: forged, stateDir, cggmpKeyShare: nodeShare, transport: 'mailbox', keepRtc: true }).then(
        () => undefined,
        (e: unknown) => e as Error & { reason?: string },
      );
      expect(err?.name).toBe('TransportError');
      expect(err?.reason).toBe('bad-signature');

      const [nodeSig, sView] = await Promise.all([
        runNodeParty({ signal: signal.url, identity: node, invitation: s0.invitation, stateDir, cggmpKeyShare: nodeShare, transport: 'mailbox', keepRtc: true, timeoutMs: 60_000 }),
        sg.done,
      ]);
      if (nodeSig.ceremony !== 'cggmp-sign') throw new Error('expected a signing result');
      expect(sView).toMatchObject({ stage: 'done', verified: true, accountId: account.id });
      const sig = hexToBytes(sView.signature!);
      expect(sig.length).toBe(65);
      expect(nobleVerify(account.groupKey, message, sig)).toBe(true);
      expect(opensslVerify(account.groupKey, message, sig)).toBe(true);
      expect(nobleVerify(account.groupKey, hexToBytes(other), sig)).toBe(false);
      const flipped = sig.slice();
      flipped[10]! ^= 1;
      expect(nobleVerify(account.groupKey, message, flipped)).toBe(false);
      expect(opensslVerify(account.groupKey, message, flipped)).toBe(false);
      // both parties produced the same signature
      expect(sView.signature!.slice(0, 128)).toBe(nodeSig.result.signature.r.toString(16).padStart(64, '0') + nodeSig.result.signature.s.toString(16).padStart(64, '0'));

      // kept and audited
      const list = await cs.ceremonies(account.id);
      expect(list.map((x) => [x.kind, x.stage])).toEqual([
        ['sign', 'done'],
        ['keygen', 'done'],
      ]);
      const audit = await c.core.auditLog();
      expect(audit.some((e) => e.kind === 'sign' && e.details.account === account.id.slice(0, 32) && typeof e.details.cosigner === 'string')).toBe(true);
      // a finished signing handed back, not run again
      const again = await cs.resume(sView.id);
      expect((await again.done).signature).toBe(sView.signature);
      await expectBadInput(() => cs.sign(account.id, new Uint8Array(0)), 'message');
    } finally {
      await closeAll([c]);
    }
  }, 120_000);

  it('a key generation stopped by a lock resumes after unlock; a Keccak-256 signing verifies over the Keccak digest', async () => {
    const pairs = fixturePrimes();
    const c: TestCore = await testCore(signal, 'cosigner-resume', { schemes: [fixtureDriver([pairs[0]!])] });
    const node = generateIdentity();
    const stateDir = join(dir, 'state-resume');
    try {
      await c.core.createVault({ passphrase: PASS });
      const first = await c.core.cosigner!.createAccount({ label: 'resumed 2PC', cosignerKey: bytesToHex(node.publicKey) });
      const id = first.id;
      await c.core.lock();
      const stopped = await first.done.then(
        () => undefined,
        (e: unknown) => e as WalletError,
      );
      expect(stopped?.code).toBe('locked');
      await expect(c.core.cosigner!.ceremonies()).rejects.toMatchObject({ code: 'locked' });
      await c.core.unlockWithPassphrase(PASS);
      const cs = c.core.cosigner!;
      expect((await cs.ceremonies()).map((v) => [v.id, v.stage])).toEqual([[id, 'running']]);
      const again = await cs.resume(id);
      expect(await cs.resume(id)).toBe(again);
      const [nodeKg, view] = await Promise.all([
        runNodeParty({ signal: signal.url, identity: node, invitation: again.view().invitation, stateDir, transport: 'mailbox', keepRtc: true, primeSource: async () => pairs[1]!, timeoutMs: 60_000 }),
        again.done,
      ]);
      if (nodeKg.ceremony !== 'cggmp-keygen') throw new Error('expected a keygen result');
      expect(view).toMatchObject({ stage: 'done', accountId: id, groupKey: bytesToHex(nodeKg.result.keyShare.core.publicKey) });
      await expect(cs.resume('00'.repeat(32))).rejects.toMatchObject({ code: 'unknown-request', field: 'id' });

      const message = new TextEncoder().encode('transfer 1 ETH');
      const sg = await cs.sign(id, message, { hash: 'keccak256' });
      expect(sg.view()).toMatchObject({ hash: 'keccak256', digest: bytesToHex(keccak_256(message)) });
      expect(sg.view().message!.signedAs).toContain('Keccak-256');
      const [nodeSig, sView] = await Promise.all([
        runNodeParty({ signal: signal.url, identity: node, invitation: sg.view().invitation, stateDir, cggmpKeyShare: nodeKg.result.keyShare, transport: 'mailbox', keepRtc: true, timeoutMs: 60_000 }),
        sg.done,
      ]);
      if (nodeSig.ceremony !== 'cggmp-sign') throw new Error('expected a signing result');
      expect(sView).toMatchObject({ stage: 'done', verified: true });
      const sig = hexToBytes(sView.signature!);
      expect(secp256k1.verify(sig.subarray(0, 64), keccak_256(message), hexToBytes(view.groupKey!), { prehash: false, lowS: true, format: 'compact' })).toBe(true);
      expect(nobleVerify(view.groupKey!, message, sig)).toBe(false); // not the SHA-256 digest
      await expectBadInput(() => cs.sign(id, message, { hash: 'md5' as never }), 'opts.hash');
    } finally {
      await closeAll([c]);
    }
  }, 120_000);

  it('a co-signer that never joins: the key generation times out naming party 2, and stays failed', async () => {
    const pairs = fixturePrimes();
    const c: TestCore = await testCore(signal, 'cosigner-silent', { schemes: [fixtureDriver([pairs[0]!])], timeoutMs: 2000 });
    try {
      await c.core.createVault({ passphrase: PASS });
      const cs = c.core.cosigner!;
      const h = await cs.createAccount({ label: 'silent', cosignerKey: bytesToHex(generateIdentity().publicKey) });
      const err = await h.done.then(
        () => undefined,
        (e: unknown) => e as WalletError,
      );
      expect(err?.code).toBe('protocol-abort');
      expect(err?.culprit).toBe(2);
      expect(h.view()).toMatchObject({ stage: 'failed', error: { code: 'protocol-abort', culprit: 2 } });
      expect(c.events.some((e) => e.type === 'error' && e.context === h.id && e.error.culprit === 2)).toBe(true);
      const again = await cs.resume(h.id);
      await expect(again.done).rejects.toMatchObject({ code: 'protocol-abort' });
      expect(again.view().stage).toBe('failed');
      expect(await c.core.accounts()).toEqual([]);
    } finally {
      await closeAll([c]);
    }
  }, 60_000);
});
