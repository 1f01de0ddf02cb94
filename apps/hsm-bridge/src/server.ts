/**
 * The bridge's HTTP service (node:http): the wallet's way to a PKCS#11 token it cannot reach
 * from the browser.
 *
 * Routes (JSON in and out; bytes as lowercase hex, counters as decimal strings):
 *
 * | route | body | reply |
 * |---|---|---|
 * | `GET /health` (unsigned) | — | `{ status, token: { label, serial, manufacturer, model }, mechanisms }` |
 * | `POST /v1/register` | `{ deviceId, publicKey }` | `{ deviceId, status, fingerprint }` (202 while pending) |
 * | `POST /v1/status` | `{}` | `{ deviceId, status, fingerprint }` |
 * | `POST /v1/wrap` | `{ aad, key }` | `{ iv, ciphertext }` |
 * | `POST /v1/unwrap` | `{ aad, iv, ciphertext }` | `{ key }` |
 * | `POST /v1/counter` | `{ name }` | `{ value }` |
 * | `POST /v1/counter/next` | `{ name, atLeast? }` | `{ value }` |
 * | `POST /v1/counter/advance` | `{ name, value }` | `{ value }` |
 *
 * Every route but `/health` is signed by the device (auth.ts). Checks, in order: CORS origin
 * (a request carrying an `Origin` not configured is refused, preflights answered only for
 * configured origins), route, body size (413), authentication headers, device known
 * (`/v1/register` takes the key from its body), signature, timestamp within the skew, nonce
 * unused, per-device rate limit (429, `Retry-After`), device approved (except register and
 * status). Only then is the token touched.
 *
 * The GCM AAD is `len-prefixed("tessera/hsm-bridge/wrap/v1", deviceId, identity public key,
 * aad)`, where the vault's `aad` binds the vault id and the unlock method id: a wrapped key
 * opens only for the device (id and key) and vault it was made for.
 *
 * Errors are `{ error: code, message }`: the refusal codes of errors.ts, `hsm-unavailable`
 * (503), `wrapped-key-auth` (422), `counter-decrease` (409, with `current`), `internal` (500).
 * A 503 means the token was not changed; the request can be retried.
 *
 * Security: data keys cross this service in the clear inside the request/response bodies;
 * bind it to localhost or put TLS in front (docs/hsm-bridge.md). Bodies are never logged.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { signedBytes } from '@tessera/transport/identity';
import { createNonceCache, createRateLimiter, HEADERS, verifyRequest, type RateLimit, type RequestAuth } from './auth.ts';
import { CounterDecreaseError, HsmUnavailableError, RequestRefusedError, WrappedKeyAuthError } from './errors.ts';
import { silentLogger, type Logger } from './log.ts';
import { openRegistry, DEVICE_ID_RE, type DeviceRecord, type DeviceRegistry } from './registry.ts';
import { openToken, COUNTER_MAX, type Token, type TokenOptions } from './token.ts';
import { readPin, type PinSource } from './pin.ts';

/** Domain tag of the GCM AAD. */
export const WRAP_AAD_TAG = 'tessera/hsm-bridge/wrap/v1';

/** Default largest request body, bytes. */
export const DEFAULT_MAX_BODY = 16 * 1024;
/** Default allowed clock skew of request timestamps, ms. */
export const DEFAULT_SKEW_MS = 60_000;
/** Default per-device rate limit. */
export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 30, perSecond: 5 };
/** Default limit on registrations, over all devices together. */
export const DEFAULT_REGISTER_LIMIT: RateLimit = { burst: 10, perSecond: 0.2 };

