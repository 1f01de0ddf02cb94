/**
 * `simulateCggmp`: a whole CGGMP21 lifecycle in the in-memory simulator through the real
 * rounds — key generation among parties 1..n, aux-info (each party's safe primes from the
 * prime source: the worker pool by default), presigning by parties 1..t, and signing the
 * SHA-256 (or Keccak-256) digest of the message. When a worker pool is available (the
 * default one, or the caller's), aux-info and presigning verify received proofs on it. The result is what
 * `tessera simulate cggmp … --json` prints: the 33-byte compressed public key and r, s as
 * 32-byte lower-case hex (low-S), with the recovery id v. The signature is checked with
 * @noble/curves before it is returned.
 * @module
 */
import { FieldTypeError, assertInteger } from '@tessera/crypto/errors';
import { systemRng, type RandomSource } from '@tessera/crypto/rng';
import { hex } from '../engine/codec.ts';
import { InternalError, type ProtocolError } from '../engine/errors.ts';
import { newSessionId, partyRange, type PartyIndex } from '../engine/ids.ts';
import { createIdentities, runSimulation, type SimIdentities, type SimulationResult } from '../engine/simulator.ts';
import { createMemoryNonceLedger } from '../frost/nonce-ledger.ts';
import { createCggmpAuxSession } from './aux/index.ts';
import { scalarBytes } from './curve.ts';
import { messageDigest, verifyEcdsaDigest, type EcdsaHash, type EcdsaSignature } from './ecdsa.ts';
import { createCggmpKeygenSession } from './keygen/index.ts';
import { validateKeyShare, type AuxInfo, type CggmpKeyShare, type CoreShare } from './keyshare.ts';
import { createCggmpPresignSession, type Presignature } from './presign/index.ts';
import type { WorkerPool } from '@tessera/crypto/pool';
import type { PrimeSource } from './prime-source.ts';
import { createCggmpSignSession } from './sign/index.ts';
import { poolProver, poolVerifier, type ZkProver, type ZkVerifier } from './wire.ts';

/** Largest committee `simulateCggmp` accepts (aux-info work grows with n²). */
export const MAX_SIMULATED_CGGMP_PARTIES = 16;

/** Options of {@link simulateCggmp}. */
export interface SimulateCggmpOptions {
  readonly threshold: number;
  readonly parties: number;
  /** Message as hex (either case) or bytes. */
  readonly message: string | Uint8Array;
  /** Digest of the message that is signed (default SHA-256; Keccak-256 for Ethereum). */
  readonly hash?: EcdsaHash;
  /**
   * Safe primes for aux-info, called once per party in order. Default: a two-worker pool
   * searching 1024-bit safe primes (terminated afterwards).
   */
  readonly primeSource?: PrimeSource;
  /**
   * A worker pool (not terminated here): searches the primes when no `primeSource` is given,
   * and verifies proofs unless a `verifier` is given.
   */
  readonly pool?: WorkerPool;
  /**
   * Where proofs are verified. Default: on the worker pool when there is one (`pool`, or the
   * two-worker pool started when neither `pool` nor `primeSource` is given), else in this thread.
   */
  readonly verifier?: ZkVerifier;
  /**
   * Where each party makes its own proofs. Default: on the worker pool when there is one that
   * can prove (as for `verifier`), else in this thread with `rng`.
   */
  readonly prover?: ZkProver;
  /** Randomness (default: the system RNG). */
  readonly rng?: RandomSource;
}

/** Result of {@link simulateCggmp} (byte strings lower-case hex). */
export interface SimulateCggmpResult {
  readonly scheme: 'cggmp21';
  readonly threshold: number;
  readonly parties: number;
  /** 33-byte compressed public key. */
  readonly publicKey: string;
  readonly message: string;
  /** r and s as 32-byte hex (s ≤ q/2), v the recovery id (0–3). */
  readonly signature: { readonly r: string; readonly s: string; readonly v: number };
}

function parseMessage(m: string | Uint8Array): Uint8Array {
  if (m instanceof Uint8Array) return m.slice();
  if (typeof m !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(m)) throw new FieldTypeError('message', 'expected hex');
  return Uint8Array.from(m.match(/../g) ?? [], (b) => parseInt(b, 16));
}

function collect<O>(res: SimulationResult<O>, what: string): O[] {
  const out: O[] = [];
  for (const o of res.outcomes.values()) {
    if (o.status !== 'done') throw (o.error as ProtocolError | undefined) ?? new InternalError(`${what}: party ${o.party} did not finish`);
    out.push(o.output!);
  }
  return out;
}

/** Key generation among `parties` in the simulator. @throws {ProtocolError} if it fails. */
export async function simulateKeygen(t: number, parties: readonly PartyIndex[], ids: SimIdentities, rng: RandomSource): Promise<CoreShare[]> {
  const session = newSessionId(rng);
  const res = await runSimulation(
    parties.map((p) => createCggmpKeygenSession({ session, self: p, parties, config: { threshold: t }, auth: ids.auth.get(p)!, rng })),
    { identities: ids, rng },
  );
  return collect(res, 'key generation').map((o) => o.share);
}

