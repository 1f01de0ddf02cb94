/**
 * Test helpers: vector loading, key shares from RFC-style vector files, a queue-backed
 * randomness source for known-answer nonces, and simulator plumbing for FROST sessions.
 */
import { readFileSync } from 'node:fs';
import { hexToBytes } from '@tessera/crypto/bytes';
import type { RandomSource } from '@tessera/crypto/rng';
import type { PartyIndex } from '../src/engine/ids.ts';
import { validateKeyShare, type KeyShare } from '../src/frost/keyshare.ts';
import { getSuite, type SuiteName } from '../src/frost/suite.ts';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { newSessionId, partyRange } from '../src/engine/ids.ts';
import { createIdentities, runSimulation, type Fault, type SimulationResult } from '../src/engine/simulator.ts';
import { createFrostDkgSession, type DkgOutput, type MisbehaviourPolicy } from '../src/frost/dkg/index.ts';
import { createMemoryNonceLedger, type NonceLedger } from '../src/frost/nonce-ledger.ts';
import { createFrostSignSession, type SignOutput } from '../src/frost/sign/index.ts';

/** Reads a JSON file under the repository's vectors/ folder. */
export function loadVector<T = any>(rel: string): T {
  return JSON.parse(readFileSync(new URL(`../../../vectors/${rel}`, import.meta.url), 'utf8')) as T;
}

/** Reads a text file under vectors/. */
export function loadText(rel: string): string {
  return readFileSync(new URL(`../../../vectors/${rel}`, import.meta.url), 'utf8');
}

/** A RandomSource that returns the queued buffers in order (each fill must match a buffer's length). */
export function queueRng(buffers: Uint8Array[]): RandomSource {
  const q = [...buffers];
  return {
    fill(out) {
      const b = q.shift();
      if (!b || b.length !== out.length) throw new Error(`queue rng: expected a ${out.length}-byte buffer`);
      out.set(b);
      return out;
    },
  };
}

/** RFC 9591-style vector (cfrg poc / frost-rs). */
export interface RfcVector {
  config: { MAX_PARTICIPANTS: string; MIN_PARTICIPANTS: string; NUM_PARTICIPANTS: string };
  inputs: {
    participant_list: number[];
    group_public_key?: string;
    verifying_key_key?: string;
    message: string;
    share_polynomial_coefficients: string[];
    participant_shares: { identifier: number; participant_share: string }[];
  };
  round_one_outputs: { outputs: { identifier: number; hiding_nonce_randomness: string; binding_nonce_randomness: string; hiding_nonce: string; binding_nonce: string; hiding_nonce_commitment: string; binding_nonce_commitment: string; binding_factor: string }[] };
  round_two_outputs: { outputs: { identifier: number; sig_share: string }[] };
  final_output: { sig: string };
}

/** Every participant's validated key share from an RFC-style vector. */
export function keySharesFromVector(suiteName: SuiteName, v: RfcVector): Map<PartyIndex, KeyShare> {
  const key = `${suiteName}:${v.final_output.sig}`;
  const hit = shareCache.get(key);
  if (hit) return hit;
  const fresh = buildKeyShares(suiteName, v);
  shareCache.set(key, fresh);
  return fresh;
}
const shareCache = new Map<string, Map<PartyIndex, KeyShare>>();

function buildKeyShares(suiteName: SuiteName, v: RfcVector): Map<PartyIndex, KeyShare> {
  const suite = getSuite(suiteName);
  const t = Number(v.config.MIN_PARTICIPANTS);
  const parties = v.inputs.participant_shares.map((s) => s.identifier);
  const gpk = hexToBytes(v.inputs.group_public_key ?? v.inputs.verifying_key_key!);
  const commitments = [gpk, ...v.inputs.share_polynomial_coefficients.map((c) => suite.Point.BASE.multiply(suite.Fn.fromBytes(hexToBytes(c))).toBytes(true))];
  const verifyingShares = v.inputs.participant_shares.map((s) => suite.Point.BASE.multiply(suite.Fn.fromBytes(hexToBytes(s.participant_share))).toBytes(true));
  const out = new Map<PartyIndex, KeyShare>();
  for (const s of v.inputs.participant_shares) {
    if (!v.inputs.participant_list.includes(s.identifier)) continue;
    out.set(s.identifier as PartyIndex, validateKeyShare({ suite: suiteName, index: s.identifier, threshold: t, parties, commitments, verifyingShares, signingShare: hexToBytes(s.participant_share) }));
  }
  return out;
}

// ---- simulator plumbing for FROST sessions ----

/** Runs a DKG among parties 1..n in the simulator. */
export async function runDkg(suite: SuiteName, t: number, n: number, opts: { seed?: string; faults?: Fault[]; policy?: MisbehaviourPolicy } = {}): Promise<SimulationResult<DkgOutput>> {
  const rng = createSeededRng(opts.seed ?? `dkg ${suite} ${t} ${n}`);
  const parties = partyRange(n);
  const ids = createIdentities(parties, rng);
  const session = newSessionId(rng);
  const sessions = parties.map((p) => createFrostDkgSession({ session, self: p, parties, config: { suite, threshold: t, ...(opts.policy ? { policy: opts.policy } : {}) }, auth: ids.auth.get(p)!, rng }));
  return runSimulation(sessions, { identities: ids, rng, faults: opts.faults ?? [] });
}

/** Signs `message` with the given shares (one per signer) in the simulator. */
export async function runSign(
  shares: readonly KeyShare[],
  message: Uint8Array,
  opts: { seed?: string; faults?: Fault[]; aggregator?: PartyIndex; ledgers?: Map<PartyIndex, NonceLedger> } = {},
): Promise<SimulationResult<SignOutput>> {
  const rng = createSeededRng(opts.seed ?? 'sign');
  const signers = shares.map((s) => s.index).sort((a, b) => a - b);
  const ids = createIdentities(shares[0]!.parties, rng);
  const session = newSessionId(rng);
  const sessions = shares.map((s) =>
    createFrostSignSession({
      session,
      keyShare: s,
      request: { message, signers, ...(opts.aggregator ? { aggregator: opts.aggregator } : {}) },
      ledger: opts.ledgers?.get(s.index) ?? createMemoryNonceLedger(),
      auth: ids.auth.get(s.index)!,
      rng,
    }),
  );
  return runSimulation(sessions, { identities: ids, rng, faults: opts.faults ?? [] });
}

/** The outputs of a simulation, asserting every party finished. */
export function outputsOf<O>(res: SimulationResult<O>): O[] {
  return [...res.outcomes.values()].map((o) => {
    if (o.status !== 'done') throw new Error(`party ${o.party} ${o.status}: ${String(o.error)}`);
    return o.output!;
  });
}
