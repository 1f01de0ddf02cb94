/**
 * `pnpm bench`: measures Tessera's arithmetic, primes and Paillier beside anchors run in the
 * same process (OpenSSL through node:crypto, plain V8 BigInt, paillier-bigint) and prints
 * each figure with its ratio to the anchor (ratio = ours / anchor; below 1 is faster).
 *
 *   pnpm bench                       table on stdout (about 6-8 minutes on 2 cores)
 *   pnpm bench -- --json             only a JSON array of {name, ms, anchor, anchorMs, ratio}
 *   pnpm bench -- --quick            fewer runs (well under a minute)
 *   pnpm bench -- --iterations 40    primes per side for prime-1024 / safeprime-1024 (default 20)
 *   pnpm bench -- --only modexp-2048,safeprime-1024
 *
 * Our code runs single-threaded in this thread except in the `-pool` entry. Progress goes
 * to stderr; bad arguments exit with code 2, a failed cross-check with 1.
 * @module
 */
import { availableParallelism, cpus } from 'node:os';
import { backendReady } from '@tessera/crypto/backend';
import { generatePaillierKeyPair, type PaillierSecretKey } from '@tessera/crypto/paillier';
import { createWorkerPool, type WorkerPool } from '@tessera/crypto/pool';
import { UsageError, parseCommandArgs, parseIntArg, wantsHelp } from '../args.ts';
import { CASES, ENTRY_NAMES, backendName, type BenchContext, type BenchEntry } from './cases.ts';
import type { Budget } from './measure.ts';

const HELP = `usage: pnpm bench [-- [--json] [--quick] [--iterations N] [--only NAME,...]]

Measures each figure beside its anchor in the same process; ratio = ours / anchor.
  --json          print only a JSON array of {name, ms, anchor, anchorMs, ratio} on stdout
  --quick         fewer runs: 3 primes per side, 1 key per side, short time budgets
  --iterations N  primes per side for prime-1024 and safeprime-1024 (default 20; --quick 3)
  --full          also run the opt-in entries (frost-dkg-67-100: many minutes)
  --only NAMES    comma-separated entries: ${ENTRY_NAMES.join(', ')}`;

const options = {
  json: { type: 'boolean' },
  quick: { type: 'boolean' },
  iterations: { type: 'string' },
  only: { type: 'string' },
  full: { type: 'boolean' },
} as const;

/** Settings from the command line. */
interface BenchOptions {
  json: boolean;
  primeIterations: number;
  keygenIterations: number;
  budget: Budget;
  only: Set<string> | undefined;
  full: boolean;
}

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseCommandArgs(argv, options);
  const quick = values.quick === true;
  const primeIterations = values.iterations === undefined ? (quick ? 3 : 20) : parseIntArg('--iterations', values.iterations, 1, 10_000);
  let only: Set<string> | undefined;
  if (values.only !== undefined) {
    only = new Set(values.only.split(',').map((s) => s.trim()).filter((s) => s !== ''));
    if (only.size === 0) throw new UsageError('--only', 'expected entry names separated by commas');
    for (const name of only) if (!ENTRY_NAMES.includes(name)) throw new UsageError('--only', `unknown entry ${JSON.stringify(name)} (one of ${ENTRY_NAMES.join(', ')})`);
  }
  return {
    json: values.json === true,
    primeIterations,
    keygenIterations: quick ? 1 : Math.max(2, Math.ceil(primeIterations / 4)),
    budget: quick ? { minRuns: 3, maxRuns: 50, budgetMs: 300 } : { minRuns: 7, maxRuns: 500, budgetMs: 1500 },
    only,
    full: values.full === true,
  };
}

