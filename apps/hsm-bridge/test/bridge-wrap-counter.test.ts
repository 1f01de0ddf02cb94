/**
 * Wrapping through the token (AES-GCM bound to device id and the vault's AAD, tampering
 * refused with a clear message) and the token-held monotonic counters (increase only, refuse
 * decreases, survive a bridge restart), against a real SoftHSM2 token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity, type IdentityKey } from '@tessera/transport/identity';
import { approveDevice, revokeDevice } from '../src/registry.ts';
import { startBridgeService, type BridgeServer } from '../src/server.ts';
import { initSoftHsm, register, signedRequest, SOFTHSM_MODULE, type TestToken } from './helpers.ts';

let tok: TestToken;
let bridge: BridgeServer;
const alice = generateIdentity();
const bob = generateIdentity();

const start = (): Promise<BridgeServer> => startBridgeService({ modulePath: SOFTHSM_MODULE, pin: { file: tok.pinFile }, dataDir: tok.dataDir, rateLimit: { burst: 1000, perSecond: 100 } });

beforeAll(async () => {
  tok = initSoftHsm('wrap-counter');
  bridge = await start();
  for (const [name, id] of [['alice', alice], ['bob', bob]] as const) {
    await register(bridge.url, name, id);
    approveDevice(tok.dataDir, name);
  }
});
afterAll(async () => {
  await bridge.close();
  tok.remove();
});

const post = (deviceId: string, identity: IdentityKey, path: string, body: unknown) => signedRequest(bridge.url, path, { deviceId, identity, body });
const flipHex = (hex: string, at: number): string => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);

describe('wrap / unwrap', () => {
  const key = 'a5'.repeat(32);
  const aad = Buffer.from('vault-1|pkcs11:alice').toString('hex');

  it('round-trips a data key, with a fresh IV each time', async () => {
    const w1 = await post('alice', alice, '/v1/wrap', { aad, key });
    const w2 = await post('alice', alice, '/v1/wrap', { aad, key });
    expect(w1.status).toBe(200);
    expect(w1.json.iv).not.toBe(w2.json.iv);
    expect(w1.json.ciphertext).not.toBe(w2.json.ciphertext);
    const u = await post('alice', alice, '/v1/unwrap', { aad, iv: w1.json.iv, ciphertext: w1.json.ciphertext });
    expect(u.status).toBe(200);
    expect(u.json.key).toBe(key);
  });

  it('refuses a tampered ciphertext, tag or IV with "wrapped key failed authentication"', async () => {
    const w = await post('alice', alice, '/v1/wrap', { aad, key });
    const ct = w.json.ciphertext as string;
    const iv = w.json.iv as string;
    for (const [tiv, tct] of [
      [iv, flipHex(ct, 3)], // ciphertext body
      [iv, flipHex(ct, ct.length - 1)], // tag
      [flipHex(iv, 0), ct],
    ]) {
      const u = await post('alice', alice, '/v1/unwrap', { aad, iv: tiv, ciphertext: tct });
      expect(u.status).toBe(422);
      expect(u.json.error).toBe('wrapped-key-auth');
      expect(u.json.message).toMatch(/^wrapped key failed authentication/);
    }
  });

  it('binds the vault AAD and the device: another vault id or another device cannot open it', async () => {
    const w = await post('alice', alice, '/v1/wrap', { aad, key });
    const otherVault = await post('alice', alice, '/v1/unwrap', { aad: Buffer.from('vault-2|pkcs11:alice').toString('hex'), iv: w.json.iv, ciphertext: w.json.ciphertext });
    expect(otherVault.json.error).toBe('wrapped-key-auth');
    // bob has no wrapping key yet: a clear "no key" refusal
    const bobNoKey = await post('bob', bob, '/v1/unwrap', { aad, iv: w.json.iv, ciphertext: w.json.ciphertext });
    expect(bobNoKey.status).toBe(404);
    expect(bobNoKey.json.error).toBe('no-wrapping-key');
    await post('bob', bob, '/v1/wrap', { aad, key });
    const bobOpens = await post('bob', bob, '/v1/unwrap', { aad, iv: w.json.iv, ciphertext: w.json.ciphertext });
    expect(bobOpens.status).toBe(422);
    expect(bobOpens.json.error).toBe('wrapped-key-auth');
  });

  it('binds the identity key: the device id revoked and registered again with another key cannot open it', async () => {
    const w = await post('alice', alice, '/v1/wrap', { aad, key });
    revokeDevice(tok.dataDir, 'alice');
    expect((await post('alice', alice, '/v1/counter', { name: 'x' })).json.error).toBe('unknown-device');
    const usurper = generateIdentity();
    await register(bridge.url, 'alice', usurper);
    approveDevice(tok.dataDir, 'alice');
    const r = await post('alice', usurper, '/v1/unwrap', { aad, iv: w.json.iv, ciphertext: w.json.ciphertext });
    expect(r.status).toBe(422);
    expect(r.json.error).toBe('wrapped-key-auth');
    // the real device re-registered with its own key gets it back
    revokeDevice(tok.dataDir, 'alice');
    await register(bridge.url, 'alice', alice);
    approveDevice(tok.dataDir, 'alice');
    expect((await post('alice', alice, '/v1/unwrap', { aad, iv: w.json.iv, ciphertext: w.json.ciphertext })).json.key).toBe(key);
  });

  it('validates the body strictly', async () => {
    expect((await post('alice', alice, '/v1/wrap', { aad, key: 'zz' })).json).toMatchObject({ error: 'bad-request', message: expect.stringMatching(/body\.key/) });
    expect((await post('alice', alice, '/v1/wrap', { aad, key, extra: 1 })).json.message).toMatch(/body\.extra: unknown field/);
    expect((await post('alice', alice, '/v1/unwrap', { aad, iv: '00', ciphertext: '00'.repeat(48) })).json.message).toMatch(/body\.iv: expected 12 bytes/);
    expect((await signedRequest(bridge.url, '/v1/wrap', { deviceId: 'alice', identity: alice, rawBody: 'not json' })).json.message).toMatch(/expected JSON/);
  });
});

describe('counters in the token', () => {
  it('increase by one, jump to atLeast, and are kept per device and name', async () => {
    expect((await post('alice', alice, '/v1/counter', { name: 'key-1' })).json.value).toBe('0');
    expect((await post('alice', alice, '/v1/counter/next', { name: 'key-1' })).json.value).toBe('1');
    expect((await post('alice', alice, '/v1/counter/next', { name: 'key-1' })).json.value).toBe('2');
    expect((await post('alice', alice, '/v1/counter/next', { name: 'key-1', atLeast: '10' })).json.value).toBe('10');
    expect((await post('alice', alice, '/v1/counter/next', { name: 'key-1', atLeast: '3' })).json.value).toBe('11');
    expect((await post('alice', alice, '/v1/counter', { name: 'key-2' })).json.value).toBe('0');
    expect((await post('bob', bob, '/v1/counter', { name: 'key-1' })).json.value).toBe('0');
  });

  it('refuse to go down or stay equal', async () => {
    expect((await post('alice', alice, '/v1/counter/advance', { name: 'key-3', value: '20' })).json.value).toBe('20');
    for (const v of ['19', '20', '1']) {
      const r = await post('alice', alice, '/v1/counter/advance', { name: 'key-3', value: v });
      expect(r.status).toBe(409);
      expect(r.json).toMatchObject({ error: 'counter-decrease', current: '20' });
      expect(r.json.message).toMatch(/counter may only increase: current value 20/);
    }
    expect((await post('alice', alice, '/v1/counter', { name: 'key-3' })).json.value).toBe('20');
    expect(() => bridge.token.advanceCounter('alice', 'key-3', 7n)).toThrow(/counter may only increase/);
    expect((await post('alice', alice, '/v1/counter/advance', { name: 'key-3', value: '18446744073709551616' })).status).toBe(400);
    expect((await post('alice', alice, '/v1/counter/advance', { name: 'key-max', value: '18446744073709551615' })).json.value).toBe('18446744073709551615');
    const exhausted = await post('alice', alice, '/v1/counter/next', { name: 'key-max' });
    expect(exhausted.status).toBe(409);
    expect(exhausted.json).toMatchObject({ error: 'counter-exhausted', message: 'counter "key-max" is at 2^64 - 1' });
  });

  it('survive a restart of the bridge (values live in the token)', async () => {
    const before = (await post('alice', alice, '/v1/counter/next', { name: 'key-4' })).json.value as string;
    const w = await post('alice', alice, '/v1/wrap', { aad: '01', key: '33'.repeat(32) });
    await bridge.close();
    bridge = await start();
    expect((await post('alice', alice, '/v1/counter', { name: 'key-4' })).json.value).toBe(before);
    expect((await post('alice', alice, '/v1/counter/next', { name: 'key-4' })).json.value).toBe(String(BigInt(before) + 1n));
    expect((await post('alice', alice, '/v1/counter/advance', { name: 'key-3', value: '5' })).json.error).toBe('counter-decrease');
    expect((await post('alice', alice, '/v1/unwrap', { aad: '01', iv: w.json.iv, ciphertext: w.json.ciphertext })).json.key).toBe('33'.repeat(32));
  });
});
