/**
 * CGGMP21 benchmark cases: per-party compute of aux-info, presigning and signing through our
 * protocol engine (every party in the in-memory simulator, `benchCggmp` from
 * @tessera/protocols), beside DKLs23 in WebAssembly (./dkls.ts) as the peer anchor, measured in
 * the same run. Sizes (2,2), (2,3) and (3,5); per party = wall time / parties taking part.
 *
 * | entry | ours | anchor |
 * |---|---|---|
 * | `cggmp-aux-T-N` | aux-info among N parties with fixed safe primes (./cggmp-primes.json), received Π^prm/Π^mod/Π^fac verified on the bench's worker pool | `dkls23-keygen-T-N`: DKLs23 key generation |
 * | `cggmp-aux-search-2-3` | the same for (2,3) including each party's safe-prime search on the pool | `dkls23-keygen-2-3` |
 * | `cggmp-presign-sign-T-N` | presigning (3 rounds) + signing by T parties, proofs verified in this thread (one core) | `dkls23-sign-T-N`: DKLs23 signing (presigning rounds + last round) |
 * | `cggmp-sign-T-N` | the signing round alone (after the presignature) | `dkls23-sign-online-T-N`: DKLs23's last round alone |
 *
 * Our side runs once per entry (seconds each); the anchor's signing is the mean of several
 * runs (one key generation: DKLs23's costs seconds per party at (3,5)). Key generation of the
 * CGGMP21 key (keygen before aux-info) is untimed.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { WorkerPool } from '@tessera/crypto/pool';
import type { ZkVerifyJob } from '@tessera/crypto/zk/dispatch';
import { benchCggmp, type CggmpBenchAnchors } from '@tessera/protocols/cggmp/bench';
import { fixedPrimeSource, type PaillierPrimes } from '@tessera/protocols/cggmp/prime-source';
import type { BenchCase, BenchContext, BenchEntry } from './cases.ts';
import { measureDkls, type DklsTimes } from './dkls.ts';

/** The (t, n) sizes of the compute entries. */
export const CGGMP_SIZES: readonly (readonly [number, number])[] = [
  [2, 2],
  [2, 3],
  [3, 5],
];

interface PrimeFixture {
  readonly bits: number;
  readonly pairs: readonly { readonly p: string; readonly q: string }[];
}

let fixture: PaillierPrimes[] | undefined;

/** The five fixed pairs of 1024-bit safe primes (aux-info checks them again before use). */
function fixturePairs(): PaillierPrimes[] {
  if (!fixture) {
    const json = JSON.parse(readFileSync(new URL('./cggmp-primes.json', import.meta.url), 'utf8')) as PrimeFixture;
    fixture = json.pairs.map(({ p, q }) => ({ p: BigInt(`0x${p}`), q: BigInt(`0x${q}`) }));
  }
  return fixture;
}

const dklsTimes = new Map<string, Promise<DklsTimes>>();

/** DKLs23 figures for (t, n), measured once per run and shared by the entries that use them. */
function dkls(ctx: BenchContext, t: number, n: number): Promise<DklsTimes> {
  const key = `${t}-${n}`;
  let p = dklsTimes.get(key);
  if (!p) {
    ctx.progress(`dkls23 ${key} (anchor)`);
    p = measureDkls(t, n, 1, Math.max(3, ctx.budget.minRuns));
    dklsTimes.set(key, p);
  }
  return p;
}

function anchors(ctx: BenchContext): CggmpBenchAnchors {
  return {
    name: 'DKLs23 (wasm)',
    keygen: async (t, n) => (await dkls(ctx, t, n)).keygenMs,
    sign: async (t, n) => (await dkls(ctx, t, n)).signMs,
    signOnline: async (t, n) => (await dkls(ctx, t, n)).onlineMs,
  };
}

const warmed = new WeakSet<WorkerPool>();

/**
 * Has every worker load the proof suite before anything is timed: one job per worker (an
 * unknown kind, reported malformed after the worker has imported the verifier).
 */
async function warmVerifiers(pool: WorkerPool): Promise<void> {
  if (warmed.has(pool)) return;
  const job = { kind: 'warm-up', binding: { sessionId: new Uint8Array(32), proverIndex: 1 } } as unknown as ZkVerifyJob;
  await pool.verifyZkJobs(Array.from({ length: pool.size }, () => job));
  warmed.add(pool);
}

function entry(name: string, ms: number, anchor: string, anchorMs: number, anchorRuns: number): BenchEntry {
  return { name, ms, anchor, anchorMs, ratio: ms / anchorMs, stat: 'mean', runs: 1, anchorRuns };
}

/** Aux-info, presign + sign and sign for one size, with fixed primes. */
function computeCase(t: number, n: number): BenchCase {
  const tn = `${t}-${n}`;
  const names = [`cggmp-aux-${tn}`, `cggmp-presign-sign-${tn}`, `cggmp-sign-${tn}`];
  return {
    names,
    async run(ctx) {
      const pool = await ctx.pool();
      await warmVerifiers(pool);
      ctx.progress(`${names.join(', ')} (about ${n * 5} s)`);
      const rows = await benchCggmp({
        sizes: [[t, n]],
        primeSource: fixedPrimeSource(fixturePairs().slice(0, n)),
        pool,
        verify: { aux: 'pool', presign: 'inline' },
        anchors: anchors(ctx),
      });
      const [aux, presign, sign] = rows;
      const d = await dkls(ctx, t, n);
      return [
        entry(names[0]!, aux!.ms, `dkls23-keygen-${tn}`, d.keygenMs, d.keygenRuns),
        entry(names[1]!, presign!.ms + sign!.ms, `dkls23-sign-${tn}`, d.signMs, d.signRuns),
        entry(names[2]!, sign!.ms, `dkls23-sign-online-${tn}`, d.onlineMs, d.signRuns),
      ];
    },
  };
}

/** Aux-info for (2,3) with the real safe-prime search on the pool. */
const searchCase: BenchCase = {
  names: ['cggmp-aux-search-2-3'],
  async run(ctx) {
    const pool = await ctx.pool();
    await warmVerifiers(pool);
    ctx.progress('cggmp-aux-search-2-3 (safe-prime search on the pool)');
    const [aux] = await benchCggmp({ sizes: [[2, 3]], pool, verify: { aux: 'pool' }, anchors: anchors(ctx), auxOnly: true });
    const d = await dkls(ctx, 2, 3);
    return [entry('cggmp-aux-search-2-3', aux!.ms, 'dkls23-keygen-2-3', d.keygenMs, d.keygenRuns)];
  },
};

/** CGGMP21 cases in running order. */
export const CGGMP_CASES: readonly BenchCase[] = [...CGGMP_SIZES.map(([t, n]) => computeCase(t, n)), searchCase];
