/**
 * Paillier known answers from Apache Milagro crypto-c (vectors/paillier/milagro-crypto-c):
 * every record of keygen, encrypt, decrypt, add and mult.
 *
 * Mapping (Milagro → Tessera), both with g = N + 1:
 * - keygen P, Q, N, G → paillierSecretKeyFromPrimes(P, Q): sk.p, sk.q, publicKey.n, publicKey.g.
 *   SEED feeds Milagro's own CSPRNG and prime search, which we do not reproduce: we check the
 *   derived values from P and Q only.
 * - LP = P − 1, LQ = Q − 1: the CRT decryption exponents (Milagro's λ is φ(N) = LP·LQ; ours,
 *   sk.lambda, is lcm(P − 1, Q − 1), and sk.phi = LP·LQ).
 * - MP = L_P(G^LP mod P²)⁻¹ mod P, MQ likewise → sk.hp, sk.hq.
 * - encrypt R is the caller-given randomness r → encryptWithNonce(pk, PLAINTEXT, R).
 * - add CIPHERTEXT = CIPHERTEXT1·CIPHERTEXT2 mod N² → add; mult CIPHERTEXT = CIPHERTEXT1^PLAINTEXT2
 *   mod N² → mulScalar (and mulScalarVartime); RESULT = 0 means "expected to match".
 * Record 0 of every file has a 2047-bit N, so it is loaded with allowInsecureSize (and we
 * check that it is refused without it); the other records have 2048-bit N.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CryptoError, FieldRangeError } from '../src/errors.ts';
import {
  add,
  decrypt,
  encryptWithNonce,
  encryptWithNonceAndSecretKey,
  mulScalar,
  mulScalarVartime,
  paillierPublicKey,
  paillierSecretKeyFromPrimes,
  validateCiphertext,
} from '../src/paillier/index.ts';

type MilagroRecord = Record<string, bigint>;

/** Reads Milagro's "KEY = hex," records, separated by blank lines. */
function load(file: string): MilagroRecord[] {
  const text = readFileSync(new URL(`../../../vectors/paillier/milagro-crypto-c/${file}`, import.meta.url), 'utf8');
  return text
    .split(/\r?\n\s*\r?\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const rec: MilagroRecord = {};
      for (const line of block.trim().split(/\r?\n/)) {
        const m = /^(\w+) = ([0-9a-fA-F]+),?$/.exec(line.trim());
        if (!m) throw new Error(`${file}: unparsable line ${JSON.stringify(line)}`);
        rec[m[1]!] = BigInt('0x' + m[2]!);
      }
      return rec;
    });
}

const get = (r: MilagroRecord, k: string): bigint => {
  const v = r[k];
  if (v === undefined) throw new Error(`record ${r.TEST} lacks ${k}`);
  return v;
};
const bits = (x: bigint) => x.toString(2).length;
const small = (n: bigint) => ({ allowInsecureSize: bits(n) < 2048 });

describe('Milagro Paillier keygen.txt', () => {
  const records = load('keygen.txt');
  it('has all 10 records', () => expect(records).toHaveLength(10));
  it.each(records.map((r) => [Number(r.TEST), r] as const))('record %i: N, G, LP, LQ, MP, MQ from P and Q', (_, r) => {
    const P = get(r, 'P');
    const Q = get(r, 'Q');
    const sk = paillierSecretKeyFromPrimes(P, Q, small(get(r, 'N')));
    expect(sk.publicKey.n).toBe(get(r, 'N'));
    expect(sk.publicKey.g).toBe(get(r, 'G'));
    expect(sk.p - 1n).toBe(get(r, 'LP'));
    expect(sk.q - 1n).toBe(get(r, 'LQ'));
    expect(sk.phi).toBe(get(r, 'LP') * get(r, 'LQ'));
    expect(sk.hp).toBe(get(r, 'MP'));
    expect(sk.hq).toBe(get(r, 'MQ'));
  });
  it('record 0 (2047-bit N) is refused without allowInsecureSize', () => {
    const r = records[0]!;
    expect(bits(get(r, 'N'))).toBe(2047);
    expect(() => paillierSecretKeyFromPrimes(get(r, 'P'), get(r, 'Q'))).toThrow(FieldRangeError);
    expect(() => paillierSecretKeyFromPrimes(get(r, 'P'), get(r, 'Q'))).toThrow(/2047 bits/);
  });
  it('a tampered prime is refused (Q + 2 is composite)', () => {
    const r = records[1]!;
    expect(() => paillierSecretKeyFromPrimes(get(r, 'P'), get(r, 'Q') + 2n)).toThrow(CryptoError);
    expect(() => paillierSecretKeyFromPrimes(get(r, 'P'), get(r, 'Q') + 2n)).toThrow(/^q: not a prime/);
  });
});

