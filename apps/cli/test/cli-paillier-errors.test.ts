/**
 * Every bad-argument path of `tessera paillier` (arguments, key files, plaintexts, nonces,
 * ciphertexts), run as a real process: each must print exactly one line
 * `error: <argument>: …` on stderr naming the argument, nothing on stdout, no stack trace,
 * and exit with code 2.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectUsageError, removeScratchDirs, runCli, scratchDir } from './helpers.ts';

afterAll(removeScratchDirs);

const dir = scratchDir();
const f = (name: string) => join(dir, name);

// 512-bit fixture key: two random 256-bit primes (from one run of `tessera paillier keygen --bits 512`).
const P = 0xf2168cecd843dc2e224bd566a77bcdee6985e6237834cac89471622609d294e1n;
const Q = 0xce8573c9d2ff4509c3a8b367752640f0a38ec1698d696c9a0e96127598d7e307n;
const N = P * Q;
const hex = (x: bigint) => x.toString(16);

beforeAll(() => {
  writeFileSync(f('key.json'), JSON.stringify({ n: hex(N), p: hex(P), q: hex(Q) }));
  writeFileSync(f('pub.json'), JSON.stringify({ n: hex(N) }));
  writeFileSync(f('notjson.json'), 'this is not JSON');
  writeFileSync(f('array.json'), '[1, 2, 3]');
  writeFileSync(f('even.json'), JSON.stringify({ n: hex(N + 1n) }));
  writeFileSync(f('badhex.json'), JSON.stringify({ n: 'xyz' }));
  writeFileSync(f('nomodulus.json'), JSON.stringify({ p: hex(P), q: hex(Q) }));
  writeFileSync(f('mismatch.json'), JSON.stringify({ n: hex(N + 2n), p: hex(P), q: hex(Q) }));
  writeFileSync(f('onlyp.json'), JSON.stringify({ n: hex(N), p: hex(P) }));
  writeFileSync(f('composite.json'), JSON.stringify({ n: hex(N * 15n), p: hex(P * 5n), q: hex(Q * 3n) }));
  writeFileSync(f('extra.json'), JSON.stringify({ n: hex(N), comment: 'unknown field' }));
  writeFileSync(f('version.json'), JSON.stringify({ version: 99, n: hex(N) }));
});

type Case = [string, string[], string, RegExp?];

const cases: Case[] = [
  // paillier dispatch
  ['paillier without subcommand', ['paillier'], 'paillier', /keygen/],
  ['paillier with an unknown subcommand', ['paillier', 'sign'], 'sign', /unknown paillier subcommand/],
  // keygen
  ['keygen without --out', ['paillier', 'keygen', '--bits', '512'], '--out', /required/],
  ['keygen with odd --bits', ['paillier', 'keygen', '--bits', '513', '--out', 'k.json'], '--bits', /even/],
  ['keygen with --bits too small', ['paillier', 'keygen', '--bits', '32', '--out', 'k.json'], '--bits', /≥ 64/],
  ['keygen with --bits too large', ['paillier', 'keygen', '--bits', '20000', '--out', 'k.json'], '--bits', /≤ 16384/],
  ['keygen into a missing directory', ['paillier', 'keygen', '--bits', '512', '--out', '/nonexistent-dir/k.json'], '--out', /cannot write/],
  ['keygen onto a directory', ['paillier', 'keygen', '--bits', '512', '--out', '/tmp'], '--out', /is a directory/],
  ['keygen with --public-out equal to --out', ['paillier', 'keygen', '--bits', '512', '--out', 'k.json', '--public-out', 'k.json'], '--public-out'],
  ['keygen with --safe and --blum', ['paillier', 'keygen', '--bits', '512', '--out', 'k.json', '--safe', '--blum'], '--safe'],
  // encrypt: arguments
  ['encrypt without --key', ['paillier', 'encrypt', '--m', '1'], '--key', /required/],
  ['encrypt without --m', ['paillier', 'encrypt', '--key', 'KEY'], '--m', /required/],
  ['encrypt with m not a number', ['paillier', 'encrypt', '--key', 'KEY', '--m', 'ten'], '--m', /decimal/],
  ['encrypt with a negative m', ['paillier', 'encrypt', '--key', 'KEY', '--m=-1'], '--m', /decimal/],
  ['encrypt with m = N', ['paillier', 'encrypt', '--key', 'KEY', '--m', N.toString()], '--m', /less than N/],
  ['encrypt with m > N', ['paillier', 'encrypt', '--key', 'PUB', '--m', (N * 7n).toString()], '--m', /less than N/],
  ['encrypt with r = 0', ['paillier', 'encrypt', '--key', 'PUB', '--m', '1', '--r', '0'], '--r'],
  ['encrypt with r = N', ['paillier', 'encrypt', '--key', 'PUB', '--m', '1', '--r', hex(N)], '--r'],
  ['encrypt with r not coprime to N', ['paillier', 'encrypt', '--key', 'PUB', '--m', '1', '--r', hex(P)], '--r', /coprime/],
  ['encrypt with r not hex', ['paillier', 'encrypt', '--key', 'PUB', '--m', '1', '--r', 'xyz'], '--r', /hex/],
  ['encrypt with an unknown option', ['paillier', 'encrypt', '--key', 'PUB', '--m', '1', '--s', '2'], '--s', /unknown option/],
  // encrypt: key files
  ['a missing key file', ['paillier', 'encrypt', '--key', 'missing.json', '--m', '1'], '--key', /no such file/],
  ['a directory as key file', ['paillier', 'encrypt', '--key', '/tmp', '--m', '1'], '--key', /is a directory/],
  ['a key file that is not JSON', ['paillier', 'encrypt', '--key', 'notjson.json', '--m', '1'], '--key', /not valid JSON/],
  ['a key file holding an array', ['paillier', 'encrypt', '--key', 'array.json', '--m', '1'], '--key', /object/],
  ['a key file with an even n', ['paillier', 'encrypt', '--key', 'even.json', '--m', '1'], '--key', /key\.n/],
  ['a key file with bad hex', ['paillier', 'encrypt', '--key', 'badhex.json', '--m', '1'], '--key', /key\.n/],
  ['a key file without n', ['paillier', 'encrypt', '--key', 'nomodulus.json', '--m', '1'], '--key', /key\.n/],
  ['a key file with n ≠ p·q', ['paillier', 'encrypt', '--key', 'mismatch.json', '--m', '1'], '--key', /p·q/],
  ['a key file with p but no q', ['paillier', 'encrypt', '--key', 'onlyp.json', '--m', '1'], '--key', /key\.q/],
  ['a key file with composite factors', ['paillier', 'encrypt', '--key', 'composite.json', '--m', '1'], '--key'],
  ['a key file with an unknown field', ['paillier', 'encrypt', '--key', 'extra.json', '--m', '1'], '--key', /unknown field/],
  ['a key file with an unknown version', ['paillier', 'encrypt', '--key', 'version.json', '--m', '1'], '--key', /version/],
  // decrypt
  ['decrypt without --c', ['paillier', 'decrypt', '--key', 'KEY'], '--c', /required/],
  ['decrypt without --key', ['paillier', 'decrypt', '--c', '0x1234'], '--key', /required/],
  ['decrypt with a public key', ['paillier', 'decrypt', '--key', 'PUB', '--c', '0x1234'], '--key', /secret key/],
  ['decrypt with c not hex', ['paillier', 'decrypt', '--key', 'KEY', '--c', 'xyz'], '--c', /hex/],
  ['decrypt with c = 0', ['paillier', 'decrypt', '--key', 'KEY', '--c', '0'], '--c', /positive/],
  ['decrypt with c = N²', ['paillier', 'decrypt', '--key', 'KEY', '--c', hex(N * N)], '--c', /N²/],
  ['decrypt with c sharing a factor with N', ['paillier', 'decrypt', '--key', 'KEY', '--c', hex(P * 12345n)], '--c', /coprime/],
  ['decrypt with a huge c', ['paillier', 'decrypt', '--key', 'KEY', '--c', 'f'.repeat(20000)], '--c', /too long/],
];

describe.concurrent('bad arguments: one line naming the argument, exit code 2', () => {
  it.each(cases)('%s', async (_name, args, arg, message) => {
    const resolved = args.map((a) => (a === 'KEY' ? f('key.json') : a === 'PUB' ? f('pub.json') : a));
    expectUsageError(await runCli(resolved, dir), arg, message);
  });
});
