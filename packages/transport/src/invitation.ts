/**
 * Session invitations: the signed document that creates a room on the signalling server and
 * tells every party who the others are.
 *
 * `{ v, session, protocol, creator, parties: [[index, key], …], params, createdAt, expiresAt, sig }`
 * lists every party's index and Ed25519 identity public key (sorted by index, keys distinct),
 * free ceremony parameters (`params`, canonical JSON: threshold, suite, message…), and is
 * signed by the creator — one of the parties — over
 * `"tessera/transport/invitation/v1" ‖ canonical(invitation without sig)`. The server admits
 * only the listed keys to the room; parties take their directory (index → key) from it.
 * @module
 */
import { FieldRangeError, FieldTypeError, assertInteger } from '@tessera/crypto/errors';
import { bytesToHex } from '@tessera/crypto/bytes';
import { canonicalBytes, canonicalJson, expectArray, expectHex, expectObject, parseCanonicalJson, type Json } from '@tessera/protocols/engine/codec';
import { parseSessionId, partyIndex, type PartyIndex, type SessionId } from '@tessera/protocols/engine/ids';
import { TransportError, asTransportError } from './errors.ts';
import { checkIdentityPublicKey, signTagged, verifyTagged, type IdentityKey } from './identity.ts';

/** Signature domain tag of invitations. */
export const INVITATION_TAG = 'tessera/transport/invitation/v1';
/** Largest invitation, in bytes of canonical JSON. */
export const MAX_INVITATION_BYTES = 64 * 1024;
/** Most parties an invitation lists. */
export const MAX_INVITED_PARTIES = 255;

/** A verified invitation. */
export interface Invitation {
  readonly v: 1;
  readonly session: SessionId;
  /** Protocol id of the ceremony (e.g. `tessera/frost/dkg`). */
  readonly protocol: string;
  /** Index of the party that signed the invitation. */
  readonly creator: PartyIndex;
  /** Index → Ed25519 identity public key, in index order. */
  readonly parties: ReadonlyMap<PartyIndex, Uint8Array>;
  /** Ceremony parameters chosen by the creator. */
  readonly params: Json;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The canonical wire text (what the server stores and relays). */
  readonly text: string;
}

/** Options of {@link createInvitation}. */
export interface CreateInvitationOptions {
  readonly session: SessionId;
  readonly protocol: string;
  /** The creator's identity; its public key must be among `parties`. */
  readonly creator: IdentityKey;
  readonly parties: ReadonlyMap<PartyIndex, Uint8Array> | readonly (readonly [number, Uint8Array])[];
  readonly params?: Json;
  /** Lifetime in milliseconds (default 7 days). */
  readonly ttlMs?: number;
  readonly now?: number;
}

/**
 * Creates and signs an invitation.
 * @throws {FieldTypeError} @throws {FieldRangeError} if the creator is not listed, keys are
 *   invalid or repeated, or the invitation is too large.
 */
export function createInvitation(opts: CreateInvitationOptions): Invitation {
  const entries = [...(opts.parties instanceof Map ? opts.parties.entries() : (opts.parties as readonly (readonly [number, Uint8Array])[]))].sort((a, b) => a[0] - b[0]);
  const mine = bytesToHex(opts.creator.publicKey);
  const creator = entries.find(([, k]) => bytesToHex(k) === mine);
  if (!creator) throw new FieldRangeError('parties', 'the creator must be one of the parties');
  const now = opts.now ?? Date.now();
  const ttl = opts.ttlMs ?? 7 * 24 * 3600 * 1000;
  assertInteger('ttlMs', ttl, 1000, 365 * 24 * 3600 * 1000);
  const body: { [k: string]: Json } = {
    v: 1,
    session: parseSessionId(opts.session),
    protocol: opts.protocol,
    creator: creator[0],
    parties: entries.map(([i, k]) => [i, bytesToHex(k)]),
    params: opts.params ?? null,
    createdAt: now,
    expiresAt: now + ttl,
  };
  const sig = signTagged(opts.creator.secretKey, INVITATION_TAG, canonicalBytes(body));
  const text = canonicalJson({ ...body, sig: bytesToHex(sig) });
  try {
    return parseInvitation(text, { now });
  } catch (e) {
    const err = asTransportError(e);
    throw new FieldRangeError(err.field ?? 'invitation', err.message);
  }
}

