/**
 * The validated FROST key share: the only form in which a share is used by signing, refresh
 * and resharing. A {@link KeyShare} can only be produced by {@link validateKeyShare} (directly
 * or through {@link parseKeyShare} / {@link keyShareFromFrost}), which checks the share against
 * the Feldman commitments, the party's own verifying share, and every encoding.
 *
 * Wire/storage form (canonical JSON, all byte strings lower-case hex):
 * `{ format: "tessera/frost-key-share", version: 1, suite, index, threshold, parties,
 *    commitments: [C₀ … C_{t−1}], verifyingShares: [Y_j for j in parties], signingShare }`.
 * Security: `signingShare` is the secret xᵢ; store the encoding only encrypted (vault).
 * @module
 */
import type { FrostPublic, FrostSecret, Key } from '@noble/curves/abstract/frost.js';
import { CryptoError, FieldRangeError, FieldTypeError, assertInteger } from '@tessera/crypto/errors';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalJson, expectArray, expectHex, expectObject, hex, parseCanonicalJson, type Json } from '../engine/codec.ts';
import { lengthPrefixed } from '../engine/hash.ts';
import { partyIndex, partyList, type PartyIndex } from '../engine/ids.ts';
import { evaluateCommitmentVartime } from './poly.ts';
import { getSuite, type FrostSuite, type SuiteName } from './suite.ts';

/** Format tag and version of the encoding. */
export const KEY_SHARE_FORMAT = 'tessera/frost-key-share';
export const KEY_SHARE_VERSION = 1;

declare const keyShareBrand: unique symbol;

/** Unchecked key share material, as accepted by {@link validateKeyShare}. */
export interface KeyShareInput {
  readonly suite: SuiteName;
  readonly index: number;
  readonly threshold: number;
  /** Committee, sorted and distinct. */
  readonly parties: readonly number[];
  /** Feldman commitments C₀…C_{t−1}; C₀ is the group key. */
  readonly commitments: readonly Uint8Array[];
  /** Verifying share Yⱼ = xⱼ·G of every party, in `parties` order. */
  readonly verifyingShares: readonly Uint8Array[];
  /** Security: the secret share xᵢ. */
  readonly signingShare: Uint8Array;
}

/** A checked key share. Fields are copies owned by this object; never mutate them. */
export interface KeyShare {
  readonly suite: SuiteName;
  readonly index: PartyIndex;
  readonly threshold: number;
  readonly parties: readonly PartyIndex[];
  readonly commitments: readonly Uint8Array[];
  readonly verifyingShares: ReadonlyMap<PartyIndex, Uint8Array>;
  /** Security: the secret share xᵢ. */
  readonly signingShare: Uint8Array;
  readonly [keyShareBrand]: true;
}

/** Options of {@link validateKeyShare}. */
export interface ValidateKeyShareOptions {
  /** Also recompute every party's verifying share from the commitments (n multi-scalar products). */
  readonly checkAllVerifyingShares?: boolean;
}

/**
 * Checks key share material and returns it as a {@link KeyShare}.
 * Checks: known suite; 2 ≤ t ≤ n; index among the parties; t commitments and n verifying
 * shares, all valid non-identity elements; xᵢ a non-zero scalar with xᵢ·G = Σₖ Cₖ·iᵏ
 * (noble's RFC 9591 vss_verify) and xᵢ·G = Yᵢ; optionally Yⱼ = Σₖ Cₖ·jᵏ for all j.
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed fields.
 * @throws {CryptoError} if the share is inconsistent with the commitments or verifying shares.
 */
export function validateKeyShare(input: KeyShareInput, opts: ValidateKeyShareOptions = {}): KeyShare {
  if (input === null || typeof input !== 'object') throw new FieldTypeError('keyShare', 'expected an object');
  const suite = getSuite(input.suite);
  const parties = partyList(input.parties, 'keyShare.parties', 2);
  const index = partyIndex(input.index, 'keyShare.index');
  if (!parties.includes(index)) throw new FieldRangeError('keyShare.index', 'not one of the parties');
  assertInteger('keyShare.threshold', input.threshold, 2, parties.length);
  const t = input.threshold;
  if (!Array.isArray(input.commitments) || input.commitments.length !== t)
    throw new FieldRangeError('keyShare.commitments', `expected ${t} commitments`);
  if (!Array.isArray(input.verifyingShares) || input.verifyingShares.length !== parties.length)
    throw new FieldRangeError('keyShare.verifyingShares', `expected ${parties.length} verifying shares`);
  const C = input.commitments.map((c, k) => suite.parseElement(c, `keyShare.commitments[${k}]`));
  const Y = input.verifyingShares.map((y, k) => suite.parseElement(y, `keyShare.verifyingShares[${k}]`));
  const x = suite.parseScalar(input.signingShare, 'keyShare.signingShare');
  const pub = frostPublic(suite, t, parties, input.commitments, input.verifyingShares);
  try {
    suite.frost.validateSecret({ identifier: suite.identifier(index), signingShare: input.signingShare } as FrostSecret, pub);
  } catch {
    throw new CryptoError('signing share does not match the commitments', 'keyShare.signingShare');
  }
  if (!suite.Point.BASE.multiply(x).equals(Y[parties.indexOf(index)]!))
    throw new CryptoError('own verifying share does not match the signing share', 'keyShare.verifyingShares');
  if (opts.checkAllVerifyingShares) {
    parties.forEach((p, k) => {
      if (!evaluateCommitmentVartime(suite, C, BigInt(p)).equals(Y[k]!))
        throw new CryptoError(`verifying share of party ${p} does not match the commitments`, 'keyShare.verifyingShares');
    });
  }
  const share = {
    suite: suite.name,
    index,
    threshold: t,
    parties,
    commitments: Object.freeze(input.commitments.map((c) => c.slice())),
    verifyingShares: new Map(parties.map((p, k) => [p, input.verifyingShares[k]!.slice()])),
    signingShare: input.signingShare.slice(),
  };
  return Object.freeze(share) as unknown as KeyShare;
}

