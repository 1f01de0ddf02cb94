/**
 * Threshold Paillier benchmark cases (@tessera/protocols/paillier), each beside an anchor
 * measured in the same run:
 *
 * | entry | ours | anchor |
 * |---|---|---|
 * | `tpaillier-dealer-keygen-2048` | `generateDealerKey` (2-of-3): two 1024-bit safe primes on the worker pool, their check, the dealing | `openssl-safeprimes`: two `crypto.generatePrime(1024, { safe: true })` at once (OpenSSL on two libuv threads) |
 * | `tpaillier-dkg-3-1024` | `createCommittee({ mode: 'dkg' })`: 3 parties, T = 2, every party through the engine simulator in this thread | `dealer-pool`: `createCommittee({ mode: 'dealer' })` at the same size, safe primes on the pool |
 * | `tpaillier-dkg-3-2048` (opt-in) | same at 2048 bits (about 3 minutes a run) | same |
 * | `tpaillier-decrypt-share-2048` | `createDecryptionShare`: cᵢ = c^{2Δsᵢ} mod N² and its Chaum–Pedersen proof | `paillier-bigint` CRT decryption by the key holder (same N, p, q, c) |
 * | `tpaillier-verify-share-2048` | `verifyDecryptionShare` | same |
 * | `tpaillier-combine-2048` | `combineDecryptionShares` of T = 2 shares | same |
 *
 * Key generation is summarized by the mean of a fixed number of runs (the search length is
 * geometric: single dealer-less runs vary by a factor of several); the dealer-less entries put
 * the candidate pairs each run tried into their anchor text (`dealer-pool; dkg candidate pairs:
 * …`), so the JSON keeps its five fields. Decryption figures are medians within the time budget.
 * @module
 */
import { generatePrime as opensslGeneratePrime } from 'node:crypto';
import { PrivateKey, PublicKey } from 'paillier-bigint';
import { encryptWithNonce, paillierPublicKey } from '@tessera/crypto/paillier';
import { invert } from '@tessera/crypto/modular';
import type { WorkerPool } from '@tessera/crypto/pool';
import { randomBelow, randomZnStar } from '@tessera/crypto/rng';
import { createCommittee, type CommitteeProgress } from '@tessera/protocols/paillier/committee';
import { generateDealerKey, type DealtKey, type SafePrimeFinder } from '@tessera/protocols/paillier/dealer';
import { combineDecryptionShares, createDecryptionShare, verifyDecryptionShare } from '@tessera/protocols/paillier/decrypt/share';
import type { PartyIndex } from '@tessera/protocols/engine/ids';
import { BenchMismatchError, type BenchCase, type BenchContext, type BenchEntry } from './cases.ts';
import { interleavedByBudget, summarize, time, type Stat } from './measure.ts';

/** A dealt 2048-bit key with its primes (the anchor decrypts with them). */
interface KeyWithPrimes {
  key: DealtKey;
  p: bigint;
  q: bigint;
}

/** The last key the dealer entry made, reused by the decryption entries. */
let lastDealt: KeyWithPrimes | undefined;

function entry(name: string, anchor: string, stat: Stat, ours: number[], theirs: number[]): BenchEntry {
  const ms = summarize(ours, stat);
  const anchorMs = summarize(theirs, stat);
  return { name, ms, anchor, anchorMs, ratio: ms / anchorMs, stat, runs: ours.length, anchorRuns: theirs.length };
}

/** The pool's safe-prime search, remembering what it returned. */
function capturingFinder(pool: WorkerPool, found: bigint[]): SafePrimeFinder {
  return async (count, o) => {
    const primes = await pool.findPrimes(count, { bits: o.bits, kind: o.kind, ...(o.signal ? { signal: o.signal } : {}) });
    found.splice(0, found.length, ...primes);
    return primes;
  };
}

/** A 2-of-3 dealer key at `bits` on the pool, with its primes. */
async function dealOnPool(pool: WorkerPool, bits: number): Promise<KeyWithPrimes> {
  const found: bigint[] = [];
  const key = await generateDealerKey({ bits, parties: 3, threshold: 2, findPrimes: capturingFinder(pool, found), ...(bits < 2048 ? { allowInsecureSize: true } : {}) });
  return { key, p: found[0]!, q: found[1]! };
}

/** One OpenSSL safe prime of `bits` bits (a libuv thread). */
function opensslSafePrime(bits: number): Promise<bigint> {
  return new Promise((resolve, reject) => opensslGeneratePrime(bits, { safe: true, bigint: true }, (err, p) => (err ? reject(err) : resolve(p as bigint))));
}

const dealerKeygenCase: BenchCase = {
  names: ['tpaillier-dealer-keygen-2048'],
  async run(ctx) {
    const name = 'tpaillier-dealer-keygen-2048';
    const pool = await ctx.pool();
    ctx.progress(`${name}: warm-up`);
    await dealOnPool(pool, 512);
    await Promise.all([opensslSafePrime(256), opensslSafePrime(256)]);
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < ctx.keygenIterations; i++) {
      let made: KeyWithPrimes | undefined;
      ours.push(await time(async () => (made = await dealOnPool(pool, 2048))));
      if (made!.p * made!.q !== made!.key.publicKey.N) throw new BenchMismatchError(name, 'N differs from the product of the primes found');
      lastDealt = made;
      theirs.push(await time(() => Promise.all([opensslSafePrime(1024), opensslSafePrime(1024)])));
      ctx.progress(`${name}: ${i + 1}/${ctx.keygenIterations}`);
    }
    return [entry(name, 'openssl-safeprimes', 'mean', ours, theirs)];
  },
};

