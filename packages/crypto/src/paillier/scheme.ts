/**
 * The Paillier cryptosystem with g = N + 1: encryption, CRT decryption, homomorphic
 * addition and scalar multiplication, re-randomization, and plaintext/ciphertext validation.
 *
 * Enc(m; r) = g^m · r^N mod N² = (1 + m·N) · r^N mod N², for m ∈ Z_N and r ∈ Z*_N.
 * Dec(c): m_p = L_p(c^(p−1) mod p²)·hp mod p with L_p(x) = (x − 1)/p, likewise m_q, then
 * m = m_q + q·((m_p − m_q)·q⁻¹ mod p) (Paillier, EUROCRYPT '99, §7).
 *
 * Exponentiation paths: exponents derived from the secret key (p − 1, q − 1, and N in the
 * owner's CRT encryption via `crtModPow`) and scalars that may be secret go through `modPow`;
 * the public exponent N and scalars the caller declares public go through `modPowVartime`.
 * Every secret ladder gets a PUBLIC length bound (backend/bound.ts), so it runs over the
 * exponent's possible length instead of the modulus's: |p| bits per decryption half (p − 1 <
 * 2^|p|, against a 2|p|-bit modulus p²), |N| bits for a scalar reduced mod N (against N²), or
 * the caller's declared scalar length (`kBits`, e.g. 256 for a curve scalar). The prime
 * lengths |p|, |q| are key-generation parameters and treated as public.
 *
 * Validation policy: operations that exponentiate or decrypt check their ciphertexts fully
 * (0 < c < N², gcd(c, N) = 1); {@link add} and {@link addPlaintext} check type and range
 * only, because a gcd costs more than ten modular multiplications. Ciphertexts received
 * from others should pass {@link validateCiphertext} (or `parsePaillierCiphertext`) on arrival.
 * @module
 */
import { bitLength } from '../bytes.ts';
import { CryptoError, FieldRangeError, assertBigInt, assertInteger } from '../errors.ts';
import { gcd, mod } from '../modular.ts';
import { crtModPow, modMul, modPow, modPowVartime } from '../backend/index.ts';
import { randomZnStar, systemRng } from '../rng.ts';
import type { RandomSource } from '../rng.ts';
import { assertLiveSecretKey } from './keys.ts';
import type { PaillierPublicKey, PaillierSecretKey } from './keys.ts';

/**
 * Checks that `m` is a plaintext for `pk`: a bigint with 0 ≤ m < N.
 * @throws {FieldTypeError} if `m` is not a bigint. @throws {FieldRangeError} if out of range.
 */
export function validatePlaintext(pk: PaillierPublicKey, m: bigint, field = 'm'): void {
  assertBigInt(field, m);
  if (m < 0n) throw new FieldRangeError(field, 'plaintext must be non-negative');
  if (m >= pk.n) throw new FieldRangeError(field, 'plaintext must be less than N');
}

function checkCiphertextRange(pk: PaillierPublicKey, c: bigint, field: string): void {
  assertBigInt(field, c);
  if (c <= 0n) throw new FieldRangeError(field, 'ciphertext must be positive');
  if (c >= pk.n2) throw new FieldRangeError(field, 'ciphertext must be less than N²');
}

/**
 * Checks that `c` is a ciphertext for `pk`: 0 < c < N² and gcd(c, N) = 1.
 * @throws {FieldTypeError} if `c` is not a bigint.
 * @throws {FieldRangeError} if c ≤ 0 or c ≥ N².
 * @throws {CryptoError} if gcd(c, N) ≠ 1 (c is not in Z*_{N²}; it would reveal a factor of N).
 */
export function validateCiphertext(pk: PaillierPublicKey, c: bigint, field = 'c'): void {
  checkCiphertextRange(pk, c, field);
  if (gcd(c, pk.n) !== 1n) throw new CryptoError('ciphertext is not coprime to N', field);
}

/**
 * Checks that `r` is valid encryption randomness: 0 < r < N and gcd(r, N) = 1.
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError} if gcd(r, N) ≠ 1.
 */
export function validateNonce(pk: PaillierPublicKey, r: bigint, field = 'r'): void {
  assertBigInt(field, r);
  if (r <= 0n || r >= pk.n) throw new FieldRangeError(field, 'randomness must satisfy 0 < r < N');
  if (gcd(r, pk.n) !== 1n) throw new CryptoError('randomness is not coprime to N', field);
}

