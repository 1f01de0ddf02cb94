/**
 * The HSM going away under a running bridge: the PKCS#11 library is finalized (every session
 * dies) and/or the token directory disappears (SoftHSM then reports objects as missing rather
 * than failing). Requests get a typed 503 `hsm-unavailable`, the
 * token's keys and counters are not changed, and the bridge reconnects by itself once the
 * token is back.
 */
import { renameSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '@tessera/transport/identity';
import { approveDevice, listDevices } from '../src/registry.ts';
import { startBridgeService, type BridgeServer } from '../src/server.ts';
import { initSoftHsm, register, signedRequest, SOFTHSM_MODULE, type TestToken } from './helpers.ts';

let tok: TestToken;
let bridge: BridgeServer;
const dev = generateIdentity();

beforeAll(async () => {
  tok = initSoftHsm('outage');
  bridge = await startBridgeService({ modulePath: SOFTHSM_MODULE, pin: { file: tok.pinFile }, dataDir: tok.dataDir });
  await register(bridge.url, 'dev', dev);
  approveDevice(tok.dataDir, 'dev');
});
afterAll(async () => {
  await bridge.close();
  tok.remove();
});

const post = (path: string, body: unknown) => signedRequest(bridge.url, path, { deviceId: 'dev', identity: dev, body });

describe('HSM unavailable at run time', () => {
  it('answers 503 hsm-unavailable, changes nothing, and recovers when the token returns', async () => {
    const wrapped = await post('/v1/wrap', { aad: 'aa', key: '44'.repeat(32) });
    expect(wrapped.status).toBe(200);
    expect((await post('/v1/counter/next', { name: 'k' })).json.value).toBe('1');
    const devicesBefore = listDevices(tok.dataDir);

    // the library is finalized under the running bridge and the token store goes away
    bridge.token.module!.C_Finalize();
    renameSync(tok.tokendir, `${tok.tokendir}.away`);

    const first = await post('/v1/counter/next', { name: 'k' });
    expect(first.status).toBe(503);
    expect(first.json.error).toBe('hsm-unavailable');
    expect(first.json.message).toMatch(/^HSM unavailable \(CKR_CRYPTOKI_NOT_INITIALIZED\); nothing was changed, retry later$/);
    expect(first.headers.get('retry-after')).toBe('5');
    const unwrap = await post('/v1/unwrap', { aad: 'aa', iv: wrapped.json.iv, ciphertext: wrapped.json.ciphertext });
    expect(unwrap.status).toBe(503);
    expect(unwrap.json.message).toMatch(/^HSM unavailable \(/);
    const wrap = await post('/v1/wrap', { aad: 'aa', key: '55'.repeat(32) });
    expect(wrap.status).toBe(503);
    const health = await fetch(`${bridge.url}/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { error: string }).error).toBe('hsm-unavailable');
    expect(bridge.token.down).toBe(true);

    renameSync(`${tok.tokendir}.away`, tok.tokendir);
    // nothing was lost: same counter (the refused "next" did not count), same key
    expect((await post('/v1/counter', { name: 'k' })).json.value).toBe('1');
    expect((await post('/v1/counter/next', { name: 'k' })).json.value).toBe('2');
    const again = await post('/v1/unwrap', { aad: 'aa', iv: wrapped.json.iv, ciphertext: wrapped.json.ciphertext });
    expect(again.json.key).toBe('44'.repeat(32));
    expect(listDevices(tok.dataDir)).toEqual(devicesBefore);
    expect((await fetch(`${bridge.url}/health`)).status).toBe(200);
  });

  it('a token store that vanishes under the running library: 503, no second key, no counter restart', async () => {
    const wrapped = await post('/v1/wrap', { aad: 'bb', key: '66'.repeat(32) });
    const before = (await post('/v1/counter', { name: 'k' })).json.value as string;
    renameSync(tok.tokendir, `${tok.tokendir}.away`);
    // SoftHSM now answers "no such object" instead of failing: the sentinel check turns that into 503
    for (const [path, body] of [
      ['/v1/counter/next', { name: 'k' }],
      ['/v1/unwrap', { aad: 'bb', iv: wrapped.json.iv, ciphertext: wrapped.json.ciphertext }],
      ['/v1/wrap', { aad: 'bb', key: '77'.repeat(32) }],
    ] as const) {
      const r = await post(path, body);
      expect(r.status).toBe(503);
      expect(r.json.message).toMatch(/^HSM unavailable \((token-objects-missing|CKR_[A-Z_]+|token-not-present)\)/);
    }
    renameSync(`${tok.tokendir}.away`, tok.tokendir);
    expect((await post('/v1/counter', { name: 'k' })).json.value).toBe(before);
    expect((await post('/v1/unwrap', { aad: 'bb', iv: wrapped.json.iv, ciphertext: wrapped.json.ciphertext })).json.key).toBe('66'.repeat(32));
    expect(bridge.token.hasWrappingKey('dev')).toBe(true);
  });

  it('a finalized library alone is one 503, then the bridge reconnects', async () => {
    bridge.token.module!.C_Finalize();
    const down = await post('/v1/counter', { name: 'k' });
    expect(down.status).toBe(503);
    const up = await post('/v1/counter', { name: 'k' });
    expect(up.status).toBe(200);
    expect(up.json.value).toBe('2');
  });
});
