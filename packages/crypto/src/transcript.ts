/**
 * The Fiat–Shamir transcript: the one hash state every non-interactive proof in Tessera
 * derives its challenges from.
 *
 * Construction: SHAKE256 absorbs a sequence of typed, labelled, length-prefixed records
 *
 *     record = kind (1 byte) ‖ len(label) (u16 BE) ‖ label (UTF-8) ‖ len(value) (u32 BE) ‖ value
 *
 * so the byte string fed to the hash is an injective function of the sequence of
 * (kind, label, value) triples: no two different sequences of appends (different splits of the
 * same bytes, a bigint moved from one label to the next, a string versus the same bytes...)
 * produce the same input. The first records are always the format version, the domain tag,
 * the session id and the prover's index, so a proof made for one protocol step, session or
 * party never verifies for another.
 *
 * Challenges are squeezed from a copy of the state with a challenge record appended
 * (XOF output of the length needed), then the output is absorbed back, so later challenges
 * depend on earlier ones. Integer challenges use wide reduction: at least 128 bits more than
 * the range are squeezed and reduced, so the bias is below 2^-128.
 * @module
 */
import { shake256 } from '@noble/hashes/sha3.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bigIntToBytes, bitLength, bytesToBigInt } from './bytes.ts';
import { FieldRangeError, FieldTypeError, assertBigInt, assertBytes, assertInteger } from './errors.ts';

/** Version string absorbed first by every transcript; change it only with a new format. */
export const TRANSCRIPT_VERSION = 'tessera/transcript/v1';

/** Extra bits squeezed beyond a range's size before reducing (statistical distance ≤ 2^-128). */
export const WIDE_REDUCTION_BITS = 128;

/** What every proof is bound to: the session and the party that proves. */
export interface TranscriptBinding {
  /** Session id (at least 1, at most 1024 bytes), bound into every challenge. */
  readonly sessionId: Uint8Array;
  /** Index of the proving party (0 ≤ i < 2^32). */
  readonly proverIndex: number;
}

const enum Kind {
  Header = 0x00,
  Bytes = 0x01,
  Unsigned = 0x02,
  Signed = 0x03,
  Point = 0x04,
  String = 0x05,
  Integer = 0x06,
  ChallengeRequest = 0x07,
  ChallengeOutput = 0x08,
}

const MAX_LABEL = 0xffff;
const MAX_VALUE = 0xffffffff;
const MAX_SESSION_ID = 1024;
const MAX_CHALLENGE_BYTES = 1 << 20;

type Xof = ReturnType<typeof shake256.create>;

function u16(n: number): Uint8Array {
  return new Uint8Array([n >>> 8, n & 0xff]);
}

