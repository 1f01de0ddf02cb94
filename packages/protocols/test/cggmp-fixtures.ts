/**
 * Shared fixtures of the cggmp-*.test.ts files: the 1024-bit safe primes extracted from
 * taurusgroup/multi-party-sig (vectors/paillier/taurus-multi-party-sig-extracted) as a prime
 * source for aux-info, simulator plumbing for key generation, aux-info, presigning and signing,
 * and ECDSA verification through @noble/curves and node:crypto (OpenSSL).
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import type { RandomSource } from '@tessera/crypto/rng';
import { expect } from 'vitest';
import { newSessionId, partyRange, type PartyIndex } from '../src/engine/ids.ts';
import { createIdentities, runSimulation, type Fault, type SimIdentities, type SimulationResult } from '../src/engine/simulator.ts';
import { ProtocolAbort } from '../src/engine/errors.ts';
import { createCggmpKeygenSession, type KeygenOutput } from '../src/cggmp/keygen/index.ts';
import type { CoreShare } from '../src/cggmp/keyshare.ts';
import { ecdsaDer, secp256k1Spki } from '../src/cggmp/ecdsa.ts';

interface TaurusConstant {
  var: string;
  hex: string;
}

/** The distinct 1024-bit safe primes of the Taurus fixture (six), in file order. */
export function taurusSafePrimes(): bigint[] {
  const url = new URL('../../../vectors/paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json', import.meta.url);
  const json = JSON.parse(readFileSync(url, 'utf8')) as { constants: TaurusConstant[] };
  return [...new Set(json.constants.filter((c) => c.hex.length === 256).map((c) => BigInt('0x' + c.hex)))];
}

/** The three consecutive prime pairs (p, q) of the fixture (2048-bit moduli). */
export function taurusPrimePairs(): { p: bigint; q: bigint }[] {
  const ps = taurusSafePrimes();
  const out: { p: bigint; q: bigint }[] = [];
  for (let i = 0; i + 1 < ps.length; i += 2) out.push({ p: ps[i]!, q: ps[i + 1]! });
  return out;
}

/** Runs key generation among parties 1..n. */
export async function runKeygen(t: number, n: number, opts: { seed?: string; faults?: Fault[]; ids?: SimIdentities } = {}): Promise<SimulationResult<KeygenOutput>> {
  const rng = createSeededRng(opts.seed ?? `cggmp keygen ${t} ${n}`);
  const parties = partyRange(n);
  const ids = opts.ids ?? createIdentities(parties, rng);
  const session = newSessionId(rng);
  const sessions = parties.map((p) => createCggmpKeygenSession({ session, self: p, parties, config: { threshold: t }, auth: ids.auth.get(p)!, rng }));
  return runSimulation(sessions, { identities: ids, rng, faults: opts.faults ?? [] });
}

/** Key shares from a finished keygen run. */
export function coreShares(res: SimulationResult<KeygenOutput>): CoreShare[] {
  return [...res.outcomes.values()].map((o) => {
    expect(o.status, `party ${o.party}: ${String(o.error)}`).toBe('done');
    return o.output!.share;
  });
}

/** Asserts every party in `honest` aborted naming exactly `culprits`; returns the first abort. */
export function expectBlame<O>(res: SimulationResult<O>, honest: readonly number[], culprits: readonly number[], reason?: string): ProtocolAbort {
  let first: ProtocolAbort | undefined;
  for (const p of honest) {
    const o = res.outcomes.get(p as PartyIndex)!;
    expect(o.status, `party ${p} should abort`).toBe('aborted');
    expect(o.error, `party ${p}: ${String(o.error)}`).toBeInstanceOf(ProtocolAbort);
    const a = o.error as ProtocolAbort;
    expect(a.culprits, `party ${p}: ${a.message}`).toEqual(culprits);
    if (reason !== undefined) expect(a.reason).toBe(reason);
    expect(a.evidence.length).toBeGreaterThan(0);
    first ??= a;
  }
  return first!;
}

/** A seeded RNG for a test. */
export function seeded(name: string): RandomSource {
  return createSeededRng(name);
}

/**
 * Verifies a (r, s) ECDSA signature on `digest` under a compressed key with @noble/curves
 * (prehash off, low-S required), and — when `message` is given, for SHA-256 — with node:crypto
 * (OpenSSL) over a DER signature and an SPKI built from the compressed key.
 */
export function verifyEcdsa(publicKey: Uint8Array, digest: Uint8Array, r: bigint, s: bigint, message?: Uint8Array): void {
  const sig = new secp256k1.Signature(r, s);
  expect(secp256k1.verify(sig.toBytes('compact'), digest, publicKey, { prehash: false, lowS: true })).toBe(true);
  if (message !== undefined) {
    const key = createPublicKey({ key: Buffer.from(secp256k1Spki(publicKey)), format: 'der', type: 'spki' });
    expect(nodeVerify('sha256', message, key, Buffer.from(ecdsaDer(r, s)))).toBe(true);
  }
}
