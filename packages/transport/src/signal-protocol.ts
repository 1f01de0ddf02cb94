/**
 * The signalling protocol between parties and the signal server (JSON text frames over a
 * WebSocket), with strict readers for both directions.
 *
 * 1. On connect the server sends `challenge { nonce }`; the client answers
 *    `hello { key, sig }` with its Ed25519 identity signature on
 *    `"tessera/signal/auth/v1" ‖ nonce ‖ key`, and the server replies `welcome`.
 * 2. Requests carry an `id` and get exactly one `res { id, ok, … }`:
 *    `create { invitation }` (opens the room), `join { session }` (answers with the
 *    invitation, the caller's index and who is online), `leave`, `post { session, to, envelope }`
 *    (stores a sealed envelope in the mailbox, fsync'd, then pushes it to online
 *    recipients; `to` is a list of indices or null for every other party), `read { session,
 *    after, limit }` (mailbox entries for the caller with cursor > after), `ping`.
 *    `signal { session, to, data }` relays SDP/ICE to one online party (`unreachable` if offline).
 * 3. Server pushes: `message { session, cursor, from, envelope }`, `signal { session, from, data }`,
 *    `presence { session, party, online }`.
 * Nothing here carries a secret: envelopes are signed and p2p payloads are end-to-end encrypted.
 * @module
 */
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { canonicalJson, expectArray, expectHex, expectObject, type Json } from '@tessera/protocols/engine/codec';
import { parseSessionId, partyIndex, type PartyIndex, type SessionId } from '@tessera/protocols/engine/ids';
import { TransportError, asTransportError, type TransportErrorReason } from './errors.ts';

export type { Json, PartyIndex, SessionId };
/** Session id and party index constructors, re-exported for server code and tools. */
export { newSessionId, parseSessionId, partyIndex } from '@tessera/protocols/engine/ids';

/** Protocol name sent in the challenge. */
export const SIGNAL_PROTOCOL_VERSION = 'tessera-signal/1';
/** Domain tag of the authentication signature. */
export const SIGNAL_AUTH_TAG = 'tessera/signal/auth/v1';
/** Largest `data` of a relayed signal (SDP, ICE), in bytes. */
export const MAX_SIGNAL_DATA_BYTES = 16 * 1024;
/** Most mailbox entries one `read` returns. */
export const MAX_READ_LIMIT = 1000;

/** A client request or notification. */
export type ClientMessage =
  | { readonly t: 'hello'; readonly key: string; readonly sig: string }
  | { readonly t: 'create'; readonly id: number; readonly invitation: string }
  | { readonly t: 'join'; readonly id: number; readonly session: SessionId }
  | { readonly t: 'leave'; readonly id: number; readonly session: SessionId }
  | { readonly t: 'post'; readonly id: number; readonly session: SessionId; readonly to: readonly PartyIndex[] | null; readonly envelope: string }
  | { readonly t: 'read'; readonly id: number; readonly session: SessionId; readonly after: number; readonly limit: number }
  | { readonly t: 'ping'; readonly id: number }
  | { readonly t: 'signal'; readonly id: number; readonly session: SessionId; readonly to: PartyIndex; readonly data: Json };

/** One stored mailbox entry as the server returns it. */
export interface MailboxItem {
  readonly cursor: number;
  readonly from: PartyIndex;
  readonly envelope: string;
}

/** A server message. */
export type ServerMessage =
  | { readonly t: 'challenge'; readonly nonce: string; readonly version: string; readonly maxMessageBytes: number }
  | { readonly t: 'welcome' }
  | { readonly t: 'res'; readonly id: number; readonly ok: true; readonly result: Json }
  | { readonly t: 'res'; readonly id: number; readonly ok: false; readonly reason: TransportErrorReason; readonly message: string }
  | { readonly t: 'message'; readonly session: SessionId; readonly cursor: number; readonly from: PartyIndex; readonly envelope: string }
  | { readonly t: 'signal'; readonly session: SessionId; readonly from: PartyIndex; readonly data: Json }
  | { readonly t: 'presence'; readonly session: SessionId; readonly party: PartyIndex; readonly online: boolean }
  | { readonly t: 'bye'; readonly reason: string };

