/**
 * `tessera demo`: the end-to-end tour run by `npm start`. Generates a Paillier key (2048
 * bits by default) on the worker pool with a progress bar on stderr, encrypts two random
 * numbers, adds them under encryption, multiplies the sum by a scalar under encryption,
 * decrypts, checks the result against the same computation in the clear, and reports each
 * step with its time on stdout.
 * @module
 */
import { add, decrypt, disposePaillierSecretKey, encrypt, mulScalar, PAILLIER_KEYGEN_MIN_BITS, PAILLIER_MAX_BITS, PAILLIER_MIN_BITS } from '@tessera/crypto/paillier';
import { randomBelow, randomInRange } from '@tessera/crypto/rng';
import { UsageError, parseCommandArgs, parseIntArg } from '../args.ts';
import { warn, type CliContext, type Command } from '../command.ts';
import { createProgressBar, formatMs, formatSeconds } from '../progress.ts';
import { parseWorkers, withPool } from '../pool.ts';

const options = { bits: { type: 'string' }, workers: { type: 'string' } } as const;

/** Runs `fn` and returns its result with the elapsed milliseconds. */
function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

/** The `demo` command. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'Paillier tour: key generation on the worker pool, homomorphic add and scale, decryption',
  help: `usage: tessera demo [--bits B] [--workers W]

Generates a B-bit Paillier key (default ${PAILLIER_MIN_BITS}) with its two primes searched in parallel on W
worker threads (default: all cores), with a progress bar on stderr; then encrypts two random
numbers a and b, computes E(a)·E(b) = E(a + b) and E(a + b)^k = E(k·(a + b)) without the key,
decrypts, and checks the result. Each step is reported with its time on stdout.`,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values } = parseCommandArgs(args, options);
    const bits = values.bits === undefined ? PAILLIER_MIN_BITS : parseIntArg('--bits', values.bits, PAILLIER_KEYGEN_MIN_BITS, PAILLIER_MAX_BITS);
    if (bits % 2 !== 0) throw new UsageError('--bits', `expected an even number (two primes of B/2 bits), got ${bits}`);
    const workers = parseWorkers(values.workers);
    if (bits < PAILLIER_MIN_BITS) warn(ctx, `${bits}-bit Paillier key: below the ${PAILLIER_MIN_BITS}-bit minimum, not secure`);
    const out = (line: string): void => void ctx.stdout.write(`${line}\n`);

    out(`Tessera demo: Paillier encryption with g = N + 1, ${bits}-bit N, ${workers} worker thread${workers === 1 ? '' : 's'}`);
    const bar = createProgressBar({ label: `generating a ${bits}-bit key`, stream: ctx.stderr });
    let candidates = 0;
    const t0 = performance.now();
    let sk;
    try {
      sk = await withPool(workers, (pool) =>
        pool.generatePaillierKeyPair({
          bits,
          allowInsecureSize: true,
          signal: ctx.signal,
          onProgress: (p) => {
            candidates = p.candidates;
            bar.update(p);
          },
        }),
      );
    } catch (e) {
      bar.clear();
      throw e;
    }
    const keygenMs = performance.now() - t0;
    bar.done(`done in ${formatSeconds(keygenMs)}`);
    try {
      const pk = sk.publicKey;
      out(`1. key generation   ${formatSeconds(keygenMs).padStart(9)}  two ${bits / 2}-bit primes p, q found in parallel (${candidates} candidates drawn); N = p·q`);
      const a = randomBelow(1_000_000_000n);
      const b = randomBelow(1_000_000_000n);
      const k = randomInRange(2n, 1000n);
      const [ca, ta] = timed(() => encrypt(pk, a));
      const [cb, tb] = timed(() => encrypt(pk, b));
      out(`2. encrypt          ${formatMs(ta + tb).padStart(9)}  a = ${String(a)} and b = ${String(b)}, each with fresh randomness r: E(m) = (1 + m·N)·r^N mod N²`);
      const [cSum, tAdd] = timed(() => add(pk, ca, cb));
      out(`3. add              ${formatMs(tAdd).padStart(9)}  E(a)·E(b) mod N² = E(a + b), computed from the public key only`);
      const [cScaled, tMul] = timed(() => mulScalar(pk, cSum, k));
      out(`4. multiply         ${formatMs(tMul).padStart(9)}  E(a + b)^k mod N² = E(k·(a + b)) with k = ${k}`);
      const [m, tDec] = timed(() => decrypt(sk, cScaled));
      out(`5. decrypt          ${formatMs(tDec).padStart(9)}  with p and q (CRT): ${String(m)}`);
      const expected = (k * (a + b)) % pk.n;
      if (m !== expected) {
        out(`6. check           ${' '.repeat(9)}  FAILED: expected k·(a + b) = ${String(expected)}`);
        ctx.stderr.write('error: demo: the decrypted result does not match\n');
        return 1;
      }
      out(`6. check           ${' '.repeat(9)}  ok: k·(a + b) = ${k}·(${String(a)} + ${String(b)}) = ${String(expected)}`);
      out(`total ${formatSeconds(performance.now() - t0)}`);
      return 0;
    } finally {
      disposePaillierSecretKey(sk);
    }
  },
};
