/**
 * The transport envelope: what parties exchange over any transport, and its strict reader.
 *
 * Wire form: canonical JSON (keys sorted, no whitespace) of
 * `{ v, session, protocol, round, seq, from, to, sentAt, payload, sig }`, where `to` is a
 * party index for a point-to-point message or `null` for a broadcast, `seq` is the sender's
 * per-session sequence number (1, 2, …), `sentAt` milliseconds since the Unix epoch, and
 * `sig` the sender's Ed25519 identity signature on
 * `"tessera/transport/envelope/v1" ‖ canonical(envelope without sig)` (length-prefixed).
 *
 * Point-to-point payloads are encrypted end to end (an ECIES construction; the server and
 * other parties only ever see `{ epk, ct }`): the sender draws an ephemeral X25519 key e,
 * computes Z = X25519(e, R) with R the recipient's X25519 identity key (see identity.ts),
 * `HKDF-SHA256(Z, salt = E ‖ R, info = "tessera/transport/p2p/v1")` → 32-byte AES key ‖
 * 12-byte IV (single use: every message has a fresh e), and encrypts the canonical JSON of
 * the payload with AES-256-GCM, the canonical header as associated data. HKDF and AES-GCM run
 * in WebCrypto (`crypto.subtle`), X25519 and Ed25519 in noble. The signature covers the
 * ciphertext and the header, so nothing can be altered or re-attributed.
 *
 * {@link openEnvelope} checks, in order: size, syntax (strict, canonical, no unknown field),
 * version, session, protocol, known sender, recipient, signature, clock window, replay
 * (session, from, seq), decryption — and throws a {@link TransportError} naming the reason and
 * field; {@link createEnvelopeCodec} counts every rejection.
 * @module
 */
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { randomBytes, type RandomSource } from '@tessera/crypto/rng';
import { canonicalBytes, canonicalJson, expectHex, expectObject, parseCanonicalJson, type Json } from '@tessera/protocols/engine/codec';
import { lengthPrefixed } from '@tessera/protocols/engine/hash';
import { parseSessionId, partyIndex, type PartyIndex, type SessionId } from '@tessera/protocols/engine/ids';
import { TransportError, asTransportError, createRejectionCounters, type RejectionCounters } from './errors.ts';
import { signTagged, verifyTagged, x25519Dh, x25519Public, x25519PublicOf, x25519SecretOf, type IdentityKey } from './identity.ts';
import { MAX_SEQUENCE, createReplayGuard, type ReplayGuard } from './replay.ts';

/** Envelope format version. */
export const TRANSPORT_ENVELOPE_VERSION = 1;
/** Signature domain tag. */
export const ENVELOPE_SIGNATURE_TAG = 'tessera/transport/envelope/v1';
/** HKDF info of point-to-point encryption. */
export const P2P_KDF_INFO = 'tessera/transport/p2p/v1';
/** Default largest envelope accepted, in bytes of UTF-8. */
export const DEFAULT_MAX_ENVELOPE_BYTES = 512 * 1024;
/** Default tolerated clock skew for `sentAt` in the future (10 minutes). */
export const DEFAULT_MAX_SKEW_MS = 10 * 60 * 1000;
/** Default largest age of an envelope (30 days: mailbox ceremonies may take long). */
export const DEFAULT_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

/** The routing header of an envelope (everything but payload and signature). */
export interface EnvelopeHeader {
  readonly v: typeof TRANSPORT_ENVELOPE_VERSION;
  readonly session: SessionId;
  /** Protocol id, e.g. `tessera/frost/dkg`. */
  readonly protocol: string;
  /** Protocol round (1..1000). */
  readonly round: number;
  /** Sender's sequence number within the session (1..2^53−1). */
  readonly seq: number;
  readonly from: PartyIndex;
  /** Recipient, or null for a broadcast. */
  readonly to: PartyIndex | null;
  /** Milliseconds since the Unix epoch at sealing. */
  readonly sentAt: number;
}

