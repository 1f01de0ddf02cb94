/**
 * The wallet's hardware key (PKCS#11 bridge) against a real `tessera hsm-bridge --dev-softhsm`
 * process: configure → register (pending, fingerprint, operator command) → enroll refused until
 * the operator approves → enroll → lock → unlock through the bridge; refusals leave the vault
 * untouched (bridge down, HSM unavailable, device revoked) and a tampered wrapped key is an
 * integrity error; removing the method keeps the others.
 * With the hardware key enrolled, FROST signing draws its counter from the HSM and the status
 * cross-checks the IndexedDB ledger, the HSM counter and the mailbox, reporting a rolled-back
 * ledger as a mismatch; a signing started while the bridge is down waits and completes once it
 * is back.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { BridgeError, VaultIntegrityError, type WalletCore } from '../src/core/index.ts';
import { dumpVault, startTestBridge, type TestBridge } from './bridge-helpers.ts';
import { PASS, closeAll, committee, startTestSignal, testCore, until, type TestCore, type TestSignal } from './helpers.ts';

let signal: TestSignal;
let bridge: TestBridge;
beforeAll(async () => {
  [signal, bridge] = await Promise.all([startTestSignal(), startTestBridge()]);
}, 60_000);
afterAll(async () => {
  await bridge?.remove();
  await signal?.stop();
});

async function refusal(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
}

/** Configures, has the operator approve and enrolls the hardware key of an unlocked core. */
async function enrollHardwareKey(core: WalletCore): Promise<string> {
  const hk = core.hardwareKey!;
  const st = await hk.configure({ url: bridge.url });
  expect(st.registration).toBe('pending');
  expect(await bridge.approve(st.deviceId!)).toContain(`approved ${st.deviceId}`);
  expect((await hk.waitForApproval({ intervalMs: 50 })).registration).toBe('approved');
  await hk.enroll({ kind: 'passphrase', passphrase: PASS });
  return st.deviceId!;
}

