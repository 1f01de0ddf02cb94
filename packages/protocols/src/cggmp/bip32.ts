/**
 * Non-hardened BIP32 child-key derivation for threshold keys. CKDpub (BIP32, "Public parent
 * key → public child key") on the group key X with the chain code agreed in key generation:
 * I = HMAC-SHA512(c, ser_P(X) ‖ ser32(i)), X′ = X + I_L·G, c′ = I_R. Because a Shamir sharing of x
 * shifted by a public I_L is a Shamir sharing of x + I_L, every party derives its child share
 * locally as xⱼ′ = xⱼ + I_L (commitment C₀′ = C₀ + I_L·G, the other Cₖ unchanged); no
 * interaction, and all parties get the same child key. Hardened indices (≥ 2^31) need the
 * secret key and are refused.
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToBigInt } from '@tessera/crypto/bytes';
import { CryptoError, FieldRangeError, FieldTypeError, assertBytes } from '@tessera/crypto/errors';
import { CURVE_ORDER, Fn, mulBase, parsePoint, pointBytes, scalarBytes } from './curve.ts';
import { validateCoreShare, validateKeyShare, type CggmpKeyShare, type CoreShare } from './keyshare.ts';

/** First hardened index (2^31). */
export const HARDENED_OFFSET = 0x80000000;

/** A derived public key. */
export interface DerivedPublicKey {
  /** Compressed child public key. */
  readonly publicKey: Uint8Array;
  readonly chainCode: Uint8Array;
  /** Σ I_L over the path: child secret = parent secret + tweak (mod q). */
  readonly tweak: bigint;
}

/**
 * Parses a non-hardened path: `"m/0/1"`, `"0/1"` or an array of indices.
 * @throws {FieldTypeError} on a malformed path. @throws {FieldRangeError} on hardened or out-of-range indices.
 */
export function parsePath(path: string | readonly number[]): number[] {
  let parts: unknown[];
  if (typeof path === 'string') {
    const s = path.startsWith('m/') ? path.slice(2) : path === 'm' ? '' : path;
    parts = s === '' ? [] : s.split('/').map((p) => {
      if (/['hH]$/.test(p)) throw new FieldRangeError('path', 'hardened derivation needs the secret key; only non-hardened indices are supported');
      if (!/^(0|[1-9][0-9]*)$/.test(p)) throw new FieldTypeError('path', `malformed index "${p}"`);
      return Number(p);
    });
  } else if (Array.isArray(path)) parts = [...path];
  else throw new FieldTypeError('path', 'expected a string or an array of indices');
  return parts.map((i, k) => {
    if (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 0) throw new FieldTypeError(`path[${k}]`, 'expected a non-negative integer');
    if (i >= HARDENED_OFFSET) throw new FieldRangeError(`path[${k}]`, 'hardened indices are not supported');
    return i;
  });
}

/**
 * CKDpub along a non-hardened path.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a bad key, chain code or path.
 * @throws {CryptoError} in the (probability < 2^-127) case BIP32 calls invalid: I_L ≥ q or a child at infinity.
 */
export function derivePublicKey(publicKey: Uint8Array, chainCode: Uint8Array, path: string | readonly number[]): DerivedPublicKey {
  assertBytes('publicKey', publicKey, 33);
  assertBytes('chainCode', chainCode, 32);
  let K = parsePoint(publicKey, 'publicKey');
  let c = chainCode.slice();
  let tweak = 0n;
  for (const i of parsePath(path)) {
    const data = new Uint8Array(37);
    data.set(pointBytes(K), 0);
    new DataView(data.buffer).setUint32(33, i);
    const I = hmac(sha512, c, data);
    const IL = bytesToBigInt(I.subarray(0, 32));
    if (IL >= CURVE_ORDER) throw new CryptoError(`index ${i} gives I_L ≥ q; use the next index`, 'path');
    K = K.add(mulBase(IL));
    if (K.is0()) throw new CryptoError(`index ${i} gives the point at infinity; use the next index`, 'path');
    c = I.slice(32);
    tweak = Fn.add(tweak, IL);
  }
  return { publicKey: pointBytes(K), chainCode: c, tweak };
}

/**
 * The child core share along a non-hardened path: xᵢ′ = xᵢ + tweak, C₀′ = C₀ + tweak·G.
 * @throws as {@link derivePublicKey} and {@link validateCoreShare}.
 */
export function deriveChildCoreShare(core: CoreShare, path: string | readonly number[]): CoreShare {
  const d = derivePublicKey(core.publicKey, core.chainCode, path);
  const C0 = parsePoint(core.commitments[0]!, 'commitments[0]').add(mulBase(d.tweak));
  return validateCoreShare({
    index: core.index,
    threshold: core.threshold,
    parties: core.parties,
    commitments: [pointBytes(C0), ...core.commitments.slice(1)],
    rid: core.rid,
    chainCode: d.chainCode,
    secretShare: scalarBytes(Fn.add(core.x, d.tweak)),
  });
}

/**
 * The child of a full key share (aux-info is unchanged; presignatures must be made for the child).
 * @throws as {@link deriveChildCoreShare}.
 */
export function deriveChildKeyShare(share: CggmpKeyShare, path: string | readonly number[]): CggmpKeyShare {
  return validateKeyShare(deriveChildCoreShare(share.core, path), share.aux);
}
