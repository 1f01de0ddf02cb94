/**
 * Request authentication of the bridge: the signed-request format, the nonce cache that
 * refuses replays, and the per-device token-bucket rate limiter.
 *
 * Every request except `GET /health` and CORS preflights carries four headers:
 *
 * | header | value |
 * |---|---|
 * | `X-Tessera-Device` | the device id |
 * | `X-Tessera-Timestamp` | ms since the epoch, decimal |
 * | `X-Tessera-Nonce` | 16 random bytes, 32 lowercase hex digits |
 * | `X-Tessera-Signature` | Ed25519 signature, 128 lowercase hex digits |
 *
 * The signature is by the device's identity key over the length-prefixed fields
 * (`signTagged` of `@tessera/transport/identity`, 4-byte big-endian length before each):
 *
 * ```
 * "tessera/hsm-bridge/request/v1" ‖ deviceId ‖ METHOD ‖ path ‖ SHA-256(body) ‖ timestamp ‖ nonce
 * ```
 *
 * The bridge refuses a timestamp more than the allowed skew away from its clock, and a nonce
 * already seen for that device within twice the skew (older ones are refused by the
 * timestamp check, so the cache stays bounded). The wallet-side client is
 * `packages/vault/src/bridge.ts`, which builds the same bytes.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { verifyTagged } from '@tessera/transport/identity';
import { FieldRangeError, assertInteger } from '@tessera/crypto/errors';

/** Domain tag of signed bridge requests. */
export const REQUEST_TAG = 'tessera/hsm-bridge/request/v1';

/** Header names (lower case, as Node presents them). */
export const HEADERS = {
  device: 'x-tessera-device',
  timestamp: 'x-tessera-timestamp',
  nonce: 'x-tessera-nonce',
  signature: 'x-tessera-signature',
} as const;

/** The authentication headers of one request, parsed. */
export interface RequestAuth {
  readonly deviceId: string;
  readonly timestamp: number;
  /** 32 lowercase hex digits. */
  readonly nonce: string;
  readonly signature: Uint8Array;
}

/**
 * True iff `auth.signature` is `publicKey`'s signature over the request fields. Never throws.
 */
export function verifyRequest(publicKey: Uint8Array, auth: RequestAuth, method: string, path: string, body: Uint8Array): boolean {
  return verifyTagged(publicKey, auth.signature, REQUEST_TAG, auth.deviceId, method.toUpperCase(), path, sha256(body), String(auth.timestamp), auth.nonce);
}

/** Remembers request nonces per device for a bounded time. */
export interface NonceCache {
  /** Records (device, nonce) seen at `now`; false if it was already there (a replay). */
  claim(deviceId: string, nonce: string, now: number): boolean;
  /** Entries currently held. */
  readonly size: number;
}

/**
 * A nonce cache keeping each entry for `ttlMs` (set it to at least twice the timestamp skew:
 * a request older than that is refused by its timestamp anyway).
 * @throws {FieldRangeError} on a bad `ttlMs`.
 */
export function createNonceCache(ttlMs: number): NonceCache {
  assertInteger('ttlMs', ttlMs, 1, 86_400_000);
  const seen = new Map<string, number>();
  let lastSweep = 0;
  const sweep = (now: number): void => {
    for (const [k, expires] of seen) if (expires <= now) seen.delete(k);
    lastSweep = now;
  };
  return {
    claim(deviceId, nonce, now) {
      if (now - lastSweep > ttlMs / 4 || seen.size > 100_000) sweep(now);
      const k = `${deviceId}\0${nonce}`;
      const expires = seen.get(k);
      if (expires !== undefined && expires > now) return false;
      seen.set(k, now + ttlMs);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}

/** Token-bucket limits: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  readonly burst: number;
  readonly perSecond: number;
}

/** Per-key token buckets. */
export interface RateLimiter {
  /** Takes one token of `key` at `now`; returns 0 if allowed, else the seconds to wait. */
  take(key: string, now: number): number;
}

/**
 * A token-bucket limiter per key.
 * @throws {FieldRangeError} on a burst below 1 or a negative rate.
 */
export function createRateLimiter(limit: RateLimit): RateLimiter {
  assertInteger('rateLimit.burst', limit.burst, 1, 1_000_000);
  if (typeof limit.perSecond !== 'number' || !(limit.perSecond >= 0) || limit.perSecond > 1_000_000) throw new FieldRangeError('rateLimit.perSecond', 'expected a number in [0, 1e6]');
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, now) {
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { tokens: limit.burst, at: now }));
      const elapsed = Math.max(0, now - b.at) / 1000;
      b.tokens = Math.min(limit.burst, b.tokens + elapsed * limit.perSecond);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return limit.perSecond > 0 ? Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond)) : 3600;
    },
  };
}
