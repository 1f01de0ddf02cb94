/**
 * `tessera prime --bits B [--safe|--blum] [--workers W]`: searches for a random, safe or
 * Blum prime of exactly B bits on a pool of worker threads (the first worker to find one
 * wins) and prints it as 0x-hex on stdout; progress goes to stderr.
 * @module
 */
import { UsageError, parseCommandArgs, parseIntArg, required } from '../args.ts';
import type { CliContext, Command } from '../command.ts';
import { createProgressBar, formatSeconds } from '../progress.ts';
import { parseWorkers, withPool } from '../pool.ts';

/** Smallest prime size accepted. */
export const PRIME_MIN_BITS = 16;
/** Largest prime size accepted. */
export const PRIME_MAX_BITS = 8192;

const options = {
  bits: { type: 'string' },
  safe: { type: 'boolean' },
  blum: { type: 'boolean' },
  workers: { type: 'string' },
} as const;

/** The `prime` command. */
export const primeCommand: Command = {
  name: 'prime',
  summary: 'generate a random, safe or Blum prime of exactly B bits (worker pool)',
  help: `usage: tessera prime --bits B [--safe | --blum] [--workers W]

Prints a prime of exactly B bits (top two bits set) as 0x-hex on stdout; progress on stderr.
The search runs on W worker threads; the first one to find a prime wins and the others stop.

  --bits B      size of the prime, ${PRIME_MIN_BITS}-${PRIME_MAX_BITS}
  --safe        a safe prime: p = 2q + 1 with q prime
  --blum        a Blum prime: p = 3 (mod 4)
  --workers W   number of worker threads (default: all cores)`,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values } = parseCommandArgs(args, options);
    const bits = parseIntArg('--bits', required('--bits', values.bits), PRIME_MIN_BITS, PRIME_MAX_BITS);
    if (values.safe && values.blum) throw new UsageError('--safe', 'cannot be combined with --blum');
    const kind = values.safe ? 'safe' : values.blum ? 'blum' : 'random';
    const workers = parseWorkers(values.workers);
    const label = `${kind === 'random' ? '' : `${kind} `}prime, ${bits} bits, ${workers} worker${workers === 1 ? '' : 's'}`;
    const bar = createProgressBar({ label, stream: ctx.stderr });
    const start = performance.now();
    let candidates = 0;
    try {
      const [p] = await withPool(workers, (pool) =>
        pool.findPrimes(1, {
          bits,
          kind,
          signal: ctx.signal,
          onProgress: (pr) => {
            candidates = pr.candidates;
            bar.update(pr);
          },
        }),
      );
      bar.done(`found in ${formatSeconds(performance.now() - start)} (${candidates} candidates)`);
      ctx.stdout.write(`0x${p!.toString(16)}\n`);
      return 0;
    } catch (e) {
      bar.clear();
      throw e;
    }
  },
};