function requestId(v: Json, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new FieldRangeError(field, 'expected a non-negative integer id');
  return v;
}

function cursor(v: Json, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new FieldRangeError(field, 'expected a non-negative integer');
  return v;
}

function jsonText(text: unknown, maxBytes: number, what: string): Record<string, Json> {
  if (typeof text !== 'string') throw new TransportError('malformed', 'expected a text frame', what);
  if (text.length > maxBytes) throw new TransportError('oversize', `frame over ${maxBytes} bytes`, what);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new TransportError('malformed', 'not JSON', what);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TransportError('malformed', 'expected an object', what);
  return v as Record<string, Json>;
}

function signalData(v: Json, field: string): Json {
  const text = canonicalJson(v, field);
  if (text.length > MAX_SIGNAL_DATA_BYTES) throw new TransportError('oversize', `more than ${MAX_SIGNAL_DATA_BYTES} bytes`, field);
  return v;
}

/**
 * Strictly reads a client frame.
 * @throws {TransportError} `oversize` or `malformed` naming the field.
 */
export function parseClientMessage(text: unknown, maxBytes: number): ClientMessage {
  const o = jsonText(text, maxBytes, 'request');
  try {
    switch (o.t) {
      case 'hello': {
        const m = expectObject(o, 'hello', ['t', 'key', 'sig']);
        expectHex(m.key, 'hello.key', 32);
        expectHex(m.sig, 'hello.sig', 64);
        return { t: 'hello', key: m.key as string, sig: m.sig as string };
      }
      case 'create': {
        const m = expectObject(o, 'create', ['t', 'id', 'invitation']);
        if (typeof m.invitation !== 'string') throw new FieldTypeError('create.invitation', 'expected canonical JSON text');
        return { t: 'create', id: requestId(m.id, 'create.id'), invitation: m.invitation };
      }
      case 'join':
      case 'leave': {
        const m = expectObject(o, o.t, ['t', 'id', 'session']);
        return { t: o.t, id: requestId(m.id, `${o.t}.id`), session: parseSessionId(m.session, `${o.t}.session`) };
      }
      case 'post': {
        const m = expectObject(o, 'post', ['t', 'id', 'session', 'to', 'envelope']);
        const to = m.to === null ? null : expectArray(m.to, 'post.to', 1, 255).map((x, k) => partyIndex(x, `post.to[${k}]`));
        if (typeof m.envelope !== 'string') throw new FieldTypeError('post.envelope', 'expected envelope text');
        return { t: 'post', id: requestId(m.id, 'post.id'), session: parseSessionId(m.session, 'post.session'), to, envelope: m.envelope };
      }
      case 'read': {
        const m = expectObject(o, 'read', ['t', 'id', 'session', 'after', 'limit']);
        const limit = cursor(m.limit, 'read.limit');
        if (limit < 1 || limit > MAX_READ_LIMIT) throw new FieldRangeError('read.limit', `expected 1..${MAX_READ_LIMIT}`);
        return { t: 'read', id: requestId(m.id, 'read.id'), session: parseSessionId(m.session, 'read.session'), after: cursor(m.after, 'read.after'), limit };
      }
      case 'ping': {
        const m = expectObject(o, 'ping', ['t', 'id']);
        return { t: 'ping', id: requestId(m.id, 'ping.id') };
      }
      case 'signal': {
        const m = expectObject(o, 'signal', ['t', 'id', 'session', 'to', 'data']);
        return { t: 'signal', id: requestId(m.id, 'signal.id'), session: parseSessionId(m.session, 'signal.session'), to: partyIndex(m.to, 'signal.to'), data: signalData(m.data, 'signal.data') };
      }
      default:
        throw new FieldTypeError('request.t', 'unknown request type');
    }
  } catch (e) {
    throw asTransportError(e);
  }
}

