/**
 * One entry point that verifies any Tessera proof from plain, structured-clone-able data, so a
 * worker pool can run verifications off the main thread: the pool posts `ZkVerifyJob`s (bigints,
 * Uint8Arrays, booleans, strings only — no class instances, no functions) and gets back
 * `ZkVerifyResult`s. `verifyZkJob` never throws: a failed check, a malformed statement or proof,
 * an unknown kind or group all come back as `{ ok: false, kind, field, message }`, where `field`
 * names the failed check (e.g. `"pimod.nth-root[3]"`) for the protocol layer's blame evidence.
 *
 * Which parameters: a job is built by the verifying party from its own configuration, so it may
 * carry `params` (default: CGGMP21_PARAMS); a verifier must never take them from the prover.
 * @module
 */
import { CryptoError, FieldRangeError, FieldTypeError } from '../errors.ts';
import type { TranscriptBinding } from '../transcript.ts';
import { verifyDleq, verifyDleqZn, type DleqProof, type DleqStatement, type DleqZnStatement } from './dleq.ts';
import { groupByName } from './group.ts';
import type { PaillierProofParams } from './params.ts';
import { verifyPiAffG, type PiAffGProof, type PiAffGStatement } from './piaffg.ts';
import { verifyPiDec, type PiDecProof, type PiDecStatement } from './pidec.ts';
import { verifyPiEnc, type PiEncProof, type PiEncStatement } from './pienc.ts';
import { verifyPiFac, type PiFacProof, type PiFacStatement } from './pifac.ts';
import { verifyPiLogStar, type PiLogStarProof, type PiLogStarStatement } from './pilogstar.ts';
import { verifyPiMod, type PiModProof, type PiModStatement } from './pimod.ts';
import { verifyPiMul, type PiMulProof, type PiMulStatement } from './pimul.ts';
import { verifyPiPrm, type PiPrmProof, type PiPrmStatement } from './piprm.ts';
import { verifySchnorr, type SchnorrProof, type SchnorrStatement } from './schnorr.ts';

/** Names of the registered groups usable in jobs. */
export type ZkGroupName = 'secp256k1' | 'ed25519';

interface JobBase {
  /** Session id and prover index the proof must be bound to. */
  readonly binding: TranscriptBinding;
}

/** A verification job: the proof kind, the statement, the proof, and the binding. */
export type ZkVerifyJob =
  | (JobBase & { readonly kind: 'schnorr'; readonly group: ZkGroupName; readonly statement: SchnorrStatement; readonly proof: SchnorrProof })
  | (JobBase & { readonly kind: 'dleq'; readonly group: ZkGroupName; readonly statement: DleqStatement; readonly proof: DleqProof })
  | (JobBase & { readonly kind: 'dleq-zn'; readonly statement: DleqZnStatement; readonly proof: DleqProof })
  | (JobBase & { readonly kind: 'pimod'; readonly statement: PiModStatement; readonly proof: PiModProof; readonly params?: PaillierProofParams })
  | (JobBase & { readonly kind: 'piprm'; readonly statement: PiPrmStatement; readonly proof: PiPrmProof; readonly params?: PaillierProofParams })
  | (JobBase & { readonly kind: 'pifac'; readonly statement: PiFacStatement; readonly proof: PiFacProof; readonly params?: PaillierProofParams })
  | (JobBase & { readonly kind: 'pienc'; readonly statement: PiEncStatement; readonly proof: PiEncProof; readonly params?: PaillierProofParams })
  | (JobBase & { readonly kind: 'pidec'; readonly statement: PiDecStatement; readonly proof: PiDecProof; readonly params?: PaillierProofParams })
  | (JobBase & { readonly kind: 'pimul'; readonly statement: PiMulStatement; readonly proof: PiMulProof; readonly params?: PaillierProofParams })
  | (JobBase & {
      readonly kind: 'piaffg';
      readonly group: ZkGroupName;
      readonly statement: PiAffGStatement;
      readonly proof: PiAffGProof;
      readonly params?: PaillierProofParams;
    })
  | (JobBase & {
      readonly kind: 'pilogstar';
      readonly group: ZkGroupName;
      readonly statement: PiLogStarStatement;
      readonly proof: PiLogStarProof;
      readonly params?: PaillierProofParams;
    });

/** Every proof kind a job may name. */
export const ZK_PROOF_KINDS: readonly ZkVerifyJob['kind'][] = Object.freeze([
  'schnorr',
  'dleq',
  'dleq-zn',
  'pimod',
  'piprm',
  'pifac',
  'pienc',
  'piaffg',
  'pilogstar',
  'pimul',
  'pidec',
]);

/** Outcome of one job (plain data). */
export type ZkVerifyResult =
  | { readonly ok: true; readonly kind: string }
  | {
      readonly ok: false;
      readonly kind: string;
      /** The failed check or malformed field (e.g. `"pienc.z1"`), when known. */
      readonly field: string | undefined;
      readonly message: string;
      /** `"invalid"`: the proof or statement failed a check; `"malformed"`: the job itself was unusable. */
      readonly reason: 'invalid' | 'malformed';
    };

function run(job: ZkVerifyJob): void {
  switch (job.kind) {
    case 'schnorr':
      return verifySchnorr(groupByName(job.group), job.binding, job.statement, job.proof);
    case 'dleq':
      return verifyDleq(groupByName(job.group), job.binding, job.statement, job.proof);
    case 'dleq-zn':
      return verifyDleqZn(job.binding, job.statement, job.proof);
    case 'pimod':
      return verifyPiMod(job.binding, job.statement, job.proof, job.params);
    case 'piprm':
      return verifyPiPrm(job.binding, job.statement, job.proof, job.params);
    case 'pifac':
      return verifyPiFac(job.binding, job.statement, job.proof, job.params);
    case 'pienc':
      return verifyPiEnc(job.binding, job.statement, job.proof, job.params);
    case 'piaffg':
      return verifyPiAffG(groupByName(job.group), job.binding, job.statement, job.proof, job.params);
    case 'pilogstar':
      return verifyPiLogStar(groupByName(job.group), job.binding, job.statement, job.proof, job.params);
    case 'pimul':
      return verifyPiMul(job.binding, job.statement, job.proof, job.params);
    case 'pidec':
      return verifyPiDec(job.binding, job.statement, job.proof, job.params);
    default: {
      const unknown: never = job;
      throw new FieldRangeError('kind', `unknown proof kind ${JSON.stringify((unknown as { kind?: unknown }).kind)}`);
    }
  }
}

/**
 * Verifies one proof described by plain data. Never throws.
 * @returns `{ ok: true }`, or `{ ok: false, field, message, reason }` naming the failed check.
 */
export function verifyZkJob(job: ZkVerifyJob): ZkVerifyResult {
  const kind = job !== null && typeof job === 'object' && typeof job.kind === 'string' ? job.kind : 'unknown';
  try {
    if (kind === 'unknown') throw new FieldTypeError('job', 'expected a verification job object');
    run(job);
    return { ok: true, kind };
  } catch (err) {
    if (err instanceof CryptoError) return { ok: false, kind, field: err.field, message: err.message, reason: 'invalid' };
    const field = err instanceof FieldTypeError || err instanceof FieldRangeError ? err.field : undefined;
    return { ok: false, kind, field, message: err instanceof Error ? err.message : String(err), reason: 'malformed' };
  }
}

/** Verifies a batch of jobs in order (a worker's unit of work). Never throws. */
export function verifyZkJobs(jobs: readonly ZkVerifyJob[]): ZkVerifyResult[] {
  return jobs.map(verifyZkJob);
}
