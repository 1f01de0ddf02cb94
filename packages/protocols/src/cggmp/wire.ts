/**
 * Shared plumbing of the CGGMP21 protocols: big integers in wire payloads (fixed-length
 * lower-case hex) and in round states (minimal hex), Paillier ciphertexts checked on arrival,
 * the Fiat–Shamir binding of every proof (session, protocol step and extra context hashed into
 * the transcript's session id, with the prover's index), the {@link ZkVerifier} through which
 * rounds verify received proofs (in-thread by default; {@link poolVerifier} spreads them over a
 * worker pool), the {@link ZkProver} through which rounds make their own proofs (in-thread by
 * default; {@link poolProver} moves them, witnesses included, to the same-process worker pool),
 * and the conversion of failed verifications into blame.
 * @module
 */
import { bitLength } from '@tessera/crypto/bytes';
import { CryptoError, FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { gcd } from '@tessera/crypto/modular';
import { readUnsigned, hexUnsigned } from '@tessera/crypto/zk/codec';
import { verifyZkJobs, type ZkVerifyJob, type ZkVerifyResult } from '@tessera/crypto/zk/dispatch';
import { proveZkJobs, type ZkProof, type ZkProofOf, type ZkProveJob } from '@tessera/crypto/zk/prove-dispatch';
import type { RandomSource } from '@tessera/crypto/rng';
import type { TranscriptBinding } from '@tessera/crypto/transcript';
import type { WorkerPool } from '@tessera/crypto/pool';
import type { Json } from '../engine/codec.ts';
import { ProtocolAbort, type Evidence } from '../engine/errors.ts';
import { sessionHash, type HashPart } from '../engine/hash.ts';
import type { PartyIndex, SessionId } from '../engine/ids.ts';

/** Bytes needed for elements of Z_m. */
export function bytesFor(m: bigint): number {
  return Math.ceil(bitLength(m) / 8);
}

/** Fixed-length hex of 0 ≤ x < m (wire form of an element of Z_m). */
export function modHex(x: bigint, m: bigint, field = 'value'): string {
  return hexUnsigned(field, x, bytesFor(m));
}

/**
 * Reads an element 0 < x < m from fixed-length hex.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming `field`.
 */
export function readMod(v: Json | undefined, m: bigint, field: string): bigint {
  return readUnsigned(field, v, bytesFor(m), 1n, m);
}

/**
 * Reads a Paillier ciphertext under N: fixed-length hex of c ∈ Z*_{N²}.
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError} if gcd(c, N) ≠ 1.
 */
export function readCiphertext(v: Json | undefined, N: bigint, field: string): bigint {
  const c = readMod(v, N * N, field);
  if (gcd(c, N) !== 1n) throw new CryptoError('ciphertext is not a unit of Z*_{N²}', field);
  return c;
}

/** Minimal lower-case hex of a non-negative bigint (round states). */
export function big(x: bigint): string {
  if (x < 0n) throw new FieldRangeError('value', 'expected a non-negative integer');
  return x.toString(16);
}

/** Signed minimal hex ("-" prefix for negatives) of a bigint (round states). */
export function signedBig(x: bigint): string {
  return x < 0n ? '-' + (-x).toString(16) : x.toString(16);
}

/**
 * Reads {@link big} / {@link signedBig} output.
 * @throws {FieldTypeError} naming `field` if it is not (signed) minimal hex.
 */
export function unbig(v: Json | undefined, field: string, signed = false): bigint {
  if (typeof v !== 'string' || !(signed ? /^-?(0|[1-9a-f][0-9a-f]*)$/ : /^(0|[1-9a-f][0-9a-f]*)$/).test(v) || v === '-0')
    throw new FieldTypeError(field, 'expected minimal lower-case hex');
  return v.startsWith('-') ? -BigInt('0x' + v.slice(1)) : BigInt('0x' + v);
}

/**
 * The transcript binding of a proof made by `prover` in `session` for one protocol step:
 * the step tag and `context` (e.g. the coin-tossed rid, the recipient) are hashed with the
 * session id, so a proof is valid for exactly one session, step, context and prover.
 */
export function proofBinding(session: SessionId, tag: string, prover: PartyIndex, ...context: HashPart[]): TranscriptBinding {
  return { sessionId: sessionHash(`tessera/cggmp/zk/${tag}`, session, ...context), proverIndex: prover };
}

/**
 * Verifies batches of proofs described as plain data. Implementations may run them in workers
 * (`verifyZkJobs` is structured-clone friendly); results come back in job order.
 */
export type ZkVerifier = (jobs: readonly ZkVerifyJob[]) => Promise<readonly ZkVerifyResult[]>;

/** The default {@link ZkVerifier}: verifies in the calling thread. */
export const inlineVerifier: ZkVerifier = async (jobs) => verifyZkJobs(jobs);

/**
 * A {@link ZkVerifier} that verifies on a worker pool (`@tessera/crypto/pool`): a round's proofs
 * from several parties (aux-info's Π^prm, Π^mod, Π^fac; presigning's Π^enc, Π^aff-g, Π^log*)
 * run in parallel, one job per free worker, with the same results as {@link inlineVerifier}.
 * A failure of the pool itself (terminated, a worker died) rejects: the round then fails with
 * that error and nobody is blamed.
 * @example
 * const pool = createWorkerPool({ size: 2 });
 * createCggmpAuxSession({ …, verifier: poolVerifier(pool) });
 */
export function poolVerifier(pool: Pick<WorkerPool, 'verifyZkJobs'>): ZkVerifier {
  return (jobs) => pool.verifyZkJobs(jobs);
}

/**
 * Makes batches of proofs described as plain data (`@tessera/crypto/zk/prove-dispatch`), results
 * in job order. A round hands ALL its own proofs to one call, so a pool can spread them over
 * its workers. SECURITY: the jobs carry this party's witnesses (secret factors, Paillier
 * nonces, MtA secrets); an implementation may only move them to a worker of the same process
 * and origin (same trust), never to another machine or party.
 * @throws whatever the prover throws for a refused job (typed, naming the field): that is this
 *   party's own fault, never blamed on a peer.
 */
export type ZkProver = (jobs: readonly ZkProveJob[]) => Promise<readonly ZkProof[]>;

/**
 * The default {@link ZkProver}: proves in the calling thread with the system RNG. (Rounds given
 * no prover at all prove in-thread with the session's RNG, see {@link proveWith}.)
 */
export const inlineProver: ZkProver = async (jobs) => proveZkJobs(jobs);

/**
 * A {@link ZkProver} that proves on a worker pool (`@tessera/crypto/pool`): aux-info's Π^prm,
 * Π^mod and Π^fac, presigning's Π^enc, Π^aff-g and Π^log*, and the blame rounds' Π^mul and
 * Π^dec run in the workers, one job per free worker, so the calling (UI) thread stays free.
 * Each worker proves with its own health-checked system RNG and drops the witness after use.
 * The witnesses cross to the workers by structured clone: same process, same trust.
 * @throws {FieldTypeError} if `pool` has no `proveZkJobs` (a pool predating it).
 * @example
 * const pool = createWorkerPool({ size: 2 });
 * createCggmpPresignSession({ …, verifier: poolVerifier(pool), prover: poolProver(pool) });
 */
export function poolProver(pool: Pick<WorkerPool, 'proveZkJobs'>): ZkProver {
  const prove = pool.proveZkJobs;
  if (typeof prove !== 'function') throw new FieldTypeError('pool.proveZkJobs', 'this worker pool cannot prove');
  return (jobs) => prove.call(pool, jobs);
}

/**
 * Runs a round's prove jobs: through `prover` when one is given, else in this thread with the
 * session's `rng` (the behaviour before provers existed). Checks the answer's length and the
 * kind of each proof's container, so a broken prover cannot slip a wrong value into a message.
 * @throws what the prover throws. @throws {CryptoError} (`prover`) on a malformed answer.
 */
export async function proveWith<const J extends readonly ZkProveJob[]>(
  prover: ZkProver | undefined,
  rng: RandomSource,
  jobs: J,
): Promise<{ -readonly [K in keyof J]: J[K] extends ZkProveJob ? ZkProofOf[J[K]['kind']] : never }> {
  type Out = { -readonly [K in keyof J]: J[K] extends ZkProveJob ? ZkProofOf[J[K]['kind']] : never };
  if (jobs.length === 0) return [] as unknown as Out;
  const proofs = prover === undefined ? proveZkJobs(jobs, rng) : await prover(jobs);
  if (!Array.isArray(proofs) || proofs.length !== jobs.length) throw new CryptoError('prover returned a wrong number of proofs', 'prover');
  for (const p of proofs) if (p === null || typeof p !== 'object') throw new CryptoError('prover returned something that is not a proof', 'prover');
  return proofs as unknown as Out;
}

/**
 * Lets the event loop run (UI events, timers, messages from workers) in the middle of a round's
 * heavy arithmetic, so a round's work on the calling thread is cut into slices of one step each
 * (e.g. one MtA encryption under a peer's key) instead of one long task. Uses `setImmediate`
 * where it exists (Node), a `MessageChannel` message in browsers (no 4 ms timer clamping), else
 * `setTimeout(0)`.
 */
export function yieldThread(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (g.setImmediate) return new Promise((resolve) => g.setImmediate!(resolve));
  if (g.MessageChannel) {
    return new Promise((resolve) => {
      const ch = new g.MessageChannel!();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A proof to verify, with who made it and which message carried it. */
export interface BlameJob {
  readonly job: ZkVerifyJob;
  readonly from: PartyIndex;
  /** Ids of the messages the statement and proof came from. */
  readonly messages: readonly { readonly id: string; readonly round: number }[];
  /** What the proof is about, for the evidence (e.g. "Π^enc of K_j"). */
  readonly what: string;
}

/**
 * Verifies every job and, if any fails, aborts naming every prover whose proof failed, with
 * the failed check (e.g. `pienc.equation-paillier`) and message ids as evidence.
 * @throws {ProtocolAbort} `invalid-proof` when some proof fails.
 */
export async function verifyOrBlame(verifier: ZkVerifier | undefined, jobs: readonly BlameJob[]): Promise<void> {
  if (jobs.length === 0) return;
  const results = await (verifier ?? inlineVerifier)(jobs.map((j) => j.job));
  if (results.length !== jobs.length) throw new CryptoError('verifier returned a wrong number of results', 'verifier');
  const culprits: PartyIndex[] = [];
  const evidence: Evidence[] = [];
  results.forEach((r, k) => {
    if (r.ok) return;
    const j = jobs[k]!;
    culprits.push(j.from);
    for (const m of j.messages)
      evidence.push({ id: m.id, round: m.round, from: j.from, reason: 'invalid-proof', detail: `${j.what}: ${r.field ?? r.kind} (${r.message})` });
  });
  if (culprits.length > 0) throw new ProtocolAbort('invalid-proof', culprits, evidence);
}

/** Evidence of one bad message. */
export function evidenceOf(id: string, round: number, from: PartyIndex, reason: Evidence['reason'], detail: string): Evidence {
  return { id, round, from, reason, detail };
}

/** XOR of equally long byte strings. @throws {FieldRangeError} on differing lengths. */
export function xorAll(list: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (const b of list) {
    if (b.length !== length) throw new FieldRangeError('xor', `expected ${length}-byte values`);
    for (let i = 0; i < length; i++) out[i]! ^= b[i]!;
  }
  return out;
}
