/**
 * Types of the threshold decryption protocol (`tessera/paillier/decrypt`): the serializable
 * state, the inputs kept out of snapshots, and the output.
 * @module
 */
import type { JsonObject } from '../../engine/codec.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { ThresholdPaillierKeyShare } from '../key.ts';
import type { InvalidShare } from './share.ts';

/** Protocol id of threshold decryption. */
export const DECRYPT_PROTOCOL = 'tessera/paillier/decrypt';

/** Inputs kept out of snapshots. */
export interface DecryptDeps {
  /** This party's validated key share. Security: secret. */
  readonly keyShare: ThresholdPaillierKeyShare;
  /** The ciphertext (needed by `init`; a restored session reads it from its state). */
  readonly ciphertext?: bigint;
}

/** Round state (JSON): the ciphertext and this party's own decryption share message. */
export type DecryptState = {
  /** c, lower-case hex. */
  readonly c: string;
  /** This party's decryption share in its wire form (public). */
  readonly own: JsonObject;
};

/** What every decrypting party ends with. */
export interface DecryptOutput {
  /** m ∈ [0, N). */
  readonly plaintext: bigint;
  /** Parties whose decryption shares verified (sorted, including this party). */
  readonly valid: readonly PartyIndex[];
  /** Parties whose shares failed their proof: excluded and named. */
  readonly invalid: readonly InvalidShare[];
}
