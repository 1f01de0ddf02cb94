/**
 * Paillier serialization (docs/formats.md, "Paillier"): the versioned key JSON, the CLI's
 * minimal key file, canonical ciphertext hex, and rejection of every kind of tampered key file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoError, FieldRangeError, FieldTypeError } from '../src/errors.ts';
import {
  decrypt,
  encodePaillierCiphertext,
  encodePaillierPublicKey,
  encodePaillierSecretKey,
  encrypt,
  paillierSecretKeyFromPrimes,
  parsePaillierCiphertext,
  parsePaillierKey,
} from '../src/paillier/index.ts';
import type { PaillierSecretKey } from '../src/paillier/index.ts';

/** Two 256-bit Blum primes (OpenSSL-generated fixtures), N of 512 bits. */
const P = 0xfeed2fc87264c12cb8a39d51e3bba3ec30a73f6aeb025700b1b08aed66ba4c27n;
const Q = 0xfb60291a239a462efae3f3417887a22eda9a406ae231bfbe6c81000aaf6bdb03n;
const sk = paillierSecretKeyFromPrimes(P, Q, { allowInsecureSize: true });
const pk = sk.publicKey;
const N_HEX = pk.n.toString(16);
const P_HEX = P.toString(16);
const Q_HEX = Q.toString(16);
const insecure = { allowInsecureSize: true };

function secret(parsed: ReturnType<typeof parsePaillierKey>): PaillierSecretKey {
  if (parsed.kind !== 'secret') throw new Error(`expected a secret key, got ${parsed.kind}`);
  return parsed.key;
}

/**
 * Version-1 files as written by this build; they must keep parsing in later versions
 * (the 512-bit key above, so they need allowInsecureSize).
 */
const V1_PUBLIC = `{"version":1,"kind":"tessera/paillier-public-key","bits":512,"n":"${N_HEX}"}`;
const V1_SECRET = `{"version":1,"kind":"tessera/paillier-secret-key","bits":512,"n":"${N_HEX}","p":"${P_HEX}","q":"${Q_HEX}"}`;

describe('key encoding', () => {
  it('writes the documented version-1 objects, field order included', () => {
    expect(JSON.stringify(encodePaillierPublicKey(pk))).toBe(V1_PUBLIC);
    expect(JSON.stringify(encodePaillierSecretKey(sk))).toBe(V1_SECRET);
  });
  it('uses lower-case hex without prefix, n exactly ⌈bits/8⌉ bytes', () => {
    const j = encodePaillierSecretKey(sk);
    for (const v of [j.n, j.p, j.q]) expect(v).toMatch(/^([0-9a-f]{2})+$/);
    expect(j.n).toHaveLength(2 * Math.ceil(j.bits / 8));
  });
  it('round-trips public and secret keys', () => {
    const pub = parsePaillierKey(encodePaillierPublicKey(pk), insecure);
    expect(pub.kind).toBe('public');
    expect(pub.key).toEqual(pk);
    const sec = secret(parsePaillierKey(encodePaillierSecretKey(sk), insecure));
    expect(sec.p).toBe(P);
    expect(sec.q).toBe(Q);
    expect(sec.hp).toBe(sk.hp);
    expect(decrypt(sec, encrypt(pk, 31337n))).toBe(31337n);
  });
  it('keeps reading the version-1 fixtures (also as JSON text)', () => {
    expect(parsePaillierKey(V1_PUBLIC, insecure).key).toEqual(pk);
    expect(secret(parsePaillierKey(V1_SECRET, insecure)).publicKey).toEqual(pk);
  });
});

