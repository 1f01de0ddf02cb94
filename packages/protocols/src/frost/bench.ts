/**
 * `benchFrost`: DKG and signing through the engine (all parties in the simulator, echo
 * checks, identity signatures, complaint round, share verification) next to the same
 * ceremonies as direct calls of noble's FROST, the anchor; the ratio is the engine's overhead.
 * Sizes default to (2,3), (3,5) and (67,100). Signing uses t signers and one aggregator; the
 * signing anchor is noble's commit, signShare, verifyShare (every share, as the engine does)
 * and aggregate. Times are wall-clock milliseconds of one run each; the machine is shared, so
 * compare ratios within one run. (67,100) takes minutes: noble's DKG alone verifies ~10⁴
 * proofs and ~10⁴ VSS checks of 67 terms.
 * @module
 */
import { assertInteger } from '@tessera/crypto/errors';
import { randomBytes, systemRng, type RandomSource } from '@tessera/crypto/rng';
import { newSessionId, partyRange } from '../engine/ids.ts';
import { createIdentities, runSimulation } from '../engine/simulator.ts';
import { createFrostDealerSession } from './dealer/index.ts';
import { createFrostDkgSession } from './dkg/index.ts';
import { toFrostPublic, toFrostSecret, type KeyShare } from './keyshare.ts';
import { createMemoryNonceLedger } from './nonce-ledger.ts';
import { createFrostSignSession } from './sign/index.ts';
import { getSuite, type SuiteName } from './suite.ts';
import { InternalError } from '../engine/errors.ts';

/** One benchmark row. */
export interface BenchRow {
  readonly name: string;
  /** Engine time (ms). */
  readonly ms: number;
  /** What the anchor measured. */
  readonly anchor: string;
  /** Anchor time (ms). */
  readonly anchorMs: number;
  /** ms / anchorMs. */
  readonly ratio: number;
}

/** Options of {@link benchFrost}. */
export interface BenchFrostOptions {
  readonly suite?: SuiteName;
  /** (t, n) pairs; default [[2, 3], [3, 5], [67, 100]]. */
  readonly sizes?: readonly (readonly [number, number])[];
  readonly rng?: RandomSource;
  /** Called after each row (progress for long runs). */
  readonly onRow?: (row: BenchRow) => void;
  /**
   * How the signing key is made: `'dkg'` (default) measures the DKG too and returns its row;
   * `'dealer'` makes the shares with the (untimed) trusted-dealer protocol and returns only the
   * signing row — for sizes whose DKG takes many minutes in one process.
   */
  readonly keygen?: 'dkg' | 'dealer';
}

function time<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  return f().then((v) => [v, performance.now() - t0]);
}

/**
 * Runs the benchmark and returns one DKG row and one signing row per size.
 * @throws {FieldRangeError} on bad sizes. @throws {InternalError} if a ceremony fails.
 */
export async function benchFrost(opts: BenchFrostOptions = {}): Promise<BenchRow[]> {
  const suite = getSuite(opts.suite ?? 'secp256k1');
  const rng = opts.rng ?? systemRng();
  const nobleRng = (n = 32) => randomBytes(n, rng) as Uint8Array<ArrayBuffer>;
  const sizes = opts.sizes ?? [[2, 3], [3, 5], [67, 100]];
  const rows: BenchRow[] = [];
  const push = (r: BenchRow) => {
    rows.push(r);
    opts.onRow?.(r);
  };
  const message = randomBytes(32, rng);
  for (const [t, n] of sizes) {
    assertInteger('n', n, 2, 1000);
    assertInteger('t', t, 2, n);
    const parties = partyRange(n);
    const ids = createIdentities(parties, rng);

    const shares: KeyShare[] = [];
    if (opts.keygen === 'dealer') {
      const session = newSessionId(rng);
      const res = await runSimulation(
        parties.map((p) => createFrostDealerSession({ session, self: p, parties, config: { suite: suite.name, threshold: t, dealer: parties[0]! }, auth: ids.auth.get(p)!, rng })),
        { identities: ids, rng },
      );
      for (const o of res.outcomes.values()) {
        if (o.status !== 'done') throw new InternalError(`benchmark dealer keygen failed: ${String(o.error)}`);
        shares.push(o.output!);
      }
    } else {
      // DKG through the engine.
      const session = newSessionId(rng);
      const [dkgRes, dkgMs] = await time(() =>
        runSimulation(parties.map((p) => createFrostDkgSession({ session, self: p, parties, config: { suite: suite.name, threshold: t }, auth: ids.auth.get(p)!, rng })), { identities: ids, rng }),
      );
      for (const o of dkgRes.outcomes.values()) {
        if (o.status !== 'done') throw new InternalError(`benchmark DKG failed: ${String(o.error)}`);
        shares.push(o.output!.keyShare);
      }
      // DKG anchor: noble's rounds called directly for every party.
      const [, dkgAnchorMs] = await time(async () => {
        const F = suite.dkg();
        const signers = { min: t, max: n };
        const r1 = parties.map((p) => F.DKG.round1(suite.identifier(p), signers, undefined, nobleRng));
        const r2 = r1.map((mine, i) => F.DKG.round2(mine.secret, r1.filter((_, j) => j !== i).map((x) => x.public)));
        r1.forEach((mine, i) =>
          F.DKG.round3(
            mine.secret,
            r1.filter((_, j) => j !== i).map((x) => x.public),
            r2.filter((_, j) => j !== i).map((m) => m[suite.identifier(parties[i]!)]!),
          ),
        );
      });
      push({ name: `FROST ${suite.name} DKG ${t}-of-${n} (engine)`, ms: dkgMs, anchor: 'noble DKG round1/2/3, direct', anchorMs: dkgAnchorMs, ratio: dkgMs / dkgAnchorMs });
    }

    // Signing through the engine: t signers, the first one aggregates.
    const signing = shares.slice(0, t);
    const signerIds = signing.map((s) => s.index);
    const sSession = newSessionId(rng);
    const [signRes, signMs] = await time(() =>
      runSimulation(
        signing.map((s) => createFrostSignSession({ session: sSession, keyShare: s, request: { message, signers: signerIds, aggregator: signerIds[0]! }, ledger: createMemoryNonceLedger(), auth: ids.auth.get(s.index)!, rng })),
        { identities: ids, rng },
      ),
    );
    for (const o of signRes.outcomes.values()) if (o.status !== 'done') throw new InternalError(`benchmark signing failed: ${String(o.error)}`);
    // Signing anchor: noble's commit, signShare, verifyShare, aggregate.
    const [, signAnchorMs] = await time(async () => {
      const F = suite.frost;
      const pub = toFrostPublic(signing[0]!);
      const gens = signing.map((s) => F.commit(toFrostSecret(s), nobleRng));
      const list = gens.map((g) => g.commitments);
      const z: Record<string, Uint8Array> = {};
      signing.forEach((s, k) => (z[suite.identifier(s.index)] = F.signShare(toFrostSecret(s), toFrostPublic(s), gens[k]!.nonces, list, message)));
      for (const s of signing) if (!F.verifyShare(pub, list, message, suite.identifier(s.index), z[suite.identifier(s.index)]!)) throw new InternalError('anchor share invalid');
      F.aggregate(pub, list, message, z);
    });
    push({ name: `FROST ${suite.name} sign ${t}-of-${n} (engine)`, ms: signMs, anchor: 'noble commit/signShare/verifyShare/aggregate, direct', anchorMs: signAnchorMs, ratio: signMs / signAnchorMs });
  }
  return rows;
}