/** Dealer-less generation for 3 parties (T = 2) against the dealer at the same size. */
function dkgCase(bits: number, optIn: boolean): BenchCase {
  const name = `tpaillier-dkg-3-${bits}`;
  return {
    names: [name],
    ...(optIn ? { optIn: true } : {}),
    async run(ctx: BenchContext) {
      const pool = await ctx.pool();
      const runs = Math.min(2, ctx.keygenIterations);
      const small = bits < 2048 ? { allowInsecureSize: true } : {};
      ctx.progress(`${name}: warm-up`);
      await createCommittee({ mode: 'dkg', parties: 3, threshold: 2, bits: 256, allowInsecureSize: true });
      await createCommittee({ mode: 'dealer', parties: 3, threshold: 2, bits: 512, allowInsecureSize: true, findPrimes: (c, o) => pool.findPrimes(c, o) });
      const ours: number[] = [];
      const theirs: number[] = [];
      const candidates: number[] = [];
      let expected = 0;
      for (let i = 0; i < runs; i++) {
        let last: Extract<CommitteeProgress, { phase: 'dkg' }> | undefined;
        ours.push(
          await time(() =>
            createCommittee({
              mode: 'dkg',
              parties: 3,
              threshold: 2,
              bits,
              ...small,
              onProgress: (p) => {
                if (p.phase !== 'dkg') return;
                last = p;
                ctx.progress(`${name}: run ${i + 1}/${runs}, ${p.candidates} candidate pairs (expected ~${Math.round(p.expected)})`);
              },
            }),
          ),
        );
        if (!last) throw new BenchMismatchError(name, 'the dealer-less generation reported no progress');
        candidates.push(last.candidates);
        expected = last.expected;
        // The dealer is far faster: several runs per dealer-less run make its mean meaningful.
        for (let k = 0; k < 3; k++)
          theirs.push(await time(() => createCommittee({ mode: 'dealer', parties: 3, threshold: 2, bits, ...small, findPrimes: (c, o) => pool.findPrimes(c, o) })));
      }
      const mean = Math.round(candidates.reduce((a, b) => a + b, 0) / candidates.length);
      const anchor = `dealer-pool; dkg candidate pairs: ${candidates.join(', ')} (mean ${mean}, expected ~${Math.round(expected)})`;
      return [entry(name, anchor, 'mean', ours, theirs)];
    },
  };
}

const decryptCase: BenchCase = {
  names: ['tpaillier-decrypt-share-2048', 'tpaillier-verify-share-2048', 'tpaillier-combine-2048'],
  async run(ctx) {
    let dealt = lastDealt;
    if (!dealt) {
      const pool = await ctx.pool();
      ctx.progress('tpaillier decryption: a 2-of-3 dealer key at 2048 bits (untimed)');
      dealt = await dealOnPool(pool, 2048);
    }
    ctx.progress('tpaillier-decrypt-share-2048, tpaillier-verify-share-2048, tpaillier-combine-2048');
    const { key, p, q } = dealt;
    const pk = key.publicKey;
    const N = pk.N;
    const m = randomBelow(N);
    const c = encryptWithNonce(paillierPublicKey(N), m, randomZnStar(N));
    const phi = (p - 1n) * (q - 1n);
    const pub = new PublicKey(N, N + 1n);
    const priv = new PrivateKey(phi, invert(phi, N), pub, p, q);
    const s1 = key.shares.get(1 as PartyIndex)!;
    const s3 = key.shares.get(3 as PartyIndex)!;
    const d1 = createDecryptionShare(s1, c);
    const d3 = createDecryptionShare(s3, c);
    verifyDecryptionShare(pk, c, d1);
    verifyDecryptionShare(pk, c, d3);
    if (combineDecryptionShares(pk, [d1, d3]) !== m) throw new BenchMismatchError('tpaillier-combine-2048', 'the combined shares do not give the plaintext');
    if (priv.decrypt(c) !== m) throw new BenchMismatchError('tpaillier-combine-2048', 'paillier-bigint does not decrypt the ciphertext');
    let rejected = false;
    try {
      verifyDecryptionShare(pk, c, { ...d1, ci: (d1.ci * d1.ci) % pk.N2 });
    } catch {
      rejected = true;
    }
    if (!rejected) throw new BenchMismatchError('tpaillier-verify-share-2048', 'a wrong decryption share verified');
    const anchor = (): bigint => priv.decrypt(c);
    const [shareOurs, shareTheirs] = await interleavedByBudget([() => createDecryptionShare(s1, c), anchor], ctx.budget);
    const [verifyOurs, verifyTheirs] = await interleavedByBudget([() => verifyDecryptionShare(pk, c, d1), anchor], ctx.budget);
    const [combineOurs, combineTheirs] = await interleavedByBudget([() => combineDecryptionShares(pk, [d1, d3]), anchor], ctx.budget);
    return [
      entry('tpaillier-decrypt-share-2048', 'paillier-bigint', 'median', shareOurs!, shareTheirs!),
      entry('tpaillier-verify-share-2048', 'paillier-bigint', 'median', verifyOurs!, verifyTheirs!),
      entry('tpaillier-combine-2048', 'paillier-bigint', 'median', combineOurs!, combineTheirs!),
    ];
  },
};

/** Threshold Paillier cases in running order (the decryption entries reuse the dealer entry's key). */
export const TPAILLIER_CASES: readonly BenchCase[] = [dealerKeygenCase, decryptCase, dkgCase(1024, false), dkgCase(2048, true)];
