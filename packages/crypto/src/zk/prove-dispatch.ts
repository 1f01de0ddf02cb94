/**
 * One entry point that PROVES any Tessera proof from plain, structured-clone-able data, so a
 * worker pool can run the prover's heavy exponentiations off the main thread: the pool posts
 * `ZkProveJob`s (statement, witness, binding — bigints, Uint8Arrays, strings only; no class
 * instances, no functions) and gets the proofs back in job order. It is the proving twin of
 * `dispatch.ts` (verification).
 *
 * Trust: a prove job carries the WITNESS (secret factors, Paillier nonces, MtA secrets). It may
 * only be sent to a worker of the same origin started by the same application (a Web Worker
 * or a Node worker thread of the same process): same process, same trust, no new party sees
 * the secret. The worker drops its copy as soon as the proof is made ({@link wipeProveJob});
 * bigints cannot be overwritten in JavaScript, so "wiping" means dropping every reference and
 * zero-filling any byte array of the witness.
 *
 * Errors: unlike verification (where a failure is a result about somebody else's proof), a
 * failing prove job is this party's own bug or tampered input, so `proveZkJob` THROWS the
 * prover's typed error (`FieldTypeError` / `FieldRangeError` / `CryptoError` naming the field,
 * e.g. `witness` when the witness does not satisfy the statement). Across a worker boundary
 * {@link proveZkJobsSettled} turns it into a `{ ok: false, name, field, message }` value so that
 * the pool can re-create the same error class with its field on the calling side.
 * @module
 */
import { FieldRangeError, FieldTypeError } from '../errors.ts';
import { systemRng, type RandomSource } from '../rng.ts';
import type { TranscriptBinding } from '../transcript.ts';
import { ZK_PROOF_KINDS, type ZkGroupName } from './dispatch.ts';
import { proveDleq, proveDleqZn, type DleqProof, type DleqStatement, type DleqZnStatement } from './dleq.ts';
import { groupByName } from './group.ts';
import type { PaillierProofParams } from './params.ts';
import { provePiAffG, type PiAffGProof, type PiAffGStatement, type PiAffGWitness } from './piaffg.ts';
import { provePiDec, type PiDecProof, type PiDecStatement, type PiDecWitness } from './pidec.ts';
import { provePiEnc, type PiEncProof, type PiEncStatement, type PiEncWitness } from './pienc.ts';
import { provePiFac, type PiFacProof, type PiFacStatement, type PiFacWitness } from './pifac.ts';
import { provePiLogStar, type PiLogStarProof, type PiLogStarStatement, type PiLogStarWitness } from './pilogstar.ts';
import { provePiMod, type PiModProof, type PiModStatement, type PiModWitness } from './pimod.ts';
import { provePiMul, type PiMulProof, type PiMulStatement, type PiMulWitness } from './pimul.ts';
import { provePiPrm, type PiPrmProof, type PiPrmStatement } from './piprm.ts';
import type { RingPedersenSecret } from './ring-pedersen.ts';
import { proveSchnorr, type SchnorrProof, type SchnorrStatement } from './schnorr.ts';

interface ProveBase {
  /** Session id and prover index the proof is bound to. */
  readonly binding: TranscriptBinding;
}

