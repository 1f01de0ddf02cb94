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
import { parseAuxInfo, validateKeyShare, type AuxInfo, type CggmpKeyShare, type CoreShare } from '../src/cggmp/keyshare.ts';
import { ecdsaDer, secp256k1Spki } from '../src/cggmp/ecdsa.ts';
import { createCggmpPresignSession, type PresignOutput, type Presignature } from '../src/cggmp/presign/index.ts';
import { createCggmpSignSession, type PresignatureLedger, type SignOutput } from '../src/cggmp/sign/index.ts';
import { createMemoryNonceLedger } from '../src/frost/nonce-ledger.ts';
import { canonicalJson, type Json } from '../src/engine/codec.ts';

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

/** The aux-info of parties 1..3 from test/fixtures/cggmp-aux-v1.json (made by the aux-info protocol). */
export function fixtureAux(): AuxInfo[] {
  const fx = JSON.parse(readFileSync(new URL('./fixtures/cggmp-aux-v1.json', import.meta.url), 'utf8')) as { aux: Json[] };
  return fx.aux.map((a) => parseAuxInfo(canonicalJson(a), { checkPrimality: false }));
}

/**
 * Full key shares for a t-of-n key (n ≤ 3) from a live key generation and the fixture aux-info
 * (aux-info is independent of the key; its restriction to parties 1..n is exact for n = 3 and,
 * for n = 2, uses the aux of parties 1 and 2 re-validated for the smaller committee).
 */
export async function fixtureKeyShares(t: number, n: number, seed = `cggmp shares ${t} ${n}`): Promise<CggmpKeyShare[]> {
  const cores = coreShares(await runKeygen(t, n, { seed }));
  const aux = fixtureAux();
  return cores.map((c) => {
    const a = aux[c.index - 1]!;
    const restricted = n === 3 ? a : parseAuxInfo(restrictAux(a, n), { checkPrimality: false });
    return validateKeyShare(c, restricted);
  });
}

function restrictAux(a: AuxInfo, n: number): string {
  const parties = a.parties.slice(0, n);
  return canonicalJson({
    format: 'tessera/cggmp-aux-info',
    version: 1,
    index: a.index,
    parties: [...parties],
    p: a.p.toString(16),
    q: a.q.toString(16),
    public: parties.map((j) => {
      const e = a.public.get(j)!;
      return [e.N.toString(16), e.s.toString(16), e.t.toString(16)];
    }),
  });
}

/** Runs presigning among the holders of `shares` (the signing set) in the simulator. */
export async function runPresign(shares: readonly CggmpKeyShare[], opts: { seed?: string; faults?: Fault[]; ids?: SimIdentities } = {}): Promise<SimulationResult<PresignOutput>> {
  const rng = createSeededRng(opts.seed ?? 'cggmp presign');
  const signers = shares.map((s) => s.core.index).sort((a, b) => a - b);
  const ids = opts.ids ?? createIdentities(shares[0]!.core.parties, rng);
  const session = newSessionId(rng);
  const sessions = shares.map((s) => createCggmpPresignSession({ session, keyShare: s, request: { signers }, auth: ids.auth.get(s.core.index)!, rng }));
  return runSimulation(sessions, { identities: ids, rng, faults: opts.faults ?? [] });
}

/** Presignatures from a finished presigning run, by party. */
export function presignaturesOf(res: SimulationResult<PresignOutput>): Map<PartyIndex, Presignature> {
  const out = new Map<PartyIndex, Presignature>();
  for (const o of res.outcomes.values()) {
    expect(o.status, `party ${o.party}: ${String(o.error)}`).toBe('done');
    out.set(o.party, o.output!.presignature);
  }
  return out;
}

/** Runs signing of `digest` with each signer's presignature in the simulator. */
export async function runSign(
  shares: readonly CggmpKeyShare[],
  presigs: ReadonlyMap<PartyIndex, Presignature>,
  digest: Uint8Array,
  opts: { seed?: string; faults?: Fault[]; ledgers?: Map<PartyIndex, PresignatureLedger>; ids?: SimIdentities } = {},
): Promise<SimulationResult<SignOutput>> {
  const rng = createSeededRng(opts.seed ?? 'cggmp sign');
  const ids = opts.ids ?? createIdentities(shares[0]!.core.parties, rng);
  const session = newSessionId(rng);
  const sessions = shares.map((s) =>
    createCggmpSignSession({
      session,
      keyShare: s,
      presignature: presigs.get(s.core.index)!,
      ledger: opts.ledgers?.get(s.core.index) ?? createMemoryNonceLedger(),
      request: { digest },
      auth: ids.auth.get(s.core.index)!,
      rng,
    }),
  );
  return runSimulation(sessions, { identities: ids, rng, faults: opts.faults ?? [] });
}
