/**
 * Epochs of a threshold Paillier committee: the record {epoch, N, parties with their identity
 * keys, threshold, verification keys, created-at} that every member signs with its Ed25519
 * identity key, and the committee's public file that carries it.
 *
 * A record is only used once every member's signature on it verifies
 * ({@link parseCommitteePublic}); a changed field breaks every signature. Members sign a
 * record only after checking their own share against it ({@link signEpochRecord} takes the
 * validated share). Rotation is a new key generation (epoch + 1); resharing keeps N and gives a
 * new record for the new committee (mode `reshare`).
 *
 * Encodings (version 1, strict: exact fields, fixed-length lower-case hex):
 * - record `tessera/threshold-paillier-epoch`: version, kind, epoch, mode, bits, n, threshold,
 *   parties [{index, identityKey}], v, verificationKeys [hex], theta, shareBits, createdAt;
 * - committee file `tessera/threshold-paillier-committee`: version, kind, n, epoch (the record),
 *   signatures [{index, signature}].
 * The signed message is `len‖"tessera/threshold-paillier/epoch/v1" ‖ len‖canonical-JSON(record)`;
 * the epoch id is SHA-256 of that message.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bigIntToHex, bytesToBigInt, bytesToHex } from '@tessera/crypto/bytes';
import { CryptoError, FieldRangeError, FieldTypeError, assertBytes, assertInteger } from '@tessera/crypto/errors';
import { canonicalBytes, expectArray, expectHex, expectObject, expectString, hex, type JsonObject } from '../engine/codec.ts';
import { lengthPrefixed } from '../engine/hash.ts';
import { partyIndex, type PartyIndex } from '../engine/ids.ts';
import {
  THRESHOLD_PAILLIER_MAX_BITS,
  elementBytes,
  modulusBytes,
  validateThresholdPublicKey,
  type ThresholdKeyOptions,
  type ThresholdPaillierKeyShare,
  type ThresholdPaillierPublicKey,
} from './key.ts';
import { MAX_COMMITTEE_SIZE } from './math.ts';

/** Kind and version of the epoch record. */
export const EPOCH_RECORD_KIND = 'tessera/threshold-paillier-epoch';
export const EPOCH_RECORD_VERSION = 1;
/** Kind and version of the committee's public file. */
export const COMMITTEE_PUBLIC_KIND = 'tessera/threshold-paillier-committee';
export const COMMITTEE_PUBLIC_VERSION = 1;
/** Domain tag of epoch signatures. */
export const EPOCH_SIGNATURE_TAG = 'tessera/threshold-paillier/epoch/v1';

/** How the epoch's key came about. */
export type EpochMode = 'dealer' | 'dkg' | 'reshare';
const MODES: readonly EpochMode[] = ['dealer', 'dkg', 'reshare'];

/** An epoch record (unsigned). */
export interface EpochRecord {
  /** Epoch number, ≥ 1; a rotation or resharing increments it. */
  readonly epoch: number;
  readonly mode: EpochMode;
  readonly publicKey: ThresholdPaillierPublicKey;
  /** Ed25519 identity public keys of parties 1..n, in order. */
  readonly identityKeys: readonly Uint8Array[];
  /** Creation time, ISO 8601 UTC (`YYYY-MM-DDTHH:MM:SS(.sss)Z`). */
  readonly createdAt: string;
}

/** A record with every member's signature, checked. */
export interface SignedEpoch {
  readonly record: EpochRecord;
  /** Signature of each party 1..n, in order. */
  readonly signatures: readonly Uint8Array[];
  /** SHA-256 of the signed message: what share files and proofs refer to. */
  readonly id: Uint8Array;
}

