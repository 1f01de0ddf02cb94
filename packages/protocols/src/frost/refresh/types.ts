/**
 * Proactive share refresh: state, output, and helpers shared by its rounds.
 * @module
 */
import { hexToBytes } from '@tessera/crypto/bytes';
import { expectArray, expectHex, expectObject, type Json } from '../../engine/codec.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Disqualification, MisbehaviourPolicy } from '../dkg/types.ts';
import type { KeyShare } from '../keyshare.ts';
import type { FrostSuite, GroupPoint, SuiteName } from '../suite.ts';

/** Protocol id of share refresh. */
export const REFRESH_PROTOCOL = 'tessera/frost/refresh';

/** Inputs kept out of snapshots. */
export interface RefreshDeps {
  /** The share being refreshed; never modified (the output is a new share). */
  readonly keyShare: KeyShare;
  readonly policy?: MisbehaviourPolicy;
}

/** Result of a refresh. */
export interface RefreshOutput {
  readonly keyShare: KeyShare;
  /** Parties whose zero-sharing was left out (they keep a share: refresh cannot remove anyone). */
  readonly disqualified: readonly Disqualification[];
}

/**
 * Round state. Security: `sent` holds the shares δᵢ(j) we dealt, `received` those dealt to us.
 */
export type RefreshState = {
  readonly suite: SuiteName;
  readonly policy: MisbehaviourPolicy;
  /** Aᵢ = (aᵢ₁·G, …, aᵢ,t−1·G): our commitments (δᵢ(0) = 0, so no Aᵢ₀) */
  readonly own: readonly string[];
  /** δᵢ(j) for every party j, including ourselves */
  readonly sent: readonly (readonly [number, string])[];
  /** Aⱼ of every other party */
  readonly dealt: readonly (readonly [number, readonly string[]])[];
  /** δⱼ(i) from every other party */
  readonly received: readonly (readonly [number, string])[];
  readonly myComplaints: readonly number[];
  readonly complaints: readonly (readonly [number, readonly number[], string])[];
};

/** Strict reader of `{ commitments: [t−1 elements] }`. */
export function readZeroCommitments(suite: FrostSuite, t: number, payload: Json, checkPoints = true): Uint8Array[] {
  const o = expectObject(payload, 'refresh', ['commitments']);
  return expectArray(o.commitments, 'refresh.commitments', t - 1, t - 1).map((c, k) => {
    const b = expectHex(c, `refresh.commitments[${k}]`, suite.elementLength);
    if (checkPoints) suite.parseElement(b, `refresh.commitments[${k}]`);
    return b;
  });
}

/** Strict reader of `{ share }` (zero allowed). */
export function readShare(suite: FrostSuite, payload: Json): Uint8Array {
  const o = expectObject(payload, 'share', ['share']);
  const s = expectHex(o.share, 'share.share', suite.scalarLength);
  suite.parseScalar(s, 'share.share', true);
  return s;
}

/** s·G, allowing s = 0 (noble's multiply rejects zero). */
export function baseMul(suite: FrostSuite, s: bigint): GroupPoint {
  return s === 0n ? suite.Point.ZERO : suite.Point.BASE.multiply(s);
}

/** True iff δ·G = Σₖ≥₁ Aₖ·xᵏ. */
export function zeroShareMatches(suite: FrostSuite, commitments: readonly string[], x: PartyIndex, share: Uint8Array): boolean {
  const A = [null, ...commitments.map((c) => suite.Point.fromBytes(hexToBytes(c)))];
  let acc: GroupPoint = suite.Point.ZERO;
  for (let k = A.length - 1; k >= 0; k--) {
    acc = acc.is0() ? acc : acc.multiplyUnsafe(BigInt(x));
    const c = A[k];
    if (c) acc = acc.add(c);
  }
  return baseMul(suite, suite.Fn.fromBytes(share)).equals(acc);
}
