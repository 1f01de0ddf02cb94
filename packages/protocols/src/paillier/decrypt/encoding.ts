/**
 * Wire format of a decryption share, version 1:
 * `{ "version": 1, "kind": "tessera/threshold-paillier-decryption-share", "index": i,
 *    "ci": <hex, ⌈|N²|/8⌉ bytes>, "proof": <dleq-zn proof envelope> }`.
 * Parsing is strict (exact fields, fixed lengths, ranges) and names the offending field.
 * @module
 */
import { bigIntToHex, bytesToBigInt } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { expectHex, expectObject, type Json, type JsonObject } from '../../engine/codec.ts';
import { partyIndex } from '../../engine/ids.ts';
import { elementBytes, type ThresholdPaillierPublicKey } from '../key.ts';
import { decodeDecryptionProof, encodeDecryptionProof, type DecryptionShare } from './share.ts';

/** Format kind of a decryption share. */
export const DECRYPTION_SHARE_KIND = 'tessera/threshold-paillier-decryption-share';
/** Format version of a decryption share. */
export const DECRYPTION_SHARE_VERSION = 1;

/** The JSON form of a decryption share. */
export function encodeDecryptionShare(pk: ThresholdPaillierPublicKey, ds: DecryptionShare): JsonObject {
  return {
    version: DECRYPTION_SHARE_VERSION,
    kind: DECRYPTION_SHARE_KIND,
    index: ds.index,
    ci: bigIntToHex(ds.ci, elementBytes(pk), 'ci'),
    proof: encodeDecryptionProof(pk, ds.proof) as unknown as Json,
  };
}

/**
 * Strictly parses a decryption share (it is not verified here).
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field (`share.ci`, `proof.z`, …).
 */
export function parseDecryptionShare(pk: ThresholdPaillierPublicKey, value: unknown, field = 'share'): DecryptionShare {
  const o = expectObject(value, field, ['version', 'kind', 'index', 'ci', 'proof']);
  if (o.version !== DECRYPTION_SHARE_VERSION) throw new FieldRangeError(`${field}.version`, `unsupported version ${String(o.version)}`);
  if (o.kind !== DECRYPTION_SHARE_KIND) throw new FieldTypeError(`${field}.kind`, `expected "${DECRYPTION_SHARE_KIND}"`);
  const index = partyIndex(o.index, `${field}.index`);
  if (index > pk.parties.length) throw new FieldRangeError(`${field}.index`, `party ${index} is not in the committee`);
  const ciBytes = expectHex(o.ci, `${field}.ci`, elementBytes(pk));
  const ci = bytesToBigInt(ciBytes);
  if (ci <= 0n || ci >= pk.N2) throw new FieldRangeError(`${field}.ci`, 'expected 0 < cᵢ < N²');
  const proof = decodeDecryptionProof(pk, o.proof);
  return Object.freeze({ index, ci, proof });
}