/** Some members' signatures are missing or invalid. */
export class EpochSignatureError extends CryptoError {
  /** Parties whose signature is missing or does not verify. */
  readonly culprits: readonly PartyIndex[];
  constructor(culprits: readonly PartyIndex[]) {
    super(`epoch record signature missing or invalid for part${culprits.length === 1 ? 'y' : 'ies'} ${culprits.join(', ')}`, 'signatures');
    this.name = 'EpochSignatureError';
    this.culprits = Object.freeze([...culprits]);
  }
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/**
 * Checks a creation time: ISO 8601 UTC, `YYYY-MM-DDTHH:MM:SS(.sss)Z`.
 * @throws {FieldTypeError} naming `field`.
 */
export function checkCreatedAt(s: unknown, field: string): string {
  const t = expectString(s, field);
  if (!ISO_UTC.test(t) || Number.isNaN(Date.parse(t))) throw new FieldTypeError(field, 'expected an ISO 8601 UTC time like 2025-01-31T12:00:00.000Z');
  return t;
}

/**
 * Builds a record from a validated public key.
 * @throws {FieldRangeError} @throws {FieldTypeError} on a malformed epoch, mode, key list or time.
 */
export function createEpochRecord(opts: {
  epoch: number;
  mode: EpochMode;
  publicKey: ThresholdPaillierPublicKey;
  identityKeys: readonly Uint8Array[];
  createdAt: string;
}): EpochRecord {
  assertInteger('epoch', opts.epoch, 1, Number.MAX_SAFE_INTEGER);
  if (!MODES.includes(opts.mode)) throw new FieldRangeError('mode', 'expected dealer, dkg or reshare');
  if (!Array.isArray(opts.identityKeys) || opts.identityKeys.length !== opts.publicKey.parties.length)
    throw new FieldRangeError('identityKeys', `expected ${opts.publicKey.parties.length} identity keys`);
  opts.identityKeys.forEach((k, i) => assertBytes(`identityKeys[${i}]`, k, 32));
  checkCreatedAt(opts.createdAt, 'createdAt');
  return Object.freeze({
    epoch: opts.epoch,
    mode: opts.mode,
    publicKey: opts.publicKey,
    identityKeys: Object.freeze(opts.identityKeys.map((k) => k.slice())),
    createdAt: opts.createdAt,
  });
}

/** The canonical JSON object of a record. */
export function encodeEpochRecord(record: EpochRecord): JsonObject {
  const pk = record.publicKey;
  const eb = elementBytes(pk);
  const nb = modulusBytes(pk);
  return {
    version: EPOCH_RECORD_VERSION,
    kind: EPOCH_RECORD_KIND,
    epoch: record.epoch,
    mode: record.mode,
    bits: pk.bits,
    n: bigIntToHex(pk.N, nb),
    threshold: pk.threshold,
    parties: pk.parties.map((i) => ({ index: i, identityKey: hex(record.identityKeys[i - 1]!) })),
    v: bigIntToHex(pk.v, eb),
    verificationKeys: pk.verificationKeys.map((vk) => bigIntToHex(vk, eb)),
    theta: bigIntToHex(pk.theta, nb),
    shareBits: pk.shareBits,
    createdAt: record.createdAt,
  };
}

/**
 * Strictly parses a record and validates its public key (every algebraic check of
 * `validateThresholdPublicKey`). Signatures are checked by {@link parseCommitteePublic}.
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError} naming the field.
 */
export function parseEpochRecord(value: unknown, opts: ThresholdKeyOptions = {}, field = 'epoch'): EpochRecord {
  const o = expectObject(value, field, [
    'version', 'kind', 'epoch', 'mode', 'bits', 'n', 'threshold', 'parties', 'v', 'verificationKeys', 'theta', 'shareBits', 'createdAt',
  ]);
  if (o.version !== EPOCH_RECORD_VERSION) throw new FieldRangeError(`${field}.version`, `unsupported version ${String(o.version)}`);
  if (o.kind !== EPOCH_RECORD_KIND) throw new FieldTypeError(`${field}.kind`, `expected "${EPOCH_RECORD_KIND}"`);
  assertInteger(`${field}.epoch`, o.epoch, 1, Number.MAX_SAFE_INTEGER);
  if (!MODES.includes(o.mode as EpochMode)) throw new FieldRangeError(`${field}.mode`, 'expected dealer, dkg or reshare');
  assertInteger(`${field}.bits`, o.bits, 1, THRESHOLD_PAILLIER_MAX_BITS);
  const nb = Math.ceil(o.bits / 8);
  const N = bytesToBigInt(expectHex(o.n, `${field}.n`, nb));
  if (N.toString(2).length !== o.bits) throw new FieldRangeError(`${field}.n`, `N does not have ${o.bits} bits`);
  const eb = Math.ceil((N * N).toString(2).length / 8);
  const list = expectArray(o.parties, `${field}.parties`, 1, MAX_COMMITTEE_SIZE);
  const identityKeys = list.map((row, k) => {
    const r = expectObject(row, `${field}.parties[${k}]`, ['index', 'identityKey']);
    if (partyIndex(r.index, `${field}.parties[${k}].index`) !== k + 1) throw new FieldRangeError(`${field}.parties[${k}].index`, `expected ${k + 1}`);
    return expectHex(r.identityKey, `${field}.parties[${k}].identityKey`, 32);
  });
  assertInteger(`${field}.threshold`, o.threshold, 1, list.length);
  assertInteger(`${field}.shareBits`, o.shareBits, 1, 4 * THRESHOLD_PAILLIER_MAX_BITS);
  const vks = expectArray(o.verificationKeys, `${field}.verificationKeys`, list.length, list.length).map((x, k) =>
    bytesToBigInt(expectHex(x, `${field}.verificationKeys[${k}]`, eb)),
  );
  const publicKey = withField(field, () =>
    validateThresholdPublicKey(
      {
        N,
        parties: list.length,
        threshold: o.threshold as number,
        v: bytesToBigInt(expectHex(o.v, `${field}.v`, eb)),
        verificationKeys: vks,
        theta: bytesToBigInt(expectHex(o.theta, `${field}.theta`, nb)),
        shareBits: o.shareBits as number,
      },
      opts,
    ),
  );
  return createEpochRecord({
    epoch: o.epoch as number,
    mode: o.mode as EpochMode,
    publicKey,
    identityKeys,
    createdAt: checkCreatedAt(o.createdAt, `${field}.createdAt`),
  });
}

/** Re-throws field errors of the key validation with the record's prefix. */
function withField<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof FieldRangeError) throw new FieldRangeError(`${prefix}.${err.field}`, err.message.slice(err.field.length + 2));
    if (err instanceof FieldTypeError) throw new FieldTypeError(`${prefix}.${err.field}`, err.message.slice(err.field.length + 2));
    if (err instanceof CryptoError && err.field !== undefined) throw new CryptoError(err.message.slice(err.field.length + 2), `${prefix}.${err.field}`);
    throw err;
  }
}