/** Progress on stderr: redrawn on a terminal, one line per step otherwise. */
function progressWriter(): { write(text: string): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  let last = '';
  return {
    write(text) {
      if (tty) process.stderr.write(`\r[bench] ${text}\x1b[K`);
      else if (text.split(':')[0] !== last.split(':')[0]) process.stderr.write(`[bench] ${text}\n`);
      last = text;
    },
    end() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(3)} ms`;
}

function table(entries: readonly BenchEntry[], pool: number): string {
  const rows = [
    ['entry', 'ours', 'anchor', 'anchor time', 'ratio', 'runs', 'stat'],
    ...entries.map((e) => [e.name, formatMs(e.ms), e.anchor, formatMs(e.anchorMs), `${e.ratio.toFixed(2)}×`, `${e.runs}+${e.anchorRuns}`, e.stat]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const right = new Set([1, 3, 4, 5]);
  const lines = rows.map((r) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return [
    `Tessera benchmark: Node ${process.version}, OpenSSL ${process.versions.openssl}, ${cpus()[0]?.model ?? 'unknown CPU'} (${availableParallelism()} threads), backend "${backendName()}"`,
    '',
    ...lines,
    '',
    'ratio = ours / anchor (below 1: we are faster). "median" of repeated runs for fast operations, "mean" for',
    'prime and key generation (their spread is wide). Runs alternate between ours and the anchor.',
    '  modexp-B         base^e mod m, m random odd of B bits, e of B-1 bits: our backend modPow (secret-exponent',
    '                   ladder) vs OpenSSL DiffieHellman.generateKeys() with p = m, g = base, private key = e',
    '                   (one constant-time Montgomery modexp); -bigint: vs plain V8 BigInt square-and-multiply.',
    '  paillier-rn-2048 r^N mod N² (public exponent N) vs the same through OpenSSL DH (its constant-time path).',
    '  prime-1024, safeprime-1024  generatePrime in this thread vs node:crypto generatePrime (OpenSSL), one at a time.',
    '  paillier-keygen-2048  two 1024-bit primes one after the other in this thread vs paillier-bigint',
    `                   generateRandomKeysSync; -pool: our ${pool}-worker pool vs paillier-bigint generateRandomKeys (its workers).`,
    '  paillier-encrypt/decrypt-2048  same N, random m < N; paillier-bigint with g = N + 1, p and q (its CRT).',
    '  frost-dkg/sign-T-N  secp256k1 FROST through our engine (all parties simulated in this thread: echo checks,',
    '                   identity signatures, every share verified) vs the same ceremony as direct noble calls; one',
    '                   run each. frost-sign-67-100 uses a dealer-made key; frost-dkg-67-100 needs --full.',
    '  cggmp-*-T-N      CGGMP21 per party (all parties simulated in this thread, one run each) vs DKLs23 in',
    '                   WebAssembly (@silencelaboratories/dkls-wasm-ll-node) in the same run: aux-info with fixed',
    `                   safe primes, proofs verified on the ${pool}-worker pool, vs dkls23-keygen; presign + sign with`,
    '                   proofs verified in this thread (one core) vs dkls23-sign; sign alone vs DKLs23\'s last round',
    '                   (dkls23-sign-online). cggmp-aux-search-2-3 includes the safe-prime search on the pool.',
    '  tpaillier-*      threshold Paillier: dealer key generation (safe primes on the pool + dealing) vs two OpenSSL',
    '                   safe primes; dealer-less 3-party generation vs the dealer at the same size (candidate pairs',
    '                   tried in the anchor text; -2048 needs --full); decryption share with proof, its verification',
    '                   and combination vs paillier-bigint CRT decryption.',
    '  signal-load-*    our signal server (auth, validation, fsync\'d mailbox) vs a plain ws relay under the same load:',
    '                   -msg time per acknowledged message, -p99 relay latency. frost-webrtc/mailbox-2-3: FROST',
    '                   2-of-3 DKG + signing through the runner vs the in-memory simulator.',
  ].join('\n');
}

async function run(argv: string[]): Promise<number> {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  if (wantsHelp(args)) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const opts = parseOptions(args);
  await backendReady(); // measure the backend Tessera uses, not the fallback active while it loads
  const progress = progressWriter();
  const poolSize = availableParallelism();
  let key: Promise<PaillierSecretKey> | undefined;
  let pool: WorkerPool | undefined;
  const ctx: BenchContext = {
    primeIterations: opts.primeIterations,
    keygenIterations: opts.keygenIterations,
    budget: opts.budget,
    progress: (t) => progress.write(t),
    paillierKey: () => {
      if (!key) {
        progress.write('generating a 2048-bit key for the Paillier entries (untimed)');
        key = generatePaillierKeyPair({ bits: 2048 });
      }
      return key;
    },
    pool: async () => {
      if (!pool) {
        progress.write(`starting the ${poolSize}-worker pool (untimed)`);
        pool = createWorkerPool({ size: poolSize });
        await pool.findPrimes(poolSize, { bits: 256 });
      }
      return pool;
    },
  };
  const entries: BenchEntry[] = [];
  try {
    for (const c of CASES) {
      if (opts.only && !c.names.some((n) => opts.only!.has(n))) continue;
      if (c.optIn && !opts.full && !opts.only) continue;
      for (const e of await c.run(ctx)) if (!opts.only || opts.only.has(e.name)) entries.push(e);
    }
  } finally {
    progress.end();
    await pool?.terminate();
  }
  if (opts.json) {
    const out = entries.map((e) => ({ name: e.name, ms: round(e.ms, 4), anchor: e.anchor, anchorMs: round(e.anchorMs, 4), ratio: round(e.ratio, 4) }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    process.stdout.write(`${table(entries, poolSize)}\n`);
  }
  return 0;
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`error: ${e instanceof Error ? e.message.replace(/\s*\n\s*/g, ' ') : String(e)}\n`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
}