/**
 * Aux-info among `parties` in the simulator (`prover`: where each party makes its own proofs).
 * @throws {ProtocolError} if it fails.
 */
export async function simulateAux(
  parties: readonly PartyIndex[],
  primeSource: PrimeSource,
  ids: SimIdentities,
  rng: RandomSource,
  verifier?: ZkVerifier,
  prover?: ZkProver,
): Promise<AuxInfo[]> {
  const session = newSessionId(rng);
  const res = await runSimulation(
    parties.map((p) =>
      createCggmpAuxSession({ session, self: p, parties, primeSource, auth: ids.auth.get(p)!, rng, ...(verifier ? { verifier } : {}), ...(prover ? { prover } : {}) }),
    ),
    { identities: ids, rng },
  );
  return collect(res, 'aux-info').map((o) => o.aux);
}

/**
 * Presigning by the holders of `shares` in the simulator (`prover`: where each party makes its
 * own proofs). @throws {ProtocolError} if it fails.
 */
export async function simulatePresign(shares: readonly CggmpKeyShare[], ids: SimIdentities, rng: RandomSource, verifier?: ZkVerifier, prover?: ZkProver): Promise<Presignature[]> {
  const session = newSessionId(rng);
  const signers = shares.map((s) => s.core.index);
  const res = await runSimulation(
    shares.map((s) =>
      createCggmpPresignSession({ session, keyShare: s, request: { signers }, auth: ids.auth.get(s.core.index)!, rng, ...(verifier ? { verifier } : {}), ...(prover ? { prover } : {}) }),
    ),
    { identities: ids, rng },
  );
  return collect(res, 'presigning').map((o) => o.presignature);
}

/** Signing of `digest` with matching shares and presignatures. @throws {ProtocolError} if it fails. */
export async function simulateSign(shares: readonly CggmpKeyShare[], presigs: readonly Presignature[], digest: Uint8Array, ids: SimIdentities, rng: RandomSource): Promise<EcdsaSignature> {
  const session = newSessionId(rng);
  const res = await runSimulation(
    shares.map((s, k) =>
      createCggmpSignSession({ session, keyShare: s, presignature: presigs[k]!, ledger: createMemoryNonceLedger(), request: { digest }, auth: ids.auth.get(s.core.index)!, rng }),
    ),
    { identities: ids, rng },
  );
  return collect(res, 'signing')[0]!.signature;
}

/** A fresh two-worker pool (the default for safe-prime search and proof verification). */
async function defaultPool(): Promise<WorkerPool> {
  const { createWorkerPool } = await import('@tessera/crypto/pool');
  return createWorkerPool({ size: 2 });
}

/** The prime source of `pool`. */
async function poolSource(pool: WorkerPool): Promise<PrimeSource> {
  const { poolPrimeSource } = await import('./prime-source.ts');
  return poolPrimeSource(pool);
}

/**
 * Runs key generation → aux-info → presigning (parties 1..t) → signing and returns the signature.
 * @throws {FieldTypeError} @throws {FieldRangeError} on bad options.
 * @throws {ProtocolAbort} @throws {InternalError} if a protocol fails (it should not: no faults are injected).
 * @example
 * await simulateCggmp({ threshold: 2, parties: 3, message: '68656c6c6f' });
 */
export async function simulateCggmp(opts: SimulateCggmpOptions): Promise<SimulateCggmpResult> {
  assertInteger('parties', opts.parties, 2, MAX_SIMULATED_CGGMP_PARTIES);
  assertInteger('threshold', opts.threshold, 2, opts.parties);
  const message = parseMessage(opts.message);
  const digest = messageDigest(message, opts.hash ?? 'sha256');
  const rng = opts.rng ?? systemRng();
  const parties = partyRange(opts.parties);
  const ids = createIdentities(parties, rng);

  const cores = await simulateKeygen(opts.threshold, parties, ids, rng);
  const ownPool = !opts.pool && !opts.primeSource ? await defaultPool() : undefined;
  let sig: EcdsaSignature;
  let shares: CggmpKeyShare[];
  try {
    const pool = opts.pool ?? ownPool;
    const source = opts.primeSource ?? (await poolSource(pool!));
    const verifier = opts.verifier ?? (pool ? poolVerifier(pool) : undefined);
    const prover = opts.prover ?? (pool?.proveZkJobs ? poolProver(pool) : undefined);
    const auxes: AuxInfo[] = await simulateAux(parties, source, ids, rng, verifier, prover);
    shares = cores.map((c, k) => validateKeyShare(c, auxes[k]!));
    const signing = shares.slice(0, opts.threshold);
    const presigs = await simulatePresign(signing, ids, rng, verifier, prover);
    sig = await simulateSign(signing, presigs, digest, ids, rng);
  } finally {
    await ownPool?.terminate();
  }
  const publicKey = shares[0]!.core.publicKey;
  if (!verifyEcdsaDigest(publicKey, digest, sig)) throw new InternalError('final signature does not verify');
  return {
    scheme: 'cggmp21',
    threshold: opts.threshold,
    parties: opts.parties,
    publicKey: hex(publicKey),
    message: hex(message),
    signature: { r: hex(scalarBytes(sig.r)), s: hex(scalarBytes(sig.s)), v: sig.v },
  };
}