/**
 * Strictly parses and verifies an invitation (its creator's signature; expiry against `now`
 * unless `now` is null).
 * @throws {TransportError} `oversize`, `malformed` (naming the field), `unsupported-version`,
 *   `bad-signature`, or `stale` (expired).
 */
export function parseInvitation(text: unknown, opts: { now?: number | null } = {}): Invitation {
  if (typeof text !== 'string') throw new TransportError('malformed', 'expected canonical JSON text', 'invitation');
  if (text.length > MAX_INVITATION_BYTES) throw new TransportError('oversize', `more than ${MAX_INVITATION_BYTES} bytes`, 'invitation');
  let parsed;
  try {
    const o = expectObject(parseCanonicalJson(text, 'invitation'), 'invitation', ['v', 'session', 'protocol', 'creator', 'parties', 'params', 'createdAt', 'expiresAt', 'sig']);
    if (o.v !== 1) throw new TransportError('unsupported-version', `unsupported version ${String(o.v)}`, 'invitation.v');
    const session = parseSessionId(o.session, 'invitation.session');
    if (typeof o.protocol !== 'string' || !/^[a-z0-9/-]{1,64}$/.test(o.protocol)) throw new FieldTypeError('invitation.protocol', 'malformed protocol id');
    const creator = partyIndex(o.creator, 'invitation.creator');
    const rows = expectArray(o.parties, 'invitation.parties', 2, MAX_INVITED_PARTIES);
    const parties = new Map<PartyIndex, Uint8Array>();
    const seen = new Set<string>();
    rows.forEach((row, k) => {
      const r = expectArray(row, `invitation.parties[${k}]`, 2, 2);
      const i = partyIndex(r[0], `invitation.parties[${k}][0]`);
      if (k > 0 && i <= [...parties.keys()][k - 1]!) throw new FieldRangeError('invitation.parties', 'indices must be increasing');
      const key = checkIdentityPublicKey(expectHex(r[1], `invitation.parties[${k}][1]`, 32), `invitation.parties[${k}][1]`);
      if (seen.has(r[1] as string)) throw new FieldRangeError(`invitation.parties[${k}][1]`, 'a key is listed twice');
      seen.add(r[1] as string);
      parties.set(i, key);
    });
    if (!parties.has(creator)) throw new FieldRangeError('invitation.creator', 'not one of the parties');
    assertInteger('invitation.createdAt', o.createdAt, 0, Number.MAX_SAFE_INTEGER);
    assertInteger('invitation.expiresAt', o.expiresAt, o.createdAt + 1, Number.MAX_SAFE_INTEGER);
    const sig = expectHex(o.sig, 'invitation.sig', 64);
    const { sig: _omit, ...body } = o;
    parsed = { session, protocol: o.protocol, creator, parties, params: o.params, createdAt: o.createdAt, expiresAt: o.expiresAt, sig, body };
  } catch (e) {
    throw asTransportError(e);
  }
  if (!verifyTagged(parsed.parties.get(parsed.creator)!, parsed.sig, INVITATION_TAG, canonicalBytes(parsed.body)))
    throw new TransportError('bad-signature', 'not signed by its creator', 'invitation.sig');
  if (opts.now !== null && parsed.expiresAt <= (opts.now ?? Date.now())) throw new TransportError('stale', 'expired', 'invitation.expiresAt');
  return Object.freeze({
    v: 1,
    session: parsed.session,
    protocol: parsed.protocol,
    creator: parsed.creator,
    parties: parsed.parties,
    params: parsed.params,
    createdAt: parsed.createdAt,
    expiresAt: parsed.expiresAt,
    text,
  });
}

/** The index under which `publicKey` is invited, if any. */
export function invitedIndex(inv: Invitation, publicKey: Uint8Array): PartyIndex | undefined {
  const h = bytesToHex(publicKey);
  for (const [i, k] of inv.parties) if (bytesToHex(k) === h) return i;
  return undefined;
}