describe('the CLI’s minimal key file', () => {
  it('reads {"n"} as a public key, with or without 0x, any case', () => {
    for (const n of [N_HEX, '0x' + N_HEX, N_HEX.toUpperCase(), '0x' + N_HEX.toUpperCase(), '000' + N_HEX]) {
      const parsed = parsePaillierKey({ n }, insecure);
      expect(parsed.kind).toBe('public');
      expect(parsed.key).toEqual(pk);
    }
  });
  it('reads {"n","p","q"} as a secret key', () => {
    const parsed = secret(parsePaillierKey({ n: '0x' + N_HEX, p: '0x' + P_HEX, q: Q_HEX.toUpperCase() }, insecure));
    expect(parsed.publicKey.n).toBe(pk.n);
    expect(parsed.p).toBe(P);
  });
  it('reads optional version/kind/bits when they agree', () => {
    expect(parsePaillierKey({ n: N_HEX, bits: 512 }, insecure).kind).toBe('public');
    expect(parsePaillierKey({ version: 1, n: N_HEX, p: P_HEX, q: Q_HEX }, insecure).kind).toBe('secret');
  });
});

describe('tampered key files are rejected, naming the field', () => {
  const cases: [string, unknown, RegExp, new (...a: never[]) => Error][] = [
    ['unknown field', { n: N_HEX, comment: 'hi' }, /^key\.comment: unknown field/, FieldTypeError],
    ['unknown field in a secret key', { n: N_HEX, p: P_HEX, q: Q_HEX, d: '01' }, /^key\.d: unknown field/, FieldTypeError],
    ['p·q ≠ n', { n: N_HEX, p: P_HEX, q: (Q + 2n).toString(16) }, /^key\.n: n ≠ p·q/, CryptoError],
    ['n changed', { n: (pk.n + 2n).toString(16), p: P_HEX, q: Q_HEX }, /^key\.n: n ≠ p·q/, CryptoError],
    ['bad hex in n', { n: N_HEX.slice(0, -1) + 'g' }, /^key\.n: not a hex string/, FieldTypeError],
    ['bad hex in p', { n: N_HEX, p: 'xyz', q: Q_HEX }, /^key\.p: not a hex string/, FieldTypeError],
    ['empty q', { n: N_HEX, p: P_HEX, q: '' }, /^key\.q: not a hex string/, FieldTypeError],
    ['bare 0x', { n: '0x' }, /^key\.n: not a hex string/, FieldTypeError],
    ['signed hex', { n: '-' + N_HEX }, /^key\.n: not a hex string/, FieldTypeError],
    ['n as a number', { n: 12345 }, /^key\.n: expected a hex string, got number/, FieldTypeError],
    ['n as null', { n: null }, /^key\.n: expected a hex string, got null/, FieldTypeError],
    ['n missing', { p: P_HEX, q: Q_HEX }, /^key\.n: missing/, FieldTypeError],
    ['unsupported version', { version: 2, n: N_HEX }, /^key\.version: unsupported version 2/, FieldRangeError],
    ['version as a string', { version: '1', n: N_HEX }, /^key\.version: expected an integer/, FieldTypeError],
    ['unknown kind', { kind: 'tessera/rsa-key', n: N_HEX }, /^key\.kind: unknown kind/, FieldRangeError],
    ['kind not a string', { kind: 1, n: N_HEX }, /^key\.kind: expected a string/, FieldTypeError],
    ['public kind with p', { kind: 'tessera/paillier-public-key', n: N_HEX, p: P_HEX, q: Q_HEX }, /^key\.p: not allowed/, FieldTypeError],
    ['secret kind without factors', { kind: 'tessera/paillier-secret-key', n: N_HEX }, /^key\.p: missing/, FieldTypeError],
    ['p without q', { n: N_HEX, p: P_HEX }, /^key\.q: missing/, FieldTypeError],
    ['q without p', { n: N_HEX, q: Q_HEX }, /^key\.p: missing/, FieldTypeError],
    ['bits disagree', { n: N_HEX, bits: 511 }, /^key\.n: modulus has 512 bits, expected 511/, FieldRangeError],
    ['bits not an integer', { n: N_HEX, bits: 512.5 }, /^key\.bits: expected an integer/, FieldTypeError],
    ['even n', { n: (pk.n + 1n).toString(16) }, /^key\.n: modulus must be odd/, FieldRangeError],
    ['p = q', { n: (P * P).toString(16), p: P_HEX, q: P_HEX }, /^key\.q: p and q must be distinct/, CryptoError],
    ['composite p', { n: (P * 9n * Q).toString(16), p: (P * 9n).toString(16), q: Q_HEX }, /^key\.p: not a prime/, CryptoError],
    ['overlong hex', { n: '0'.repeat(5000) + N_HEX }, /^key\.n: hex string longer than/, FieldRangeError],
    ['not an object', [N_HEX], /^key: expected a JSON object, got an array/, FieldTypeError],
    ['null', null, /^key: expected a JSON object, got null/, FieldTypeError],
    ['invalid JSON text', '{"n": ', /^key: not valid JSON/, FieldTypeError],
  ];
  it.each(cases)('%s', (_, input, message, type) => {
    expect(() => parsePaillierKey(input, insecure)).toThrow(type);
    expect(() => parsePaillierKey(input, insecure)).toThrow(message);
  });
  it('refuses a modulus below 2048 bits unless allowInsecureSize', () => {
    expect(() => parsePaillierKey({ n: N_HEX })).toThrow(/^key\.n: modulus has 512 bits; at least 2048/);
    expect(() => parsePaillierKey(V1_SECRET)).toThrow(FieldRangeError);
  });
  it('uses the caller’s field name', () => {
    expect(() => parsePaillierKey({ n: N_HEX, x: 1 }, { ...insecure, field: 'party[3].paillier' })).toThrow(
      /^party\[3\]\.paillier\.x: unknown field/,
    );
  });
  it('every single-character change to n in a secret key file is caught', () => {
    fc.assert(
      fc.property(fc.nat({ max: N_HEX.length - 1 }), fc.constantFrom(...'0123456789abcdef'), (i, ch) => {
        fc.pre(N_HEX[i] !== ch);
        const n = N_HEX.slice(0, i) + ch + N_HEX.slice(i + 1);
        expect(() => parsePaillierKey({ n, p: P_HEX, q: Q_HEX }, insecure)).toThrow(/^key\.n: /);
      }),
      { numRuns: 50 },
    );
  });
});

