/**
 * `tessera simulate frost`: the JSON output format of the issue, signatures checked by
 * independent verifiers (OpenSSL through node:crypto for Ed25519, noble's BIP340 for
 * Taproot, noble's RFC 9591 verifier for secp256k1), and every bad argument.
 */
import { createPublicKey, verify as osslVerify } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { schnorr, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { expectUsageError, removeScratchDirs, runCli } from './helpers.ts';

afterAll(removeScratchDirs);

const hexToBytes = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

/** Ed25519 verification by OpenSSL: the raw 32-byte key wrapped in its SPKI DER header. */
function opensslEd25519Verify(pk: string, msg: string, sig: string): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(pk, 'hex')]);
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  return osslVerify(null, Buffer.from(msg, 'hex'), key, Buffer.from(sig, 'hex'));
}

async function simulate(args: string[]) {
  const r = await runCli(['simulate', 'frost', ...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(Object.keys(out)).toEqual(['suite', 'threshold', 'parties', 'publicKey', 'message', 'signature', 'signers']);
  return out as { suite: string; threshold: number; parties: number; publicKey: string; message: string; signature: string; signers: number[] };
}

describe('tessera simulate frost --json', () => {
  it('taproot 2-of-3 with refresh and resharing to 3-of-4: BIP340 signature under the x-only key', async () => {
    const out = await simulate(['--suite', 'taproot', '--threshold', '2', '--parties', '3', '--message', '68656C6C6F', '--refresh', '--reshare', '3,4']);
    expect(out).toMatchObject({ suite: 'taproot', threshold: 3, parties: 4, message: '68656c6c6f' });
    expect(out.publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect(out.signature).toMatch(/^[0-9a-f]{128}$/);
    expect(out.signers).toHaveLength(3);
    expect(schnorr.verify(hexToBytes(out.signature), hexToBytes(out.message), hexToBytes(out.publicKey))).toBe(true);
    // Negative: the same signature does not verify another message.
    expect(schnorr.verify(hexToBytes(out.signature), hexToBytes('68656c6c6e'), hexToBytes(out.publicKey))).toBe(false);
  });

  it('ed25519 2-of-3: an RFC 8032 signature that OpenSSL accepts', async () => {
    const out = await simulate(['--suite', 'ed25519', '--threshold', '2', '--parties', '3', '--message', '0x00ff']);
    expect(out.publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect(out.signature).toMatch(/^[0-9a-f]{128}$/);
    expect(opensslEd25519Verify(out.publicKey, out.message, out.signature)).toBe(true);
    const tampered = out.signature.slice(0, 127) + (out.signature[127] === '0' ? '1' : '0');
    expect(opensslEd25519Verify(out.publicKey, out.message, tampered)).toBe(false);
  });

  it('secp256k1 3-of-5 with refresh: a 65-byte RFC 9591 signature under the compressed key', async () => {
    const out = await simulate(['--suite', 'secp256k1', '--threshold', '3', '--parties', '5', '--message', 'abcdef', '--refresh']);
    expect(out.publicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(out.signature).toMatch(/^[0-9a-f]{130}$/);
    expect(secp256k1_FROST.verify(hexToBytes(out.signature), hexToBytes('abcdef'), hexToBytes(out.publicKey))).toBe(true);
    expect(secp256k1_FROST.verify(hexToBytes(out.signature), hexToBytes('abcdee'), hexToBytes(out.publicKey))).toBe(false);
  });

  it('prints a readable summary without --json', async () => {
    const r = await runCli(['simulate', 'frost', '--suite', 'ed25519', '--threshold', '2', '--parties', '2', '--message', '']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^suite: +ed25519\nkey: +2-of-2\npublicKey: +[0-9a-f]{64}\n/);
    expect(r.stderr).toMatch(/simulated DKG → sign/);
  });
});

describe('tessera simulate: bad arguments (exit 2, one line naming the argument)', () => {
  const base = ['simulate', 'frost', '--suite', 'taproot', '--threshold', '2', '--parties', '3', '--message', '00'];
  const replace = (flag: string, value: string) => base.map((a, i) => (base[i - 1] === flag ? value : a));
  it.each([
    ['missing protocol', ['simulate'], 'protocol'],
    ['unknown protocol', ['simulate', 'gg18'], 'gg18'],
    ['unknown suite', replace('--suite', 'p256'), '--suite'],
    ['missing --suite', base.filter((a, i) => a !== '--suite' && base[i - 1] !== '--suite'), '--suite'],
    ['threshold above parties', replace('--threshold', '4'), '--threshold'],
    ['threshold one', replace('--threshold', '1'), '--threshold'],
    ['parties not a number', replace('--parties', 'three'), '--parties'],
    ['too many parties', replace('--parties', '1000'), '--parties'],
    ['odd-length message', replace('--message', 'abc'), '--message'],
    ['non-hex message', replace('--message', 'zz'), '--message'],
    ['malformed reshare', [...base, '--reshare', '3'], '--reshare'],
    ['reshare to one party', [...base, '--reshare', '1,1'], '--reshare'],
    ['reshare threshold above size', [...base, '--reshare', '5,4'], '--reshare'],
    ['unknown option', [...base, '--fast'], '--fast'],
  ])('%s', async (_name, args, arg) => {
    expectUsageError(await runCli(args), arg);
  });
});
