/**
 * The PKCS#11 bridge unlock method and HSM counter against a real bridge process
 * (`tessera hsm-bridge` over a SoftHSM2 token initialized in a temporary directory):
 * create → lock → unlock through the bridge; refused until the operator approves the device;
 * a tampered wrapped key is an integrity error; an unavailable HSM or bridge leaves the vault
 * untouched; the nonce ledger takes its counter from the token and survives an IndexedDB
 * rollback; the three records of nonce use are cross-checked.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEd25519Auth, generateIdentityKey, type IdentityKey } from '@tessera/protocols/engine/auth';
import type { PartyIndex } from '@tessera/protocols/engine/ids';
import {
  BridgeError,
  bridgeCounter,
  compareNonceRecords,
  createBridgeClient,
  crossCheckNonceRecords,
  openVault,
  pkcs11BridgeMethod,
  VaultIntegrityError,
  webCryptoBridgeSigner,
  generateWebCryptoBridgeKey,
  type BridgeClientOptions,
} from '../src/index.ts';
import { dumpStores, freshName, frostShare, pass, raw } from './helpers.ts';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MAIN = fileURLToPath(new URL('../../../apps/cli/src/main.ts', import.meta.url));
const MODULE = '/usr/lib/softhsm/libsofthsm2.so';

let dir: string;
let env: NodeJS.ProcessEnv;
let dataDir: string;
let bridgeProc: ChildProcess;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-vault-bridge-'));
  mkdirSync(join(dir, 'tokens'));
  writeFileSync(join(dir, 'softhsm2.conf'), `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  env = { ...process.env, SOFTHSM2_CONF: join(dir, 'softhsm2.conf') };
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'vault', '--so-pin', '11112222', '--pin', '3141'], { env, stdio: 'pipe' });
  writeFileSync(join(dir, 'pin'), '3141\n');
  dataDir = join(dir, 'data');
  bridgeProc = spawn(process.execPath, ['--import', TSX_LOADER, MAIN, 'hsm-bridge', '--module', MODULE, '--pin-file', join(dir, 'pin'), '--port', '0', '--data', dataDir, '--log-level', 'warn'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    bridgeProc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')));
    });
    bridgeProc.once('close', (code) => reject(new Error(`bridge exited with ${code}`)));
  });
  await registerAndApproveAll();
});

afterAll(async () => {
  if (bridgeProc.exitCode === null) {
    const closed = new Promise((r) => bridgeProc.once('close', r));
    bridgeProc.kill('SIGTERM');
    await closed;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `tessera hsm-bridge ARGS` (the operator's side) without blocking the event loop. */
function cliAsync(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', TSX_LOADER, MAIN, 'hsm-bridge', ...args], { env, cwd: dir, encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

const DEVICES = ['phone', 'stolen-id', 'tamper', 'outage', 'ledger', 'crosscheck'] as const;
const devices = new Map<string, BridgeClientOptions>();

/** Registers every test device and has the operator approve them (through the CLI), in parallel. */
async function registerAndApproveAll(): Promise<void> {
  await Promise.all(
    DEVICES.map(async (deviceId) => {
      const opts = { url, deviceId, identity: generateIdentityKey() };
      const st = await createBridgeClient(opts).register();
      expect(st.status).toBe('pending');
      expect(await cliAsync(['--approve', deviceId, '--data', dataDir])).toMatch(new RegExp(`^approved ${deviceId} \\(key fingerprint ${st.fingerprint}\\)`));
      devices.set(deviceId, opts);
    }),
  );
}

/** A device registered and approved by the operator. */
async function approvedDevice(deviceId: (typeof DEVICES)[number]): Promise<BridgeClientOptions> {
  return devices.get(deviceId)!;
}

/** A fetch that answers like a bridge whose HSM is unavailable. */
const hsmDown: typeof fetch = async () => new Response(JSON.stringify({ error: 'hsm-unavailable', message: 'HSM unavailable (CKR_DEVICE_REMOVED); nothing was changed, retry later' }), { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '5' } });

