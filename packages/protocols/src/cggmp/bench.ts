/**
 * `benchCggmp`: per-party compute of CGGMP21 aux-info, presigning and signing through the engine
 * (all parties in one thread in the simulator; a row's time is the run's wall time divided by
 * the number of participants) at (2,2), (2,3) and (3,5) by default, each next to an anchor
 * measured in the same run:
 * - the peer implementation when the caller supplies it (`anchors.keygen` / `anchors.sign` /
 *   `anchors.signOnline`, e.g. DKLs23 in WebAssembly — its key generation stands opposite
 *   aux-info, its signing opposite presign (and sign, unless its online round alone is given);
 * - otherwise: for aux-info, one party's proof work as direct calls of the proof suite
 *   (Π^prm, Π^mod, Π^fac proved, and the others' verified — the engine's overhead); for
 *   presigning and signing, one single-key ECDSA signature by @noble/curves.
 * Aux-info includes each party's safe-prime search when the prime source searches (the default:
 * a two-worker pool). Received proofs are verified on the worker pool when there is one (the
 * default pool, or `pool`), per phase as `verify` says. Times are wall-clock milliseconds of
 * one run; compare ratios within a run.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { assertInteger } from '@tessera/crypto/errors';
import { randomBytes, systemRng, type RandomSource } from '@tessera/crypto/rng';
import { provePiFac, verifyPiFac } from '@tessera/crypto/zk/pifac';
import { provePiMod, verifyPiMod } from '@tessera/crypto/zk/pimod';
import { provePiPrm, verifyPiPrm } from '@tessera/crypto/zk/piprm';
import { generateRingPedersen } from '@tessera/crypto/zk/ring-pedersen';
import { partyRange } from '../engine/ids.ts';
import { createIdentities } from '../engine/simulator.ts';
import type { BenchRow } from '../frost/bench.ts';
import { validateKeyShare, type AuxInfo } from './keyshare.ts';
import type { WorkerPool } from '@tessera/crypto/pool';
import type { PrimeSource } from './prime-source.ts';
import { simulateAux, simulateKeygen, simulatePresign, simulateSign } from './simulate.ts';
import { poolVerifier, type ZkVerifier } from './wire.ts';

/** One benchmark row (shared with the FROST bench). */
export type { BenchRow };

/** Peer implementations to compare with (each returns milliseconds per party for one run). */
export interface CggmpBenchAnchors {
  /** Name shown in the rows, e.g. "DKLs23 (wasm)". */
  readonly name: string;
  /** Key generation of a t-of-n key, per party. */
  keygen?(t: number, n: number): Promise<number>;
  /** Signing by t parties (including any presigning), per party. */
  sign?(t: number, n: number): Promise<number>;
  /** The online signing round alone (after the presignature), per party: the anchor of the sign row when given. */
  signOnline?(t: number, n: number): Promise<number>;
}

/** Where a phase verifies received proofs: on the worker pool, or in this thread. */
export type BenchVerifyIn = 'pool' | 'inline';

/** Options of {@link benchCggmp}. */
export interface BenchCggmpOptions {
  /** (t, n) pairs; default [[2, 2], [2, 3], [3, 5]]. */
  readonly sizes?: readonly (readonly [number, number])[];
  /**
   * Safe primes for aux-info (called once per party per size). Default: a two-worker pool
   * searching 1024-bit safe primes, terminated at the end.
   */
  readonly primeSource?: PrimeSource;
  /**
   * A worker pool (not terminated here): searches the primes when no `primeSource` is given,
   * and verifies proofs as `verify` says.
   */
  readonly pool?: WorkerPool;
  /**
   * Where aux-info and presigning verify received proofs. Default: `'pool'` for both when a
   * pool is available (`pool`, or the one started when neither `pool` nor `primeSource` is
   * given), else `'inline'`.
   */
  readonly verify?: { readonly aux?: BenchVerifyIn; readonly presign?: BenchVerifyIn };
  readonly anchors?: CggmpBenchAnchors;
  /** Only the aux-info row of each size (no presigning or signing). */
  readonly auxOnly?: boolean;
  readonly rng?: RandomSource;
  /** Called after each row. */
  readonly onRow?: (row: BenchRow) => void;
}

async function time<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
}

/** One party's aux-info proof work as direct proof-suite calls (its own proofs, and the same number of verifications). */
function directAuxWork(aux: AuxInfo, n: number, rng: RandomSource): void {
  const session = randomBytes(32, rng);
  const binding = { sessionId: session, proverIndex: aux.index };
  const { params, secret } = generateRingPedersen(aux.p, aux.q, rng);
  const prm = provePiPrm(binding, params, secret, rng);
  const N = params.N;
  const mod = provePiMod(binding, { N }, { p: aux.p, q: aux.q }, rng);
  const others = aux.parties.filter((p) => p !== aux.index).map((p) => aux.public.get(p)!);
  const facs = others.map((rp) => ({ rp, proof: provePiFac(binding, { N0: N, rp }, { p: aux.p, q: aux.q }, rng) }));
  for (let k = 0; k < n - 1; k++) {
    verifyPiPrm(binding, params, prm);
    verifyPiMod(binding, { N }, mod);
    for (const f of facs) verifyPiFac(binding, { N0: N, rp: f.rp }, f.proof);
  }
}

