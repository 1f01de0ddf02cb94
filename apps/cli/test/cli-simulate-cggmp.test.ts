/**
 * `tessera simulate cggmp`: the JSON output format of the issue, the ECDSA signature checked
 * by OpenSSL (node:crypto, DER + SPKI) and by @noble/curves (including the recovery id), the
 * Keccak-256 option, and bad arguments. Safe primes come from the Taurus fixture through
 * --primes-file so the test does not search for them.
 */
import { createPublicKey, verify as osslVerify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { expectUsageError, removeScratchDirs, runCli, scratchDir } from './helpers.ts';

afterAll(removeScratchDirs);

const hexToBytes = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const N = secp256k1.Point.CURVE().n;

let primesFile: string;
beforeAll(() => {
  const json = JSON.parse(readFileSync(new URL('../../../vectors/paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json', import.meta.url), 'utf8')) as {
    constants: { hex: string }[];
  };
  const primes = [...new Set(json.constants.filter((c) => c.hex.length === 256).map((c) => c.hex))];
  const pairs = [];
  for (let i = 0; i + 1 < primes.length; i += 2) pairs.push({ p: primes[i], q: primes[i + 1] });
  primesFile = join(scratchDir(), 'primes.json');
  writeFileSync(primesFile, JSON.stringify(pairs));
});

/** DER encoding of (r, s) for OpenSSL. */
function der(r: string, s: string): Buffer {
  const int = (h: string) => {
    let b = Buffer.from(h, 'hex');
    while (b.length > 1 && b[0] === 0 && !(b[1]! & 0x80)) b = b.subarray(1);
    if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02, b.length]), b]);
  };
  const body = Buffer.concat([int(r), int(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function opensslVerify(pk: string, msg: string, r: string, s: string): boolean {
  // SPKI for a compressed secp256k1 point: id-ecPublicKey + secp256k1 OIDs.
  const spki = Buffer.concat([Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex'), Buffer.from(pk, 'hex')]);
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  return osslVerify('sha256', Buffer.from(msg, 'hex'), key, der(r, s));
}

describe('tessera simulate cggmp --json', () => {
  it('2-of-3 over SHA-256: low-S signature accepted by OpenSSL and noble, v recovers the key', async () => {
    const r = await runCli(['simulate', 'cggmp', '--threshold', '2', '--parties', '3', '--message', '48656c6c6f', '--json', '--primes-file', primesFile]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['scheme', 'threshold', 'parties', 'publicKey', 'message', 'signature']);
    expect(out).toMatchObject({ threshold: 2, parties: 3, message: '48656c6c6f' });
    expect(out.publicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(out.signature.r).toMatch(/^[0-9a-f]{64}$/);
    expect(out.signature.s).toMatch(/^[0-9a-f]{64}$/);
    expect(BigInt('0x' + out.signature.s) <= N / 2n).toBe(true);
    expect(opensslVerify(out.publicKey, out.message, out.signature.r, out.signature.s)).toBe(true);
    expect(opensslVerify(out.publicKey, '48656c6c6e', out.signature.r, out.signature.s)).toBe(false);
    const sig = new secp256k1.Signature(BigInt('0x' + out.signature.r), BigInt('0x' + out.signature.s)).addRecoveryBit(out.signature.v);
    const digest = sha256(hexToBytes(out.message));
    expect(sig.recoverPublicKey(digest).toHex(true)).toBe(out.publicKey);
  });

  it('2-of-2 with --hash keccak256 signs the Keccak-256 digest (Ethereum)', async () => {
    const r = await runCli(['simulate', 'cggmp', '--threshold', '2', '--parties', '2', '--message', 'deadbeef', '--hash', 'keccak256', '--json', '--primes-file', primesFile]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const sig = new secp256k1.Signature(BigInt('0x' + out.signature.r), BigInt('0x' + out.signature.s));
    const pk = hexToBytes(out.publicKey);
    expect(secp256k1.verify(sig.toBytes('compact'), keccak_256(hexToBytes('deadbeef')), pk, { prehash: false })).toBe(true);
    expect(secp256k1.verify(sig.toBytes('compact'), sha256(hexToBytes('deadbeef')), pk, { prehash: false })).toBe(false);
  });
});

describe('tessera simulate cggmp: bad arguments (exit 2, one line naming the argument)', () => {
  const base = ['simulate', 'cggmp', '--threshold', '2', '--parties', '3', '--message', '00'];
  it.each([
    ['threshold above parties', ['simulate', 'cggmp', '--threshold', '4', '--parties', '3', '--message', '00'], '--threshold'],
    ['too many parties', ['simulate', 'cggmp', '--threshold', '2', '--parties', '17', '--message', '00'], '--parties'],
    ['unknown hash', [...base, '--hash', 'md5'], '--hash'],
    ['bad message', ['simulate', 'cggmp', '--threshold', '2', '--parties', '3', '--message', 'xyz'], '--message'],
    ['missing primes file', [...base, '--primes-file', '/nonexistent/primes.json'], '--primes-file'],
  ])('%s', async (_name, args, arg) => {
    expectUsageError(await runCli(args), arg);
  });
});