/** An envelope as carried on the wire: the payload is ciphertext `{ epk, ct }` when `to` is set. */
export interface WireEnvelope extends EnvelopeHeader {
  readonly payload: Json;
  /** Hex Ed25519 signature (64 bytes). */
  readonly sig: string;
}

/** An authenticated, decrypted envelope. */
export interface OpenedEnvelope extends EnvelopeHeader {
  /** The plaintext payload. */
  readonly payload: Json;
  /** UTF-8 size of the wire form. */
  readonly bytes: number;
}

const utf8 = new TextEncoder();

function header(e: EnvelopeHeader): { [k: string]: Json } {
  return { v: e.v, session: e.session, protocol: e.protocol, round: e.round, seq: e.seq, from: e.from, to: e.to, sentAt: e.sentAt };
}

/**
 * The bytes the sender signs: `tag ‖ canonical(envelope without sig)`, length-prefixed.
 * @throws {FieldTypeError} if the payload is not canonical JSON.
 */
export function envelopeSigningBytes(env: Omit<WireEnvelope, 'sig'>): Uint8Array {
  return lengthPrefixed([ENVELOPE_SIGNATURE_TAG, canonicalBytes({ ...header(env), payload: env.payload })]);
}

/** UTF-8 byte length of a string without encoding it twice for short inputs. */
function byteLength(text: string): number {
  return utf8.encode(text).length;
}

function fail(reason: ConstructorParameters<typeof TransportError>[0], field: string | undefined, message: string): never {
  throw new TransportError(reason, message, field);
}

/**
 * Strictly parses the wire form of an envelope (does not verify it).
 * @throws {TransportError} `oversize` above `maxBytes`; `unsupported-version`; `malformed`
 *   (not canonical JSON, unknown or missing field, wrong type or range), naming the field.
 */
export function parseWireEnvelope(text: unknown, maxBytes = DEFAULT_MAX_ENVELOPE_BYTES): WireEnvelope & { readonly bytes: number } {
  if (typeof text !== 'string') fail('malformed', 'envelope', 'expected text');
  if (text.length > maxBytes) fail('oversize', 'envelope', `more than ${maxBytes} bytes`);
  const bytes = byteLength(text);
  if (bytes > maxBytes) fail('oversize', 'envelope', `${bytes} bytes, limit ${maxBytes}`);
  try {
    const o = expectObject(parseCanonicalJson(text, 'envelope'), 'envelope', ['v', 'session', 'protocol', 'round', 'seq', 'from', 'to', 'sentAt', 'payload', 'sig']);
    if (o.v !== TRANSPORT_ENVELOPE_VERSION) fail('unsupported-version', 'envelope.v', `unsupported version ${String(o.v)}`);
    const session = parseSessionId(o.session, 'envelope.session');
    const protocol = o.protocol;
    if (typeof protocol !== 'string' || !/^[a-z0-9/-]{1,64}$/.test(protocol)) throw new FieldTypeError('envelope.protocol', 'malformed protocol id');
    const round = o.round;
    if (typeof round !== 'number' || !Number.isSafeInteger(round) || round < 1 || round > 1000) throw new FieldRangeError('envelope.round', 'expected an integer 1..1000');
    const seq = o.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1 || seq > MAX_SEQUENCE) throw new FieldRangeError('envelope.seq', 'expected a positive integer');
    const from = partyIndex(o.from, 'envelope.from');
    const to = o.to === null ? null : partyIndex(o.to, 'envelope.to');
    if (to === from) throw new FieldRangeError('envelope.to', 'a party does not send to itself');
    const sentAt = o.sentAt;
    if (typeof sentAt !== 'number' || !Number.isSafeInteger(sentAt) || sentAt < 0) throw new FieldRangeError('envelope.sentAt', 'expected milliseconds since the epoch');
    expectHex(o.sig, 'envelope.sig', 64);
    if (to !== null) {
      const p = expectObject(o.payload, 'envelope.payload', ['epk', 'ct']);
      expectHex(p.epk, 'envelope.payload.epk', 32);
      const ct = expectHex(p.ct, 'envelope.payload.ct');
      if (ct.length < 16) throw new FieldRangeError('envelope.payload.ct', 'shorter than the GCM tag');
    }
    return { v: TRANSPORT_ENVELOPE_VERSION, session, protocol, round, seq, from, to, sentAt, payload: o.payload, sig: o.sig as string, bytes };
  } catch (e) {
    throw asTransportError(e);
  }
}

