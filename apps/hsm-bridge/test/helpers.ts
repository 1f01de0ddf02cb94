/**
 * Test helpers: a SoftHSM2 token initialized in a private temporary directory
 * (`SOFTHSM2_CONF` pointing at its own `directories.tokendir`), and a signed-request client
 * written from the format in src/auth.ts (independently of the vault's client, which the
 * vault's tests run against the real bridge).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@tessera/crypto/bytes';
import { randomBytes } from '@tessera/crypto/rng';
import { signTagged, type IdentityKey } from '@tessera/transport/identity';
import { REQUEST_TAG } from '../src/auth.ts';

/** The SoftHSM2 module installed by scripts/ensure.mjs. */
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

/** A token initialized for one test file. */
export interface TestToken {
  readonly dir: string;
  /** The SOFTHSM2_CONF file. */
  readonly conf: string;
  readonly tokendir: string;
  readonly label: string;
  readonly pin: string;
  readonly pinFile: string;
  /** Device registry directory. */
  readonly dataDir: string;
  /** Environment for child processes using this token. */
  readonly env: NodeJS.ProcessEnv;
  remove(): void;
}

/**
 * Creates a temporary SoftHSM2 configuration with its own token directory and initializes a
 * token `label` in it. With `setEnv`, also points this process's SOFTHSM2_CONF at it (read by
 * the library at C_Initialize).
 */
export function initSoftHsm(label: string, setEnv = true): TestToken {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-softhsm-'));
  const tokendir = join(dir, 'tokens');
  mkdirSync(tokendir);
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokendir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const pin = '246810';
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', '13579135', '--pin', pin], { env, stdio: 'pipe' });
  const pinFile = join(dir, 'pin');
  writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  if (setEnv) process.env.SOFTHSM2_CONF = conf;
  const dataDir = join(dir, 'data');
  return { dir, conf, tokendir, label, pin, pinFile, dataDir, env, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Options of {@link signedRequest}. */
export interface SignedRequestOptions {
  readonly deviceId: string;
  readonly identity: IdentityKey;
  readonly body?: unknown;
  /** Raw body text instead of JSON of `body`. */
  readonly rawBody?: string;
  readonly timestamp?: number;
  readonly nonce?: string;
  readonly origin?: string;
  /** Signs these body bytes instead of the ones sent (to forge a bad signature). */
  readonly signBody?: string;
}

/** The reply of a request. */
export interface Reply {
  readonly status: number;
  readonly json: Record<string, unknown>;
  readonly headers: Headers;
}

/** Sends a POST to `base + path` signed as the bridge expects. */
export async function signedRequest(base: string, path: string, o: SignedRequestOptions): Promise<Reply> {
  const text = o.rawBody ?? JSON.stringify(o.body ?? {});
  const timestamp = o.timestamp ?? Date.now();
  const nonce = o.nonce ?? bytesToHex(randomBytes(16));
  const signed = new TextEncoder().encode(o.signBody ?? text);
  const sig = signTagged(o.identity.secretKey, REQUEST_TAG, o.deviceId, 'POST', path, sha256(signed), String(timestamp), nonce);
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-tessera-device': o.deviceId,
      'x-tessera-timestamp': String(timestamp),
      'x-tessera-nonce': nonce,
      'x-tessera-signature': bytesToHex(sig),
      ...(o.origin ? { origin: o.origin } : {}),
    },
    body: text,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** Registers `deviceId` with its public key. */
export function register(base: string, deviceId: string, identity: IdentityKey): Promise<Reply> {
  return signedRequest(base, '/v1/register', { deviceId, identity, body: { deviceId, publicKey: bytesToHex(identity.publicKey) } });
}