/** A proving job: the proof kind, the statement, the (secret) witness and the binding. */
export type ZkProveJob =
  | (ProveBase & { readonly kind: 'schnorr'; readonly group: ZkGroupName; readonly statement: SchnorrStatement; readonly witness: { readonly x: bigint } })
  | (ProveBase & { readonly kind: 'dleq'; readonly group: ZkGroupName; readonly statement: DleqStatement; readonly witness: { readonly x: bigint } })
  | (ProveBase & { readonly kind: 'dleq-zn'; readonly statement: DleqZnStatement; readonly witness: { readonly x: bigint } })
  | (ProveBase & { readonly kind: 'pimod'; readonly statement: PiModStatement; readonly witness: PiModWitness; readonly params?: PaillierProofParams })
  | (ProveBase & { readonly kind: 'piprm'; readonly statement: PiPrmStatement; readonly witness: RingPedersenSecret; readonly params?: PaillierProofParams })
  | (ProveBase & { readonly kind: 'pifac'; readonly statement: PiFacStatement; readonly witness: PiFacWitness; readonly params?: PaillierProofParams })
  | (ProveBase & { readonly kind: 'pienc'; readonly statement: PiEncStatement; readonly witness: PiEncWitness; readonly params?: PaillierProofParams })
  | (ProveBase & { readonly kind: 'pidec'; readonly statement: PiDecStatement; readonly witness: PiDecWitness; readonly params?: PaillierProofParams })
  | (ProveBase & { readonly kind: 'pimul'; readonly statement: PiMulStatement; readonly witness: PiMulWitness; readonly params?: PaillierProofParams })
  | (ProveBase & {
      readonly kind: 'piaffg';
      readonly group: ZkGroupName;
      readonly statement: PiAffGStatement;
      readonly witness: PiAffGWitness;
      readonly params?: PaillierProofParams;
    })
  | (ProveBase & {
      readonly kind: 'pilogstar';
      readonly group: ZkGroupName;
      readonly statement: PiLogStarStatement;
      readonly witness: PiLogStarWitness;
      readonly params?: PaillierProofParams;
    });

/** The proof type made by each job kind. */
export interface ZkProofOf {
  schnorr: SchnorrProof;
  dleq: DleqProof;
  'dleq-zn': DleqProof;
  pimod: PiModProof;
  piprm: PiPrmProof;
  pifac: PiFacProof;
  pienc: PiEncProof;
  pidec: PiDecProof;
  pimul: PiMulProof;
  piaffg: PiAffGProof;
  pilogstar: PiLogStarProof;
}

/** Any proof a {@link ZkProveJob} can produce (plain data). */
export type ZkProof = ZkProofOf[keyof ZkProofOf];

/** Every kind a prove job may name: the same kinds as verification jobs ({@link ZK_PROOF_KINDS}). */
export const ZK_PROVE_KINDS: readonly ZkProveJob['kind'][] = ZK_PROOF_KINDS;

/** Outcome of one prove job across a worker boundary (plain data). */
export type ZkProveResult =
  | { readonly ok: true; readonly kind: string; readonly proof: ZkProof }
  | {
      readonly ok: false;
      readonly kind: string;
      /** Class name of the prover's error (`FieldRangeError`, `CryptoError`, …). */
      readonly name: string;
      /** The field the error names (e.g. `witness`, `rho`), when it names one. */
      readonly field?: string;
      readonly message: string;
    };

function needObject(v: unknown, field: string): void {
  if (v === null || typeof v !== 'object') throw new FieldTypeError(field, 'expected an object');
}

function run(job: ZkProveJob, rng: RandomSource): ZkProof {
  needObject(job, 'job');
  needObject(job.statement, 'job.statement');
  needObject(job.witness, 'job.witness');
  needObject(job.binding, 'job.binding');
  switch (job.kind) {
    case 'schnorr':
      return proveSchnorr(groupByName(job.group), job.binding, job.statement, job.witness.x, rng);
    case 'dleq':
      return proveDleq(groupByName(job.group), job.binding, job.statement, job.witness.x, rng);
    case 'dleq-zn':
      return proveDleqZn(job.binding, job.statement, job.witness.x, rng);
    case 'pimod':
      return provePiMod(job.binding, job.statement, job.witness, rng, job.params);
    case 'piprm':
      return provePiPrm(job.binding, job.statement, job.witness, rng, job.params);
    case 'pifac':
      return provePiFac(job.binding, job.statement, job.witness, rng, job.params);
    case 'pienc':
      return provePiEnc(job.binding, job.statement, job.witness, rng, job.params);
    case 'piaffg':
      return provePiAffG(groupByName(job.group), job.binding, job.statement, job.witness, rng, job.params);
    case 'pilogstar':
      return provePiLogStar(groupByName(job.group), job.binding, job.statement, job.witness, rng, job.params);
    case 'pimul':
      return provePiMul(job.binding, job.statement, job.witness, rng, job.params);
    case 'pidec':
      return provePiDec(job.binding, job.statement, job.witness, rng, job.params);
    default: {
      const unknown: never = job;
      throw new FieldRangeError('kind', `unknown proof kind ${JSON.stringify((unknown as { kind?: unknown }).kind)}`);
    }
  }
}