/** The bytes every member signs. */
export function epochSigningMessage(record: EpochRecord): Uint8Array {
  return lengthPrefixed([EPOCH_SIGNATURE_TAG, canonicalBytes(encodeEpochRecord(record))]);
}

/** SHA-256 of the signing message. */
export function epochId(record: EpochRecord): Uint8Array {
  return sha256(epochSigningMessage(record));
}

/**
 * A member's signature on the record. The member passes its validated key share, so it signs
 * only a record whose verification key matches its share (checked again here).
 * @throws {CryptoError} if the share belongs to another key, or the identity key is not the
 *   one the record lists for this member.
 */
export function signEpochRecord(record: EpochRecord, share: ThresholdPaillierKeyShare, identitySecretKey: Uint8Array): Uint8Array {
  assertBytes('identitySecretKey', identitySecretKey, 32);
  const pk = record.publicKey;
  if (share.publicKey.N !== pk.N || share.publicKey.verificationKeys[share.index - 1] !== pk.verificationKeys[share.index - 1])
    throw new CryptoError('the share does not belong to this epoch record', 'share');
  const pub = ed25519.getPublicKey(identitySecretKey);
  if (bytesToHex(pub) !== bytesToHex(record.identityKeys[share.index - 1]!))
    throw new CryptoError(`identity key is not the one the record lists for party ${share.index}`, 'identitySecretKey');
  return ed25519.sign(epochSigningMessage(record), identitySecretKey);
}

/**
 * Checks every member's signature.
 * @throws {EpochSignatureError} naming every party whose signature is missing or invalid.
 */
export function verifyEpochSignatures(record: EpochRecord, signatures: readonly (Uint8Array | undefined)[]): SignedEpoch {
  const msg = epochSigningMessage(record);
  const bad: PartyIndex[] = [];
  record.publicKey.parties.forEach((i) => {
    const sig = signatures[i - 1];
    let ok = false;
    if (sig instanceof Uint8Array && sig.length === 64) {
      try {
        ok = ed25519.verify(sig, msg, record.identityKeys[i - 1]!);
      } catch {
        ok = false;
      }
    }
    if (!ok) bad.push(i);
  });
  if (bad.length > 0 || signatures.length !== record.publicKey.parties.length) throw new EpochSignatureError(bad);
  return Object.freeze({ record, signatures: Object.freeze(signatures.map((s) => s!.slice())), id: sha256(msg) });
}

/** The committee's public file (`public.json`): N in hex, the record and every signature. */
export function encodeCommitteePublic(signed: SignedEpoch): JsonObject {
  const record = encodeEpochRecord(signed.record);
  return {
    version: COMMITTEE_PUBLIC_VERSION,
    kind: COMMITTEE_PUBLIC_KIND,
    n: record.n as string,
    epoch: record,
    signatures: signed.signatures.map((s, k) => ({ index: k + 1, signature: hex(s) })),
  };
}

/**
 * Parses `public.json`: strict format, the public key's algebraic checks, `n` equal to the
 * record's, and every member's signature. Nothing in it is used before all of this passes.
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError} naming the field.
 * @throws {EpochSignatureError} naming the parties whose signature fails.
 */
export function parseCommitteePublic(value: unknown, opts: ThresholdKeyOptions = {}): SignedEpoch {
  const o = expectObject(value, 'public', ['version', 'kind', 'n', 'epoch', 'signatures']);
  if (o.version !== COMMITTEE_PUBLIC_VERSION) throw new FieldRangeError('public.version', `unsupported version ${String(o.version)}`);
  if (o.kind !== COMMITTEE_PUBLIC_KIND) throw new FieldTypeError('public.kind', `expected "${COMMITTEE_PUBLIC_KIND}"`);
  const record = parseEpochRecord(o.epoch, opts, 'public.epoch');
  if (o.n !== (o.epoch as JsonObject).n) throw new FieldRangeError('public.n', 'differs from the epoch record');
  const n = record.publicKey.parties.length;
  const rows = expectArray(o.signatures, 'public.signatures', n, n);
  const sigs = rows.map((row, k) => {
    const r = expectObject(row, `public.signatures[${k}]`, ['index', 'signature']);
    if (partyIndex(r.index, `public.signatures[${k}].index`) !== k + 1) throw new FieldRangeError(`public.signatures[${k}].index`, `expected ${k + 1}`);
    return expectHex(r.signature, `public.signatures[${k}].signature`, 64);
  });
  return verifyEpochSignatures(record, sigs);
}
