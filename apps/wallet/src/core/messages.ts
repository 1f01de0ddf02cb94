/**
 * App-level messages of the wallet's rooms (lobby and group), carried as transport envelopes
 * (envelope.ts): signed by the sender's key for that room and, when addressed to one party,
 * encrypted end to end. Payloads are strict canonical JSON; every parser names the field at
 * fault.
 *
 * Lobby room (`tessera/wallet/lobby`):
 * - `enroll` (joiner → creator, p2p): the joiner's device key, label, and a signature by that
 *   device key over (lobby, slot, enrollment key) proving possession;
 * - `start` (creator → all): the signed DKG invitation, the signed group-room invitation and
 *   the members' labels.
 *
 * Group room (`tessera/wallet/group`), each sent p2p to every other member:
 * - `request` (sign or refresh; a signing request of an ECDSA account may carry
 *   `hash: "keccak256"`, absent meaning SHA-256), `approve`, `reject`, `finalize` (with the
 *   signed ceremony invitation), `result` (signature or new epoch), `failed`.
 * @module
 */
import { bytesToHex } from '@tessera/crypto/bytes';
import type { RandomSource } from '@tessera/crypto/rng';
import { expectArray, expectHex, expectObject, type Json } from '@tessera/protocols/engine/codec';
import type { PartyIndex, SessionId } from '@tessera/protocols/engine/ids';
import { openEnvelope, sealEnvelope, TRANSPORT_ENVELOPE_VERSION } from '@tessera/transport/envelope';
import { signTagged, verifyTagged, type IdentityKey } from '@tessera/transport/identity';
import type { SigningHash, WalletErrorInfo } from './api.ts';
import { WalletError, errorInfo } from './errors.ts';

/** Protocol id of group rooms. */
export const GROUP_PROTOCOL = 'tessera/wallet/group';
/** Signature tag of the enrollment proof. */
export const ENROLL_TAG = 'tessera/wallet/enroll/v1';
/** Longest note/label/reason accepted. */
export const MAX_TEXT = 500;
/** Largest message to sign (bytes). */
export const MAX_MESSAGE_BYTES = 16 * 1024;

/** Lobby messages. */
export type LobbyMessage =
  | { readonly t: 'enroll'; readonly key: string; readonly label: string; readonly proof: string }
  | { readonly t: 'start'; readonly dkg: string; readonly group: string; readonly labels: readonly (readonly [number, string])[] };

/** Group-room messages. */
export type GroupMessage =
  | { readonly t: 'request'; readonly id: string; readonly kind: 'sign' | 'refresh'; readonly note: string; readonly message: string | null; readonly createdAt: number; readonly hash?: SigningHash }
  | { readonly t: 'approve'; readonly id: string }
  | { readonly t: 'reject'; readonly id: string; readonly reason: string }
  | { readonly t: 'finalize'; readonly id: string; readonly invitation: string }
  | { readonly t: 'result'; readonly id: string; readonly session: string; readonly signature: string | null; readonly epoch: number | null }
  | { readonly t: 'failed'; readonly id: string; readonly session: string; readonly error: WalletErrorInfo };

const text = (v: Json, field: string, max = MAX_TEXT): string => {
  if (typeof v !== 'string' || v.length > max) throw new WalletError('tampered', `expected text of at most ${max} characters`, { field });
  return v;
};
const id = (v: Json, field: string): string => {
  if (typeof v !== 'string' || !/^[0-9a-f]{32,128}$/.test(v)) throw new WalletError('tampered', 'expected a hex id', { field });
  return v;
};
const int = (v: Json, field: string, min = 0): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new WalletError('tampered', 'expected an integer', { field });
  return v;
};
const wrap = <T>(f: () => T): T => {
  try {
    return f();
  } catch (e) {
    if (e instanceof WalletError) throw e;
    const i = errorInfo(e);
    throw new WalletError('tampered', i.message, { ...(i.field !== undefined ? { field: i.field } : {}), cause: e });
  }
};

/**
 * Reads a lobby message payload.
 * @throws {WalletError} `tampered` naming the field.
 */
export function parseLobbyMessage(p: Json): LobbyMessage {
  return wrap(() => {
    const t = (p as { t?: Json } | null)?.t;
    if (t === 'enroll') {
      const o = expectObject(p, 'message', ['t', 'key', 'label', 'proof']);
      return { t, key: bytesToHex(expectHex(o.key, 'message.key', 32)), label: text(o.label, 'message.label', 100), proof: bytesToHex(expectHex(o.proof, 'message.proof', 64)) };
    }
    if (t === 'start') {
      const o = expectObject(p, 'message', ['t', 'dkg', 'group', 'labels']);
      const labels = expectArray(o.labels, 'message.labels', 0, 255).map((r, k) => {
        const row = expectArray(r, `message.labels[${k}]`, 2, 2);
        return [int(row[0]!, `message.labels[${k}][0]`, 1), text(row[1]!, `message.labels[${k}][1]`, 100)] as const;
      });
      return { t, dkg: text(o.dkg, 'message.dkg', 64 * 1024), group: text(o.group, 'message.group', 64 * 1024), labels };
    }
    throw new WalletError('tampered', 'unknown lobby message', { field: 'message.t' });
  });
}

/**
 * Reads a group-room message payload.
 * @throws {WalletError} `tampered` naming the field.
 */