/**
 * Runs the benchmark: three rows per size (aux-info, presign, sign; per party), or the aux-info
 * row alone with `auxOnly`.
 * @throws {FieldRangeError} on bad sizes. @throws {ProtocolError} if a ceremony fails.
 */
export async function benchCggmp(opts: BenchCggmpOptions = {}): Promise<BenchRow[]> {
  const rng = opts.rng ?? systemRng();
  const sizes = opts.sizes ?? [[2, 2], [2, 3], [3, 5]];
  for (const [t, n] of sizes) {
    assertInteger('n', n, 2, 16);
    assertInteger('t', t, 2, n);
  }
  const rows: BenchRow[] = [];
  const push = (r: BenchRow) => {
    rows.push(r);
    opts.onRow?.(r);
  };
  let source = opts.primeSource;
  let pool = opts.pool;
  let close = async () => {};
  let primesLabel = 'fixed primes';
  if (!pool && !source) {
    const { createWorkerPool } = await import('@tessera/crypto/pool');
    const own = createWorkerPool({ size: 2 });
    pool = own;
    close = () => own.terminate();
  }
  if (!source) {
    const { poolPrimeSource } = await import('./prime-source.ts');
    source = poolPrimeSource(pool!);
    primesLabel = `incl. safe-prime search, ${pool!.size} workers`;
  }
  const verifierFor = (where: BenchVerifyIn | undefined): [ZkVerifier | undefined, string] => {
    const w = where ?? (pool ? 'pool' : 'inline');
    if (w === 'inline' || !pool) return [undefined, 'proofs verified in this thread'];
    return [poolVerifier(pool), `proofs verified on ${pool.size} workers`];
  };
  const [auxVerifier, auxVerifyLabel] = verifierFor(opts.verify?.aux);
  const [presignVerifier, presignVerifyLabel] = verifierFor(opts.verify?.presign);
  const anchors = opts.anchors;
  const message = randomBytes(32, rng);
  try {
    for (const [t, n] of sizes) {
      const parties = partyRange(n);
      const ids = createIdentities(parties, rng);
      const cores = await simulateKeygen(t, parties, ids, rng);
      const [auxes, auxMs] = await time(() => simulateAux(parties, source!, ids, rng, auxVerifier));
      let auxAnchor: [string, number];
      if (anchors?.keygen) auxAnchor = [`${anchors.name} keygen ${t}-of-${n}, per party`, await anchors.keygen(t, n)];
      else auxAnchor = ['one party\'s Π^prm/Π^mod/Π^fac work, direct proof-suite calls', (await time(async () => directAuxWork(auxes[0]!, n, rng)))[1]];
      const auxPer = auxMs / n;
      push({ name: `CGGMP21 aux-info n=${n} per party (${primesLabel}; ${auxVerifyLabel})`, ms: auxPer, anchor: auxAnchor[0], anchorMs: auxAnchor[1], ratio: auxPer / auxAnchor[1] });
      if (opts.auxOnly) continue;

      const shares = cores.map((c, k) => validateKeyShare(c, auxes[k]!));
      const signing = shares.slice(0, t);
      const [presigs, presignMs] = await time(() => simulatePresign(signing, ids, rng, presignVerifier));
      const [, signMs] = await time(() => simulateSign(signing, presigs, message, ids, rng));
      let signAnchor: [string, number];
      if (anchors?.sign) signAnchor = [`${anchors.name} sign ${t}-of-${n}, per party`, await anchors.sign(t, n)];
      else {
        const sk = secp256k1.utils.randomSecretKey();
        signAnchor = ['noble secp256k1 single-key ECDSA sign', (await time(async () => secp256k1.sign(message, sk, { prehash: false })))[1]];
      }
      const onlineAnchor: [string, number] = anchors?.signOnline
        ? [`${anchors.name} online signing round ${t}-of-${n}, per party`, await anchors.signOnline(t, n)]
        : signAnchor;
      const presignPer = presignMs / t;
      const signPer = signMs / t;
      push({ name: `CGGMP21 presign ${t}-of-${n} per party (${presignVerifyLabel})`, ms: presignPer, anchor: signAnchor[0], anchorMs: signAnchor[1], ratio: presignPer / signAnchor[1] });
      push({ name: `CGGMP21 sign ${t}-of-${n} per party`, ms: signPer, anchor: onlineAnchor[0], anchorMs: onlineAnchor[1], ratio: signPer / onlineAnchor[1] });
    }
  } finally {
    await close();
  }
  return rows;
}
