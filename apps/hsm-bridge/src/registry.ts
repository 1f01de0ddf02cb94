/**
 * The bridge's device registry: one JSON file per device in a data directory,
 * `devices/<deviceId>.json` = `{ format, version, id, publicKey, fingerprint, status,
 * registered, approved? }`.
 *
 * A device registers itself over HTTP with its Ed25519 identity public key and is `pending`;
 * only an operator, on the bridge's machine ({@link approveDevice}, `tessera hsm-bridge
 * --approve ID`), moves it to `approved`. No HTTP route can approve. The running bridge reads
 * the file on every request, so an approval takes effect at once, and a device whose file is
 * removed is unknown again.
 *
 * Files are written to a temporary name, fsync'd and renamed, so a reader never sees half a
 * record. A pending registration is created with `wx` (exclusive), so two registrations of one
 * id cannot both win. The registry holds public keys only: nothing in it is secret.
 * @module
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { checkIdentityPublicKey, fingerprint } from '@tessera/transport/identity';

/** File format tag of a device record. */
export const DEVICE_FORMAT = 'tessera/hsm-bridge-device';

/** Device ids: 1–64 characters of `A–Z a–z 0–9 . _ -`, not starting with `.` or `-`. */
export const DEVICE_ID_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

/** Registration state of a device. */
export type DeviceStatus = 'pending' | 'approved';

/** A registered device (public data only). */
export interface DeviceRecord {
  readonly id: string;
  /** Ed25519 identity public key, hex. */
  readonly publicKey: string;
  /** First 8 bytes of SHA-256 of the public key, hex: what the operator compares. */
  readonly fingerprint: string;
  readonly status: DeviceStatus;
  /** Registration time, ms since the epoch. */
  readonly registered: number;
  /** Approval time, ms since the epoch. */
  readonly approved?: number;
}

/**
 * Checks a device id.
 * @throws {FieldTypeError} if not a string. @throws {FieldRangeError} if it does not match {@link DEVICE_ID_RE}.
 */
export function checkDeviceId(id: unknown, field = 'deviceId'): string {
  if (typeof id !== 'string') throw new FieldTypeError(field, 'expected a string');
  if (!DEVICE_ID_RE.test(id)) throw new FieldRangeError(field, 'expected 1-64 characters of A-Z a-z 0-9 . _ - (not starting with . or -)');
  return id;
}

/** The device registry of one data directory. */
export interface DeviceRegistry {
  /** The data directory. */
  readonly dir: string;
  /** The record of `id`, or undefined if unknown (or unreadable). */
  get(id: string): DeviceRecord | undefined;
  /**
   * Records a new pending device. Returns the existing record if `id` is already registered
   * with the same key.
   * @throws {FieldRangeError} if `id` is registered with a different key, or on a bad id/key.
   */
  register(id: string, publicKey: Uint8Array, now: number): DeviceRecord;
  /** Every device, sorted by id. */
  list(): DeviceRecord[];
}

function devicesDir(dir: string): string {
  return join(dir, 'devices');
}

function parseRecord(text: string, id: string): DeviceRecord | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const r = o as Record<string, unknown>;
  if (r.format !== DEVICE_FORMAT || r.version !== 1 || r.id !== id || typeof r.publicKey !== 'string' || !/^[0-9a-f]{64}$/.test(r.publicKey)) return undefined;
  if (r.status !== 'pending' && r.status !== 'approved') return undefined;
  if (typeof r.registered !== 'number') return undefined;
  return {
    id,
    publicKey: r.publicKey,
    fingerprint: fingerprint(hexToBytes(r.publicKey)),
    status: r.status,
    registered: r.registered,
    ...(typeof r.approved === 'number' ? { approved: r.approved } : {}),
  };
}

function serialize(r: DeviceRecord): string {
  return `${JSON.stringify({ format: DEVICE_FORMAT, version: 1, ...r })}\n`;
}

/** Writes `text` to `path` through a fsync'd temporary file and a rename. */
function writeAtomic(path: string, text: string, exclusive: boolean): void {
  const tmp = `${path}.${process.pid}.tmp`;
  if (exclusive) {
    // claim the name first so a concurrent registration of the same id fails
    const fd = openSync(path, 'wx', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * The registry kept under `dir` (created if missing).
 * @throws {Error} if the directory cannot be created.
 */
export function openRegistry(dir: string): DeviceRegistry {
  mkdirSync(devicesDir(dir), { recursive: true, mode: 0o700 });
  const file = (id: string): string => join(devicesDir(dir), `${checkDeviceId(id)}.json`);
  const get = (id: string): DeviceRecord | undefined => {
    if (!DEVICE_ID_RE.test(id)) return undefined;
    try {
      return parseRecord(readFileSync(file(id), 'utf8'), id);
    } catch {
      return undefined;
    }
  };
  return {
    dir,
    get,
    register(id, publicKey, now) {
      checkDeviceId(id);
      checkIdentityPublicKey(publicKey);
      const hex = bytesToHex(publicKey);
      const existing = get(id);
      if (existing) {
        if (existing.publicKey !== hex) throw new FieldRangeError('deviceId', `device "${id}" is registered with another key`);
        return existing;
      }
      const rec: DeviceRecord = { id, publicKey: hex, fingerprint: fingerprint(publicKey), status: 'pending', registered: now };
      try {
        writeAtomic(file(id), serialize(rec), true);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
          const raced = get(id);
          if (raced && raced.publicKey === hex) return raced;
          throw new FieldRangeError('deviceId', `device "${id}" is registered with another key`);
        }
        throw e;
      }
      return rec;
    },
    list() {
      const out: DeviceRecord[] = [];
      for (const name of readdirSync(devicesDir(dir)).sort()) {
        const m = /^(.+)\.json$/.exec(name);
        if (!m || !DEVICE_ID_RE.test(m[1]!)) continue;
        const r = get(m[1]!);
        if (r) out.push(r);
      }
      return out;
    },
  };
}

/**
 * Operator action: approves device `id` of the registry in `dir`. Idempotent.
 * Not reachable over HTTP: the operator runs it on the bridge's machine.
 * @throws {FieldRangeError} if the device is not registered. @throws {FieldTypeError} on a bad id.
 */
export function approveDevice(dir: string, id: string, now: number = Date.now()): DeviceRecord {
  checkDeviceId(id);
  const reg = openRegistry(dir);
  const rec = reg.get(id);
  if (!rec) throw new FieldRangeError('deviceId', `no registered device "${id}" in ${dir}`);
  if (rec.status === 'approved') return rec;
  const approved: DeviceRecord = { ...rec, status: 'approved', approved: now };
  writeAtomic(join(devicesDir(dir), `${id}.json`), serialize(approved), false);
  return approved;
}

/**
 * Operator action: removes device `id` from the registry in `dir`; from the next request on it
 * is an unknown device. Its wrapping key stays in the token (vaults wrapped for it stay
 * recoverable by re-registering the same identity key and approving it again).
 * @throws {FieldRangeError} if the device is not registered. @throws {FieldTypeError} on a bad id.
 */
export function revokeDevice(dir: string, id: string): DeviceRecord {
  checkDeviceId(id);
  const rec = openRegistry(dir).get(id);
  if (!rec) throw new FieldRangeError('deviceId', `no registered device "${id}" in ${dir}`);
  unlinkSync(join(devicesDir(dir), `${id}.json`));
  return rec;
}

/** Operator action: every registered device of the registry in `dir`, sorted by id. */
export function listDevices(dir: string): DeviceRecord[] {
  return openRegistry(dir).list();
}
