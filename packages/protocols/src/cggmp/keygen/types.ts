/**
 * CGGMP21 threshold key generation: configuration, serializable state, the decommitment each
 * party reveals in round 2, the commitment hash Vᵢ, and strict readers for the payloads.
 * @module
 */
import { FieldRangeError } from '@tessera/crypto/errors';
import { expectArray, expectHex, expectObject, hex, type Json } from '../../engine/codec.ts';
import type { HashPart } from '../../engine/hash.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { RoundContext } from '../../engine/protocol.ts';
import type { CoreShare } from '../keyshare.ts';
import { POINT_BYTES, Point, readPoint, readScalar, type CurvePoint } from '../curve.ts';

/** Protocol id of CGGMP21 key generation. */
export const KEYGEN_PROTOCOL = 'tessera/cggmp/keygen';

/** Key generation parameters (identical at every party). */
export interface KeygenConfig {
  /** t: number of parties needed to sign (2 ≤ t ≤ n). */
  readonly threshold: number;
}

/** Inputs kept out of snapshots. */
export interface KeygenDeps {
  /** Needed by `init` only. */
  readonly config?: KeygenConfig;
}

/** What party i reveals in round 2 (and committed to in round 1 as Vᵢ). */
export interface Decommitment {
  /** ridᵢ (32 bytes). */
  readonly rid: Uint8Array;
  /** chain-code contribution cᵢ (32 bytes). */
  readonly chain: Uint8Array;
  /** Fᵢ = (aᵢ₀·G, …, aᵢ,t−1·G): Feldman commitment to fᵢ. */
  readonly F: readonly CurvePoint[];
  /** Aᵢ = τ·G: the Schnorr commitment for the proof of knowledge of xᵢ. */
  readonly A: CurvePoint;
  /** uᵢ: commitment randomness (32 bytes). */
  readonly u: Uint8Array;
}

/**
 * Round state (JSON). Security: `ownShare` (fᵢ(i)), `shares` (fᵢ(j) until sent), `tau` and `x`
 * are secret; snapshots are secret.
 */
export type KeygenState = {
  readonly threshold: number;
  /** fᵢ(j) for every other party j (dropped once sent) */
  readonly shares: readonly (readonly [number, string])[] | null;
  /** fᵢ(i) */
  readonly ownShare: string;
  /** τ, the Schnorr nonce */
  readonly tau: string;
  /** own decommitment in JSON */
  readonly decommit: Json;
  /** Vⱼ with the id of the round-1 message, for every other party */
  readonly commitments: readonly (readonly [number, string, string])[];
  /** decommitments of the others with round-2 message ids, set in round 2 */
  readonly decommits: readonly (readonly [number, Json, string])[];
  /** xᵢ, set in round 2 */
  readonly x: string | null;
  /** rid = ⊕ ridⱼ and chain code = ⊕ cⱼ, set in round 2 */
  readonly rid: string | null;
  readonly chainCode: string | null;
  /**
   * Refresh only: the old key's commitments C₀…C_{t−1}, chain code and share xᵢ (secret). The
   * dealt polynomials then have constant term 0, so Fⱼ holds t − 1 points (coefficients 1…t−1).
   */
  readonly refresh: { readonly commitments: readonly string[]; readonly chainCode: string; readonly x: string } | null;
};

/** Number of Feldman points per decommitment: t, or t − 1 in a refresh (constant term 0). */
export function polyLength(state: Pick<KeygenState, 'threshold' | 'refresh'>): number {
  return state.refresh ? state.threshold - 1 : state.threshold;
}

/** The commitment vector a decommitment's F stands for: F itself, or (0, F…) in a refresh. */
export function commitmentVector(state: Pick<KeygenState, 'refresh'>, F: readonly CurvePoint[]): CurvePoint[] {
  return state.refresh ? [Point.ZERO, ...F] : [...F];
}

/** The result of key generation. */
export interface KeygenOutput {
  readonly share: CoreShare;
}

/** Decommitment → JSON payload. */
export function decommitJson(d: Decommitment): Json {
  return { rid: hex(d.rid), chain: hex(d.chain), F: d.F.map((p) => hex(p.toBytes(true))), A: hex(d.A.toBytes(true)), u: hex(d.u) };
}

/**
 * Strict reader of a decommitment payload with exactly t Feldman commitments.
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError} on malformed fields or points.
 */
export function readDecommit(payload: Json | undefined, t: number, field = 'decommit'): Decommitment {
  const o = expectObject(payload, field, ['rid', 'chain', 'F', 'A', 'u']);
  const F = expectArray(o.F, `${field}.F`, t, t).map((p, k) => readPoint(p, `${field}.F[${k}]`));
  return {
    rid: expectHex(o.rid, `${field}.rid`, 32),
    chain: expectHex(o.chain, `${field}.chain`, 32),
    F,
    A: readPoint(o.A, `${field}.A`),
    u: expectHex(o.u, `${field}.u`, 32),
  };
}

/** Vᵢ = H(keygen/commit, session, i, t, parties, ridᵢ, cᵢ, Fᵢ, Aᵢ, uᵢ) (length-prefixed). */
export function commitmentOf(ctx: Pick<RoundContext<unknown>, 'hash'>, party: PartyIndex, t: number, parties: readonly PartyIndex[], d: Decommitment): Uint8Array {
  const parts: HashPart[] = [party, t, parties.join(','), d.rid, d.chain, d.F.length, ...d.F.map((p) => p.toBytes(true)), d.A.toBytes(true), d.u];
  return ctx.hash('commit', ...parts);
}

/** Strict reader of a round-1 payload `{ V }` (32 bytes). */
export function readCommitment(payload: Json): Uint8Array {
  const o = expectObject(payload, 'commitment', ['V']);
  return expectHex(o.V, 'commitment.V', 32);
}

/** Strict reader of a share payload `{ share }` (a scalar, zero allowed). */
export function readShare(payload: Json): bigint {
  const o = expectObject(payload, 'share', ['share']);
  return readScalar(o.share, 'share.share', true);
}

/** Strict reader of a round-3 payload `{ z }` (the Schnorr response). */
export function readResponse(payload: Json): bigint {
  const o = expectObject(payload, 'proof', ['z']);
  return readScalar(o.z, 'proof.z', true);
}

/** Other parties of the session. */
export function othersOf(parties: readonly PartyIndex[], self: PartyIndex): PartyIndex[] {
  return parties.filter((p) => p !== self);
}

/** Checks a state's JSON enough to trust its shape. @throws {FieldRangeError} */
export function checkPointCount(points: readonly Json[], t: number, field: string): void {
  if (points.length !== t) throw new FieldRangeError(field, `expected ${t} points`);
  points.forEach((p, k) => expectHex(p, `${field}[${k}]`, POINT_BYTES));
}
