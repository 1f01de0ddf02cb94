/**
 * A CGGMP21 presignature (Fig. 7 output): R = δ⁻¹·Γ, this party's kᵢ and χᵢ, and the public
 * values every signer needs to check the others' signature shares: Γ, δ and, for every signer
 * j, Δⱼ = kⱼ·Γ (proven by Π^log* against Kⱼ during presigning) and Ŝⱼ = χⱼ·Γ.
 * A share σⱼ = kⱼ·m + r·χⱼ is then correct iff σⱼ·Γ = m·Δⱼ + r·Ŝⱼ (see sign/round1.ts).
 *
 * Single use: signing records the presignature's `id` in a ledger before its share leaves the
 * party; a presignature used twice reveals the key (two equations in kᵢ, χᵢ).
 * Wire/storage form (canonical JSON): `{ format: "tessera/cggmp-presignature", version: 1,
 * id, keyId, index, signers, R, Gamma, delta, k, chi, Delta: [..], S: [..] }`.
 * Security: `k` and `chi` are secret; store encrypted, delete after use.
 * @module
 */
import { CryptoError, FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { canonicalJson, expectArray, expectHex, expectObject, hex, parseCanonicalJson } from '../../engine/codec.ts';
import { partyIndex, partyList, type PartyIndex } from '../../engine/ids.ts';
import { Fn, Point, mulBase, mulSecret, pointJson, readPoint, readScalar, scalarJson, type CurvePoint } from '../curve.ts';

/** Format tag of a stored presignature. */
export const PRESIGNATURE_FORMAT = 'tessera/cggmp-presignature';
/** Format version of a stored presignature. */
export const PRESIGNATURE_VERSION = 1;

declare const presigBrand: unique symbol;

/** Unchecked presignature material, as accepted by {@link validatePresignature}. */
export interface PresignatureInput {
  /** Unique id (32-byte hex) under which the ledger records its use. */
  readonly id: string;
  /** keyId() of the key share it was made with. */
  readonly keyId: string;
  readonly index: number;
  readonly signers: readonly number[];
  readonly Gamma: CurvePoint;
  readonly delta: bigint;
  /** Security: kᵢ. */
  readonly k: bigint;
  /** Security: χᵢ. */
  readonly chi: bigint;
  /** Δⱼ for every signer, in `signers` order. */
  readonly Delta: readonly CurvePoint[];
  /** Ŝⱼ for every signer, in `signers` order. */
  readonly S: readonly CurvePoint[];
}

/** A checked presignature. */
export interface Presignature {
  readonly id: string;
  readonly keyId: string;
  readonly index: PartyIndex;
  readonly signers: readonly PartyIndex[];
  /** R = δ⁻¹·Γ. */
  readonly R: CurvePoint;
  readonly Gamma: CurvePoint;
  readonly delta: bigint;
  /** Security: kᵢ. */
  readonly k: bigint;
  /** Security: χᵢ. */
  readonly chi: bigint;
  readonly Delta: ReadonlyMap<PartyIndex, CurvePoint>;
  readonly S: ReadonlyMap<PartyIndex, CurvePoint>;
  readonly [presigBrand]: true;
}

/**
 * Checks a presignature: index among ≥ 2 signers; δ ≠ 0 with δ·G = Σ Δⱼ; kᵢ·Γ = Δᵢ and
 * χᵢ·Γ = Ŝᵢ; R = δ⁻¹·Γ computed here.
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed fields.
 * @throws {CryptoError} on inconsistent values.
 */
export function validatePresignature(input: PresignatureInput): Presignature {
  if (input === null || typeof input !== 'object') throw new FieldTypeError('presignature', 'expected an object');
  expectHex(input.id, 'presignature.id', 32);
  expectHex(input.keyId, 'presignature.keyId', 32);
  const signers = partyList(input.signers, 'presignature.signers', 2);
  const index = partyIndex(input.index, 'presignature.index');
  const pos = signers.indexOf(index);
  if (pos < 0) throw new FieldRangeError('presignature.index', 'not one of the signers');
  if (input.Delta.length !== signers.length || input.S.length !== signers.length)
    throw new FieldRangeError('presignature.Delta', 'expected one Δⱼ and one Ŝⱼ per signer');
  for (const f of ['delta', 'k', 'chi'] as const) {
    const v = input[f];
    if (typeof v !== 'bigint' || v <= 0n || v >= Fn.ORDER) throw new FieldRangeError(`presignature.${f}`, 'expected a non-zero scalar');
  }
  const sum = input.Delta.reduce((a, d) => a.add(d), Point.ZERO);
  if (!mulBase(input.delta).equals(sum)) throw new CryptoError('δ·G ≠ Σ Δⱼ', 'presignature.delta');
  if (!mulSecret(input.Gamma, input.k).equals(input.Delta[pos]!)) throw new CryptoError('kᵢ·Γ ≠ Δᵢ', 'presignature.k');
  if (!mulSecret(input.Gamma, input.chi).equals(input.S[pos]!)) throw new CryptoError('χᵢ·Γ ≠ Ŝᵢ', 'presignature.chi');
  const R = input.Gamma.multiply(Fn.inv(input.delta));
  return Object.freeze({
    id: input.id,
    keyId: input.keyId,
    index,
    signers,
    R,
    Gamma: input.Gamma,
    delta: input.delta,
    k: input.k,
    chi: input.chi,
    Delta: new Map(signers.map((p, k) => [p, input.Delta[k]!])),
    S: new Map(signers.map((p, k) => [p, input.S[k]!])),
  }) as unknown as Presignature;
}

/** Canonical JSON of a presignature. Security: contains kᵢ and χᵢ. */
export function encodePresignature(ps: Presignature): string {
  return canonicalJson({
    format: PRESIGNATURE_FORMAT,
    version: PRESIGNATURE_VERSION,
    id: ps.id,
    keyId: ps.keyId,
    index: ps.index,
    signers: [...ps.signers],
    R: pointJson(ps.R),
    Gamma: pointJson(ps.Gamma),
    delta: scalarJson(ps.delta),
    k: scalarJson(ps.k),
    chi: scalarJson(ps.chi),
    Delta: ps.signers.map((p) => pointJson(ps.Delta.get(p)!)),
    S: ps.signers.map((p) => pointJson(ps.S.get(p)!)),
  });
}

/**
 * Strictly parses {@link encodePresignature} output (R must equal δ⁻¹·Γ).
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError}
 */
export function parsePresignature(text: string): Presignature {
  const o = expectObject(parseCanonicalJson(text, 'presignature'), 'presignature', [
    'format', 'version', 'id', 'keyId', 'index', 'signers', 'R', 'Gamma', 'delta', 'k', 'chi', 'Delta', 'S',
  ]);
  if (o.format !== PRESIGNATURE_FORMAT) throw new FieldTypeError('presignature.format', 'not a CGGMP presignature');
  if (o.version !== PRESIGNATURE_VERSION) throw new FieldRangeError('presignature.version', `unsupported version ${String(o.version)}`);
  const ps = validatePresignature({
    id: o.id as string,
    keyId: o.keyId as string,
    index: o.index as number,
    signers: o.signers as number[],
    Gamma: readPoint(o.Gamma, 'presignature.Gamma'),
    delta: readScalar(o.delta, 'presignature.delta'),
    k: readScalar(o.k, 'presignature.k'),
    chi: readScalar(o.chi, 'presignature.chi'),
    Delta: expectArray(o.Delta, 'presignature.Delta').map((p, k) => readPoint(p, `presignature.Delta[${k}]`)),
    S: expectArray(o.S, 'presignature.S').map((p, k) => readPoint(p, `presignature.S[${k}]`)),
  });
  if (hex(ps.R.toBytes(true)) !== o.R) throw new CryptoError('R ≠ δ⁻¹·Γ', 'presignature.R');
  return ps;
}