describe('wallet hardware key (PKCS#11 bridge)', () => {
  it('registers, waits for the operator, enrolls, unlocks through the bridge; refusals change nothing', async () => {
    const t = await testCore(signal, 'hk-unlock');
    const core = t.core;
    try {
      await core.createVault({ passphrase: PASS });
      const hk = core.hardwareKey!;
      expect(await hk.state()).toEqual({ configured: false, registration: 'unregistered', enrolled: false, counter: false });
      await expect(core.unlockWithHardwareKey!()).resolves.toBeUndefined(); // already unlocked: nothing to do
      expect((await refusal(hk.configure({ url: 'ftp://x' }))) as { code: string; field: string }).toMatchObject({ code: 'bad-input', field: 'url' });

      const st = await hk.configure({ url: bridge.url });
      expect(st).toMatchObject({ configured: true, url: bridge.url, registration: 'pending', enrolled: false, counter: false });
      expect(st.deviceId).toMatch(/^wallet-[0-9a-f]{16}$/);
      expect(st.approveCommand).toBe(`tessera hsm-bridge --approve ${st.deviceId} --data .tessera/hsm/data`);
      // the operator sees the same fingerprint in the registry listing
      expect(await bridge.cli(['--list-devices', '--data', bridge.dataDir])).toMatch(new RegExp(`${st.deviceId}\\s+pending\\s+${st.fingerprint}`));

      // not approved yet: enrolling is refused and the vault keeps its one method
      const early = await refusal(hk.enroll({ kind: 'passphrase', passphrase: PASS }));
      expect(early).toBeInstanceOf(BridgeError);
      expect((early as BridgeError).code).toBe('device-not-approved');
      expect((await core.listMethods()).map((m) => m.kind)).toEqual(['passphrase']);
      expect((await hk.checkApproval()).registration).toBe('pending');

      const waiting = hk.waitForApproval({ intervalMs: 50 });
      await bridge.approve(st.deviceId!);
      expect((await waiting).registration).toBe('approved');

      // a wrong existing passphrase authorizes nothing
      const wrong = await refusal(hk.enroll({ kind: 'passphrase', passphrase: 'not the passphrase' }));
      expect((wrong as Error).name).toBe('VaultUnlockError');
      const info = await hk.enroll({ kind: 'passphrase', passphrase: PASS }, 'HSM');
      expect(info).toMatchObject({ id: `pkcs11:${st.deviceId}`, kind: 'pkcs11', label: 'HSM' });
      expect(await hk.state()).toMatchObject({ enrolled: true, counter: true, registration: 'approved' });
      expect((await refusal(hk.configure({ url: 'http://127.0.0.1:1' }))) as { code: string }).toMatchObject({ code: 'bad-input' });

      // lock, reopen (a new page load: the settings and device key come from IndexedDB) and unlock through the bridge
      const ident = core.identity().fingerprint;
      await t.reopen();
      expect(t.core.state).toBe('locked');
      await t.core.unlockWithHardwareKey!();
      expect(t.core.state).toBe('unlocked');
      expect(t.core.identity().fingerprint).toBe(ident);
      await t.core.lock();

      // the bridge is down: a clear refusal, still locked, nothing in the vault changed
      const before = await dumpVault(t.name);
      await bridge.stop();
      const down = await refusal(t.core.unlockWithHardwareKey!());
      expect(down).toBeInstanceOf(BridgeError);
      expect((down as BridgeError).code).toBe('unreachable');
      expect(t.core.state).toBe('locked');
      expect(await dumpVault(t.name)).toEqual(before);

      // the HSM is unavailable under a running bridge: 503, nothing changed
      await bridge.start();
      renameSync(join(bridge.dir, 'tokens'), join(bridge.dir, 'tokens.away'));
      let hsm: unknown;
      try {
        hsm = await refusal(t.core.unlockWithHardwareKey!());
      } finally {
        renameSync(join(bridge.dir, 'tokens.away'), join(bridge.dir, 'tokens'));
      }
      expect((hsm as BridgeError).code).toBe('hsm-unavailable');
      expect(t.core.state).toBe('locked');
      expect(await dumpVault(t.name)).toEqual(before);
      // the HSM is back: the next request reconnects by itself
      await until(async () => (await t.core.unlockWithHardwareKey!().then(() => true, () => false)), 30_000, 'unlock after the HSM came back');
      await t.core.lock();

      // a tampered wrapped key: the HSM's GCM check fails and the wallet reports an integrity error
      const db = await openDB(t.name);
      const id = `pkcs11:${st.deviceId}`;
      const rec = await db.get('wrappedKeys', id);
      const ct = new Uint8Array(rec.blob.ciphertext);
      ct[3]! ^= 0x01;
      await db.put('wrappedKeys', { ...rec, blob: { ...rec.blob, ciphertext: ct } }, id);
      db.close();
      const tampered = await refusal(t.core.unlockWithHardwareKey!());
      expect(tampered).toBeInstanceOf(VaultIntegrityError);
      expect((tampered as VaultIntegrityError).record).toBe(`wrappedKeys/${id}`);
      expect(t.core.state).toBe('locked');
      // the altered record is refused whichever method unlocks (its MAC no longer matches)
      expect(await refusal(t.core.unlockWithPassphrase(PASS))).toBeInstanceOf(VaultIntegrityError);
      // with the original record back, the hardware key opens the vault again
      const db2 = await openDB(t.name);
      await db2.put('wrappedKeys', rec, id);
      db2.close();
      await t.core.unlockWithHardwareKey!();
      expect(t.core.state).toBe('unlocked');
      await t.core.lock();

      // the operator revokes the device: unknown from the next request on; other methods still open the vault
      expect(await bridge.cli(['--revoke', st.deviceId!, '--data', bridge.dataDir])).toContain(`revoked ${st.deviceId}`);
      const revoked = await refusal(t.core.unlockWithHardwareKey!());
      expect((revoked as BridgeError).code).toBe('unknown-device');
      expect(t.core.state).toBe('locked');
      await t.core.unlockWithPassphrase(PASS);
      // removing the hardware key leaves the passphrase and forgets the settings
      await t.core.hardwareKey!.remove();
      expect((await t.core.listMethods()).map((m) => m.kind)).toEqual(['passphrase']);
      expect(await t.core.hardwareKey!.state()).toMatchObject({ configured: false, enrolled: false, counter: false });
    } finally {
      await t.core.close();
    }
  }, 120_000);

  it('signing draws its counter from the HSM; the status cross-checks ledger, HSM and mailbox', async () => {
    const { cores, accounts } = await committee(signal, 'hk-sign', 'taproot', 2, 2);
    const [c1, c2] = cores as [TestCore, TestCore];
    try {
      const acc = accounts[0]!;
      const sign = async (text: string): Promise<void> => {
        const r = await c1.core.requestSignature(acc.id, new TextEncoder().encode(text), text);
        await until(async () => (await c2.core.inbox()).some((x) => x.id === r.id), 30_000, 'request received');
        await c2.core.approve(r.id);
        await until(async () => (await c1.core.request(r.id)).canFinalize, 30_000, 'ready');
        const done = await c1.core.finalize(r.id);
        expect(done.status).toBe('done');
        await until(async () => (await c2.core.request(r.id)).status === 'done', 30_000, 'co-signer done');
      };
      const check = async () => {
        let s = await c1.core.status();
        // the co-signer's result reaches the group room's mailbox shortly after
        await until(async () => {
          s = await c1.core.status();
          return (s.nonceCrossCheck?.accounts[0]?.mailboxUnrecorded ?? 1) === 0;
        }, 30_000, 'mailbox record');
        return s.nonceCrossCheck!;
      };

      // a signing before the hardware key exists: the IndexedDB ledger alone counts it
      await sign('first');
      let x = await check();
      expect(x).toMatchObject({ ok: true, hsm: false });
      expect(x.accounts[0]).toMatchObject({ ledgerCounter: '1', ledgerConsumed: 1, mailboxPublished: 1 });
      // enrolling moves the HSM counter up to the ledger's, so the records agree at once
      await enrollHardwareKey(c1.core);
      x = await check();
      expect(x.hsm).toBe(true);
      expect(x.ok).toBe(true);
      expect(x.accounts[0]).toMatchObject({ accountId: acc.id, ledgerCounter: '1', hsmCounter: '1', ledgerConsumed: 1, mailboxPublished: 1, mailboxUnrecorded: 0, mismatches: [] });
      // the co-signer has no hardware key: its cross-check has no HSM counter
      const other = (await c2.core.status()).nonceCrossCheck!;
      expect(other.hsm).toBe(false);
      expect(other.accounts[0]).toMatchObject({ ledgerCounter: '1', ledgerConsumed: 1 });
      expect(other.accounts[0]!.hsmCounter).toBeUndefined();

      // the IndexedDB counter is rolled back (an old copy restored): the status shows the mismatch
      const keyId = x.accounts[0]!.keyId;
      const db = await openDB(c1.name);
      await db.put('counters', 0n, keyId);
      db.close();
      x = await check();
      expect(x.ok).toBe(false);
      expect(x.accounts[0]!.mismatches.map((m) => m.kind)).toEqual(['ledger-behind-hsm']);
      expect(x.detail).toMatch(/IndexedDB ledger counter 0 is below the HSM's 1/);

      // the next signing still gets a fresh value from the HSM (never a repeat) and the records agree again
      await sign('second');
      x = await check();
      expect(x.ok).toBe(true);
      expect(x.accounts[0]).toMatchObject({ ledgerCounter: '2', hsmCounter: '2', ledgerConsumed: 2, mailboxPublished: 2, mismatches: [] });
    } finally {
      await closeAll(cores);
    }
  }, 180_000);

  it('a signing while the bridge is down waits (nothing sent, nothing lost) and completes once it is back', async () => {
    const { cores, accounts } = await committee(signal, 'hk-down', 'ed25519', 2, 2);
    const [c1, c2] = cores as [TestCore, TestCore];
    try {
      await enrollHardwareKey(c1.core);
      const acc = accounts[0]!;
      await bridge.stop();
      // Bob requests and finalizes; Alice approves and takes part, but cannot draw her counter
      const r = await c2.core.requestSignature(acc.id, new TextEncoder().encode('while the HSM is away'), 'outage');
      await until(async () => (await c1.core.inbox()).some((x) => x.id === r.id), 30_000, 'request received');
      await c1.core.approve(r.id);
      await until(async () => (await c2.core.request(r.id)).canFinalize, 30_000, 'ready');
      const finalized = c2.core.finalize(r.id);
      await until(() => c1.events.some((e) => e.type === 'error' && e.context === r.id && /hardware key: .*cannot reach/.test(e.error.message)), 30_000, 'bridge error reported');
      const err = c1.events.find((e) => e.type === 'error' && e.context === r.id);
      expect(err).toMatchObject({ error: { code: 'transport', field: 'bridge.unreachable' } });
      expect((await c1.core.request(r.id)).status).toBe('running');
      const stats = (await c1.core.status()).nonceCrossCheck!;
      expect(stats.ok).toBe(false); // the HSM counter cannot be read while the bridge is down
      expect(stats.detail).toMatch(/hardware key: .*cannot reach/);
      await bridge.start();
      expect((await finalized).status).toBe('done');
      await until(async () => (await c1.core.request(r.id)).status === 'done', 60_000, 'Alice done');
      expect((await c1.core.request(r.id)).verified).toBe(true);
      let x = (await c1.core.status()).nonceCrossCheck!;
      await until(async () => {
        x = (await c1.core.status()).nonceCrossCheck!;
        return x.accounts[0]?.mailboxUnrecorded === 0;
      }, 30_000, 'mailbox record');
      expect(x.ok).toBe(true);
      expect(x.accounts[0]).toMatchObject({ ledgerCounter: '1', hsmCounter: '1', ledgerConsumed: 1, mailboxPublished: 1 });
    } finally {
      await bridge.start();
      await closeAll(cores);
    }
  }, 180_000);
});