/**
 * Strictly reads a server frame (the client trusts the server for nothing but delivery:
 * envelopes and invitations inside are verified separately).
 * @throws {TransportError} `oversize` or `malformed` naming the field.
 */
export function parseServerMessage(text: unknown, maxBytes: number): ServerMessage {
  const o = jsonText(text, maxBytes, 'server');
  try {
    switch (o.t) {
      case 'challenge': {
        const m = expectObject(o, 'challenge', ['t', 'nonce', 'version', 'maxMessageBytes']);
        expectHex(m.nonce, 'challenge.nonce', 32);
        if (m.version !== SIGNAL_PROTOCOL_VERSION) throw new FieldRangeError('challenge.version', `unsupported server protocol ${String(m.version)}`);
        return { t: 'challenge', nonce: m.nonce as string, version: m.version, maxMessageBytes: cursor(m.maxMessageBytes, 'challenge.maxMessageBytes') };
      }
      case 'welcome':
        expectObject(o, 'welcome', ['t']);
        return { t: 'welcome' };
      case 'res': {
        if (o.ok === true) {
          const m = expectObject(o, 'res', ['t', 'id', 'ok', 'result']);
          return { t: 'res', id: requestId(m.id, 'res.id'), ok: true, result: m.result };
        }
        const m = expectObject(o, 'res', ['t', 'id', 'ok', 'reason', 'message']);
        if (m.ok !== false || typeof m.reason !== 'string' || typeof m.message !== 'string') throw new FieldTypeError('res', 'malformed error response');
        return { t: 'res', id: requestId(m.id, 'res.id'), ok: false, reason: m.reason as TransportErrorReason, message: m.message };
      }
      case 'message': {
        const m = expectObject(o, 'message', ['t', 'session', 'cursor', 'from', 'envelope']);
        if (typeof m.envelope !== 'string') throw new FieldTypeError('message.envelope', 'expected text');
        return { t: 'message', session: parseSessionId(m.session, 'message.session'), cursor: cursor(m.cursor, 'message.cursor'), from: partyIndex(m.from, 'message.from'), envelope: m.envelope };
      }
      case 'signal': {
        const m = expectObject(o, 'signal', ['t', 'session', 'from', 'data']);
        return { t: 'signal', session: parseSessionId(m.session, 'signal.session'), from: partyIndex(m.from, 'signal.from'), data: signalData(m.data, 'signal.data') };
      }
      case 'presence': {
        const m = expectObject(o, 'presence', ['t', 'session', 'party', 'online']);
        if (typeof m.online !== 'boolean') throw new FieldTypeError('presence.online', 'expected a boolean');
        return { t: 'presence', session: parseSessionId(m.session, 'presence.session'), party: partyIndex(m.party, 'presence.party'), online: m.online };
      }
      case 'bye': {
        const m = expectObject(o, 'bye', ['t', 'reason']);
        if (typeof m.reason !== 'string') throw new FieldTypeError('bye.reason', 'expected text');
        return { t: 'bye', reason: m.reason };
      }
      default:
        throw new FieldTypeError('server.t', 'unknown message type');
    }
  } catch (e) {
    throw asTransportError(e);
  }
}

/** Reads the mailbox items of a `read` result. @throws {TransportError} `malformed`. */
export function parseMailboxItems(result: Json): { items: MailboxItem[]; more: boolean } {
  try {
    const o = expectObject(result, 'read', ['items', 'more']);
    if (typeof o.more !== 'boolean') throw new FieldTypeError('read.more', 'expected a boolean');
    const items = expectArray(o.items, 'read.items', 0, MAX_READ_LIMIT).map((x, k) => {
      const it = expectObject(x, `read.items[${k}]`, ['cursor', 'from', 'envelope']);
      if (typeof it.envelope !== 'string') throw new FieldTypeError(`read.items[${k}].envelope`, 'expected text');
      return { cursor: cursor(it.cursor, `read.items[${k}].cursor`), from: partyIndex(it.from, `read.items[${k}].from`), envelope: it.envelope };
    });
    return { items, more: o.more };
  } catch (e) {
    throw asTransportError(e);
  }
}
