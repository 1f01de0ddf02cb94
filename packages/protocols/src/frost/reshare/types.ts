/**
 * Resharing (t, n) → (t′, n′): configuration, state, output and the final combination.
 * @module
 */
import { hexToBytes } from '@tessera/crypto/bytes';
import { InternalError } from '../../engine/errors.ts';
import { FieldRangeError } from '@tessera/crypto/errors';
import { expectHex, expectObject, hex, canonicalBytes, type Json } from '../../engine/codec.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Disqualification, MisbehaviourPolicy } from '../dkg/types.ts';
import { validateKeyShare, type KeyShare } from '../keyshare.ts';
import { combineCommitmentsVartime, evaluateCommitmentVartime, lagrangeAtZero } from '../poly.ts';
import { getSuite, type FrostSuite, type SuiteName } from '../suite.ts';
import { sha256 } from '@noble/hashes/sha2.js';

/** Protocol id of resharing. */
export const RESHARE_PROTOCOL = 'tessera/frost/reshare';

/** Public facts about the old key every participant must agree on. */
export interface PreviousKey {
  readonly threshold: number;
  /** C₀ of the old key (suite element encoding). */
  readonly groupKey: Uint8Array;
  /** Old verifying shares Yᵢ of (at least) the dealers. */
  readonly verifyingShares: ReadonlyMap<PartyIndex, Uint8Array>;
}

/** Resharing parameters (identical at every party). */
export interface ReshareConfig {
  readonly suite: SuiteName;
  readonly previous: PreviousKey;
  /** Old parties that deal (at least the old threshold of them). */
  readonly dealers: readonly PartyIndex[];
  /** New threshold t′. */
  readonly threshold: number;
  /** New committee (may overlap the old one; newcomers take fresh indices). */
  readonly parties: readonly PartyIndex[];
  readonly policy?: MisbehaviourPolicy;
}

/** Inputs kept out of snapshots. */
export interface ReshareDeps {
  /** Needed by `init` only. */
  readonly config?: ReshareConfig;
  /** The old share: required for dealers, never modified. */
  readonly keyShare?: KeyShare;
}

/** Result of resharing. */
export interface ReshareOutput {
  /** The new share (null for a dealer that is not in the new committee: erase the old share). */
  readonly keyShare: KeyShare | null;
  /** Dealers whose sub-sharings were combined. */
  readonly dealers: readonly PartyIndex[];
  readonly disqualified: readonly Disqualification[];
}

/** Round state. Security: `sent`/`received` hold sub-shares gᵢ(j) of old shares. */
export type ReshareState = {
  readonly suite: SuiteName;
  readonly policy: MisbehaviourPolicy;
  readonly oldThreshold: number;
  readonly threshold: number;
  readonly dealers: readonly number[];
  readonly parties: readonly number[];
  readonly groupKey: string;
  /** old Yᵢ of each dealer */
  readonly previous: readonly (readonly [number, string])[];
  /** hex SHA-256 of the canonical configuration */
  readonly digest: string;
  /** Gᵢ = (gᵢ₀·G, …, gᵢ,t′−1·G) if we deal (gᵢ₀ = xᵢ) */
  readonly own: readonly string[] | null;
  /** gᵢ(j) for each new party j */
  readonly sent: readonly (readonly [number, string])[];
  readonly dealt: readonly (readonly [number, readonly string[]])[];
  readonly received: readonly (readonly [number, string])[];
  readonly disqualified: Json;
  readonly myComplaints: readonly number[];
  readonly complaints: readonly (readonly [number, readonly number[], string])[];
};

/** Canonical digest of a configuration (everyone must hold the same one). */
export function configDigest(c: ReshareConfig): string {
  const suite = getSuite(c.suite);
  const j: Json = {
    suite: suite.name,
    oldThreshold: c.previous.threshold,
    groupKey: hex(c.previous.groupKey),
    previous: c.dealers.map((d) => [d, hex(c.previous.verifyingShares.get(d) ?? new Uint8Array())]),
    dealers: [...c.dealers],
    threshold: c.threshold,
    parties: [...c.parties],
    policy: c.policy ?? 'disqualify',
  };
  return hex(sha256(canonicalBytes(j)));
}

/** Strict reader of a dealer broadcast `{ digest, commitments: [t′ elements] }`. */
export function readDealing(suite: FrostSuite, state: ReshareState, payload: Json): Uint8Array[] {
  const o = expectObject(payload, 'reshare', ['digest', 'commitments']);
  if (o.digest !== state.digest) throw new FieldRangeError('reshare.digest', 'configuration differs from ours');
  if (!Array.isArray(o.commitments) || o.commitments.length !== state.threshold) throw new FieldRangeError('reshare.commitments', `expected ${state.threshold} commitments`);
  return (o.commitments as Json[]).map((c, k) => {
    const b = expectHex(c, `reshare.commitments[${k}]`, suite.elementLength);
    suite.parseElement(b, `reshare.commitments[${k}]`);
    return b;
  });
}


/** True iff `share`·G = Σₖ Gₖ·xᵏ for the dealer's commitments. */
export function subShareMatches(suite: FrostSuite, commitments: readonly string[], x: PartyIndex, share: Uint8Array): boolean {
  const G = commitments.map((c) => suite.Point.fromBytes(hexToBytes(c)));
  const s = suite.Fn.fromBytes(share);
  const lhs = s === 0n ? suite.Point.ZERO : suite.Point.BASE.multiply(s);
  return lhs.equals(evaluateCommitmentVartime(suite, G, BigInt(x)));
}

/**
 * Combines the qualified dealers' sub-sharings with Lagrange coefficients λᵢ (over the old
 * identifiers): x′ⱼ = Σᵢ λᵢ·gᵢ(j), C′ₖ = Σᵢ λᵢ·Gᵢₖ, Y′ₘ = Σₖ C′ₖ·mᵏ; checks C′₀ = Y (old key).
 */
export function combine(state: ReshareState, self: PartyIndex, qualified: readonly PartyIndex[], received: ReadonlyMap<PartyIndex, Uint8Array>): KeyShare | null {
  const suite = getSuite(state.suite);
  const { Fn, Point } = suite;
  const xs = qualified.map((d) => BigInt(d));
  const lambda = qualified.map((d) => lagrangeAtZero(suite, xs, BigInt(d)));
  const vectors = qualified.map((d) => (d === self ? state.own! : state.dealt.find((r) => r[0] === d)![1]).map((c) => Point.fromBytes(hexToBytes(c))));
  const C = combineCommitmentsVartime(suite, vectors, lambda);
  if (!C[0]!.equals(Point.fromBytes(hexToBytes(state.groupKey)))) throw new InternalError('resharing changed the group key');
  if (!state.parties.includes(self)) return null;
  let x = 0n;
  qualified.forEach((d, k) => {
    const g = d === self ? hexToBytes(state.sent.find((s) => s[0] === self)![1]) : received.get(d)!;
    x = Fn.add(x, Fn.mul(lambda[k]!, Fn.fromBytes(g)));
  });
  const parties = state.parties as PartyIndex[];
  return validateKeyShare({
    suite: state.suite,
    index: self,
    threshold: state.threshold,
    parties,
    commitments: C.map((c) => c.toBytes(true)),
    verifyingShares: parties.map((m) => evaluateCommitmentVartime(suite, C, BigInt(m)).toBytes(true)),
    signingShare: Fn.toBytes(x),
  });
}