/** g^m mod N² = 1 + m·N for g = N + 1 and 0 ≤ m < N (no exponentiation). */
function gToThe(pk: PaillierPublicKey, m: bigint): bigint {
  return 1n + m * pk.n;
}

/**
 * Encrypts `m` with fresh randomness r ∈ Z*_N: (1 + m·N)·r^N mod N².
 * @param rng randomness source; default: the system RNG.
 * @throws {FieldTypeError} @throws {FieldRangeError} if m ∉ [0, N).
 * @throws {RngHealthError} if the randomness source fails.
 * @example
 * const c = encrypt(pk, 42n);
 */
export function encrypt(pk: PaillierPublicKey, m: bigint, rng: RandomSource = systemRng()): bigint {
  validatePlaintext(pk, m);
  const r = randomZnStar(pk.n, rng);
  return modMul(gToThe(pk, m), modPowVartime(r, pk.n, pk.n2), pk.n2);
}

/**
 * Encrypts `m` with caller-given randomness `r` (known-answer tests, proofs that reopen
 * an encryption). Security: reusing `r` for two plaintexts reveals their difference.
 * @throws {FieldTypeError} @throws {FieldRangeError} if m ∉ [0, N) or r ∉ (0, N).
 * @throws {CryptoError} if gcd(r, N) ≠ 1.
 */
export function encryptWithNonce(pk: PaillierPublicKey, m: bigint, r: bigint): bigint {
  validatePlaintext(pk, m);
  validateNonce(pk, r);
  return modMul(gToThe(pk, m), modPowVartime(r, pk.n, pk.n2), pk.n2);
}

/**
 * r^N mod N² computed by the key owner through CRT (two half-size exponentiations modulo
 * p² and q², recombined), each half on the secret-exponent ladder over |N| bits (the public
 * bound of the exponent N, which is then not reduced modulo p(p − 1) and q(q − 1)).
 */
function rToTheNWithSecretKey(sk: PaillierSecretKey, r: bigint): bigint {
  const n = sk.publicKey.n;
  return crtModPow(r, n, sk.crt, bitLength(n));
}

/**
 * Encryption by the key owner (same output distribution as {@link encrypt}), with r^N
 * computed mod p² and q² separately. The exponents depend on the secret key, so they go
 * through the regular (secret-exponent) ladder.
 * @throws {FieldTypeError} @throws {FieldRangeError} if m ∉ [0, N).
 * @throws {CryptoError} if `sk` was disposed. @throws {RngHealthError}
 */
export function encryptWithSecretKey(sk: PaillierSecretKey, m: bigint, rng: RandomSource = systemRng()): bigint {
  assertLiveSecretKey(sk);
  const pk = sk.publicKey;
  validatePlaintext(pk, m);
  const r = randomZnStar(pk.n, rng);
  return modMul(gToThe(pk, m), rToTheNWithSecretKey(sk, r), pk.n2);
}

/**
 * {@link encryptWithNonce} by the key owner, through CRT (vectors and tests check that both
 * paths agree).
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError} as {@link encryptWithNonce}, or if `sk` was disposed.
 */
export function encryptWithNonceAndSecretKey(sk: PaillierSecretKey, m: bigint, r: bigint): bigint {
  assertLiveSecretKey(sk);
  const pk = sk.publicKey;
  validatePlaintext(pk, m);
  validateNonce(pk, r);
  return modMul(gToThe(pk, m), rToTheNWithSecretKey(sk, r), pk.n2);
}

/**
 * Decrypts `c` by CRT: m_p = L_p(c^(p−1) mod p²)·hp mod p, m_q likewise, recombined mod N.
 * @throws {FieldTypeError} @throws {FieldRangeError} if c ∉ (0, N²).
 * @throws {CryptoError} if gcd(c, N) ≠ 1 or `sk` was disposed.
 * @example
 * decrypt(sk, encrypt(sk.publicKey, 42n)); // 42n
 */