describe('Milagro Paillier encrypt.txt', () => {
  const records = load('encrypt.txt');
  const keygen0 = load('keygen.txt')[0]!;
  it('has all 11 records', () => expect(records).toHaveLength(11));
  it.each(records.map((r) => [Number(r.TEST), r] as const))('record %i: Enc(PLAINTEXT; R) = CIPHERTEXT', (_, r) => {
    const pk = paillierPublicKey(get(r, 'N'), small(get(r, 'N')));
    expect(pk.g).toBe(get(r, 'G'));
    expect(get(r, 'RESULT')).toBe(0n);
    expect(encryptWithNonce(pk, get(r, 'PLAINTEXT'), get(r, 'R'))).toBe(get(r, 'CIPHERTEXT'));
  });
  it('record 0 through the key owner’s CRT path (its N is keygen record 0)', () => {
    const r = records[0]!;
    expect(get(r, 'N')).toBe(get(keygen0, 'N'));
    const sk = paillierSecretKeyFromPrimes(get(keygen0, 'P'), get(keygen0, 'Q'), { allowInsecureSize: true });
    expect(encryptWithNonceAndSecretKey(sk, get(r, 'PLAINTEXT'), get(r, 'R'))).toBe(get(r, 'CIPHERTEXT'));
    expect(decrypt(sk, get(r, 'CIPHERTEXT'))).toBe(get(r, 'PLAINTEXT'));
  });
  it('a different r or m gives a different ciphertext', () => {
    const r = records[1]!;
    const pk = paillierPublicKey(get(r, 'N'));
    expect(encryptWithNonce(pk, get(r, 'PLAINTEXT'), get(r, 'R') + 1n)).not.toBe(get(r, 'CIPHERTEXT'));
    expect(encryptWithNonce(pk, get(r, 'PLAINTEXT') ^ 1n, get(r, 'R'))).not.toBe(get(r, 'CIPHERTEXT'));
  });
});

describe('Milagro Paillier decrypt.txt', () => {
  const records = load('decrypt.txt');
  it('has all 10 records', () => expect(records).toHaveLength(10));
  it.each(records.map((r) => [Number(r.TEST), r] as const))('record %i: Dec(CIPHERTEXT) = PLAINTEXT, CRT constants', (_, r) => {
    const P = get(r, 'P');
    const Q = get(r, 'Q');
    const sk = paillierSecretKeyFromPrimes(P, Q, small(P * Q));
    expect(sk.p - 1n).toBe(get(r, 'LP'));
    expect(sk.q - 1n).toBe(get(r, 'LQ'));
    expect(sk.hp).toBe(get(r, 'MP'));
    expect(sk.hq).toBe(get(r, 'MQ'));
    expect(decrypt(sk, get(r, 'CIPHERTEXT'))).toBe(get(r, 'PLAINTEXT'));
  });
  it('a tampered ciphertext does not decrypt to the recorded plaintext', () => {
    const r = records[1]!;
    const sk = paillierSecretKeyFromPrimes(get(r, 'P'), get(r, 'Q'));
    const c = get(r, 'CIPHERTEXT');
    expect(decrypt(sk, c ^ 2n)).not.toBe(get(r, 'PLAINTEXT'));
  });
});

describe('Milagro Paillier add.txt', () => {
  const records = load('add.txt');
  it('has all 100 records', () => expect(records).toHaveLength(100));
  it('every record: CIPHERTEXT1 · CIPHERTEXT2 mod N² = CIPHERTEXT', () => {
    for (const r of records) {
      const pk = paillierPublicKey(get(r, 'N'), small(get(r, 'N')));
      for (const k of ['CIPHERTEXT1', 'CIPHERTEXT2', 'CIPHERTEXT']) validateCiphertext(pk, get(r, k), k);
      expect(get(r, 'RESULT')).toBe(0n);
      expect(add(pk, get(r, 'CIPHERTEXT1'), get(r, 'CIPHERTEXT2')), `record ${r.TEST}`).toBe(get(r, 'CIPHERTEXT'));
    }
  });
  it('a tampered operand does not give the recorded sum', () => {
    const r = records[5]!;
    const pk = paillierPublicKey(get(r, 'N'));
    expect(add(pk, get(r, 'CIPHERTEXT1') + 1n, get(r, 'CIPHERTEXT2'))).not.toBe(get(r, 'CIPHERTEXT'));
  });
});

describe('Milagro Paillier mult.txt', () => {
  const records = load('mult.txt');
  it('has all 11 records', () => expect(records).toHaveLength(11));
  it.each(records.map((r) => [Number(r.TEST), r] as const))('record %i: CIPHERTEXT1^PLAINTEXT2 mod N² = CIPHERTEXT', (_, r) => {
    const pk = paillierPublicKey(get(r, 'N'), small(get(r, 'N')));
    expect(get(r, 'RESULT')).toBe(0n);
    expect(get(r, 'PLAINTEXT2') < pk.n).toBe(true);
    expect(mulScalar(pk, get(r, 'CIPHERTEXT1'), get(r, 'PLAINTEXT2'))).toBe(get(r, 'CIPHERTEXT'));
    expect(mulScalarVartime(pk, get(r, 'CIPHERTEXT1'), get(r, 'PLAINTEXT2'))).toBe(get(r, 'CIPHERTEXT'));
  });
  it('a tampered scalar does not give the recorded product', () => {
    const r = records[1]!;
    const pk = paillierPublicKey(get(r, 'N'));
    expect(mulScalarVartime(pk, get(r, 'CIPHERTEXT1'), get(r, 'PLAINTEXT2') + 1n)).not.toBe(get(r, 'CIPHERTEXT'));
  });
});
