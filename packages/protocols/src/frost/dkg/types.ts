/**
 * FROST DKG: serializable state, configuration, output, and the conversions between noble's
 * DKG packages (bigints, byte arrays) and their JSON form.
 * @module
 */
import type { DKG_Round1, DKG_Round2, DKG_Secret, FrostPublic, Key } from '@noble/curves/abstract/frost.js';
import { hexToBytes } from '@tessera/crypto/bytes';
import { FieldRangeError } from '@tessera/crypto/errors';
import { expectArray, expectHex, expectObject, hex, type Json } from '../../engine/codec.ts';
import type { Evidence } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { KeyShare } from '../keyshare.ts';
import { getSuite, type FrostSuite, type SuiteName } from '../suite.ts';

/** Protocol id of the FROST DKG. */
export const DKG_PROTOCOL = 'tessera/frost/dkg';

/**
 * What happens to a party caught cheating: `disqualify` (default) excludes it and finishes
 * with the qualified set if at least t parties remain; `abort` ends the ceremony naming it.
 */
export type MisbehaviourPolicy = 'disqualify' | 'abort';

/** DKG parameters (identical at every party). */
export interface DkgConfig {
  readonly suite: SuiteName;
  readonly threshold: number;
  readonly policy?: MisbehaviourPolicy;
}

/** Inputs kept out of snapshots. */
export interface DkgDeps {
  /** Needed by `init` only. */
  readonly config?: DkgConfig;
}

/** A party excluded from the key, and why. */
export interface Disqualification {
  readonly party: PartyIndex;
  readonly reason: 'invalid-proof' | 'invalid-commitment' | 'failed-answer';
  readonly evidence: readonly Evidence[];
}

/** Result of the DKG. */
export interface DkgOutput {
  readonly keyShare: KeyShare;
  /** The committee of the new key (everyone not disqualified). */
  readonly qualified: readonly PartyIndex[];
  readonly disqualified: readonly Disqualification[];
}

/** A DKG round-1 broadcast in JSON: commitment (φ₀…φ_{t−1}) and proof of knowledge σ = (R, μ). */
export type Round1Row = readonly [party: number, commitment: readonly string[], proof: string];

/**
 * DKG state (JSON). Security: `secret` holds the polynomial coefficients and the shares sent,
 * `received` the shares received, `key` the speculative final share; snapshots are secret.
 */
export type DkgState = {
  readonly suite: SuiteName;
  readonly threshold: number;
  readonly policy: MisbehaviourPolicy;
  /** noble's DKG_Secret in JSON */
  readonly secret: Json;
  /** round-1 packages of the other qualified parties */
  readonly round1: readonly Round1Row[];
  /** Q: parties still qualified (including self) */
  readonly qualified: readonly number[];
  readonly disqualified: Json;
  /** shares fⱼ(i) received in round 2, by sender */
  readonly received: readonly (readonly [number, string])[];
  /** noble round-3 result computed before complaints were settled (null if ours failed) */
  readonly key: Json;
  /** complaints we made */
  readonly myComplaints: readonly number[];
  /** all complaints (complainer, dealers, message id), set in round 3 */
  readonly complaints: readonly (readonly [number, readonly number[], string])[];
};

/** noble DKG_Secret → JSON. Security: contains the secret polynomial. */
export function encodeSecret(suite: FrostSuite, s: DKG_Secret): Json {
  return {
    identifier: hex(suite.Fn.toBytes(s.identifier)),
    coefficients: s.coefficients ? s.coefficients.map((c) => hex(suite.Fn.toBytes(c))) : null,
    commitment: s.commitment.map(hex),
    signers: [s.signers.min, s.signers.max],
    round1Cache: s.round1Cache ? s.round1Cache.map((p) => [p.identifier, p.commitment.map(hex), hex(p.proofOfKnowledge)]) : null,
    round2Cache: s.round2Cache ? Object.entries(s.round2Cache).map(([k, v]) => [k, v.identifier, hex(v.signingShare)]) : null,
    step: s.step ?? 1,
  };
}