/** True iff `env` carries `publicKey`'s valid signature. Never throws. */
export function verifyWireEnvelope(env: WireEnvelope, publicKey: Uint8Array): boolean {
  let sig: Uint8Array;
  try {
    sig = hexToBytes(env.sig);
  } catch {
    return false;
  }
  return verifyTagged(publicKey, sig, ENVELOPE_SIGNATURE_TAG, canonicalBytes({ ...header(env), payload: env.payload }));
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new TransportError('unreachable', 'WebCrypto (crypto.subtle) is not available');
  return s;
}

const ab = (u: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(u);

/** AES-256-GCM key and IV for one message from the X25519 shared secret. */
async function deriveAead(shared: Uint8Array, epk: Uint8Array, rpk: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<{ key: CryptoKey; iv: Uint8Array<ArrayBuffer> }> {
  const s = subtle();
  const ikm = await s.importKey('raw', ab(shared), 'HKDF', false, ['deriveBits']);
  const salt = new Uint8Array(64);
  salt.set(epk, 0);
  salt.set(rpk, 32);
  const okm = new Uint8Array(await s.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: utf8.encode(P2P_KDF_INFO) }, ikm, 44 * 8));
  const key = await s.importKey('raw', okm.subarray(0, 32), { name: 'AES-GCM' }, false, [usage]);
  const iv = okm.slice(32, 44);
  okm.fill(0);
  return { key, iv };
}

function aad(h: EnvelopeHeader): Uint8Array<ArrayBuffer> {
  return ab(lengthPrefixed([P2P_KDF_INFO, canonicalBytes(header(h))]));
}

function isZero(b: Uint8Array): boolean {
  let acc = 0;
  for (const x of b) acc |= x;
  return acc === 0;
}

/** Options of {@link sealEnvelope}. */
export interface SealOptions {
  /** The sender's identity. Security: secret key stays local. */
  readonly identity: IdentityKey;
  /** Recipient's Ed25519 identity public key (required when `header.to` is set). */
  readonly recipientKey?: Uint8Array;
  readonly rng?: RandomSource;
}

/**
 * Seals an envelope: encrypts a point-to-point payload to its recipient, signs, and returns
 * the canonical wire text.
 * @throws {FieldTypeError} if the payload is not canonical JSON or a p2p header comes without
 *   `recipientKey`. @throws {FieldRangeError} on a bad recipient key.
 * @throws {TransportError} `malformed` on a bad header field; `unreachable` without WebCrypto.
 */
export async function sealEnvelope(h: EnvelopeHeader, payload: Json, opts: SealOptions): Promise<string> {
  canonicalJson(payload, 'payload');
  let wirePayload: Json = payload;
  if (h.to !== null) {
    if (!opts.recipientKey) throw new FieldTypeError('recipientKey', 'a point-to-point envelope needs the recipient key');
    const rpk = x25519PublicOf(opts.recipientKey);
    const e = randomBytes(32, opts.rng);
    const epk = x25519Public(e);
    const z = x25519Dh(e, rpk);
    e.fill(0);
    const { key, iv } = await deriveAead(z, epk, rpk, 'encrypt');
    z.fill(0);
    const pt = ab(canonicalBytes(payload));
    const ct = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad(h) }, key, pt));
    pt.fill(0);
    wirePayload = { epk: bytesToHex(epk), ct: bytesToHex(ct) };
  }
  const unsigned = { ...h, v: TRANSPORT_ENVELOPE_VERSION, payload: wirePayload } as const;
  const checked = parseWireEnvelope(canonicalJson({ ...header(unsigned), payload: wirePayload, sig: '00'.repeat(64) }), Number.MAX_SAFE_INTEGER);
  const sig = signTagged(opts.identity.secretKey, ENVELOPE_SIGNATURE_TAG, canonicalBytes({ ...header(checked), payload: wirePayload }));
  return canonicalJson({ ...header(checked), payload: wirePayload, sig: bytesToHex(sig) });
}

