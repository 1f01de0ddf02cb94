/**
 * Validated CGGMP21 key material. Three types, each produced only by its `validate…()` (directly
 * or through the parsers):
 * - {@link CoreShare}: the output of key generation (Shamir share xᵢ of the ECDSA key with the
 *   Feldman commitments C₀…C_{t−1} of the shared polynomial, C₀ = X the public key, every party's
 *   public share Xⱼ = Σₖ Cₖ·jᵏ, the coin-tossed rid and BIP32 chain code);
 * - {@link AuxInfo}: the output of the auxiliary-information phase (this party's Paillier–Blum
 *   factors p, q and every party's (Nⱼ, sⱼ, tⱼ): Nⱼ is both its Paillier modulus and its
 *   ring-Pedersen modulus N̂ⱼ, as in CGGMP21 Fig. 6);
 * - {@link CggmpKeyShare}: both together, for the same party and committee, which presigning needs.
 *
 * Wire/storage forms (canonical JSON; scalars and points fixed-length hex, moduli minimal hex):
 * `{ format: "tessera/cggmp-core-share", version: 1, curve: "secp256k1", index, threshold,
 *    parties, commitments: [C₀…], rid, chainCode, x }`,
 * `{ format: "tessera/cggmp-aux-info", version: 1, index, parties, p, q, public: [[N, s, t]…] }`,
 * `{ format: "tessera/cggmp-key-share", version: 1, core: {…}, aux: {…} }`.
 * Security: `x`, `p` and `q` are secret; store the encodings encrypted (vault). The proofs that
 * accompanied the moduli (Π^mod, Π^fac, Π^prm) are checked during aux-info and not stored; a
 * parsed AuxInfo is trusted as the output of a completed aux-info run.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@tessera/crypto/bytes';
import { CryptoError, FieldRangeError, FieldTypeError, assertBigInt, assertBytes, assertInteger } from '@tessera/crypto/errors';
import { gcd } from '@tessera/crypto/modular';
import { isProbablePrime } from '@tessera/crypto/primality';
import { validateRingPedersenParams, type RingPedersenParams } from '@tessera/crypto/zk/ring-pedersen';
import { MIN_MODULUS_BITS } from '@tessera/crypto/zk/params';
import { canonicalJson, expectArray, expectHex, expectObject, hex, parseCanonicalJson, type Json } from '../engine/codec.ts';
import { lengthPrefixed } from '../engine/hash.ts';
import { partyIndex, partyList, type PartyIndex } from '../engine/ids.ts';
import { CURVE_ORDER, POINT_BYTES, SCALAR_BYTES, evaluateCommitmentVartime, mulBase, parsePoint, parseScalar, pointBytes, scalarBytes, type CurvePoint } from './curve.ts';
import { big, unbig } from './wire.ts';

/** Format tag of a core share. */
export const CORE_SHARE_FORMAT = 'tessera/cggmp-core-share';
/** Format tag of aux info. */
export const AUX_INFO_FORMAT = 'tessera/cggmp-aux-info';
/** Format tag of a full key share. */
export const KEY_SHARE_FORMAT = 'tessera/cggmp-key-share';
/** Version of all three formats. */
export const CGGMP_FORMAT_VERSION = 1;

declare const coreBrand: unique symbol;
declare const auxBrand: unique symbol;
declare const keyBrand: unique symbol;

/** Unchecked core share material, as accepted by {@link validateCoreShare}. */
export interface CoreShareInput {
  readonly index: number;
  readonly threshold: number;
  /** Committee, sorted and distinct (party indices are the Shamir evaluation points). */
  readonly parties: readonly number[];
  /** C₀…C_{t−1}, compressed points; C₀ is the public key. */
  readonly commitments: readonly Uint8Array[];
  /** rid: 32 bytes agreed by coin tossing in key generation. */
  readonly rid: Uint8Array;
  /** BIP32 chain code (32 bytes). */
  readonly chainCode: Uint8Array;
  /** Security: the secret Shamir share xᵢ (32 bytes). */
  readonly secretShare: Uint8Array;
}