function frostPublic(suite: FrostSuite, t: number, parties: readonly PartyIndex[], commitments: readonly Uint8Array[], verifying: readonly Uint8Array[]): FrostPublic {
  const verifyingShares: Record<string, Uint8Array> = {};
  parties.forEach((p, k) => (verifyingShares[suite.identifier(p)] = verifying[k]!.slice()));
  return { signers: { min: t, max: parties.length }, commitments: commitments.map((c) => c.slice()), verifyingShares } as FrostPublic;
}

/** noble's public package for this share's key (fresh copies). */
export function toFrostPublic(share: KeyShare): FrostPublic {
  const suite = getSuite(share.suite);
  return frostPublic(suite, share.threshold, share.parties, share.commitments, share.parties.map((p) => share.verifyingShares.get(p)!));
}

/** noble's secret package (a fresh copy). Security: holds xᵢ. */
export function toFrostSecret(share: KeyShare): FrostSecret {
  return { identifier: getSuite(share.suite).identifier(share.index), signingShare: share.signingShare.slice() } as FrostSecret;
}

/**
 * Builds a checked share from a noble key package (DKG or dealer output).
 * @throws as {@link validateKeyShare}, and {@link FieldRangeError} if the package's verifying
 *   shares do not cover exactly `parties`.
 */
export function keyShareFromFrost(suiteName: SuiteName, index: PartyIndex, parties: readonly PartyIndex[], key: Key, opts?: ValidateKeyShareOptions): KeyShare {
  const suite = getSuite(suiteName);
  const ids = parties.map((p) => suite.identifier(p));
  const vs = key.public.verifyingShares;
  if (Object.keys(vs).length !== ids.length || ids.some((id) => !(id in vs)))
    throw new FieldRangeError('key.public.verifyingShares', 'must cover exactly the committee');
  if (key.secret.identifier !== suite.identifier(index)) throw new FieldRangeError('key.secret.identifier', 'does not match the party index');
  return validateKeyShare(
    {
      suite: suiteName,
      index,
      threshold: key.public.signers.min,
      parties,
      commitments: key.public.commitments,
      verifyingShares: ids.map((id) => vs[id]!),
      signingShare: key.secret.signingShare,
    },
    opts,
  );
}

/** The group key element C₀ (suite encoding). */
export function groupKeyElement(share: KeyShare): Uint8Array {
  return share.commitments[0]!.slice();
}

/** The published public key (x-only for Taproot). */
export function publicKey(share: KeyShare): Uint8Array {
  return getSuite(share.suite).publicKeyBytes(share.commitments[0]!);
}

/** A stable id of (key, party) for the nonce ledger: hex SHA-256 over suite, group key and index. */
export function keyId(share: KeyShare): string {
  return hex(sha256(lengthPrefixed(['tessera/frost/key-id', share.suite, share.commitments[0]!, share.index])));
}

/** Canonical JSON encoding (see module doc). Security: contains the secret share. */
export function encodeKeyShare(share: KeyShare): string {
  const j: Json = {
    format: KEY_SHARE_FORMAT,
    version: KEY_SHARE_VERSION,
    suite: share.suite,
    index: share.index,
    threshold: share.threshold,
    parties: [...share.parties],
    commitments: share.commitments.map(hex),
    verifyingShares: share.parties.map((p) => hex(share.verifyingShares.get(p)!)),
    signingShare: hex(share.signingShare),
  };
  return canonicalJson(j);
}

/**
 * Strictly parses {@link encodeKeyShare} output (unknown fields, wrong lengths, bad points and
 * inconsistent shares are rejected).
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError}
 */
export function parseKeyShare(text: string, opts?: ValidateKeyShareOptions): KeyShare {
  const o = expectObject(parseCanonicalJson(text, 'keyShare'), 'keyShare', [
    'format', 'version', 'suite', 'index', 'threshold', 'parties', 'commitments', 'verifyingShares', 'signingShare',
  ]);
  if (o.format !== KEY_SHARE_FORMAT) throw new FieldTypeError('keyShare.format', 'not a FROST key share');
  if (o.version !== KEY_SHARE_VERSION) throw new FieldRangeError('keyShare.version', `unsupported version ${String(o.version)}`);
  const suite = getSuite(o.suite);
  const commitments = expectArray(o.commitments, 'keyShare.commitments', 2, 65535).map((c, k) => expectHex(c, `keyShare.commitments[${k}]`, suite.elementLength));
  const verifyingShares = expectArray(o.verifyingShares, 'keyShare.verifyingShares', 2, 65535).map((c, k) => expectHex(c, `keyShare.verifyingShares[${k}]`, suite.elementLength));
  return validateKeyShare(
    {
      suite: suite.name,
      index: o.index as number,
      threshold: o.threshold as number,
      parties: o.parties as number[],
      commitments,
      verifyingShares,
      signingShare: expectHex(o.signingShare, 'keyShare.signingShare', suite.scalarLength),
    },
    opts,
  );
}
