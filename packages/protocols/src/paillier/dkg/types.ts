/**
 * Types of the dealer-less key generation (`tessera/paillier/dkg`): session configuration,
 * the serializable state, the inputs kept out of snapshots, progress and output.
 * @module
 */
import type { JsonObject } from '../../engine/codec.ts';
import type { SignedEpoch } from '../epoch.ts';
import type { ThresholdPaillierKeyShare } from '../key.ts';
import type { DkgConfig } from './params.ts';

/** Protocol id of the dealer-less key generation. */
export const DKG_PROTOCOL = 'tessera/paillier/dkg';
/** Highest round number the engine carries; the candidate search must end before it. */
export const DKG_MAX_ROUNDS = 1000;

/** The configuration every party of the session must be given identically. */
export interface DkgSessionConfig extends DkgConfig {
  /** Ed25519 identity public keys of parties 1..n (they go into the epoch record). */
  readonly identityKeys: readonly Uint8Array[];
  /** Epoch number of the record (default 1). */
  readonly epoch?: number;
  /** Creation time written into the record (ISO 8601 UTC), the same for all parties. */
  readonly createdAt: string;
}

/** Progress of a key generation (reported by each party). */
export interface DkgProgress {
  readonly phase: 'modulus' | 'biprime' | 'key' | 'verification' | 'epoch';
  /** Candidate batches generated so far. */
  readonly batches: number;
  /** Candidate pairs (p, q) tried so far. */
  readonly candidates: number;
  /** Candidates whose N passed trial division. */
  readonly sieved: number;
  /** Candidates that reached the Boneh–Franklin test. */
  readonly biprimeTests: number;
  /** Expected number of candidate pairs for this size (the spread is wide). */
  readonly expected: number;
}

/** Inputs kept out of snapshots. */
export interface DkgDeps {
  /** Security: this party's Ed25519 identity secret key; signs the epoch record. */
  readonly identitySecretKey: Uint8Array;
  readonly onProgress?: (p: DkgProgress) => void;
  /** Aborting fails the session at its next round (an internal error). */
  readonly signal?: AbortSignal;
}

/** Counters of the search. */
export type DkgStats = {
  readonly batches: number;
  readonly candidates: number;
  readonly sieved: number;
  readonly biprimeTests: number;
};

/** The phases; each has a round spec in its own file. */
export type DkgPhase = 'candidates' | 'modulus' | 'biprime1' | 'biprime2' | 'key1' | 'key2' | 'verify' | 'sign';

/**
 * Round state (JSON; hex strings, signed ones with a leading "-").
 * Security: `own`, `self`, `chosen.p/q`, `key.*` are this party's secrets (a snapshot holds them).
 */
export type DkgState = {
  /** Engine round this state belongs to. */
  readonly round: number;
  readonly phase: DkgPhase;
  /** The public configuration (normalized; identity keys in hex). */
  readonly config: JsonObject;
  /** Current candidate batch. */
  readonly batch: number;
  readonly stats: DkgStats;
  /** Own additive shares pᵢ, qᵢ of the batch's candidates. */
  readonly own: { readonly p: readonly string[]; readonly q: readonly string[] } | null;
  /** Own polynomials evaluated at own index: shares of p, q, and of zero; then own N shares. */
  readonly self: { readonly p: readonly string[]; readonly q: readonly string[]; readonly z: readonly string[] } | null;
  readonly selfN: readonly string[] | null;
  /** The batch's moduli N_k and the candidates under the biprimality test. */
  readonly moduli: readonly string[] | null;
  readonly tested: readonly number[] | null;
  /** Own Boneh–Franklin responses per tested candidate (hex), as broadcast. */
  readonly responses: readonly (readonly string[])[] | null;
  /** The biprime N and own additive shares of its p and q. */
  readonly chosen: { readonly N: string; readonly p: string; readonly q: string } | null;
  /** Key-sharing values (see key-sharing.ts and verification.ts). */
  readonly key: JsonObject | null;
};

/** What every party ends with. */
export interface DkgOutput {
  /** The epoch record, signed by every member (checked). */
  readonly signed: SignedEpoch;
  /** This party's validated key share. Security: secret. */
  readonly keyShare: ThresholdPaillierKeyShare;
  readonly stats: DkgStats;
}