function u32(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  let v = BigInt(n);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function checkLabel(label: string): Uint8Array {
  if (typeof label !== 'string' || label.length === 0) throw new FieldTypeError('label', 'expected a non-empty string');
  const bytes = utf8ToBytes(label);
  if (bytes.length > MAX_LABEL) throw new FieldRangeError('label', `longer than ${MAX_LABEL} bytes`);
  return bytes;
}

/**
 * A Fiat–Shamir transcript (SHAKE256 over length-prefixed records, see the module header).
 * @example
 * const t = new Transcript('tessera/zk/schnorr/v1', { sessionId, proverIndex: 2 });
 * t.appendPoint('X', X);
 * t.appendPoint('A', A);
 * const e = t.challengeScalar('e', q);
 */
export class Transcript {
  readonly #xof: Xof;
  #challenges = 0;

  /**
   * Starts a transcript for `domain` (e.g. `"tessera/zk/pimod/v1"`), bound to the session and prover.
   * @throws {FieldTypeError} if the domain is not a non-empty string or the session id is not bytes.
   * @throws {FieldRangeError} if the session id is empty or longer than 1024 bytes, or the index is out of range.
   */
  constructor(domain: string, binding: TranscriptBinding) {
    if (typeof domain !== 'string' || domain.length === 0) throw new FieldTypeError('domain', 'expected a non-empty string');
    if (binding === null || typeof binding !== 'object') throw new FieldTypeError('binding', 'expected { sessionId, proverIndex }');
    assertBytes('sessionId', binding.sessionId);
    if (binding.sessionId.length === 0 || binding.sessionId.length > MAX_SESSION_ID)
      throw new FieldRangeError('sessionId', `expected 1..${MAX_SESSION_ID} bytes, got ${binding.sessionId.length}`);
    assertInteger('proverIndex', binding.proverIndex, 0, 0xffffffff);
    this.#xof = shake256.create({});
    this.#record(Kind.Header, TRANSCRIPT_VERSION, utf8ToBytes(domain));
    this.#record(Kind.Header, 'session-id', binding.sessionId);
    this.#record(Kind.Header, 'prover-index', u32(binding.proverIndex));
  }

  #record(kind: Kind, label: string, value: Uint8Array, into: Xof = this.#xof): void {
    const l = checkLabel(label);
    if (value.length > MAX_VALUE) throw new FieldRangeError(label, 'value too long for a transcript record');
    into.update(new Uint8Array([kind]));
    into.update(u16(l.length));
    into.update(l);
    into.update(u32(value.length));
    into.update(value);
  }

  /** Absorbs a byte string. @throws {FieldTypeError} if `bytes` is not a Uint8Array. */
  appendBytes(label: string, bytes: Uint8Array): this {
    assertBytes(label, bytes);
    this.#record(Kind.Bytes, label, bytes);
    return this;
  }

  /**
   * Absorbs a non-negative integer as exactly `length` big-endian bytes (length is part of the record).
   * @throws {FieldRangeError} if `n` is negative or does not fit.
   */
  appendBigInt(label: string, n: bigint, length: number): this {
    assertInteger('length', length, 1, MAX_VALUE);
    this.#record(Kind.Unsigned, label, bigIntToBytes(n, length, label));
    return this;
  }

  /**
   * Absorbs a signed integer as a sign byte (0 for n ≥ 0, 1 for n < 0) and `length` bytes of |n|.
   * @throws {FieldRangeError} if |n| does not fit in `length` bytes.
   */
  appendSignedBigInt(label: string, n: bigint, length: number): this {
    assertBigInt(label, n);
    assertInteger('length', length, 1, MAX_VALUE - 1);
    const mag = bigIntToBytes(n < 0n ? -n : n, length, label);
    const v = new Uint8Array(length + 1);
    v[0] = n < 0n ? 1 : 0;
    v.set(mag, 1);
    this.#record(Kind.Signed, label, v);
    return this;
  }

  /** Absorbs a group element in its canonical encoding. @throws {FieldTypeError} if not bytes. */
  appendPoint(label: string, encoded: Uint8Array): this {
    assertBytes(label, encoded);
    this.#record(Kind.Point, label, encoded);
    return this;
  }

  /** Absorbs a string as UTF-8. @throws {FieldTypeError} if `s` is not a string. */
  appendString(label: string, s: string): this {
    if (typeof s !== 'string') throw new FieldTypeError(label, 'expected a string');
    this.#record(Kind.String, label, utf8ToBytes(s));
    return this;
  }

  /** Absorbs a non-negative safe integer as 8 big-endian bytes. @throws {FieldRangeError} if out of range. */
  appendInteger(label: string, n: number): this {
    assertInteger(label, n, 0, Number.MAX_SAFE_INTEGER);
    this.#record(Kind.Integer, label, u64(n));
    return this;
  }

  /**
   * Squeezes `length` challenge bytes for `label`, then absorbs them so later challenges depend on them.
   * @throws {FieldRangeError} if `length` is not in 1..2^20.
   */
  challengeBytes(label: string, length: number): Uint8Array {
    assertInteger('length', length, 1, MAX_CHALLENGE_BYTES);
    const fork = this.#xof.clone();
    const request = new Uint8Array(12);
    request.set(u32(length), 0);
    request.set(u64(this.#challenges++), 4);
    this.#record(Kind.ChallengeRequest, label, request, fork);
    const out = fork.xof(length);
    fork.destroy();
    this.#record(Kind.ChallengeOutput, label, out);
    return out;
  }

  /** A challenge uniform in [0, n) up to 2^-128 (wide reduction). @throws {FieldRangeError} if n < 1. */
  challengeBelow(label: string, n: bigint): bigint {
    assertBigInt('n', n);
    if (n < 1n) throw new FieldRangeError('n', 'challenge range must be non-empty');
    const bytes = Math.ceil((bitLength(n) + WIDE_REDUCTION_BITS) / 8);
    return bytesToBigInt(this.challengeBytes(label, bytes)) % n;
  }

  /** A challenge scalar in [0, q) for a group of order q (wide reduction). @throws {FieldRangeError} if q < 2. */
  challengeScalar(label: string, q: bigint): bigint {
    assertBigInt('q', q);
    if (q < 2n) throw new FieldRangeError('q', 'group order must be at least 2');
    return this.challengeBelow(label, q);
  }

  /** A challenge in the symmetric range ±bound = [−bound, bound] (wide reduction). @throws {FieldRangeError} if bound < 1. */
  challengeSigned(label: string, bound: bigint): bigint {
    assertBigInt('bound', bound);
    if (bound < 1n) throw new FieldRangeError('bound', 'must be positive');
    return this.challengeBelow(label, 2n * bound + 1n) - bound;
  }

  /** `count` independent challenge bits (binary challenges), first bit = most significant of the first byte. */
  challengeBits(label: string, count: number): boolean[] {
    assertInteger('count', count, 1, MAX_CHALLENGE_BYTES * 8);
    const bytes = this.challengeBytes(label, Math.ceil(count / 8));
    const out: boolean[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = ((bytes[i >> 3]! >> (7 - (i & 7))) & 1) === 1;
    return out;
  }
}