/** What {@link openEnvelope} checks an envelope against. */
export interface OpenOptions {
  /** The session this party is in. */
  readonly session: SessionId;
  /** Expected protocol id; any when omitted. */
  readonly protocol?: string;
  /** This party. */
  readonly self: PartyIndex;
  /** This party's identity (decrypts p2p payloads). */
  readonly identity: IdentityKey;
  /** Ed25519 identity public keys of the session's parties. */
  readonly directory: ReadonlyMap<PartyIndex, Uint8Array>;
  /** Replay guard; envelopes pass through it once accepted. */
  readonly replay?: ReplayGuard;
  readonly maxBytes?: number;
  readonly maxSkewMs?: number;
  readonly maxAgeMs?: number;
  /** Clock (ms since the epoch); defaults to `Date.now`. */
  readonly now?: () => number;
}

/**
 * Authenticates, checks and decrypts one envelope. On success the envelope is recorded in
 * the replay guard.
 * @throws {TransportError} with reason `oversize`, `malformed`, `unsupported-version`,
 *   `wrong-session`, `wrong-protocol`, `unknown-sender`, `misrouted`, `bad-signature`,
 *   `stale`, `replay` or `decrypt-failed`, naming the field at fault.
 */
export async function openEnvelope(text: unknown, o: OpenOptions): Promise<OpenedEnvelope> {
  const env = parseWireEnvelope(text, o.maxBytes ?? DEFAULT_MAX_ENVELOPE_BYTES);
  if (env.session !== o.session) fail('wrong-session', 'envelope.session', 'not this session');
  if (o.protocol !== undefined && env.protocol !== o.protocol) fail('wrong-protocol', 'envelope.protocol', `expected ${o.protocol}`);
  const pk = env.from === o.self ? undefined : o.directory.get(env.from);
  if (!pk) fail('unknown-sender', 'envelope.from', `party ${env.from} is not another party of the session`);
  if (env.to !== null && env.to !== o.self) fail('misrouted', 'envelope.to', `addressed to party ${env.to}`);
  if (!verifyWireEnvelope(env, pk)) fail('bad-signature', 'envelope.sig', `invalid signature of party ${env.from}`);
  const now = (o.now ?? Date.now)();
  if (env.sentAt > now + (o.maxSkewMs ?? DEFAULT_MAX_SKEW_MS)) fail('stale', 'envelope.sentAt', 'sent in the future');
  if (env.sentAt < now - (o.maxAgeMs ?? DEFAULT_MAX_AGE_MS)) fail('stale', 'envelope.sentAt', 'too old');
  if (o.replay && o.replay.check(env.session, env.from, env.seq) !== 'new') fail('replay', 'envelope.seq', `sequence ${env.seq} of party ${env.from} already seen`);
  let payload: Json = env.payload;
  if (env.to !== null) {
    const p = env.payload as { epk: string; ct: string };
    const epk = hexToBytes(p.epk);
    let pt: Uint8Array;
    try {
      const sk = x25519SecretOf(o.identity.secretKey);
      const rpk = x25519Public(sk);
      const z = x25519Dh(sk, epk);
      sk.fill(0);
      if (isZero(z)) throw new Error('low-order ephemeral key');
      const { key, iv } = await deriveAead(z, epk, rpk, 'decrypt');
      z.fill(0);
      pt = new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: aad(env) }, key, ab(hexToBytes(p.ct))));
    } catch (e) {
      throw new TransportError('decrypt-failed', `cannot decrypt the payload from party ${env.from}`, 'envelope.payload.ct', { cause: e });
    }
    try {
      payload = parseCanonicalJson(new TextDecoder('utf-8', { fatal: true }).decode(pt), 'envelope.payload');
    } catch (e) {
      throw asTransportError(e);
    } finally {
      pt.fill(0);
    }
  }
  o.replay?.mark(env.session, env.from, env.seq);
  return { v: env.v, session: env.session, protocol: env.protocol, round: env.round, seq: env.seq, from: env.from, to: env.to, sentAt: env.sentAt, payload, bytes: env.bytes };
}