/** Options of {@link startBridge}. */
export interface BridgeOptions {
  /** The logged-in token; the bridge owns it and closes it on {@link BridgeServer.close}. */
  readonly token: Token;
  readonly registry: DeviceRegistry;
  /** TCP port (0 = any free port; default 0). */
  readonly port?: number;
  /** Interface to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Wallet origins allowed by CORS, e.g. `https://wallet.example` (default none). */
  readonly origins?: readonly string[];
  /** Largest request body in bytes (default {@link DEFAULT_MAX_BODY}). */
  readonly maxBodyBytes?: number;
  /** Allowed clock skew of request timestamps in ms (default {@link DEFAULT_SKEW_MS}). */
  readonly skewMs?: number;
  /** Per-device limit (default {@link DEFAULT_RATE_LIMIT}). */
  readonly rateLimit?: RateLimit;
  /** Limit on registrations over all devices (default {@link DEFAULT_REGISTER_LIMIT}). */
  readonly registerRateLimit?: RateLimit;
  /** Clock, ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** A running bridge. */
export interface BridgeServer {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  /** The token in use (tests reach its module to simulate an outage). */
  readonly token: Token;
  /** Stops accepting requests, closes connections, logs out and unloads the module. */
  close(): Promise<void>;
}

const CORS_HEADERS = ['content-type', HEADERS.device, HEADERS.timestamp, HEADERS.nonce, HEADERS.signature].join(', ');

interface Ctx {
  readonly auth: RequestAuth;
  readonly device: DeviceRecord | undefined;
  readonly body: Record<string, unknown>;
}

type Handler = (ctx: Ctx) => { status?: number; json: Record<string, unknown> };

const ROUTES = new Set(['/health', '/v1/register', '/v1/status', '/v1/wrap', '/v1/unwrap', '/v1/counter', '/v1/counter/next', '/v1/counter/advance']);

/** Refusal helper. */
const refuse = (status: number, code: ConstructorParameters<typeof RequestRefusedError>[1], message: string, retryAfter?: number): never => {
  throw new RequestRefusedError(status, code, message, retryAfter);
};

/** Reads the body, keeping at most `max` bytes; refuses larger bodies with 413. */
async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? '0');
  const hardCap = max * 4 + (1 << 20);
  if (Number.isFinite(declared) && declared > hardCap) {
    req.destroy();
    refuse(413, 'body-too-large', `request body over ${max} bytes`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > hardCap) {
      req.destroy();
      break;
    }
    if (total <= max) chunks.push(chunk);
  }
  if (total > max) refuse(413, 'body-too-large', `request body over ${max} bytes`);
  return new Uint8Array(Buffer.concat(chunks));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function parseAuth(req: IncomingMessage): RequestAuth {
  const deviceId = header(req, HEADERS.device);
  const ts = header(req, HEADERS.timestamp);
  const nonce = header(req, HEADERS.nonce);
  const sig = header(req, HEADERS.signature);
  if (deviceId === undefined || ts === undefined || nonce === undefined || sig === undefined) refuse(401, 'bad-signature', 'request not signed (X-Tessera-Device, -Timestamp, -Nonce and -Signature headers required)');
  if (!DEVICE_ID_RE.test(deviceId!)) refuse(400, 'bad-request', 'X-Tessera-Device: malformed device id');
  if (!/^\d{1,16}$/.test(ts!)) refuse(400, 'bad-request', 'X-Tessera-Timestamp: expected ms since the epoch');
  if (!/^[0-9a-f]{32}$/.test(nonce!)) refuse(400, 'bad-request', 'X-Tessera-Nonce: expected 32 lowercase hex digits');
  if (!/^[0-9a-f]{128}$/.test(sig!)) refuse(401, 'bad-signature', 'X-Tessera-Signature: expected 128 lowercase hex digits');
  return { deviceId: deviceId!, timestamp: Number(ts), nonce: nonce!, signature: hexToBytes(sig!) };
}

function parseJson(body: Uint8Array, keys: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
  let o: unknown;
  try {
    o = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return refuse(400, 'bad-request', 'body: expected JSON');
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) refuse(400, 'bad-request', 'body: expected a JSON object');
  const r = o as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!keys.includes(k) && !optional.includes(k)) refuse(400, 'bad-request', `body.${k}: unknown field`);
  for (const k of keys) if (!(k in r)) refuse(400, 'bad-request', `body.${k}: required`);
  return r;
}

function hexField(body: Record<string, unknown>, k: string, min: number, max: number): Uint8Array {
  const v = body[k];
  if (typeof v !== 'string' || !/^(?:[0-9a-f]{2})*$/.test(v)) return refuse(400, 'bad-request', `body.${k}: expected lowercase hex`);
  const n = v.length / 2;
  if (n < min || n > max) refuse(400, 'bad-request', `body.${k}: expected ${min === max ? min : `${min} to ${max}`} bytes`);
  return hexToBytes(v);
}

