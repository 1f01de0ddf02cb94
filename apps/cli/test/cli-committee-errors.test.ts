/**
 * Every bad-argument path of `tessera committee create|decrypt`: each must fail with a
 * `UsageError` naming the argument (one line; `main` prints it as `error: <argument>: …` and
 * exits with code 2) before writing anything to stdout. A sample of the cases runs as a real
 * process to check that contract end to end (one stderr line, no stack trace, exit code 2); the
 * rest call the command in this process (spawning ~55 processes would take a minute on this
 * machine). The committee the decrypt cases use is dealt from the fixture safe primes
 * (vectors/paillier/taurus-multi-party-sig-extracted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../src/args.ts';
import type { CliContext } from '../src/command.ts';
import { committeeCommand } from '../src/commands/committee.ts';
import { expectUsageError, removeScratchDirs, runCli, scratchDir } from './helpers.ts';

afterAll(removeScratchDirs);

interface Extracted {
  constants: { file: string; var: string; hex: string }[];
}
const vectors = JSON.parse(
  readFileSync(new URL('../../../vectors/paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json', import.meta.url), 'utf8'),
) as Extracted;
const fixture = (file: string, name: string): string => vectors.constants.find((c) => c.file.endsWith(file) && c.var === name)!.hex;
const P = fixture('arith/modulus_test.go', 'p');
const Q = fixture('arith/modulus_test.go', 'q');
const N = BigInt(`0x${P}`) * BigInt(`0x${Q}`);
const hex = (x: bigint) => x.toString(16);

const dir = scratchDir();
const f = (name: string) => join(dir, name);
const committee = f('committee');

beforeAll(async () => {
  writeFileSync(f('primes.json'), JSON.stringify([{ p: P, q: Q }]));
  writeFileSync(f('same.json'), JSON.stringify([{ p: P, q: P }]));
  writeFileSync(f('notsafe.json'), JSON.stringify([{ p: P, q: hex(BigInt(`0x${Q}`) + 2n) }]));
  writeFileSync(f('object.json'), JSON.stringify({ p: P, q: Q }));
  writeFileSync(f('badhex.json'), JSON.stringify([{ p: 'xyz', q: Q }]));
  writeFileSync(f('notjson.json'), 'not JSON');
  writeFileSync(f('file.txt'), 'a file');
  mkdirSync(f('empty'));
  for (const name of ['brokenpub', 'formatpub', 'noparty3']) mkdirSync(f(name));
  writeFileSync(join(f('brokenpub'), 'public.json'), '{ "n": ');
  writeFileSync(join(f('formatpub'), 'public.json'), JSON.stringify({ version: 1, kind: 'tessera/threshold-paillier-committee', n: hex(N) }));
  const r = await runCli(['committee', 'create', '--mode', 'dealer', '--parties', '3', '--threshold', '2', '--dir', committee, '--primes-file', f('primes.json')]);
  expect(r.code).toBe(0);
  cpSync(committee, f('noparty3'), { recursive: true });
  rmSync(join(f('noparty3'), 'party-3.json'));
});

type Case = [string, string[], string, RegExp?];

const create = (...rest: string[]): string[] => ['committee', 'create', ...rest];
const base = ['--mode', 'dealer', '--parties', '3', '--threshold', '2'];
const dkg = (parties: string, threshold: string, ...rest: string[]) => create('--mode', 'dkg', '--parties', parties, '--threshold', threshold, '--bits', '256', '--dir', 'out', ...rest);
const decrypt = (...rest: string[]): string[] => ['committee', 'decrypt', ...rest];
const C = '0x1234567';

const cases: Case[] = [
  // dispatch
  ['committee without subcommand', ['committee'], 'committee', /create, decrypt/],
  ['an unknown subcommand', ['committee', 'destroy'], 'destroy', /unknown committee subcommand/],
  // create
  ['create without --mode', create('--parties', '3', '--threshold', '2', '--dir', 'out'), '--mode', /required/],
  ['create with an unknown --mode', create('--mode', 'trusted', '--parties', '3', '--threshold', '2', '--dir', 'out'), '--mode', /dealer.*dkg/],
  ['create without --parties', create('--mode', 'dealer', '--threshold', '2', '--dir', 'out'), '--parties', /required/],
  ['create with --parties 0', create('--mode', 'dealer', '--parties', '0', '--threshold', '1', '--dir', 'out'), '--parties', /≥ 1/],
  ['create with --parties not a number', create('--mode', 'dealer', '--parties', 'three', '--threshold', '2', '--dir', 'out'), '--parties'],
  ['create with --parties 65', create('--mode', 'dealer', '--parties', '65', '--threshold', '2', '--dir', 'out'), '--parties', /≤ 64/],
  ['create without --threshold', create('--mode', 'dealer', '--parties', '3', '--dir', 'out'), '--threshold', /required/],
  ['create with --threshold 0', create('--mode', 'dealer', '--parties', '3', '--threshold', '0', '--dir', 'out'), '--threshold', /≥ 1/],
  ['create with --threshold above --parties', create('--mode', 'dealer', '--parties', '3', '--threshold', '4', '--dir', 'out'), '--threshold', /≤ 3/],
  ['dkg with 2 parties', dkg('2', '2'), '--parties', /at least 3/],
  ['dkg with threshold 1', dkg('3', '1'), '--threshold', /T ≥ 2/],
  ['dkg with n < 2T − 1', dkg('4', '3'), '--threshold', /2T − 1/],
  ['dkg with --workers', dkg('3', '2', '--workers', '2'), '--workers', /dealer/],
  ['dkg with --primes-file', dkg('3', '2', '--primes-file', 'PRIMES'), '--primes-file', /dealer/],
  ['create with odd --bits', create(...base, '--bits', '2047', '--dir', 'out'), '--bits', /even/],
  ['create with --bits too small', create(...base, '--bits', '32', '--dir', 'out'), '--bits', /≥ 64/],
  ['create with --bits too large', create(...base, '--bits', '10000', '--dir', 'out'), '--bits', /≤ 8192/],
  ['create with --bits not a number', create(...base, '--bits', 'big', '--dir', 'out'), '--bits'],
  ['create without --dir', create(...base, '--bits', '512'), '--dir', /required/],
  ['create with --dir naming a file', create(...base, '--bits', '512', '--dir', 'FILE'), '--dir', /not a directory/],
  ['create with --dir below a file', create(...base, '--bits', '512', '--dir', 'FILE/sub'), '--dir', /cannot write/],
  ['create over an existing committee', create(...base, '--dir', 'COMMITTEE', '--primes-file', 'PRIMES'), '--dir', /exists \(use --force/],
  ['create with --workers 0', create(...base, '--bits', '512', '--dir', 'out', '--workers', '0'), '--workers', /≥ 1/],
  ['create with --workers and --primes-file', create(...base, '--dir', 'out', '--workers', '2', '--primes-file', 'PRIMES'), '--workers', /primes-file/],
  ['a missing --primes-file', create(...base, '--dir', 'out', '--primes-file', 'missing.json'), '--primes-file', /no such file/],
  ['a --primes-file that is not JSON', create(...base, '--dir', 'out', '--primes-file', 'notjson.json'), '--primes-file', /not valid JSON/],
  ['a --primes-file holding an object', create(...base, '--dir', 'out', '--primes-file', 'object.json'), '--primes-file', /array/],
  ['a --primes-file with bad hex', create(...base, '--dir', 'out', '--primes-file', 'badhex.json'), '--primes-file', /p is not a hex string/],
  ['a --primes-file with p = q', create(...base, '--dir', 'out', '--primes-file', 'same.json'), '--primes-file', /differ/],
  ['a --primes-file with a non-safe q', create(...base, '--dir', 'out', '--primes-file', 'notsafe.json'), '--primes-file', /q is not a safe prime/],
  ['a --primes-file for another size', create(...base, '--bits', '1024', '--dir', 'out', '--primes-file', 'PRIMES'), '--primes-file', /1024 bits, --bits 1024 needs 512/],
  ['create with --force=yes', create(...base, '--dir', 'out', '--force=yes'), '--force', /takes no value/],
  ['create with an unknown option', create(...base, '--dir', 'out', '--dealer', 'me'), '--dealer', /unknown option/],
  // decrypt
  ['decrypt without --dir', decrypt('--c', C), '--dir', /required/],
  ['decrypt without --c', decrypt('--dir', 'COMMITTEE'), '--c', /required/],
  ['decrypt with a missing --dir', decrypt('--dir', 'nowhere', '--c', C), '--dir', /no such directory/],
  ['decrypt with --dir naming a file', decrypt('--dir', 'FILE', '--c', C), '--dir', /not a directory/],
  ['decrypt without public.json', decrypt('--dir', 'empty', '--c', C), '--dir', /public\.json: no such file/],
  ['decrypt with a public.json that is not JSON', decrypt('--dir', 'brokenpub', '--c', C), '--dir', /not valid JSON/],
  ['decrypt with a malformed public.json', decrypt('--dir', 'formatpub', '--c', C), '--dir', /public\.json: public\.epoch/],
  ['decrypt with c not hex', decrypt('--dir', 'COMMITTEE', '--c', 'xyz'), '--c', /hex/],
  ['decrypt with c = 0', decrypt('--dir', 'COMMITTEE', '--c', '0'), '--c'],
  ['decrypt with c = N²', decrypt('--dir', 'COMMITTEE', '--c', hex(N * N)), '--c', /N²/],
  ['decrypt with c sharing a factor with N', decrypt('--dir', 'COMMITTEE', '--c', `${P}`), '--c', /coprime/],
  ['decrypt with a huge c', decrypt('--dir', 'COMMITTEE', '--c', 'f'.repeat(20000)), '--c', /too long/],
  ['decrypt with an empty --parties', decrypt('--dir', 'COMMITTEE', '--c', C, '--parties', ''), '--parties', /commas/],
  ['decrypt with --parties 1,,3', decrypt('--dir', 'COMMITTEE', '--c', C, '--parties', '1,,3'), '--parties', /commas/],
  ['decrypt with --parties a,b', decrypt('--dir', 'COMMITTEE', '--c', C, '--parties', 'a,b'), '--parties'],
  ['decrypt with --parties 0', decrypt('--dir', 'COMMITTEE', '--c', C, '--parties', '0'), '--parties', /≥ 1/],
  ['decrypt with a party listed twice', decrypt('--dir', 'COMMITTEE', '--c', C, '--parties', '1,3,1'), '--parties', /listed twice/],
  ['decrypt with a party outside the committee', decrypt('--dir', 'COMMITTEE', '--c', C, '--parties', '1,4'), '--parties', /party 4 is not in the committee/],
  ['decrypt with a listed party without a file', decrypt('--dir', 'noparty3', '--c', C, '--parties', '1,3'), '--parties', /no share file for party 3/],
  ['decrypt with an unknown option', decrypt('--dir', 'COMMITTEE', '--c', C, '--threshold', '2'), '--threshold', /unknown option/],
];

const resolve = (args: readonly string[]): string[] =>
  args.map((a) =>
    a === 'COMMITTEE' ? committee : a === 'PRIMES' ? f('primes.json') : a === 'FILE' ? f('file.txt') : a === 'FILE/sub' ? join(f('file.txt'), 'sub') : a,
  );

/** Cases also run as a real process (the exit-code and one-line contract). */
const PROCESS_CASES = new Set([
  'committee without subcommand',
  'create with an unknown --mode',
  'dkg with n < 2T − 1',
  'create over an existing committee',
  'a --primes-file with a non-safe q',
  'decrypt with a public.json that is not JSON',
  'decrypt with c sharing a factor with N',
  'decrypt with a listed party without a file',
]);