export function parseGroupMessage(p: Json): GroupMessage {
  return wrap(() => {
    const t = (p as { t?: Json } | null)?.t;
    switch (t) {
      case 'request': {
        const o = expectObject(p, 'message', ['t', 'id', 'kind', 'note', 'message', 'createdAt'], ['hash']);
        if (o.kind !== 'sign' && o.kind !== 'refresh') throw new WalletError('tampered', 'expected sign or refresh', { field: 'message.kind' });
        let message: string | null = null;
        if (o.kind === 'sign') {
          const m = expectHex(o.message, 'message.message');
          if (m.length === 0 || m.length > MAX_MESSAGE_BYTES) throw new WalletError('tampered', `expected 1..${MAX_MESSAGE_BYTES} bytes`, { field: 'message.message' });
          message = o.message as string;
        } else if (o.message !== null) throw new WalletError('tampered', 'a refresh request carries no message', { field: 'message.message' });
        if (o.hash !== undefined && o.hash !== 'sha256' && o.hash !== 'keccak256') throw new WalletError('tampered', 'expected sha256 or keccak256', { field: 'message.hash' });
        if (o.hash !== undefined && o.kind !== 'sign') throw new WalletError('tampered', 'a refresh request signs no digest', { field: 'message.hash' });
        // SHA-256 is what a request without the field means: keep one form of it
        const hash: { hash?: SigningHash } = o.hash === 'keccak256' ? { hash: 'keccak256' } : {};
        return { t, id: id(o.id, 'message.id'), kind: o.kind, note: text(o.note, 'message.note'), message, createdAt: int(o.createdAt, 'message.createdAt'), ...hash };
      }
      case 'approve': {
        const o = expectObject(p, 'message', ['t', 'id']);
        return { t, id: id(o.id, 'message.id') };
      }
      case 'reject': {
        const o = expectObject(p, 'message', ['t', 'id', 'reason']);
        return { t, id: id(o.id, 'message.id'), reason: text(o.reason, 'message.reason') };
      }
      case 'finalize': {
        const o = expectObject(p, 'message', ['t', 'id', 'invitation']);
        return { t, id: id(o.id, 'message.id'), invitation: text(o.invitation, 'message.invitation', 64 * 1024) };
      }
      case 'result': {
        const o = expectObject(p, 'message', ['t', 'id', 'session', 'signature', 'epoch']);
        const signature = o.signature === null ? null : bytesToHex(expectHex(o.signature, 'message.signature'));
        const epoch = o.epoch === null ? null : int(o.epoch, 'message.epoch');
        return { t, id: id(o.id, 'message.id'), session: id(o.session, 'message.session'), signature, epoch };
      }
      case 'failed': {
        const o = expectObject(p, 'message', ['t', 'id', 'session', 'error']);
        const e = expectObject(o.error, 'message.error', ['code', 'message'], ['field', 'culprit']);
        const error: WalletErrorInfo = {
          code: text(e.code, 'message.error.code', 40) as WalletErrorInfo['code'],
          message: text(e.message, 'message.error.message'),
          ...(e.field !== undefined ? { field: text(e.field, 'message.error.field', 100) } : {}),
          ...(e.culprit !== undefined ? { culprit: int(e.culprit, 'message.error.culprit', 1) } : {}),
        };
        return { t, id: id(o.id, 'message.id'), session: id(o.session, 'message.session'), error };
      }
      default:
        throw new WalletError('tampered', 'unknown group message', { field: 'message.t' });
    }
  });
}

/** The bytes a joiner's device key signs to enroll in `slot` of `lobby` with `enrollmentKey`. */
export function enrollProof(device: IdentityKey, lobby: string, slot: number, enrollmentKey: Uint8Array): string {
  return bytesToHex(signTagged(device.secretKey, ENROLL_TAG, lobby, String(slot), enrollmentKey));
}

/** Whether `proof` is `deviceKey`'s enrollment proof. Never throws. */
export function checkEnrollProof(deviceKey: Uint8Array, proof: Uint8Array, lobby: string, slot: number, enrollmentKey: Uint8Array): boolean {
  return verifyTagged(deviceKey, proof, ENROLL_TAG, lobby, String(slot), enrollmentKey);
}

let lastSeq = 0;
/** A sequence number unique within this process and increasing across restarts (time-based). */
export function nextSeq(now: number): number {
  lastSeq = Math.max(lastSeq + 1, now * 1024);
  return lastSeq;
}

/** Addressing of an app message. */
export interface Route {
  readonly session: SessionId;
  readonly protocol: string;
  readonly self: PartyIndex;
  readonly identity: IdentityKey;
  readonly directory: ReadonlyMap<PartyIndex, Uint8Array>;
  readonly now: () => number;
  readonly rng?: RandomSource;
}

/**
 * Seals an app message for `to` (encrypted) or everyone (`null`, signed only).
 * @throws {FieldRangeError} if `to` is not in the directory.
 */
export async function sealAppMessage(r: Route, to: PartyIndex | null, payload: Json): Promise<string> {
  const now = r.now();
  const recipientKey = to === null ? undefined : r.directory.get(to);
  return sealEnvelope(
    { v: TRANSPORT_ENVELOPE_VERSION, session: r.session, protocol: r.protocol, round: 1, seq: nextSeq(now), from: r.self, to, sentAt: now },
    payload,
    { identity: r.identity, ...(recipientKey ? { recipientKey } : {}), ...(r.rng ? { rng: r.rng } : {}) },
  );
}

/**
 * Opens an app message addressed to this party (no replay guard: app handlers are idempotent).
 * @throws {TransportError} naming the reason and field (bad signature, unknown sender, …).
 */
export async function openAppMessage(r: Route, textIn: string): Promise<{ from: PartyIndex; payload: Json }> {
  const env = await openEnvelope(textIn, { session: r.session, protocol: r.protocol, self: r.self, identity: r.identity, directory: r.directory, now: r.now, maxAgeMs: 366 * 24 * 3600 * 1000 });
  return { from: env.from, payload: env.payload };
}
