/**
 * Every bad-argument path of the `tessera` CLI outside `paillier` (dispatch, help, isprime,
 * prime, demo), run as a real process: each must print exactly one line
 * `error: <argument>: …` on stderr naming the argument, nothing on stdout, no stack trace,
 * and exit with code 2. The `paillier` paths are in cli-paillier-errors.test.ts.
 */
import { afterAll, describe, it } from 'vitest';
import { expectUsageError, removeScratchDirs, runCli, scratchDir } from './helpers.ts';

afterAll(removeScratchDirs);

const dir = scratchDir();

type Case = [string, string[], string, RegExp?];

const cases: Case[] = [
  // dispatch
  ['no command', [], 'command'],
  ['unknown command', ['frobnicate'], 'frobnicate', /unknown command/],
  ['unknown top-level option', ['--frobnicate'], '--frobnicate', /unknown option/],
  ['help for an unknown command', ['help', 'frobnicate'], 'frobnicate'],
  ['a leading -- then nothing', ['--'], 'command'],
  // isprime
  ['isprime without a number', ['isprime'], '<n>', /required/],
  ['isprime with letters', ['isprime', 'abc'], '<n>', /decimal or 0x-hex/],
  ['isprime with a negative number', ['isprime', '-7'], '<n>'],
  ['isprime with a bare 0x', ['isprime', '0x'], '<n>'],
  ['isprime with hex lacking 0x', ['isprime', 'ff'], '<n>'],
  ['isprime with a fraction', ['isprime', '1.5'], '<n>'],
  ['isprime with two numbers', ['isprime', '7', '11'], '11', /unexpected argument/],
  ['isprime with a huge number', ['isprime', '9'.repeat(11000)], '<n>', /too long/],
  ['isprime above the size limit', ['isprime', `0x${'f'.repeat(8200)}`], '<n>', /at most 32768 bits/],
  ['isprime with bad --rounds', ['isprime', '7', '--rounds', 'many'], '--rounds', /expected an integer ≥ 0/],
  ['isprime with an unknown option', ['isprime', '7', '--fast'], '--fast', /unknown option/],
  // prime
  ['prime without --bits', ['prime'], '--bits', /required/],
  ['prime with --bits but no value', ['prime', '--bits'], '--bits', /missing value/],
  ['prime with --bits below 16', ['prime', '--bits', '8'], '--bits', /^error: --bits: expected an integer ≥ 16/],
  ['prime with --bits not a number', ['prime', '--bits', 'abc'], '--bits', /expected an integer ≥ 16/],
  ['prime with --bits 0x10', ['prime', '--bits', '0x10'], '--bits'],
  ['prime with --bits too large', ['prime', '--bits', '100000'], '--bits', /≤ 8192/],
  ['prime with --bits followed by a flag', ['prime', '--bits', '--safe'], '--bits', /missing value/],
  ['prime with --safe and --blum', ['prime', '--bits', '64', '--safe', '--blum'], '--safe', /--blum/],
  ['prime with a value for --safe', ['prime', '--bits', '64', '--safe=yes'], '--safe', /takes no value/],
  ['prime with --bits twice', ['prime', '--bits', '64', '--bits', '65'], '--bits', /more than once/],
  ['prime with --workers 0', ['prime', '--bits', '64', '--workers', '0'], '--workers', /≥ 1/],
  ['prime with --workers too many', ['prime', '--bits', '64', '--workers', '100000'], '--workers'],
  ['prime with a positional argument', ['prime', '--bits', '64', 'extra'], 'extra', /unexpected argument/],
  ['prime with an unknown short option', ['prime', '-x'], '-x', /unknown option/],
  // demo
  ['demo with --bits not a number', ['demo', '--bits', 'big'], '--bits'],
  ['demo with odd --bits', ['demo', '--bits', '1025'], '--bits', /even/],
  ['demo with bad --workers', ['demo', '--workers', 'all'], '--workers'],
  ['demo with an unknown option', ['demo', '--fast'], '--fast', /unknown option/],
];

describe.concurrent('bad arguments: one line naming the argument, exit code 2', () => {
  it.each(cases)('%s', async (_name, args, arg, message) => {
    expectUsageError(await runCli(args, dir), arg, message);
  });
});