function counterName(body: Record<string, unknown>): string {
  const v = body.name;
  if (typeof v !== 'string' || v.length === 0 || v.length > 256) return refuse(400, 'bad-request', 'body.name: expected a string of 1 to 256 characters');
  return v;
}

function counterValue(body: Record<string, unknown>, k: string): bigint {
  const v = body[k];
  if (typeof v !== 'string' || !/^\d{1,20}$/.test(v)) return refuse(400, 'bad-request', `body.${k}: expected a decimal string`);
  const n = BigInt(v);
  if (n > COUNTER_MAX) refuse(400, 'bad-request', `body.${k}: above 2^64 - 1`);
  return n;
}

/**
 * The GCM AAD for `deviceId`, its identity `publicKey` and the vault's `aad` (vault id and
 * method id). Binding the key means a device id revoked and later registered with another
 * identity key cannot open what was wrapped for the old one.
 */
export function wrapAad(deviceId: string, publicKey: Uint8Array, aad: Uint8Array): Uint8Array {
  return signedBytes(WRAP_AAD_TAG, deviceId, publicKey, aad);
}

/**
 * Starts the bridge on `opts.port`.
 * @throws {FieldRangeError} on bad limits. @throws {Error} if the port cannot be bound.
 */
export async function startBridge(opts: BridgeOptions): Promise<BridgeServer> {
  const now = opts.now ?? Date.now;
  const logger = opts.logger ?? silentLogger;
  const token = opts.token;
  const registry = opts.registry;
  const origins = new Set(opts.origins ?? []);
  for (const o of origins) if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new FieldRangeError('origins', `not an origin: ${JSON.stringify(o)}`);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  if (!Number.isSafeInteger(maxBody) || maxBody < 256 || maxBody > 1 << 24) throw new FieldRangeError('maxBodyBytes', 'expected 256 to 16 MiB');
  const skew = opts.skewMs ?? DEFAULT_SKEW_MS;
  if (!Number.isSafeInteger(skew) || skew < 1000 || skew > 3_600_000) throw new FieldRangeError('skewMs', 'expected 1 s to 1 h');
  const nonces = createNonceCache(2 * skew);
  const limiter = createRateLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT);
  const registerLimiter = createRateLimiter(opts.registerRateLimit ?? DEFAULT_REGISTER_LIMIT);

  const routes: Record<string, Handler> = {
    '/v1/status': ({ device }) => ({ json: { deviceId: device!.id, status: device!.status, fingerprint: device!.fingerprint } }),
    '/v1/wrap': ({ auth, device, body }) => {
      const aad = hexField(body, 'aad', 0, 1024);
      const key = hexField(body, 'key', 16, 64);
      try {
        const sealed = token.seal(auth.deviceId, key, wrapAad(auth.deviceId, hexToBytes(device!.publicKey), aad));
        logger.log('info', 'wrap', { device: auth.deviceId });
        return { json: { iv: bytesToHex(sealed.iv), ciphertext: bytesToHex(sealed.ciphertext) } };
      } finally {
        key.fill(0);
      }
    },
    '/v1/unwrap': ({ auth, device, body }) => {
      const aad = hexField(body, 'aad', 0, 1024);
      const iv = hexField(body, 'iv', 12, 12);
      const ciphertext = hexField(body, 'ciphertext', 17, 80);
      const key = token.open(auth.deviceId, { iv, ciphertext }, wrapAad(auth.deviceId, hexToBytes(device!.publicKey), aad));
      if (!key) return refuse(404, 'no-wrapping-key', `device "${auth.deviceId}" has no wrapping key in the token (nothing was ever wrapped for it)`);
      try {
        logger.log('info', 'unwrap', { device: auth.deviceId });
        return { json: { key: bytesToHex(key) } };
      } finally {
        key.fill(0);
      }
    },
    '/v1/counter': ({ auth, body }) => ({ json: { value: token.counter(auth.deviceId, counterName(body)).toString() } }),
    '/v1/counter/next': ({ auth, body }) => {
      const name = counterName(body);
      const atLeast = 'atLeast' in body ? counterValue(body, 'atLeast') : 0n;
      const cur = token.counter(auth.deviceId, name);
      if (cur >= COUNTER_MAX) refuse(409, 'counter-exhausted', `counter "${name.slice(0, 64)}" is at 2^64 - 1`);
      return { json: { value: token.nextCounter(auth.deviceId, name, atLeast).toString() } };
    },
    '/v1/counter/advance': ({ auth, body }) => {
      const name = counterName(body);
      const value = counterValue(body, 'value');
      if (value < 1n) refuse(400, 'bad-request', 'body.value: expected at least 1');
      return { json: { value: token.advanceCounter(auth.deviceId, name, value).toString() } };
    },
  };

  const bodyKeys: Record<string, [readonly string[], readonly string[]]> = {
    '/v1/register': [['deviceId', 'publicKey'], []],
    '/v1/status': [[], []],
    '/v1/wrap': [['aad', 'key'], []],
    '/v1/unwrap': [['aad', 'iv', 'ciphertext'], []],
    '/v1/counter': [['name'], []],
    '/v1/counter/next': [['name'], ['atLeast']],
    '/v1/counter/advance': [['name', 'value'], []],
  };

  const send = (res: ServerResponse, status: number, json: Record<string, unknown>, extra: Record<string, string> = {}): void => {
    const text = JSON.stringify(json);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), ...extra });
    res.end(text);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = header(req, 'origin');
    const cors: Record<string, string> = origin !== undefined && origins.has(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': 'Retry-After' } : {};
    const rawUrl = req.url ?? '/';
    const path = rawUrl.split('?', 1)[0]!;
    try {
      if (origin !== undefined && !origins.has(origin)) refuse(403, 'origin-not-allowed', `origin ${origin.slice(0, 100)} is not an allowed wallet origin`);
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          ...cors,
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': CORS_HEADERS,
          'access-control-max-age': '600',
          ...(header(req, 'access-control-request-private-network') === 'true' && origin !== undefined ? { 'access-control-allow-private-network': 'true' } : {}),
        });
        res.end();
        return;
      }
      if (!ROUTES.has(path)) refuse(404, 'not-found', `no route ${path.slice(0, 100)}`);
      if (path === '/health') {
        if (req.method !== 'GET') refuse(405, 'method-not-allowed', 'GET only');
        const info = token.info();
        send(res, 200, { status: 'ok', token: { label: info.label, serial: info.serial, manufacturer: info.manufacturer, model: info.model }, mechanisms: info.mechanisms }, cors);
        return;
      }
      if (req.method !== 'POST') refuse(405, 'method-not-allowed', 'POST only');
      const raw = await readBody(req, maxBody);
      const auth = parseAuth(req);
      const t = now();
      const [keys, optional] = bodyKeys[path]!;
      let device: DeviceRecord | undefined;
      let publicKey: Uint8Array;
      let body: Record<string, unknown>;
      if (path === '/v1/register') {
        body = parseJson(raw, keys, optional);
        if (body.deviceId !== auth.deviceId) refuse(400, 'bad-request', 'body.deviceId: differs from X-Tessera-Device');
        publicKey = hexField(body, 'publicKey', 32, 32);
      } else {
        device = registry.get(auth.deviceId);
        if (!device) return refuse(401, 'unknown-device', `unknown device "${auth.deviceId}" (register it, then have the operator approve it)`);
        publicKey = hexToBytes(device.publicKey);
        body = {};
      }
      if (!verifyRequest(publicKey, auth, req.method ?? '', rawUrl, raw)) refuse(401, 'bad-signature', 'request signature does not verify');
      if (Math.abs(t - auth.timestamp) > skew) refuse(401, 'stale-timestamp', `request timestamp ${auth.timestamp} is more than ${skew} ms from the bridge clock (${t})`);
      if (!nonces.claim(auth.deviceId, auth.nonce, t)) refuse(401, 'replayed-nonce', 'request nonce already used (replay)');
      const wait = (path === '/v1/register' ? registerLimiter.take('register', t) : 0) || limiter.take(auth.deviceId, t);
      if (wait > 0) refuse(429, 'rate-limited', `too many requests from device "${auth.deviceId}"; retry in ${wait} s`, wait);
      if (path === '/v1/register') {
        let rec: DeviceRecord;
        try {
          rec = registry.register(auth.deviceId, publicKey, t);
        } catch (e) {
          if (e instanceof FieldRangeError && /another key/.test(e.message)) return refuse(409, 'device-key-mismatch', `device "${auth.deviceId}" is registered with another identity key`);
          throw e;
        }
        logger.log('info', 'register', { device: rec.id, fingerprint: rec.fingerprint, status: rec.status });
        send(res, rec.status === 'approved' ? 200 : 202, { deviceId: rec.id, status: rec.status, fingerprint: rec.fingerprint }, cors);
        return;
      }
      body = parseJson(raw, keys, optional);
      if (path !== '/v1/status' && device!.status !== 'approved') refuse(403, 'device-not-approved', `device "${auth.deviceId}" is registered but not approved by the operator yet`);
      const out = routes[path]!({ auth, device, body });
      send(res, out.status ?? 200, out.json, cors);
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof RequestRefusedError) {
        logger.log(e.status >= 500 ? 'error' : 'warn', 'refused', { route: path.slice(0, 40), status: e.status, code: e.code });
        send(res, e.status, { error: e.code, message: e.message }, { ...cors, ...(e.retryAfter !== undefined ? { 'retry-after': String(e.retryAfter) } : {}), ...(e.status === 413 ? { connection: 'close' } : {}) });
      } else if (e instanceof HsmUnavailableError) {
        logger.log('error', 'hsm-unavailable', { route: path.slice(0, 40), detail: e.detail });
        send(res, 503, { error: 'hsm-unavailable', message: e.message }, { ...cors, 'retry-after': '5' });
      } else if (e instanceof WrappedKeyAuthError) {
        logger.log('warn', 'wrapped-key-auth', { route: path.slice(0, 40), device: header(req, HEADERS.device) ?? '' });
        send(res, 422, { error: 'wrapped-key-auth', message: e.message }, cors);
      } else if (e instanceof CounterDecreaseError) {
        send(res, 409, { error: 'counter-decrease', message: e.message, current: e.current.toString() }, cors);
      } else if (e instanceof FieldTypeError || e instanceof FieldRangeError) {
        send(res, 400, { error: 'bad-request', message: e.message }, cors);
      } else {
        logger.log('error', 'internal', { route: path.slice(0, 40), name: e instanceof Error ? e.name : 'unknown' });
        send(res, 500, { error: 'internal', message: 'internal error' }, cors);
      }
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy()); // a failure while sending the error reply: drop the connection
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.log('info', 'listening', { url, serial: token.serial });
  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    token,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => {
        token.close();
        logger.log('info', 'closed', {});
      });
      return closed;
    },
  };
}