/** A checked key-generation output. Never mutate its fields. */
export interface CoreShare {
  readonly curve: 'secp256k1';
  readonly index: PartyIndex;
  /** t: how many parties sign. */
  readonly threshold: number;
  readonly parties: readonly PartyIndex[];
  /** C₀…C_{t−1} (compressed). */
  readonly commitments: readonly Uint8Array[];
  /** X = C₀ (compressed, 33 bytes). */
  readonly publicKey: Uint8Array;
  /** Xⱼ = Σₖ Cₖ·jᵏ for every party (compressed). */
  readonly publicShares: ReadonlyMap<PartyIndex, Uint8Array>;
  readonly rid: Uint8Array;
  readonly chainCode: Uint8Array;
  /** Security: xᵢ. */
  readonly x: bigint;
  readonly [coreBrand]: true;
}

/** One party's public auxiliary information: Paillier modulus Nⱼ = N̂ⱼ and ring-Pedersen sⱼ, tⱼ. */
export type PartyAux = RingPedersenParams;

/** Unchecked auxiliary information, as accepted by {@link validateAuxInfo}. */
export interface AuxInfoInput {
  readonly index: number;
  readonly parties: readonly number[];
  /** Security: this party's Paillier–Blum factors. */
  readonly p: bigint;
  readonly q: bigint;
  /** (N, s, t) of every party, in `parties` order. */
  readonly public: readonly PartyAux[];
}

/** Checked auxiliary information. */
export interface AuxInfo {
  readonly index: PartyIndex;
  readonly parties: readonly PartyIndex[];
  /** Security: p and q, the factors of this party's N. */
  readonly p: bigint;
  readonly q: bigint;
  readonly public: ReadonlyMap<PartyIndex, PartyAux>;
  readonly [auxBrand]: true;
}

/** A key share usable for presigning: core share and auxiliary information of one party. */
export interface CggmpKeyShare {
  readonly core: CoreShare;
  readonly aux: AuxInfo;
  readonly [keyBrand]: true;
}

/** Options of {@link validateAuxInfo}. */
export interface ValidateAuxOptions {
  /** Test p and q for primality (Miller–Rabin; default true). */
  readonly checkPrimality?: boolean;
}

/**
 * Checks key-generation output: 2 ≤ t ≤ n, index among the parties, t commitments that are
 * valid non-identity points, xᵢ ∈ [1, q) with xᵢ·G = Σₖ Cₖ·iᵏ, 32-byte rid and chain code.
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed fields.
 * @throws {CryptoError} if xᵢ does not match the commitments.
 */
export function validateCoreShare(input: CoreShareInput): CoreShare {
  if (input === null || typeof input !== 'object') throw new FieldTypeError('core', 'expected an object');
  const parties = partyList(input.parties, 'core.parties', 2);
  const index = partyIndex(input.index, 'core.index');
  if (!parties.includes(index)) throw new FieldRangeError('core.index', 'not one of the parties');
  assertInteger('core.threshold', input.threshold, 2, parties.length);
  const t = input.threshold;
  if (!Array.isArray(input.commitments) || input.commitments.length !== t)
    throw new FieldRangeError('core.commitments', `expected ${t} commitments`);
  const C = input.commitments.map((c, k) => {
    assertBytes(`core.commitments[${k}]`, c, POINT_BYTES);
    return parsePoint(c, `core.commitments[${k}]`);
  });
  assertBytes('core.rid', input.rid, 32);
  assertBytes('core.chainCode', input.chainCode, 32);
  assertBytes('core.secretShare', input.secretShare, SCALAR_BYTES);
  const x = parseScalar(input.secretShare, 'core.secretShare');
  const publicShares = new Map<PartyIndex, Uint8Array>();
  for (const p of parties) {
    const Xj = evaluateCommitmentVartime(C, BigInt(p));
    if (Xj.is0()) throw new CryptoError(`public share of party ${p} is the identity`, 'core.commitments');
    publicShares.set(p, pointBytes(Xj));
  }
  if (!mulBase(x).equals(evaluateCommitmentVartime(C, BigInt(index))))
    throw new CryptoError('secret share does not match the commitments', 'core.secretShare');
  const share = {
    curve: 'secp256k1' as const,
    index,
    threshold: t,
    parties,
    commitments: Object.freeze(input.commitments.map((c) => c.slice())),
    publicKey: input.commitments[0]!.slice(),
    publicShares,
    rid: input.rid.slice(),
    chainCode: input.chainCode.slice(),
    x,
  };
  return Object.freeze(share) as unknown as CoreShare;
}