describe('ciphertext hex', () => {
  it('is fixed-length lower-case hex and round-trips', () => {
    const c = encrypt(pk, 7n);
    const hex = encodePaillierCiphertext(pk, c);
    expect(hex).toMatch(/^[0-9a-f]+$/);
    expect(hex).toHaveLength(4 * Math.ceil(pk.bits / 8));
    expect(parsePaillierCiphertext(pk, hex)).toBe(c);
    expect(parsePaillierCiphertext(pk, '0x' + hex.toUpperCase())).toBe(c);
    expect(encodePaillierCiphertext(pk, 1n)).toBe('0'.repeat(hex.length - 2) + '01');
  });
  it('rejects out-of-range, non-coprime and malformed ciphertexts', () => {
    expect(() => parsePaillierCiphertext(pk, '00')).toThrow(FieldRangeError);
    expect(() => parsePaillierCiphertext(pk, pk.n2.toString(16))).toThrow(FieldRangeError);
    expect(() => parsePaillierCiphertext(pk, P_HEX, 'msg.C')).toThrow(/^msg\.C: ciphertext is not coprime to N/);
    expect(() => parsePaillierCiphertext(pk, 'zz')).toThrow(FieldTypeError);
    expect(() => parsePaillierCiphertext(pk, 5)).toThrow(FieldTypeError);
    expect(() => parsePaillierCiphertext(pk, '1'.repeat(1000))).toThrow(/hex string longer than/);
    expect(() => encodePaillierCiphertext(pk, 0n)).toThrow(FieldRangeError);
    expect(() => encodePaillierCiphertext(pk, pk.n2)).toThrow(FieldRangeError);
  });
});