export function decrypt(sk: PaillierSecretKey, c: bigint): bigint {
  assertLiveSecretKey(sk);
  validateCiphertext(sk.publicKey, c);
  const { p, q, p2, q2 } = sk;
  // p − 1 < 2^|p|: the ladder runs over |p| bits, not over the 2|p| bits of p²
  const mp = mod(((modPow(c % p2, p - 1n, p2, bitLength(p)) - 1n) / p) * sk.hp, p);
  const mq = mod(((modPow(c % q2, q - 1n, q2, bitLength(q)) - 1n) / q) * sk.hq, q);
  return mq + q * mod((mp - mq) * sk.qInvP, p);
}

/**
 * Homomorphic addition: E(m1)·E(m2) mod N², an encryption of m1 + m2 mod N.
 * Checks range only (see the module header).
 * @throws {FieldTypeError} @throws {FieldRangeError} if a ciphertext is out of (0, N²).
 */
export function add(pk: PaillierPublicKey, c1: bigint, c2: bigint): bigint {
  checkCiphertextRange(pk, c1, 'c1');
  checkCiphertextRange(pk, c2, 'c2');
  return modMul(c1, c2, pk.n2);
}

/**
 * Adds a plaintext to a ciphertext: E(m)·(1 + k·N) mod N², an encryption of m + k mod N
 * (with the same randomness). `k` may be any integer; it is reduced mod N.
 * Checks range only (see the module header).
 * @throws {FieldTypeError} @throws {FieldRangeError} if c ∉ (0, N²).
 */
export function addPlaintext(pk: PaillierPublicKey, c: bigint, k: bigint): bigint {
  checkCiphertextRange(pk, c, 'c');
  assertBigInt('k', k);
  return modMul(c, gToThe(pk, mod(k, pk.n)), pk.n2);
}

/**
 * Homomorphic scalar multiplication: E(m)^k mod N², an encryption of k·m mod N.
 * `k` may be any integer and is reduced mod N first (negative k gives −|k|·m mod N).
 * The scalar may be secret (as in MtA), so this uses the regular ladder, over |N| bits (the
 * length of k mod N) — or over `kBits` bits when the caller declares that PUBLIC bound on k
 * (e.g. 256 for a secp256k1 scalar; then 0 ≤ k < 2^kBits is required and k is used as it is).
 * Use {@link mulScalarVartime} for public scalars. Note k ≡ 0 gives 1 = E(0; 1), a
 * deterministic ciphertext: rerandomize before sending.
 *
 * Security: `kBits` must be a parameter of the scheme, never computed from k itself.
 * @throws {FieldTypeError} @throws {FieldRangeError} if c ∉ (0, N²), if kBits is not an
 * integer in [1, |N|], or (naming `k`) if k ∉ [0, 2^kBits). @throws {CryptoError} if gcd(c, N) ≠ 1.
 */
export function mulScalar(pk: PaillierPublicKey, c: bigint, k: bigint, kBits?: number): bigint {
  validateCiphertext(pk, c);
  assertBigInt('k', k);
  const nBits = bitLength(pk.n);
  if (kBits === undefined) return modPow(c, mod(k, pk.n), pk.n2, nBits);
  assertInteger('kBits', kBits, 1, nBits);
  if (k < 0n || k >> BigInt(kBits) !== 0n) throw new FieldRangeError('k', `scalar must lie in [0, 2^${kBits})`);
  return modPow(c, k, pk.n2, kBits);
}

/**
 * {@link mulScalar} for a PUBLIC scalar: sliding-window exponentiation, time depends on k.
 * @throws {FieldTypeError} @throws {FieldRangeError} if c ∉ (0, N²). @throws {CryptoError} if gcd(c, N) ≠ 1.
 */
export function mulScalarVartime(pk: PaillierPublicKey, c: bigint, k: bigint): bigint {
  validateCiphertext(pk, c);
  assertBigInt('k', k);
  return modPowVartime(c, mod(k, pk.n), pk.n2);
}

/**
 * Re-randomizes `c`: c·r^N mod N² for fresh r ∈ Z*_N. Same plaintext, and the result is
 * distributed like a fresh encryption of it.
 * @throws {FieldTypeError} @throws {FieldRangeError} if c ∉ (0, N²).
 * @throws {CryptoError} if gcd(c, N) ≠ 1. @throws {RngHealthError}
 */
export function rerandomize(pk: PaillierPublicKey, c: bigint, rng: RandomSource = systemRng()): bigint {
  validateCiphertext(pk, c);
  const r = randomZnStar(pk.n, rng);
  return modMul(c, modPowVartime(r, pk.n, pk.n2), pk.n2);
}
