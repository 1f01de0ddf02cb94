/**
 * `tessera isprime <n>`: prints `true` if n is (very probably) prime, else `false`.
 * n is decimal or 0x-hex. The test is `isProbablePrime`: trial division, BPSW, then
 * random-base Miller–Rabin rounds sized per FIPS 186-5 (`--rounds` overrides, e.g. 64 for
 * numbers someone else chose).
 * @module
 */
import { isProbablePrime } from '@tessera/crypto/primality';
import { UsageError, parseCommandArgs, parseDecimalOrHexArg, parseIntArg } from '../args.ts';
import type { CliContext, Command } from '../command.ts';

/** Largest number accepted, in bits (a 32768-bit test already takes minutes). */
export const ISPRIME_MAX_BITS = 32768;

const options = { rounds: { type: 'string' } } as const;

/** The `isprime` command. */
export const isprimeCommand: Command = {
  name: 'isprime',
  summary: 'test a number for primality: prints true or false',
  help: `usage: tessera isprime <n> [--rounds R]

Prints "true" if <n> is (very probably) prime and "false" otherwise.
<n> is a non-negative integer in decimal (123) or 0x-prefixed hex (0x7b), at most ${ISPRIME_MAX_BITS} bits.
The test is trial division, Baillie-PSW, then random-base Miller-Rabin rounds sized per FIPS 186-5.

  --rounds R   Miller-Rabin rounds after BPSW (0-10000; 64 gives error < 2^-128 even for chosen numbers)`,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const negative = args.find((a) => /^-\d/.test(a));
    if (negative !== undefined) throw new UsageError('<n>', `expected a non-negative integer (got ${negative})`);
    const { values, positionals } = parseCommandArgs(args, options, 1);
    const text = positionals[0];
    if (text === undefined) throw new UsageError('<n>', 'required: the number to test, in decimal or 0x-hex');
    const n = parseDecimalOrHexArg('<n>', text, 2 + Math.ceil(ISPRIME_MAX_BITS / 3));
    if (n.toString(2).length > ISPRIME_MAX_BITS) throw new UsageError('<n>', `at most ${ISPRIME_MAX_BITS} bits`);
    const rounds = values.rounds === undefined ? undefined : parseIntArg('--rounds', values.rounds, 0, 10_000);
    ctx.stdout.write(`${isProbablePrime(n, rounds === undefined ? {} : { rounds })}\n`);
    return 0;
  },
};
