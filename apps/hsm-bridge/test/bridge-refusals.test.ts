/**
 * Every refusal of the bridge's request checks, each with its status, code and message:
 * bad signature, unknown device, unapproved device, replayed nonce, stale timestamp,
 * oversize body, rate limit, CORS origin not allowed (and preflights for allowed ones).
 * None of them touches the token.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '@tessera/crypto/bytes';
import { randomBytes } from '@tessera/crypto/rng';
import { generateIdentity } from '@tessera/transport/identity';
import { approveDevice } from '../src/registry.ts';
import { startBridgeService, type BridgeServer, type BridgeServiceOptions } from '../src/server.ts';
import { initSoftHsm, register, signedRequest, SOFTHSM_MODULE, type TestToken } from './helpers.ts';

let tok: TestToken;
let bridge: BridgeServer | undefined;
const dev = generateIdentity();
const WALLET = 'https://wallet.example';

const start = async (extra: Partial<BridgeServiceOptions> = {}): Promise<BridgeServer> => {
  bridge = await startBridgeService({ modulePath: SOFTHSM_MODULE, pin: { file: tok.pinFile }, dataDir: tok.dataDir, origins: [WALLET], ...extra });
  return bridge;
};

beforeAll(async () => {
  tok = initSoftHsm('refusals');
  const b = await start();
  await register(b.url, 'dev', dev);
  approveDevice(tok.dataDir, 'dev');
  await b.close();
  bridge = undefined;
});
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});
afterAll(() => tok.remove());

const counterBody = { name: 'k' };

describe('request authentication', () => {
  it('refuses a bad signature (body changed after signing, or signed by another key)', async () => {
    const b = await start();
    const changed = await signedRequest(b.url, '/v1/counter/next', { deviceId: 'dev', identity: dev, body: { name: 'k' }, signBody: JSON.stringify({ name: 'other' }) });
    expect(changed.status).toBe(401);
    expect(changed.json).toEqual({ error: 'bad-signature', message: 'request signature does not verify' });
    const wrongKey = await signedRequest(b.url, '/v1/counter/next', { deviceId: 'dev', identity: generateIdentity(), body: counterBody });
    expect(wrongKey.json.error).toBe('bad-signature');
    const unsigned = await fetch(`${b.url}/v1/counter`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { message: string }).message).toMatch(/request not signed/);
    expect(b.token.counter('dev', 'k')).toBe(0n);
  });

  it('refuses an unknown device', async () => {
    const b = await start();
    const r = await signedRequest(b.url, '/v1/counter', { deviceId: 'stranger', identity: generateIdentity(), body: counterBody });
    expect(r.status).toBe(401);
    expect(r.json.error).toBe('unknown-device');
    expect(r.json.message).toMatch(/unknown device "stranger"/);
  });

  it('refuses an unapproved device', async () => {
    const b = await start();
    const pend = generateIdentity();
    await register(b.url, 'pending-dev', pend);
    const r = await signedRequest(b.url, '/v1/counter/next', { deviceId: 'pending-dev', identity: pend, body: counterBody });
    expect(r.status).toBe(403);
    expect(r.json.error).toBe('device-not-approved');
    expect(b.token.counter('pending-dev', 'k')).toBe(0n);
  });

  it('refuses a replayed nonce', async () => {
    const b = await start();
    const nonce = bytesToHex(randomBytes(16));
    const timestamp = Date.now();
    const first = await signedRequest(b.url, '/v1/counter/next', { deviceId: 'dev', identity: dev, body: counterBody, nonce, timestamp });
    expect(first.status).toBe(200);
    const replay = await signedRequest(b.url, '/v1/counter/next', { deviceId: 'dev', identity: dev, body: counterBody, nonce, timestamp });
    expect(replay.status).toBe(401);
    expect(replay.json).toEqual({ error: 'replayed-nonce', message: 'request nonce already used (replay)' });
    expect(b.token.counter('dev', 'k')).toBe(BigInt(first.json.value as string));
  });

  it('refuses stale and future timestamps outside the skew', async () => {
    const b = await start({ skewMs: 30_000 });
    for (const timestamp of [Date.now() - 31_000, Date.now() + 31_000]) {
      const r = await signedRequest(b.url, '/v1/counter', { deviceId: 'dev', identity: dev, body: counterBody, timestamp });
      expect(r.status).toBe(401);
      expect(r.json.error).toBe('stale-timestamp');
      expect(r.json.message).toMatch(/more than 30000 ms from the bridge clock/);
    }
    expect((await signedRequest(b.url, '/v1/counter', { deviceId: 'dev', identity: dev, body: counterBody, timestamp: Date.now() - 20_000 })).status).toBe(200);
  });

  it('refuses an oversize body with 413 before looking at it', async () => {
    const b = await start({ maxBodyBytes: 1024 });
    const r = await signedRequest(b.url, '/v1/wrap', { deviceId: 'dev', identity: dev, body: { aad: '00'.repeat(600), key: '11'.repeat(32) } });
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ error: 'body-too-large', message: 'request body over 1024 bytes' });
    expect(b.token.hasWrappingKey('dev')).toBe(false);
  });

  it('rate-limits each device separately (429 with Retry-After)', async () => {
    const b = await start({ rateLimit: { burst: 3, perSecond: 0.01 } });
    const other = generateIdentity();
    await register(b.url, 'other', other);
    approveDevice(tok.dataDir, 'other');
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await signedRequest(b.url, '/v1/counter', { deviceId: 'dev', identity: dev, body: counterBody })).status);
    expect(codes).toEqual([200, 200, 200, 429]);
    const limited = await signedRequest(b.url, '/v1/counter', { deviceId: 'dev', identity: dev, body: counterBody });
    expect(limited.json.error).toBe('rate-limited');
    expect(limited.json.message).toMatch(/too many requests from device "dev"/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // the other device has its own bucket (its registration used one token)
    expect((await signedRequest(b.url, '/v1/counter', { deviceId: 'other', identity: other, body: counterBody })).status).toBe(200);
  });
});

describe('CORS', () => {
  it('answers a preflight only for a configured wallet origin', async () => {
    const b = await start();
    const ok = await fetch(`${b.url}/v1/wrap`, { method: 'OPTIONS', headers: { origin: WALLET, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-tessera-signature' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(WALLET);
    expect(ok.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/x-tessera-signature/);
    const bad = await fetch(`${b.url}/v1/wrap`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(bad.status).toBe(403);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    expect(await bad.json()).toEqual({ error: 'origin-not-allowed', message: 'origin https://evil.example is not an allowed wallet origin' });
  });

  it('refuses a signed request from an origin not allowed, and labels allowed ones', async () => {
    const b = await start();
    const evil = await signedRequest(b.url, '/v1/counter', { deviceId: 'dev', identity: dev, body: counterBody, origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.json.error).toBe('origin-not-allowed');
    const good = await signedRequest(b.url, '/v1/counter', { deviceId: 'dev', identity: dev, body: counterBody, origin: WALLET });
    expect(good.status).toBe(200);
    expect(good.headers.get('access-control-allow-origin')).toBe(WALLET);
    const health = await fetch(`${b.url}/health`, { headers: { origin: 'http://localhost:1234' } });
    expect(health.status).toBe(403);
  });
});

describe('routing', () => {
  it('answers unknown routes and wrong methods with 404 / 405', async () => {
    const b = await start();
    const nf = await fetch(`${b.url}/v1/export-key`, { method: 'POST' });
    expect(nf.status).toBe(404);
    expect(((await nf.json()) as { error: string }).error).toBe('not-found');
    const approve = await fetch(`${b.url}/v1/approve`, { method: 'POST' });
    expect(approve.status).toBe(404);
    const wm = await fetch(`${b.url}/v1/wrap`);
    expect(wm.status).toBe(405);
  });
});