describe('pkcs11BridgeMethod', () => {
  it('creates a vault, locks it and unlocks it again through the bridge', async () => {
    const opts = await approvedDevice('phone');
    const method = pkcs11BridgeMethod(opts);
    expect(method.id).toBe('pkcs11:phone');
    const name = freshName('bridge');
    const vault = await openVault(name);
    await vault.create(method);
    const id = await vault.putFrostKeyShare(frostShare(2));
    const methods = await vault.listMethods();
    expect(methods).toEqual([expect.objectContaining({ id: 'pkcs11:phone', kind: 'pkcs11', label: 'Hardware key (PKCS#11 bridge)', params: { deviceId: 'phone', alg: 'AES-256-GCM' } })]);
    vault.lock();
    expect(vault.unlocked).toBe(false);
    await vault.unlock(pkcs11BridgeMethod(opts));
    expect((await vault.getFrostKeyShare(id)).signingShare).toEqual(frostShare(2).signingShare);
    // a second method enrolled through the bridge one, and the data key opens with both
    await vault.addMethod(method, pass('backup words'));
    vault.close();
    const again = await openVault(name);
    await again.unlock(pass('backup words'));
    again.lock();
    await again.unlock(method);
    expect(again.unlocked).toBe(true);
    again.close();
  });

  it('works with a signer instead of a key pair: a non-extractable WebCrypto key, or a key in a worker', async () => {
    const pair = await generateWebCryptoBridgeKey();
    expect(pair.privateKey.extractable).toBe(false);
    const webSigner = await webCryptoBridgeSigner(pair);
    const web = createBridgeClient({ url, deviceId: 'webcrypto-key', identity: webSigner });
    expect((await web.register()).status).toBe('pending');
    await cliAsync(['--approve', 'webcrypto-key', '--data', dataDir]);
    const name = freshName('bridge-webcrypto');
    const vault = await openVault(name);
    await vault.create(pkcs11BridgeMethod({ url, deviceId: 'webcrypto-key', identity: webSigner }));
    vault.lock();
    await vault.unlock(pkcs11BridgeMethod({ url, deviceId: 'webcrypto-key', identity: await webCryptoBridgeSigner(pair) }));
    expect(vault.unlocked).toBe(true);
    vault.close();

    const kp = generateIdentityKey();
    const auth = createEd25519Auth(kp.secretKey, new Map([[1 as PartyIndex, kp.publicKey]]));
    const signer = { publicKey: kp.publicKey, sign: async (m: Uint8Array) => auth.sign(m) };
    const client = createBridgeClient({ url, deviceId: 'worker-key', identity: signer });
    expect((await client.register()).status).toBe('pending');
    await cliAsync(['--approve', 'worker-key', '--data', dataDir]);
    expect((await client.status()).status).toBe('approved');
    const health = await client.health();
    expect(health.token.label).toBe('vault');
    expect(health.mechanisms).toContain('CKM_AES_GCM');
  });

  it('is refused until the operator approves the device, and the vault stays empty', async () => {
    const opts = { url, deviceId: 'unapproved', identity: generateIdentityKey() };
    await createBridgeClient(opts).register();
    const name = freshName('bridge-pending');
    const vault = await openVault(name);
    const err = await vault.create(pkcs11BridgeMethod(opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err).toMatchObject({ status: 403, code: 'device-not-approved' });
    expect((err as Error).message).toMatch(/^PKCS#11 bridge: device "unapproved" is registered but not approved/);
    expect(vault.initialized).toBe(false);
    for (const v of Object.values(await dumpStores(name))) expect(v).toBe('[]');
    vault.close();
  });

  it('refuses a request signed by a key other than the registered one', async () => {
    const opts = await approvedDevice('stolen-id');
    const impostor = pkcs11BridgeMethod({ ...opts, identity: generateIdentityKey() });
    const vault = await openVault(freshName('bridge-impostor'));
    await expect(vault.create(impostor)).rejects.toMatchObject({ name: 'BridgeError', code: 'bad-signature', status: 401 });
    vault.close();
  });

  it('reports a tampered wrapped key as an integrity error naming the record', async () => {
    const opts = await approvedDevice('tamper');
    const name = freshName('bridge-tamper');
    const vault = await openVault(name);
    await vault.create(pkcs11BridgeMethod(opts));
    vault.lock();
    const db = await raw(name);
    const rec = await db.get('wrappedKeys', 'pkcs11:tamper');
    const ct = new Uint8Array(rec.blob.ciphertext);
    ct[5]! ^= 0x40;
    await db.put('wrappedKeys', { ...rec, blob: { ...rec.blob, ciphertext: ct } }, 'pkcs11:tamper');
    db.close();
    const err = await vault.unlock(pkcs11BridgeMethod(opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultIntegrityError);
    expect((err as VaultIntegrityError).record).toBe('wrappedKeys/pkcs11:tamper');
    expect((err as Error).message).toMatch(/wrapped key failed authentication in the HSM/);
    expect(vault.unlocked).toBe(false);
    vault.close();
  });

  it('leaves the vault untouched when the HSM is unavailable (503) or the bridge unreachable', async () => {
    const opts = await approvedDevice('outage');
    const name = freshName('bridge-outage');
    const vault = await openVault(name);
    await vault.create(pkcs11BridgeMethod(opts));
    await vault.putFrostKeyShare(frostShare(1));
    vault.lock();
    const before = await dumpStores(name);
    // the token store disappears under the running bridge: a real 503
    renameSync(join(dir, 'tokens'), join(dir, 'tokens.away'));
    let down: unknown;
    let downCreate: unknown;
    const fresh0 = freshName('bridge-outage-real');
    const v0 = await openVault(fresh0);
    try {
      down = await vault.unlock(pkcs11BridgeMethod(opts)).catch((e: unknown) => e);
      downCreate = await v0.create(pkcs11BridgeMethod(opts)).catch((e: unknown) => e);
    } finally {
      renameSync(join(dir, 'tokens.away'), join(dir, 'tokens'));
    }
    expect(down).toBeInstanceOf(BridgeError);
    expect(down).toMatchObject({ status: 503, code: 'hsm-unavailable', retryAfter: 5 });
    expect((down as Error).message).toMatch(/^PKCS#11 bridge: HSM unavailable \(.*\); nothing was changed, retry later$/);
    expect(downCreate).toMatchObject({ status: 503, code: 'hsm-unavailable' });
    expect(v0.initialized).toBe(false);
    for (const v of Object.values(await dumpStores(fresh0))) expect(v).toBe('[]');
    v0.close();
    expect(await dumpStores(name)).toEqual(before);
    const faked = await vault.unlock(pkcs11BridgeMethod({ ...opts, fetch: hsmDown })).catch((e: unknown) => e);
    expect(faked).toMatchObject({ status: 503, code: 'hsm-unavailable' });
    const gone = await vault.unlock(pkcs11BridgeMethod({ ...opts, url: 'http://127.0.0.1:9' })).catch((e: unknown) => e);
    expect(gone).toMatchObject({ name: 'BridgeError', code: 'unreachable', status: 0 });
    expect(vault.unlocked).toBe(false);
    expect(await dumpStores(name)).toEqual(before);
    const fresh = freshName('bridge-outage-create');
    const v2 = await openVault(fresh);
    await expect(v2.create(pkcs11BridgeMethod({ ...opts, fetch: hsmDown }))).rejects.toMatchObject({ code: 'hsm-unavailable' });
    expect(v2.initialized).toBe(false);
    for (const v of Object.values(await dumpStores(fresh))) expect(v).toBe('[]');
    // and the real bridge still opens it
    await vault.unlock(pkcs11BridgeMethod(opts));
    expect(vault.unlocked).toBe(true);
    vault.close();
    v2.close();
  });
});

describe('the nonce ledger with the bridge counter', () => {
  it('takes counter values from the token, so an IndexedDB rollback cannot repeat one', async () => {
    const opts = await approvedDevice('ledger');
    const client = createBridgeClient(opts);
    const name = freshName('bridge-ledger');
    const vault = await openVault(name, { counter: bridgeCounter(client) });
    await vault.create(pass('pw'));
    const ledger = vault.nonceLedger;
    expect(await ledger.nextCounter('key-a')).toBe(1n);
    expect(await ledger.nextCounter('key-a')).toBe(2n);
    expect(await client.counter('key-a')).toBe(2n);
    // roll the IndexedDB counter back (delete it): the next value still comes after 2
    const db = await raw(name);
    await db.delete('counters', 'key-a');
    expect(await ledger.nextCounter('key-a')).toBe(3n);
    expect(await db.get('counters', 'key-a')).toBe(3n);
    // the ledger ahead of the token (values drawn before the bridge was configured): token catches up
    await db.put('counters', 40n, 'key-a');
    expect(await ledger.nextCounter('key-a')).toBe(41n);
    expect(await client.counter('key-a')).toBe(41n);
    db.close();
    // the token's counter refuses to go down
    await expect(client.advanceCounter('key-a', 5n)).rejects.toMatchObject({ code: 'counter-decrease', status: 409 });
    // no fall-back to IndexedDB alone when the bridge is unavailable: fail closed
    vault.setExternalCounter(bridgeCounter({ ...opts, fetch: hsmDown }));
    await expect(ledger.nextCounter('key-a')).rejects.toMatchObject({ code: 'hsm-unavailable' });
    vault.setExternalCounter(undefined);
    expect(await ledger.nextCounter('key-a')).toBe(42n);
    vault.close();
  });

  it('refuses an external counter that answers below the ledger (fails closed, stores nothing)', async () => {
    const name = freshName('bridge-backwards');
    const vault = await openVault(name, { counter: { next: async () => 1n } });
    await vault.create(pass('pw'));
    const db = await raw(name);
    await db.put('counters', 5n, 'key-b');
    const err = await vault.nonceLedger.nextCounter('key-b').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultIntegrityError);
    expect((err as VaultIntegrityError).record).toBe('counters/key-b');
    expect((err as Error).message).toMatch(/external counter returned 1, below the ledger's next value 6/);
    expect(await db.get('counters', 'key-b')).toBe(5n);
    db.close();
    vault.close();
  });

  it('cross-checks the IndexedDB ledger, the HSM counter and the mailbox count', async () => {
    const opts = await approvedDevice('crosscheck');
    const counter = bridgeCounter(opts);
    const name = freshName('bridge-cross');
    const vault = await openVault(name, { counter });
    await vault.create(pass('pw'));
    for (let i = 0; i < 3; i++) {
      await vault.nonceLedger.nextCounter('key-x');
      await vault.nonceLedger.consume('key-x', `nonce-${i}`);
    }
    const ok = await crossCheckNonceRecords({ vault, keyId: 'key-x', counter, mailboxPublished: 3 });
    expect(ok.records).toEqual({ keyId: 'key-x', ledgerCounter: 3n, ledgerConsumed: 3, hsmCounter: 3n, mailboxPublished: 3 });
    expect(ok.mismatches).toEqual([]);
    // IndexedDB rolled back, and the mailbox knows of a commitment the ledger does not
    const db = await raw(name);
    await db.put('counters', 1n, 'key-x');
    db.close();
    const bad = await crossCheckNonceRecords({ vault, keyId: 'key-x', counter, mailboxPublished: 2 });
    expect(bad.mismatches.map((m) => m.kind)).toEqual(['ledger-behind-hsm', 'consumed-exceeds-published']);
    expect(bad.mismatches[0]!.message).toBe('IndexedDB ledger counter 1 is below the HSM\'s 3 for key key-x');
    vault.close();
  });
});

describe('compareNonceRecords', () => {
  const base = { keyId: 'k', ledgerCounter: 5n, ledgerConsumed: 4, hsmCounter: 5n, mailboxPublished: 5 };
  it('finds nothing when consumed ≤ published ≤ counter and both counters agree', () => {
    expect(compareNonceRecords(base)).toEqual([]);
    expect(compareNonceRecords({ ...base, hsmCounter: undefined, mailboxPublished: undefined })).toEqual([]);
  });
  it('names each violated relation', () => {
    const kinds = (r: Partial<typeof base> & { hsmCounter?: bigint | undefined }) => compareNonceRecords({ ...base, ...r }).map((m) => m.kind);
    expect(kinds({ hsmCounter: 4n })).toEqual(['hsm-behind-ledger']);
    expect(kinds({ hsmCounter: 9n })).toEqual(['ledger-behind-hsm']);
    expect(kinds({ ledgerConsumed: 6, mailboxPublished: 6 })).toEqual(['consumed-exceeds-counter', 'published-exceeds-counter']);
    expect(kinds({ mailboxPublished: 3 })).toEqual(['consumed-exceeds-published']);
    expect(kinds({ mailboxPublished: 7, hsmCounter: undefined })).toEqual(['published-exceeds-counter']);
  });
});

describe('createBridgeClient arguments', () => {
  it('rejects a bad URL, device id or identity, naming the field', () => {
    const identity: IdentityKey = generateIdentityKey();
    expect(() => createBridgeClient({ url: 'ftp://x', deviceId: 'd', identity })).toThrow(/opts\.url/);
    expect(() => createBridgeClient({ url, deviceId: '../d', identity })).toThrow(/opts\.deviceId/);
    expect(() => createBridgeClient({ url, deviceId: 'd', identity: { secretKey: new Uint8Array(5), publicKey: identity.publicKey } })).toThrow(/identity\.secretKey/);
  });
});
