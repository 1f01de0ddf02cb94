/**
 * CGGMP21 signing (Fig. 8): request, dependencies, serializable state and output.
 * @module
 */
import type { NonceLedger } from '../../frost/nonce-ledger.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { EcdsaSignature } from '../ecdsa.ts';
import type { CggmpKeyShare } from '../keyshare.ts';
import type { Presignature } from '../presign/presignature.ts';

/** Protocol id of CGGMP21 signing. */
export const SIGN_PROTOCOL = 'tessera/cggmp/sign';

/**
 * Records presignatures as consumed, durably, before a signature share leaves the party; the
 * FROST nonce ledger's interface (the vault implements it once for both): `consume(keyId, id)`
 * throws `NonceReuseError` for an id seen before.
 */
export type PresignatureLedger = Pick<NonceLedger, 'consume'>;

/** What to sign. */
export interface SignRequest {
  /** The 32-byte message digest (SHA-256, Keccak-256, …) — see ecdsa.ts `messageDigest`. */
  readonly digest: Uint8Array;
}

/** Inputs kept out of snapshots. */
export interface SignDeps {
  readonly keyShare: CggmpKeyShare;
  /** Needed by `init` only. Security: holds kᵢ, χᵢ. */
  readonly presignature?: Presignature;
  /** Needed by `init` only. */
  readonly ledger?: PresignatureLedger;
  /** Needed by `init` only. */
  readonly request?: SignRequest;
}

/** Round state (JSON, public values only: σᵢ has been sent when the state exists). */
export type SignState = {
  readonly signers: readonly number[];
  readonly digest: string;
  readonly R: string;
  readonly Gamma: string;
  /** Δⱼ and Ŝⱼ per signer, in `signers` order */
  readonly Delta: readonly string[];
  readonly S: readonly string[];
  /** σᵢ */
  readonly sigma: string;
};

/** The result of signing. */
export interface SignOutput {
  /** Low-S (r, s) with the recovery id v. */
  readonly signature: EcdsaSignature;
  /** Compressed public key (33 bytes). */
  readonly publicKey: Uint8Array;
  readonly digest: Uint8Array;
  readonly signers: readonly PartyIndex[];
}