/**
 * Proves one job in the calling thread.
 * @param rng randomness of the prover (default: this thread's health-checked `systemRng()`).
 * @returns the proof, of the type {@link ZkProofOf}[kind].
 * @throws {FieldTypeError} if the job, its statement, witness or binding is not an object, or a
 *   value has the wrong type (naming the field). @throws {FieldRangeError} for an unknown kind
 *   or group (`kind`, `group`) or a witness value out of range (e.g. `rho`, `k`).
 * @throws {CryptoError} if the witness does not satisfy the statement (field `witness`, or
 *   `witness.factors…` for factors that do not multiply to the modulus).
 * @throws {RngHealthError} if the RNG fails its health tests.
 */
export function proveZkJob<J extends ZkProveJob>(job: J, rng: RandomSource = systemRng()): ZkProofOf[J['kind']] {
  return run(job, rng) as ZkProofOf[J['kind']];
}

/**
 * Proves a batch of jobs in order in the calling thread (what `inlineProver` runs).
 * @throws what {@link proveZkJob} throws, for the first job that fails.
 */
export function proveZkJobs(jobs: readonly ZkProveJob[], rng: RandomSource = systemRng()): ZkProof[] {
  if (!Array.isArray(jobs)) throw new FieldTypeError('jobs', 'expected an array of prove jobs');
  return jobs.map((job) => run(job, rng));
}

/**
 * Drops the witness of a job this side owns (a worker's structured clone, once proved): zero-fills
 * every byte array in it and deletes its reference. BigInts are immutable and cannot be erased;
 * dropping the last reference is all JavaScript allows.
 */
export function wipeProveJob(job: unknown): void {
  if (job === null || typeof job !== 'object') return;
  const w = (job as { witness?: unknown }).witness;
  if (w !== null && typeof w === 'object') {
    for (const v of Object.values(w)) if (v instanceof Uint8Array) v.fill(0);
    for (const k of Object.keys(w)) delete (w as Record<string, unknown>)[k];
  }
  delete (job as { witness?: unknown }).witness;
}

/**
 * Proves a batch of jobs in order and reports each outcome as a value (the worker's unit of
 * work): errors keep their class name and field so the pool can re-create them. Never throws.
 * Each job's witness is wiped ({@link wipeProveJob}) once it has been used, so pass a copy
 * (a worker receives one anyway).
 */
export function proveZkJobsSettled(jobs: readonly ZkProveJob[], rng: RandomSource = systemRng()): ZkProveResult[] {
  if (!Array.isArray(jobs)) return [{ ok: false, kind: 'unknown', name: 'FieldTypeError', field: 'jobs', message: 'jobs: expected an array of prove jobs' }];
  return jobs.map((job) => {
    const kind = job !== null && typeof job === 'object' && typeof job.kind === 'string' ? job.kind : 'unknown';
    try {
      return { ok: true, kind, proof: run(job, rng) };
    } catch (e) {
      if (e instanceof Error) {
        const field = (e as { field?: unknown }).field;
        return typeof field === 'string' ? { ok: false, kind, name: e.name, field, message: e.message } : { ok: false, kind, name: e.name, message: e.message };
      }
      return { ok: false, kind, name: 'Error', message: String(e) };
    } finally {
      wipeProveJob(job);
    }
  });
}