/** Seals and opens envelopes for one party in one session, counting rejections. */
export interface EnvelopeCodec {
  readonly session: SessionId;
  readonly self: PartyIndex;
  /** Rejected inputs by reason. */
  readonly rejections: RejectionCounters;
  /** The replay guard in use (its state is persisted by the runner). */
  readonly replay: ReplayGuard;
  /**
   * Seals one message (see {@link sealEnvelope}).
   * @throws {FieldTypeError} @throws {FieldRangeError} on a bad payload or recipient.
   * @throws {TransportError} `malformed` on a bad header field.
   */
  seal(m: { readonly protocol: string; readonly round: number; readonly seq: number; readonly to: PartyIndex | null; readonly payload: Json; readonly sentAt?: number }): Promise<string>;
  /**
   * Opens one envelope (see {@link openEnvelope}); a rejection is counted, then rethrown.
   * @throws {TransportError} on any rejection.
   */
  open(text: unknown): Promise<OpenedEnvelope>;
}

/** Options of {@link createEnvelopeCodec}. */
export interface EnvelopeCodecOptions extends Omit<OpenOptions, 'replay'> {
  readonly replay?: ReplayGuard;
  readonly rng?: RandomSource;
}

/**
 * A codec for `self` in `session`.
 * @throws {FieldTypeError} @throws {FieldRangeError} if `self` has no key in the directory or
 *   its key differs from `identity`.
 */
export function createEnvelopeCodec(opts: EnvelopeCodecOptions): EnvelopeCodec {
  const session = parseSessionId(opts.session);
  const self = partyIndex(opts.self, 'self');
  const mine = opts.directory.get(self);
  if (!mine || bytesToHex(mine) !== bytesToHex(opts.identity.publicKey)) throw new FieldRangeError('directory', 'the directory must list this party with its own identity key');
  const rejections = createRejectionCounters();
  const replay = opts.replay ?? createReplayGuard();
  const openOpts: OpenOptions = { ...opts, session, self, replay };
  const now = opts.now ?? Date.now;
  return {
    session,
    self,
    rejections,
    replay,
    async seal(m) {
      const to = m.to === null ? null : partyIndex(m.to, 'to');
      const recipientKey = to === null ? undefined : opts.directory.get(to);
      if (to !== null && !recipientKey) throw new FieldRangeError('to', `party ${to} is not in the directory`);
      const h: EnvelopeHeader = { v: TRANSPORT_ENVELOPE_VERSION, session, protocol: m.protocol, round: m.round, seq: m.seq, from: self, to, sentAt: m.sentAt ?? now() };
      return sealEnvelope(h, m.payload, { identity: opts.identity, ...(recipientKey ? { recipientKey } : {}), ...(opts.rng ? { rng: opts.rng } : {}) });
    },
    async open(text) {
      try {
        return await openEnvelope(text, openOpts);
      } catch (e) {
        const err = asTransportError(e);
        rejections.count(err.reason);
        throw err;
      }
    },
  };
}