describe('bad arguments: a UsageError naming the argument, nothing on stdout', () => {
  it.each(cases)('%s', async (_name, args, arg, message) => {
    // Relative paths are resolved against the scratch directory, as the process cases run there.
    const absolute = resolve(args).map((a) => (/^(out|missing\.json|notjson\.json|object\.json|badhex\.json|same\.json|notsafe\.json|nowhere|empty|brokenpub|formatpub|noparty3)$/.test(a) ? f(a) : a));
    let stdout = '';
    const ctx: CliContext = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, signal: new AbortController().signal };
    const [, ...rest] = absolute;
    const err = await committeeCommand.run(rest, ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    const u = err as UsageError;
    expect(u.arg).toBe(arg);
    expect(u.message.startsWith(`${arg}: `)).toBe(true);
    expect(u.message).not.toMatch(/\n/);
    if (message) expect(u.message).toMatch(message);
    expect(stdout).toBe('');
  });
});

describe.concurrent('as a real process: one line on stderr, exit code 2', () => {
  it('runs every named sample', () => expect(cases.filter(([name]) => PROCESS_CASES.has(name))).toHaveLength(PROCESS_CASES.size));
  it.each(cases.filter(([name]) => PROCESS_CASES.has(name)))('%s', async (_name, args, arg, message) => {
    expectUsageError(await runCli(resolve(args), dir), arg, message);
  });
});
