/**
 * `tessera paillier keygen|encrypt|decrypt` as a real process: key files, a round trip on
 * a small key, encryption with a public-only key file, caller-given randomness, and the
 * Apache Milagro known answers (encrypt with fixed r, decrypt) through the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMilagro, removeScratchDirs, runCli, scratchDir } from './helpers.ts';

afterAll(removeScratchDirs);

const dir = scratchDir();
const keyFile = join(dir, 'key.json');
const pubFile = join(dir, 'pub.json');
let n: bigint;

/** (1 + m·N)·r^N mod N², computed independently of the library. */
function referenceEncrypt(N: bigint, m: bigint, r: bigint): bigint {
  const N2 = N * N;
  let acc = 1n;
  let base = r % N2;
  for (let e = N; e > 0n; e >>= 1n) {
    if (e & 1n) acc = (acc * base) % N2;
    base = (base * base) % N2;
  }
  return ((1n + m * N) * acc) % N2;
}

beforeAll(async () => {
  const r = await runCli(['paillier', 'keygen', '--bits', '512', '--out', keyFile, '--public-out', pubFile, '--workers', '2']);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^warning: 512-bit Paillier key/);
  expect(r.code).toBe(0);
  n = BigInt('0x' + (JSON.parse(readFileSync(pubFile, 'utf8')) as { n: string }).n);
});

describe('paillier keygen', () => {
  it('writes a secret key file (mode 0600) with n = p·q and a public key file with n only', () => {
    const sk = JSON.parse(readFileSync(keyFile, 'utf8')) as Record<string, unknown>;
    const pk = JSON.parse(readFileSync(pubFile, 'utf8')) as Record<string, unknown>;
    expect(BigInt('0x' + String(sk.p)) * BigInt('0x' + String(sk.q))).toBe(BigInt('0x' + String(sk.n)));
    expect(BigInt('0x' + String(sk.n)).toString(2).length).toBe(512);
    expect(pk.n).toBe(sk.n);
    expect(pk).not.toHaveProperty('p');
    expect(pk).not.toHaveProperty('q');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });
});

describe('paillier encrypt / decrypt round trip (512-bit key)', () => {
  it.each([['0'], ['1'], ['123456789012345678901234567890']])('m = %s', async (m) => {
    const enc = await runCli(['paillier', 'encrypt', '--key', pubFile, '--m', m]);
    expect(enc.code).toBe(0);
    // Lower-case hex without prefix, zero-padded to the byte length of N².
    expect(enc.stdout).toMatch(/^[0-9a-f]{256}\n$/);
    const dec = await runCli(['paillier', 'decrypt', '--key', keyFile, '--c', enc.stdout.trim()]);
    expect(dec.stdout).toBe(`${m}\n`);
    expect(dec.code).toBe(0);
  });

  it('m = N − 1, ciphertext given with 0x', async () => {
    const m = (n - 1n).toString();
    const enc = await runCli(['paillier', 'encrypt', '--key', keyFile, '--m', m]);
    const dec = await runCli(['paillier', 'decrypt', '--key', keyFile, '--c', '0x' + enc.stdout.trim()]);
    expect(dec.stdout).toBe(`${m}\n`);
  });

  it('two encryptions of the same m differ (fresh randomness)', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => runCli(['paillier', 'encrypt', '--key', pubFile, '--m', '42'])));
    expect(a!.stdout).not.toBe(b!.stdout);
  });

  it('--r makes encryption deterministic and equal to (1 + m·N)·r^N mod N², with either key file', async () => {
    const r = 0x1234567890abcdefn;
    const expected = referenceEncrypt(n, 99n, r);
    for (const key of [pubFile, keyFile]) {
      for (const rText of ['0x1234567890abcdef', '1234567890ABCDEF']) {
        const enc = await runCli(['paillier', 'encrypt', '--key', key, '--m', '99', '--r', rText]);
        expect(enc.code).toBe(0);
        expect(BigInt('0x' + enc.stdout.trim())).toBe(expected);
      }
    }
  });

  it('a tampered ciphertext does not decrypt to the plaintext', async () => {
    const enc = await runCli(['paillier', 'encrypt', '--key', pubFile, '--m', '1000']);
    const c = BigInt('0x' + enc.stdout.trim());
    const dec = await runCli(['paillier', 'decrypt', '--key', keyFile, '--c', `0x${(c + 1n).toString(16)}`]);
    expect(dec.code).toBe(0);
    expect(dec.stdout).not.toBe('1000\n');
  });
});

describe('Milagro known answers through the CLI (2048-bit keys)', () => {
  const encrypt = readMilagro('encrypt.txt');
  const decrypt = readMilagro('decrypt.txt');

  it('encrypt with fixed r matches CIPHERTEXT (records 1 and 2, public key file {"n"})', async () => {
    for (const rec of encrypt.slice(1, 3)) {
      const d = scratchDir();
      const key = join(d, 'pub.json');
      writeFileSync(key, JSON.stringify({ n: rec.N }));
      const m = BigInt('0x' + rec.PLAINTEXT).toString();
      const r = await runCli(['paillier', 'encrypt', '--key', key, '--m', m, '--r', rec.R!]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(BigInt('0x' + r.stdout.trim())).toBe(BigInt('0x' + rec.CIPHERTEXT));
    }
  });

  it('decrypt matches PLAINTEXT (records 1 and 2, secret key file {"n","p","q"} with 0x hex)', async () => {
    for (const rec of decrypt.slice(1, 3)) {
      const d = scratchDir();
      const key = join(d, 'key.json');
      const P = BigInt('0x' + rec.P);
      const Q = BigInt('0x' + rec.Q);
      writeFileSync(key, JSON.stringify({ n: `0x${(P * Q).toString(16)}`, p: `0x${rec.P}`, q: `0x${rec.Q}` }));
      const r = await runCli(['paillier', 'decrypt', '--key', key, '--c', rec.CIPHERTEXT!]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${BigInt('0x' + rec.PLAINTEXT)}\n`);
    }
  });
});
