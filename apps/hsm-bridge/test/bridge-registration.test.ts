/**
 * The bridge against a real SoftHSM2 token: /health reports the token, a device is refused
 * until the operator approves it, and its wrapping key is generated in the token as a
 * sensitive, non-extractable key whose value cannot be read. Also the development token
 * set-up used by `npm start`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '@tessera/transport/identity';
import { approveDevice, listDevices } from '../src/registry.ts';
import { startBridgeService, type BridgeServer } from '../src/server.ts';
import { ensureSoftHsmToken } from '../src/softhsm.ts';
import { wrapKeyLabel } from '../src/token.ts';
import { initSoftHsm, register, signedRequest, SOFTHSM_MODULE, type TestToken } from './helpers.ts';

const pkcs11js = createRequire(import.meta.url)('pkcs11js') as typeof import('pkcs11js');

let tok: TestToken;
let bridge: BridgeServer | undefined;

beforeAll(() => {
  tok = initSoftHsm('registration');
});
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});
afterAll(() => tok.remove());

const start = async (): Promise<BridgeServer> => (bridge = await startBridgeService({ modulePath: SOFTHSM_MODULE, pin: { file: tok.pinFile }, dataDir: tok.dataDir }));

describe('GET /health', () => {
  it('reports the token label, serial and mechanisms', async () => {
    const b = await start();
    const res = await fetch(`${b.url}/health`);
    expect(res.status).toBe(200);
    const h = (await res.json()) as { status: string; token: { label: string; serial: string; manufacturer: string }; mechanisms: string[] };
    expect(h.status).toBe('ok');
    expect(h.token.label).toBe('registration');
    expect(h.token.serial).toMatch(/^[0-9a-f]{16}$/);
    expect(h.token.serial).toBe(b.token.serial);
    expect(h.token.manufacturer).toBe('SoftHSM project');
    expect(h.mechanisms).toContain('CKM_AES_GCM');
    expect(h.mechanisms).toContain('CKM_AES_KEY_GEN');
  });
});

describe('device registration', () => {
  it('refuses a registered device until the operator approves it, then serves it', async () => {
    const b = await start();
    const id = generateIdentity();
    const r1 = await register(b.url, 'phone-1', id);
    expect(r1.status).toBe(202);
    expect(r1.json).toMatchObject({ deviceId: 'phone-1', status: 'pending' });
    expect(listDevices(tok.dataDir).map((d) => [d.id, d.status, d.fingerprint])).toEqual([['phone-1', 'pending', r1.json.fingerprint]]);

    const refused = await signedRequest(b.url, '/v1/wrap', { deviceId: 'phone-1', identity: id, body: { aad: '00', key: '11'.repeat(32) } });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('device-not-approved');
    expect(refused.json.message).toMatch(/not approved by the operator/);
    const counter = await signedRequest(b.url, '/v1/counter/next', { deviceId: 'phone-1', identity: id, body: { name: 'k' } });
    expect(counter.json.error).toBe('device-not-approved');
    const st = await signedRequest(b.url, '/v1/status', { deviceId: 'phone-1', identity: id });
    expect(st.json).toMatchObject({ status: 'pending' });
    expect(b.token.hasWrappingKey('phone-1')).toBe(false);

    const approved = approveDevice(tok.dataDir, 'phone-1');
    expect(approved.status).toBe('approved');
    const ok = await signedRequest(b.url, '/v1/wrap', { deviceId: 'phone-1', identity: id, body: { aad: '00', key: '11'.repeat(32) } });
    expect(ok.status).toBe(200);
    expect(ok.json.iv).toMatch(/^[0-9a-f]{24}$/);
    expect(ok.json.ciphertext).toMatch(/^[0-9a-f]{96}$/);
    const again = await register(b.url, 'phone-1', id);
    expect(again.status).toBe(200);
    expect(again.json.status).toBe('approved');
  });

  it('refuses to re-register a device id with another key, and registration signed by another key', async () => {
    const b = await start();
    const id = generateIdentity();
    expect((await register(b.url, 'laptop', id)).status).toBe(202);
    const other = generateIdentity();
    const r = await register(b.url, 'laptop', other);
    expect(r.status).toBe(409);
    expect(r.json.error).toBe('device-key-mismatch');
    // a registration whose body names one key but is signed by another
    const forged = await signedRequest(b.url, '/v1/register', { deviceId: 'tablet', identity: other, body: { deviceId: 'tablet', publicKey: Buffer.from(id.publicKey).toString('hex') } });
    expect(forged.status).toBe(401);
    expect(forged.json.error).toBe('bad-signature');
    expect(listDevices(tok.dataDir).map((d) => d.id)).not.toContain('tablet');
  });

  it('approving an unknown device is refused', () => {
    expect(() => approveDevice(tok.dataDir, 'nobody')).toThrow(/no registered device "nobody"/);
    expect(() => approveDevice(tok.dataDir, '../etc')).toThrow(/deviceId/);
  });
});

describe('wrapping keys in the token', () => {
  it('are AES-256, sensitive, never extractable, and their value cannot be read', async () => {
    const b = await start();
    const id = generateIdentity();
    await register(b.url, 'kiosk', id);
    approveDevice(tok.dataDir, 'kiosk');
    expect((await signedRequest(b.url, '/v1/wrap', { deviceId: 'kiosk', identity: id, body: { aad: '', key: '22'.repeat(32) } })).status).toBe(200);
    const m = b.token.module!;
    const slot = m.C_GetSlotList(true).find((s) => m.C_GetTokenInfo(s).serialNumber.trim() === b.token.serial)!;
    const session = m.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      m.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
        { type: pkcs11js.CKA_LABEL, value: wrapKeyLabel('kiosk') },
      ]);
      const keys = m.C_FindObjects(session, 10);
      m.C_FindObjectsFinal(session);
      expect(keys).toHaveLength(1);
      const key = keys[0]!;
      const attrs = m.C_GetAttributeValue(session, key, [
        { type: pkcs11js.CKA_SENSITIVE },
        { type: pkcs11js.CKA_EXTRACTABLE },
        { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
        { type: pkcs11js.CKA_TOKEN },
        { type: pkcs11js.CKA_KEY_TYPE },
        { type: pkcs11js.CKA_VALUE_LEN },
      ]);
      const bool = (i: number): boolean => (attrs[i]!.value as Buffer)[0] === 1;
      expect([bool(0), bool(1), bool(2), bool(3)]).toEqual([true, false, true, true]);
      expect((attrs[4]!.value as Buffer).readUInt32LE(0)).toBe(pkcs11js.CKK_AES);
      expect((attrs[5]!.value as Buffer).readUInt32LE(0)).toBe(32);
      expect(() => m.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      expect(() => m.C_SetAttributeValue(session, key, [{ type: pkcs11js.CKA_EXTRACTABLE, value: true }])).toThrow(/CKR_ATTRIBUTE_READ_ONLY|CKR_ATTRIBUTE_VALUE_INVALID/);
    } finally {
      m.C_CloseSession(session);
    }
  });
});

describe('ensureSoftHsmToken (npm start helper)', () => {
  it('initializes a private token with a random PIN once, then reuses it', async () => {
    const dir = join(tok.dir, 'dev-token');
    const first = ensureSoftHsmToken(dir, 'dev');
    expect(first.created).toBe(true);
    const pin = readFileSync(first.pinFile, 'utf8').trim();
    expect(pin).toMatch(/^[0-9a-f]{16}$/);
    expect(statSync(first.pinFile).mode & 0o077).toBe(0);
    const second = ensureSoftHsmToken(dir, 'dev');
    expect(second).toEqual({ ...first, created: false });
    expect(readFileSync(first.pinFile, 'utf8').trim()).toBe(pin);
    const out = execFileSync('softhsm2-util', ['--show-slots'], { env: { ...process.env, SOFTHSM2_CONF: first.conf }, encoding: 'utf8' });
    expect(out).toMatch(/Label:\s+dev\b/);
  });
});
