/**
 * The 2-party ECDSA ("2PC") wallet: two wallet cores over a real in-process signal server
 * create a CGGMP21 secp256k1 account through an invite link (key generation + aux-info with
 * fixture safe primes), sign through request / approve / finalize, and both show the
 * signature verified; the 65-byte r ‖ s ‖ v signature verifies with noble and OpenSSL, is
 * low-S, and its recovery id recovers the group key; tampered signatures (a flipped bit, the
 * high-S twin, another message, a short encoding) are refused. A signing invitation posted
 * again after the signing finished is refused (`nonce-reused`, audited). A presignature is
 * consumed through the vault's ledger: restoring a finished presigning record to sign again
 * with the same presignature fails closed with NonceReuseError. Wrong inputs give typed errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { newSessionId, type PartyIndex, type SessionId } from '@tessera/protocols/engine/ids';
import { cggmpRecordKey } from '@tessera/transport/cggmp';
import { createMemoryRunnerStore, type RunnerStore } from '@tessera/transport/runner-store';
import { createMemoryNetwork } from '@tessera/transport/transport';
import type { SchemeContext } from '../src/core/index.ts';
import { createCggmpDriver, decodeEcdsaSignature, encodeEcdsaSignature, verifyCggmpSignature, type CggmpSignContext } from '../src/core/cggmp-driver.ts';
import { loadDeviceIdentity } from '../src/core/device.ts';
import { WalletRecords } from '../src/core/records.ts';
import { closeAll, startTestSignal, until, type TestCore, type TestSignal } from './helpers.ts';
import { cggmpCommittee, fixturePrimes, nobleVerify, openSecondVault, opensslVerify } from './cggmp-support.ts';

let signal: TestSignal;
beforeAll(async () => {
  signal = await startTestSignal();
});
afterAll(async () => {
  await signal.stop();
});

const text = new TextEncoder();
const Q = secp256k1.Point.Fn.ORDER;

async function requestOf(t: TestCore, id: string) {
  return (await t.core.inbox()).find((r) => r.id === id);
}

describe('wallet core: 2-of-2 ECDSA (CGGMP21, secp256k1)', () => {
  it('creates the account via an invite link, signs through request/approve/finalize, verifies with noble and OpenSSL, refuses tampering and nonce reuse', async () => {
    const pairs = fixturePrimes();
    const { cores, accounts } = await cggmpCommittee(signal, 'ecdsa2', 2, [[pairs[0]!], [pairs[1]!]]);
    const [c1, c2] = cores as [TestCore, TestCore];
    try {
      const [a1, a2] = accounts as [NonNullable<(typeof accounts)[0]>, NonNullable<(typeof accounts)[1]>];
      expect(a1).toMatchObject({ scheme: 'cggmp', suite: 'secp256k1', threshold: 2, parties: 2, selfIndex: 1, epoch: 0 });
      expect(a2).toMatchObject({ id: a1.id, scheme: 'cggmp', selfIndex: 2, groupKey: a1.groupKey });
      expect(a1.groupKey).toMatch(/^0[23][0-9a-f]{64}$/);
      // key generation progress: 6 rounds (3 keygen + 3 aux-info), finished
      const kgProgress = c1.events.filter((e) => e.type === 'progress' && e.ceremony === 'keygen');
      expect(kgProgress.length).toBeGreaterThan(0);
      expect(kgProgress.every((e) => e.type === 'progress' && e.progress.rounds === 6)).toBe(true);
      expect(kgProgress.some((e) => e.type === 'progress' && e.progress.round === 6 && e.progress.fraction === 1)).toBe(true);
      // the phase records that held x_i, p, q are gone; the share is sealed in the vault
      const v1 = await openSecondVault(c1);
      try {
        for (const ph of ['keygen', 'aux'] as const) expect(await v1.sessions.load(cggmpRecordKey(a1.id as never, 1 as PartyIndex, ph))).toBeUndefined();
        const share = await v1.getCggmpKeyShare((await new WalletRecords(v1).account(a1.id))!.shareId);
        expect(bytesToHex(share.core.publicKey)).toBe(a1.groupKey);
      } finally {
        v1.close();
      }
      const status = await c1.core.status();
      expect(status.accounts.find((s) => s.accountId === a1.id)?.shareOk).toBe(true);

      // request, approve, finalize
      const message = text.encode('pay 0.1 BTC to the 2PC wallet test');
      const req = await c1.core.requestSignature(a1.id, message, 'ecdsa test');
      expect(req.message).toMatchObject({ hex: bytesToHex(message), utf8: 'pay 0.1 BTC to the 2PC wallet test' });
      await until(async () => (await requestOf(c2, req.id)) !== undefined, 20_000, 'request delivered');
      expect((await requestOf(c2, req.id))!.message!.hex).toBe(bytesToHex(message));
      await c2.core.approve(req.id);
      await until(async () => (await requestOf(c1, req.id))?.status === 'ready', 20_000, 'ready');
      const done = await c1.core.finalize(req.id);
      expect(done).toMatchObject({ status: 'done', verified: true, signers: [1, 2] });
      const sig = hexToBytes(done.signature!);
      expect(sig.length).toBe(65);
      await until(async () => (await requestOf(c2, req.id))?.status === 'done', 20_000, 'done at the approver');
      expect(await requestOf(c2, req.id)).toMatchObject({ signature: done.signature, verified: true });
      expect(c1.events.some((e) => e.type === 'progress' && e.ceremony === 'sign' && e.progress.rounds === 4)).toBe(true);

      // independent verification: noble (hashes itself, low-S) and OpenSSL (IEEE P1363 r ‖ s)
      expect(nobleVerify(a1.groupKey, message, sig)).toBe(true);
      expect(opensslVerify(a1.groupKey, message, sig)).toBe(true);
      const { r, s, v } = decodeEcdsaSignature(sig);
      expect(s <= Q >> 1n).toBe(true);
      const recovered = new secp256k1.Signature(r, s).addRecoveryBit(v).recoverPublicKey(sha256(message));
      expect(bytesToHex(recovered.toBytes(true))).toBe(a1.groupKey);

      // tampering: a flipped bit, the high-S twin (OpenSSL takes it, the low-S rule does not), another message, bad encodings
      const flipped = sig.slice();
      flipped[40]! ^= 1;
      expect(nobleVerify(a1.groupKey, message, flipped)).toBe(false);
      expect(opensslVerify(a1.groupKey, message, flipped)).toBe(false);
      expect(verifyCggmpSignature(hexToBytes(a1.groupKey), message, flipped)).toBe(false);
      const highS = encodeEcdsaSignature({ r, s: Q - s, v: v ^ 1 });
      expect(opensslVerify(a1.groupKey, message, highS)).toBe(true);
      expect(verifyCggmpSignature(hexToBytes(a1.groupKey), message, highS)).toBe(false);
      expect(verifyCggmpSignature(hexToBytes(a1.groupKey), text.encode('pay 1000 BTC'), sig)).toBe(false);
      const wrongV = sig.slice();
      wrongV[64] = v ^ 1;
      expect(verifyCggmpSignature(hexToBytes(a1.groupKey), message, wrongV)).toBe(false);
      expect(verifyCggmpSignature(hexToBytes(a1.groupKey), message, sig.subarray(0, 64))).toBe(false);
      expect(() => decodeEcdsaSignature(sig.subarray(0, 64))).toThrow(FieldTypeError);
      expect(() => encodeEcdsaSignature({ r: 0n, s, v })).toThrow(FieldRangeError);
      expect(() => encodeEcdsaSignature({ r, s, v: 4 })).toThrow(FieldRangeError);

      // the same signing invitation posted again: the approver already ran it and refuses
      await c1.core.resendFinalize(req.id);
      await until(() => c2.events.some((e) => e.type === 'error' && e.error.code === 'nonce-reused'), 20_000, 'nonce reuse refused');
      expect(c2.events.find((e) => e.type === 'error' && e.error.code === 'nonce-reused')).toMatchObject({ context: req.id });
      expect(await requestOf(c2, req.id)).toMatchObject({ status: 'done', signature: done.signature, error: { code: 'nonce-reused' } });
      expect((await c2.core.auditLog()).some((e) => e.kind === 'sign' && e.details.refused === 'nonce-reuse')).toBe(true);
      // status after signing and the refusal: the ledger marks the session, audit chain and records verify
      for (const c of [c1, c2]) {
        const st = await c.core.status();
        expect(st.nonceLedger).toMatchObject({ ok: true });
        expect(st.audit).toMatchObject({ ok: true });
        expect(st.integrity).toMatchObject({ ok: true });
        expect(st.accounts.find((x) => x.accountId === a1.id)).toMatchObject({ shareOk: true, epoch: 0 });
      }

      // wrong inputs: typed errors
      await expect(c1.core.startCreate({ label: 'x', scheme: 'cggmp', suite: 'taproot', threshold: 2, parties: 2 })).rejects.toMatchObject({ code: 'unsupported-scheme', field: 'suite' });
      await expect(c1.core.requestSignature(a1.id, new Uint8Array(0))).rejects.toMatchObject({ code: 'bad-input' });
    } finally {
      await closeAll(cores);
    }
  }, 120_000);

  it('a presignature is consumed through the vault ledger: restoring a finished presigning to sign again fails closed', async () => {
    const pairs = fixturePrimes();
    const { cores, accounts } = await cggmpCommittee(signal, 'ecdsa2-presig', 2, [[pairs[1]!], [pairs[2]!]]);
    const vaults = await Promise.all(cores.map((c) => openSecondVault(c)));
    try {
      const acc = accounts[0]!;
      await closeAll(cores);
      // the two wallets' owners run the driver directly over an in-memory room, as the core would
      const net = createMemoryNetwork();
      const driver = createCggmpDriver({ verifyOnPool: false, primeSource: () => async () => pairs[0]! });
      const ids = await Promise.all(vaults.map((v) => loadDeviceIdentity(v)));
      const directory = new Map<PartyIndex, Uint8Array>(ids.map((id, k) => [(k + 1) as PartyIndex, id.publicKey]));
      const shareIds = await Promise.all(vaults.map(async (v) => (await new WalletRecords(v).account(acc.id))!.shareId));
      const stores: RunnerStore[] = [createMemoryRunnerStore(), createMemoryRunnerStore()];
      const message = text.encode('presignature single use');
      const ctxOf = (k: number, session: SessionId, hash?: 'keccak256'): CggmpSignContext => {
        const self = (k + 1) as PartyIndex;
        const base: SchemeContext = {
          session,
          self,
          directory,
          identity: ids[k]!,
          suite: 'secp256k1',
          threshold: 2,
          vault: vaults[k]!,
          run: () => Promise.reject(new Error('not used')),
          progress: () => undefined,
          signal: new AbortController().signal,
          openTransport: async () => net.transport(session, self, [1 as PartyIndex, 2 as PartyIndex]),
          store: stores[k]!,
          timeoutMs: 20_000,
        };
        return { ...base, shareId: shareIds[k]!, message, signers: [1 as PartyIndex, 2 as PartyIndex], ...(hash ? { hash } : {}) };
      };
      const session = newSessionId();
      // keep party 1's finished presigning record as it was saved
      const presignKey = cggmpRecordKey(session, 1 as PartyIndex, 'presign');
      let keptPresign: string | undefined;
      const inner = stores[0]!;
      stores[0] = {
        load: (k) => inner.load(k),
        delete: (k) => inner.delete(k),
        async save(k, v) {
          if (k === presignKey && v.includes('"done"')) keptPresign = v;
          await inner.save(k, v);
        },
      };
      const sigs = await Promise.all([0, 1].map((k) => driver.sign(ctxOf(k, session))));
      expect(bytesToHex(sigs[0]!)).toBe(bytesToHex(sigs[1]!));
      expect(verifyCggmpSignature(hexToBytes(acc.groupKey), message, sigs[0]!)).toBe(true);
      expect(opensslVerify(acc.groupKey, message, sigs[0]!)).toBe(true);
      expect(keptPresign).toBeDefined();
      expect(await stores[0]!.load(presignKey)).toBeUndefined();

      // "crash between presigning and signing" replayed: the presignature is back, the signing record gone
      await stores[0]!.save(presignKey, keptPresign!);
      await stores[0]!.delete(cggmpRecordKey(session, 1 as PartyIndex, 'sign'));
      await expect(driver.sign(ctxOf(0, session))).rejects.toMatchObject({ name: 'NonceReuseError' });

      // Keccak-256 (Ethereum) digests when the signing context asks for it
      const s2 = newSessionId();
      const eth = await Promise.all([0, 1].map((k) => driver.sign(ctxOf(k, s2, 'keccak256'))));
      expect(verifyCggmpSignature(hexToBytes(acc.groupKey), message, eth[0]!, 'keccak256')).toBe(true);
      expect(verifyCggmpSignature(hexToBytes(acc.groupKey), message, eth[0]!)).toBe(false);
      expect(secp256k1.verify(eth[0]!.subarray(0, 64), keccak_256(message), hexToBytes(acc.groupKey), { prehash: false })).toBe(true);

      // a context without the room (an older core) is refused with a typed error
      const bare = { ...ctxOf(0, newSessionId()) } as Record<string, unknown>;
      delete bare.openTransport;
      await expect(driver.sign(bare as unknown as CggmpSignContext)).rejects.toMatchObject({ code: 'unsupported-scheme', field: 'openTransport' });
    } finally {
      for (const v of vaults) v.close();
      await closeAll(cores);
    }
  }, 120_000);
});