/**
 * Checks auxiliary information: index among ≥ 2 parties; for every party Nⱼ odd with at least
 * 2048 bits and sⱼ, tⱼ units other than 1 (validateRingPedersenParams); moduli pairwise
 * distinct; for this party p ≠ q, both ≡ 3 (mod 4), p·q = N, gcd(N, φ(N)) = 1 and (by default)
 * both prime.
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed fields.
 * @throws {CryptoError} on a modulus below 2048 bits, a bad factorization or bad s, t.
 */
export function validateAuxInfo(input: AuxInfoInput, opts: ValidateAuxOptions = {}): AuxInfo {
  if (input === null || typeof input !== 'object') throw new FieldTypeError('aux', 'expected an object');
  const parties = partyList(input.parties, 'aux.parties', 2);
  const index = partyIndex(input.index, 'aux.index');
  if (!parties.includes(index)) throw new FieldRangeError('aux.index', 'not one of the parties');
  if (!Array.isArray(input.public) || input.public.length !== parties.length)
    throw new FieldRangeError('aux.public', `expected ${parties.length} entries`);
  const pub = new Map<PartyIndex, PartyAux>();
  const seen = new Set<bigint>();
  parties.forEach((p, k) => {
    const e = input.public[k]!;
    if (e === null || typeof e !== 'object') throw new FieldTypeError(`aux.public[${k}]`, 'expected { N, s, t }');
    for (const f of ['N', 's', 't'] as const) assertBigInt(`aux.public[${k}].${f}`, e[f]);
    validateRingPedersenParams(e, MIN_MODULUS_BITS, `aux.public[${k}]`);
    if (seen.has(e.N)) throw new CryptoError('two parties have the same modulus', `aux.public[${k}].N`);
    seen.add(e.N);
    pub.set(p, Object.freeze({ N: e.N, s: e.s, t: e.t }));
  });
  assertBigInt('aux.p', input.p);
  assertBigInt('aux.q', input.q);
  const { p, q } = input;
  const N = pub.get(index)!.N;
  if (p === q) throw new CryptoError('p and q must differ', 'aux.q');
  if ((p & 3n) !== 3n || (q & 3n) !== 3n) throw new CryptoError('p and q must be ≡ 3 (mod 4)', 'aux.p');
  if (p * q !== N) throw new CryptoError('p·q does not equal this party\'s modulus', 'aux.p');
  if (gcd(N, (p - 1n) * (q - 1n)) !== 1n) throw new CryptoError('gcd(N, φ(N)) ≠ 1', 'aux.p');
  if (opts.checkPrimality ?? true) {
    if (!isProbablePrime(p)) throw new CryptoError('not a prime', 'aux.p');
    if (!isProbablePrime(q)) throw new CryptoError('not a prime', 'aux.q');
  }
  return Object.freeze({ index, parties, p, q, public: pub }) as unknown as AuxInfo;
}

/**
 * Combines a core share and auxiliary information of the same party and committee.
 * @throws {FieldRangeError} if they belong to different parties or committees.
 */
export function validateKeyShare(core: CoreShare, aux: AuxInfo): CggmpKeyShare {
  if (core.index !== aux.index) throw new FieldRangeError('aux.index', 'core share and aux info belong to different parties');
  if (core.parties.length !== aux.parties.length || core.parties.some((p, k) => aux.parties[k] !== p))
    throw new FieldRangeError('aux.parties', 'core share and aux info have different committees');
  return Object.freeze({ core, aux }) as unknown as CggmpKeyShare;
}

/** Xⱼ of `party` as a point. */
export function publicSharePoint(core: CoreShare, party: PartyIndex): CurvePoint {
  const b = core.publicShares.get(party);
  if (!b) throw new FieldRangeError('party', `party ${party} is not in the committee`);
  return parsePoint(b, `publicShares[${party}]`);
}

/** A stable id of (key, party) for the presignature ledger: hex SHA-256 over tag, public key and index. */
export function keyId(core: CoreShare): string {
  return bytesToHex(sha256(lengthPrefixed(['tessera/cggmp/key-id', core.publicKey, core.index])));
}

function coreJson(core: CoreShare): Json {
  return {
    format: CORE_SHARE_FORMAT,
    version: CGGMP_FORMAT_VERSION,
    curve: core.curve,
    index: core.index,
    threshold: core.threshold,
    parties: [...core.parties],
    commitments: core.commitments.map(hex),
    rid: hex(core.rid),
    chainCode: hex(core.chainCode),
    x: hex(scalarBytes(core.x)),
  };
}