/** JSON → noble DKG_Secret (a fresh object noble may mutate). @throws on malformed input. */
export function decodeSecret(suite: FrostSuite, j: Json): DKG_Secret {
  const o = expectObject(j, 'state.secret', ['identifier', 'coefficients', 'commitment', 'signers', 'round1Cache', 'round2Cache', 'step']);
  const sc = (v: Json, f: string) => suite.Fn.fromBytes(expectHex(v, f, suite.scalarLength));
  const signers = expectArray(o.signers, 'state.secret.signers', 2, 2) as number[];
  if (o.step !== 1 && o.step !== 2) throw new FieldRangeError('state.secret.step', 'expected 1 or 2');
  const s: DKG_Secret = {
    identifier: sc(o.identifier, 'state.secret.identifier'),
    commitment: expectArray(o.commitment, 'state.secret.commitment').map((c, k) => expectHex(c, `state.secret.commitment[${k}]`, suite.elementLength)) as DKG_Secret['commitment'],
    signers: { min: signers[0]!, max: signers[1]! },
    step: o.step,
  };
  if (o.coefficients !== null) s.coefficients = expectArray(o.coefficients, 'state.secret.coefficients').map((c, k) => sc(c, `state.secret.coefficients[${k}]`));
  if (o.round1Cache !== null)
    s.round1Cache = expectArray(o.round1Cache, 'state.secret.round1Cache').map((r) => {
      const row = expectArray(r, 'state.secret.round1Cache[]', 3, 3);
      return {
        identifier: row[0] as string,
        commitment: expectArray(row[1], 'commitment').map((c) => expectHex(c, 'commitment', suite.elementLength)),
        proofOfKnowledge: expectHex(row[2], 'proofOfKnowledge', suite.proofLength),
      } as DKG_Round1;
    });
  if (o.round2Cache !== null) {
    const cache: Record<string, DKG_Round2> = {};
    for (const r of expectArray(o.round2Cache, 'state.secret.round2Cache')) {
      const row = expectArray(r, 'state.secret.round2Cache[]', 3, 3);
      cache[row[0] as string] = { identifier: row[1] as string, signingShare: expectHex(row[2], 'signingShare', suite.scalarLength) } as DKG_Round2;
    }
    s.round2Cache = cache;
  }
  return s;
}

/** noble Key → JSON. Security: contains the signing share. */
export function encodeKey(k: Key): Json {
  return {
    signers: [k.public.signers.min, k.public.signers.max],
    commitments: k.public.commitments.map(hex),
    verifyingShares: Object.entries(k.public.verifyingShares).map(([id, v]) => [id, hex(v)]),
    identifier: k.secret.identifier,
    signingShare: hex(k.secret.signingShare),
  };
}

/** JSON → noble Key. @throws on malformed input. */
export function decodeKey(suiteName: SuiteName, j: Json): Key {
  const suite = getSuite(suiteName);
  const o = expectObject(j, 'state.key', ['signers', 'commitments', 'verifyingShares', 'identifier', 'signingShare']);
  const signers = expectArray(o.signers, 'state.key.signers', 2, 2) as number[];
  const verifyingShares: Record<string, Uint8Array> = {};
  for (const r of expectArray(o.verifyingShares, 'state.key.verifyingShares')) {
    const row = expectArray(r, 'state.key.verifyingShares[]', 2, 2);
    verifyingShares[row[0] as string] = expectHex(row[1], 'verifyingShare', suite.elementLength);
  }
  const pub = {
    signers: { min: signers[0]!, max: signers[1]! },
    commitments: expectArray(o.commitments, 'state.key.commitments').map((c) => expectHex(c, 'commitment', suite.elementLength)),
    verifyingShares,
  } as FrostPublic;
  return { public: pub, secret: { identifier: o.identifier as string, signingShare: expectHex(o.signingShare, 'state.key.signingShare', suite.scalarLength) } } as Key;
}

/** noble round-1 package from a JSON row. */
export function round1Package(suite: FrostSuite, row: Round1Row): DKG_Round1 {
  return {
    identifier: suite.identifier(row[0] as PartyIndex),
    commitment: row[1].map((c) => hexToBytes(c)),
    proofOfKnowledge: hexToBytes(row[2]),
  } as DKG_Round1;
}

/** Disqualifications in JSON. */
export function encodeDisqualified(list: readonly Disqualification[]): Json {
  return list.map((d) => ({ party: d.party, reason: d.reason, evidence: d.evidence.map((e) => ({ ...e })) }));
}

/** Disqualifications from JSON (as stored by this module). */
export function decodeDisqualified(j: Json): Disqualification[] {
  return expectArray(j, 'state.disqualified').map((x) => {
    const o = expectObject(x, 'state.disqualified[]', ['party', 'reason', 'evidence']);
    return { party: o.party as PartyIndex, reason: o.reason as Disqualification['reason'], evidence: expectArray(o.evidence, 'evidence') as unknown as Evidence[] };
  });
}
