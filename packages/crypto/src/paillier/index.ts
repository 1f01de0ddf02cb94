/**
 * `@tessera/crypto/paillier`: the Paillier cryptosystem with g = N + 1 — keys and key
 * generation (`./keys.ts`), encryption, CRT decryption and homomorphic operations
 * (`./scheme.ts`), and versioned serialization (`./encoding.ts`).
 * @module
 */
export {
  PAILLIER_DEFAULT_BITS,
  PAILLIER_KEYGEN_MIN_BITS,
  PAILLIER_MAX_BITS,
  PAILLIER_MIN_BITS,
  assertLiveSecretKey,
  disposePaillierSecretKey,
  generatePaillierKeyPair,
  paillierPublicKey,
  paillierSecretKeyFromPrimes,
} from './keys.ts';
export type {
  PaillierKeygenOptions,
  PaillierKeygenProgress,
  PaillierPublicKey,
  PaillierPublicKeyOptions,
  PaillierSecretKey,
  PaillierSecretKeyOptions,
} from './keys.ts';
export {
  add,
  addPlaintext,
  decrypt,
  encrypt,
  encryptWithNonce,
  encryptWithNonceAndSecretKey,
  encryptWithSecretKey,
  mulScalar,
  mulScalarVartime,
  rerandomize,
  validateCiphertext,
  validateNonce,
  validatePlaintext,
} from './scheme.ts';
export {
  PAILLIER_KEY_FORMAT_VERSION,
  PAILLIER_PUBLIC_KEY_KIND,
  PAILLIER_SECRET_KEY_KIND,
  encodePaillierCiphertext,
  encodePaillierPublicKey,
  encodePaillierSecretKey,
  parsePaillierCiphertext,
  parsePaillierKey,
} from './encoding.ts';
export type { PaillierPublicKeyJson, PaillierSecretKeyJson, ParsePaillierKeyOptions, ParsedPaillierKey } from './encoding.ts';
