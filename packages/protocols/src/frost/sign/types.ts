/**
 * Types shared by the rounds of FROST signing: the serializable state, the non-serialized
 * inputs, the request and the output.
 * @module
 */
import type { PartyIndex } from '../../engine/ids.ts';
import type { KeyShare } from '../keyshare.ts';
import type { NonceLedger } from '../nonce-ledger.ts';
import type { SuiteName } from '../suite.ts';

/** Protocol id of FROST signing. */
export const SIGN_PROTOCOL = 'tessera/frost/sign';

/** What to sign and with whom. */
export interface SignRequest {
  readonly message: Uint8Array;
  /** The signing set S (sorted, distinct, |S| ≥ t, includes this party); locked at round 1. */
  readonly signers: readonly PartyIndex[];
  /**
   * Who verifies the shares and aggregates. Omitted: every signer does (shares are broadcast).
   * Given: shares go to that signer only, who broadcasts the verified signature.
   */
  readonly aggregator?: PartyIndex;
}

/** Inputs kept out of snapshots. */
export interface SignDeps {
  readonly keyShare: KeyShare;
  readonly ledger: NonceLedger;
  /** Needed by `init` only (restored sessions read it from their state). */
  readonly request?: SignRequest;
  /** Security: 32-byte secret seed; when given, nonces are hedged-deterministic. */
  readonly nonceSeed?: Uint8Array;
}

/**
 * Round state (JSON, lower-case hex). Security: `nonces` holds the secret nonce pair from
 * commit until the share is made; it is erased (null) in the state after round 1.
 */
export type SignState = {
  readonly suite: SuiteName;
  readonly message: string;
  readonly signers: readonly number[];
  readonly aggregator: number | null;
  /** id of our nonce pair in the ledger */
  readonly nonceId: string;
  /** (dᵢ, eᵢ): hiding and binding nonces */
  readonly nonces: { readonly hiding: string; readonly binding: string } | null;
  /** (Dᵢ, Eᵢ) = (dᵢ·G, eᵢ·G) of our own commit */
  readonly own: { readonly hiding: string; readonly binding: string };
  /** commitment list B = [(j, Dⱼ, Eⱼ)] for j in S, fixed by round 1 */
  readonly commitments: readonly (readonly [number, string, string])[] | null;
  /** zᵢ, kept by an aggregator until the others' shares arrive */
  readonly ownShare: string | null;
};

/** The result of a signing session. */
export interface SignOutput {
  readonly suite: SuiteName;
  /** RFC 9591 / BIP340 / RFC 8032 signature bytes. */
  readonly signature: Uint8Array;
  /** Published public key (x-only for Taproot). */
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signers: readonly PartyIndex[];
}
