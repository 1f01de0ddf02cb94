/**
 * Non-hardened BIP32 derivation of threshold shares: CKDpub against BIP32 test vector 1
 * (m/0H → m/0H/1, public key, chain code and, through the shares, the child private key),
 * every party deriving the same child key locally, path parsing, and a 2-of-2 signature under
 * a derived key.
 */
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { backendReady } from '@tessera/crypto/backend';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { Fn, lagrangeAtZero, mulBase, scalarBytes } from '../src/cggmp/curve.ts';
import { deriveChildCoreShare, deriveChildKeyShare, derivePublicKey, parsePath } from '../src/cggmp/bip32.ts';
import { validateCoreShare, type CoreShare } from '../src/cggmp/keyshare.ts';
import { fixtureKeyShares, presignaturesOf, runPresign, runSign, verifyEcdsa } from './cggmp-fixtures.ts';

// BIP32 test vector 1 (bitcoin/bips bip-0032.mediawiki): chain m/0H and its child m/0H/1.
const M0H = {
  chainCode: '47fdacbd0f1097043b78c63c20c34ef4ed9a111d980047ad16282c7ae6236141',
  privateKey: 'edb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea',
};
const M0H1 = {
  chainCode: '2a7857631386ba23dacac34180dd1983734e444fdbf774041578e9b6adb37c19',
  privateKey: '3c6cb8d0f6a264c91ea8b5030fadaa8e538b020f0a387421a12de9319dc93368',
  publicKey: '03501e454bf00751f24b1b489aa925215d66af2234e3891c3b21a52bedb3cd711c',
};

/** 2-of-3 Shamir shares of `secret` (dealer-made, for the vector test). */
function dealShares(secret: bigint, chainCode: Uint8Array): CoreShare[] {
  const a1 = 0x1234567890abcdefn;
  const commitments = [mulBase(secret).toBytes(true), mulBase(a1).toBytes(true)];
  return [1, 2, 3].map((i) =>
    validateCoreShare({ index: i, threshold: 2, parties: [1, 2, 3], commitments, rid: new Uint8Array(32), chainCode, secretShare: scalarBytes(Fn.add(secret, Fn.mul(a1, BigInt(i)))) }),
  );
}

describe('BIP32 non-hardened derivation of CGGMP shares', () => {
  it('CKDpub matches BIP32 vector 1 (m/0H → m/0H/1), and the derived shares interpolate to its private key', () => {
    const parent = BigInt('0x' + M0H.privateKey);
    const d = derivePublicKey(mulBase(parent).toBytes(true), hexToBytes(M0H.chainCode), [1]);
    expect(bytesToHex(d.publicKey)).toBe(M0H1.publicKey);
    expect(bytesToHex(d.chainCode)).toBe(M0H1.chainCode);
    const children = dealShares(parent, hexToBytes(M0H.chainCode)).map((s) => deriveChildCoreShare(s, 'm/1'));
    for (const c of children) {
      expect(bytesToHex(c.publicKey)).toBe(M0H1.publicKey);
      expect(bytesToHex(c.chainCode)).toBe(M0H1.chainCode);
    }
    const pair = [children[0]!, children[2]!];
    const xs = pair.map((c) => BigInt(c.index));
    const x = pair.reduce((acc, c) => Fn.add(acc, Fn.mul(lagrangeAtZero(xs, BigInt(c.index)), c.x)), 0n);
    expect(x.toString(16).padStart(64, '0')).toBe(M0H1.privateKey);
  });

  it('path parsing accepts m/…, refuses hardened and malformed indices', () => {
    expect(parsePath('m/0/7/2147483647')).toEqual([0, 7, 2147483647]);
    expect(parsePath('m')).toEqual([]);
    expect(() => parsePath("m/0'")).toThrowError(FieldRangeError);
    expect(() => parsePath('m/0h')).toThrowError(FieldRangeError);
    expect(() => parsePath([2 ** 31])).toThrowError(FieldRangeError);
    expect(() => parsePath('m/01')).toThrowError(FieldTypeError);
    expect(() => parsePath('m/-1')).toThrowError(FieldTypeError);
  });

  it('a 2-of-2 key derived at m/44/60/0 signs through presign + sign under the derived public key', async () => {
    await backendReady();
    const parents = await fixtureKeyShares(2, 2, 'bip32 parent');
    const children = parents.map((s) => deriveChildKeyShare(s, 'm/44/60/0'));
    const expected = derivePublicKey(parents[0]!.core.publicKey, parents[0]!.core.chainCode, 'm/44/60/0');
    expect(children[1]!.core.publicKey).toEqual(expected.publicKey);
    expect(children[0]!.core.publicKey).not.toEqual(parents[0]!.core.publicKey);
    const ps = presignaturesOf(await runPresign(children, { seed: 'bip32 presign' }));
    const msg = new TextEncoder().encode('child key');
    const res = await runSign(children, ps, sha256(msg));
    const out = res.outcomes.get(children[0]!.core.index)!;
    expect(out.status, String(out.error)).toBe('done');
    verifyEcdsa(expected.publicKey, sha256(msg), out.output!.signature.r, out.output!.signature.s, msg);
  });
});
