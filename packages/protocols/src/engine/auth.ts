/**
 * Party authentication as the engine sees it: each party signs the ids of its broadcast and
 * echo messages with an identity key, and anyone can check a signature by party index. The
 * transport authenticates channels anyway; these signatures make an equivocation provable
 * (two signed, different broadcasts for one round) and a false echo attributable.
 * `createEd25519Auth` is the implementation used by the simulator and the Node party.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { FieldRangeError, assertBytes } from '@tessera/crypto/errors';
import { randomBytes, type RandomSource } from '@tessera/crypto/rng';
import type { PartyIndex } from './ids.ts';

/** Signs for one party and verifies any party's signatures. */
export interface PartyAuth {
  /** Signs `message` with this party's identity key. */
  sign(message: Uint8Array): Uint8Array;
  /** True iff `signature` is `party`'s valid signature on `message`. Never throws. */
  verify(party: PartyIndex, message: Uint8Array, signature: Uint8Array): boolean;
}

/** An Ed25519 identity key pair. Security: `secretKey` never leaves its party. */
export interface IdentityKey {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/**
 * A fresh Ed25519 identity key.
 * @throws {RngHealthError} if the randomness source fails.
 */
export function generateIdentityKey(rng?: RandomSource): IdentityKey {
  const secretKey = randomBytes(32, rng);
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

/**
 * Ed25519 {@link PartyAuth} from this party's secret key and every party's public key.
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed keys.
 */
export function createEd25519Auth(secretKey: Uint8Array, publicKeys: ReadonlyMap<PartyIndex, Uint8Array>): PartyAuth {
  assertBytes('secretKey', secretKey, 32);
  for (const [p, pk] of publicKeys) assertBytes(`publicKeys[${p}]`, pk, 32);
  if (publicKeys.size === 0) throw new FieldRangeError('publicKeys', 'expected at least one public key');
  const sk = secretKey.slice();
  const pks = new Map(publicKeys);
  return {
    sign: (message) => ed25519.sign(message, sk),
    verify(party, message, signature) {
      const pk = pks.get(party);
      if (!pk || signature.length !== 64) return false;
      try {
        return ed25519.verify(signature, message, pk);
      } catch {
        return false;
      }
    },
  };
}