/** Options of {@link startBridgeService}: a module path, a PIN source and a data directory. */
export interface BridgeServiceOptions extends Omit<BridgeOptions, 'token' | 'registry'> {
  /** Path of the PKCS#11 module. */
  readonly modulePath: string;
  /** Where to read the PIN. */
  readonly pin: PinSource;
  /** Label of the token (default: the first token present). */
  readonly tokenLabel?: string;
  /** Directory of the device registry. */
  readonly dataDir: string;
  readonly rng?: TokenOptions['rng'];
}

/**
 * Reads the PIN, opens and logs in to the token, opens the registry and starts the bridge.
 * @throws {BridgeStartError} missing module, wrong PIN, no token, unreadable PIN.
 * @throws {Error} if the port cannot be bound.
 */
export async function startBridgeService(opts: BridgeServiceOptions): Promise<BridgeServer> {
  const pin = readPin(opts.pin);
  const registry = openRegistry(opts.dataDir);
  const token = openToken({ modulePath: opts.modulePath, pin, ...(opts.tokenLabel !== undefined ? { tokenLabel: opts.tokenLabel } : {}), ...(opts.rng ? { rng: opts.rng } : {}) });
  try {
    return await startBridge({ ...opts, token, registry });
  } catch (e) {
    token.close();
    throw e;
  }
}