function auxJson(aux: AuxInfo): Json {
  return {
    format: AUX_INFO_FORMAT,
    version: CGGMP_FORMAT_VERSION,
    index: aux.index,
    parties: [...aux.parties],
    p: big(aux.p),
    q: big(aux.q),
    public: aux.parties.map((j) => {
      const e = aux.public.get(j)!;
      return [big(e.N), big(e.s), big(e.t)];
    }),
  };
}

/** Canonical JSON of a core share. Security: contains xᵢ. */
export function encodeCoreShare(core: CoreShare): string {
  return canonicalJson(coreJson(core));
}

/** Canonical JSON of aux info. Security: contains p, q. */
export function encodeAuxInfo(aux: AuxInfo): string {
  return canonicalJson(auxJson(aux));
}

/** Canonical JSON of a full key share. Security: contains xᵢ, p and q. */
export function encodeKeyShare(share: CggmpKeyShare): string {
  return canonicalJson({ format: KEY_SHARE_FORMAT, version: CGGMP_FORMAT_VERSION, core: coreJson(share.core), aux: auxJson(share.aux) });
}

function readHeader(o: Record<string, Json>, format: string, field: string): void {
  if (o.format !== format) throw new FieldTypeError(`${field}.format`, `expected ${format}`);
  if (o.version !== CGGMP_FORMAT_VERSION) throw new FieldRangeError(`${field}.version`, `unsupported version ${String(o.version)}`);
}

function coreFrom(j: Json, field: string): CoreShare {
  const o = expectObject(j, field, ['format', 'version', 'curve', 'index', 'threshold', 'parties', 'commitments', 'rid', 'chainCode', 'x']);
  readHeader(o, CORE_SHARE_FORMAT, field);
  if (o.curve !== 'secp256k1') throw new FieldRangeError(`${field}.curve`, 'only secp256k1 is supported');
  const commitments = expectArray(o.commitments, `${field}.commitments`, 2, 65535).map((c, k) => expectHex(c, `${field}.commitments[${k}]`, POINT_BYTES));
  return validateCoreShare({
    index: o.index as number,
    threshold: o.threshold as number,
    parties: o.parties as number[],
    commitments,
    rid: expectHex(o.rid, `${field}.rid`, 32),
    chainCode: expectHex(o.chainCode, `${field}.chainCode`, 32),
    secretShare: expectHex(o.x, `${field}.x`, SCALAR_BYTES),
  });
}

function auxFrom(j: Json, field: string, opts?: ValidateAuxOptions): AuxInfo {
  const o = expectObject(j, field, ['format', 'version', 'index', 'parties', 'p', 'q', 'public']);
  readHeader(o, AUX_INFO_FORMAT, field);
  const pub = expectArray(o.public, `${field}.public`, 2, 65535).map((row, k) => {
    const r = expectArray(row, `${field}.public[${k}]`, 3, 3);
    return { N: unbig(r[0], `${field}.public[${k}].N`), s: unbig(r[1], `${field}.public[${k}].s`), t: unbig(r[2], `${field}.public[${k}].t`) };
  });
  return validateAuxInfo(
    { index: o.index as number, parties: o.parties as number[], p: unbig(o.p, `${field}.p`), q: unbig(o.q, `${field}.q`), public: pub },
    opts,
  );
}

/**
 * Strictly parses {@link encodeCoreShare} output.
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError}
 */
export function parseCoreShare(text: string): CoreShare {
  return coreFrom(parseCanonicalJson(text, 'core'), 'core');
}

/**
 * Strictly parses {@link encodeAuxInfo} output.
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError}
 */
export function parseAuxInfo(text: string, opts?: ValidateAuxOptions): AuxInfo {
  return auxFrom(parseCanonicalJson(text, 'aux'), 'aux', opts);
}

/**
 * Strictly parses {@link encodeKeyShare} output.
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError}
 */
export function parseKeyShare(text: string, opts?: ValidateAuxOptions): CggmpKeyShare {
  const o = expectObject(parseCanonicalJson(text, 'keyShare'), 'keyShare', ['format', 'version', 'core', 'aux']);
  readHeader(o, KEY_SHARE_FORMAT, 'keyShare');
  return validateKeyShare(coreFrom(o.core, 'keyShare.core'), auxFrom(o.aux, 'keyShare.aux', opts));
}

/** The curve order, re-exported for callers that reduce message hashes. */
export { CURVE_ORDER };
