/**
 * CGGMP21 with this party's own proofs made on the worker pool (`poolProver`, wire.ts): a
 * 2-party aux-info and a 2-of-2 presigning + signing whose proofs are all made in real Node
 * worker threads give outputs every party accepts (every received proof is verified by the
 * peer) and an ECDSA signature that verifies under @noble/curves and OpenSSL; a pool prover
 * party and an in-thread party interoperate. Negative: a prover whose Π^enc is tampered gets
 * its party named by the peer; a prover that answers with the wrong number of proofs fails
 * the party's own round (the peer sees only silence); a pool that cannot prove is refused. The
 * own-prime re-check (`checkPrimesYielding`) yields between its safe-prime tests and names a
 * non-safe factor.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkerPool } from '@tessera/crypto/pool';
import { CryptoError, FieldTypeError } from '@tessera/crypto/errors';
import { generatePrime } from '@tessera/crypto/primes';
import type { ZkProveJob } from '@tessera/crypto/zk/prove-dispatch';
import type { PiEncProof } from '@tessera/crypto/zk/pienc';
import { newSessionId, partyRange, type PartyIndex } from '../src/engine/ids.ts';
import { createIdentities, runSimulation } from '../src/engine/simulator.ts';
import { createCggmpAuxSession } from '../src/cggmp/aux/index.ts';
import { checkPrimesYielding, fixedPrimeSource } from '../src/cggmp/prime-source.ts';
import { createCggmpPresignSession } from '../src/cggmp/presign/index.ts';
import { validateKeyShare, type CggmpKeyShare } from '../src/cggmp/keyshare.ts';
import { poolProver, poolVerifier, type ZkProver } from '../src/cggmp/wire.ts';
import { expectBlame, fixtureKeyShares, presignaturesOf, runKeygen, coreShares, runSign, seeded, taurusPrimePairs, verifyEcdsa } from './cggmp-fixtures.ts';

const pool = createWorkerPool({ size: 2 });
afterAll(() => pool.terminate());
const onPool = poolProver(pool);

/** Presigning among the holders of `shares`, party k using `provers[k]`. */
async function presignWith(shares: readonly CggmpKeyShare[], provers: readonly (ZkProver | undefined)[], seed: string) {
  const rng = seeded(seed);
  const signers = shares.map((s) => s.core.index);
  const ids = createIdentities(shares[0]!.core.parties, rng);
  const session = newSessionId(rng);
  const sessions = shares.map((s, k) =>
    createCggmpPresignSession({
      session,
      keyShare: s,
      request: { signers },
      auth: ids.auth.get(s.core.index)!,
      rng,
      verifier: poolVerifier(pool),
      ...(provers[k] ? { prover: provers[k] } : {}),
    }),
  );
  return runSimulation(sessions, { identities: ids, rng });
}

describe('CGGMP21 with proofs made on the worker pool', () => {
  it('2-party aux-info with pool provers: both parties accept every proof; the aux-info makes key shares', async () => {
    const rng = seeded('prover aux');
    const parties = partyRange(2);
    const ids = createIdentities(parties, rng);
    const session = newSessionId(rng);
    const pairs = taurusPrimePairs();
    const sessions = parties.map((p, k) =>
      createCggmpAuxSession({ session, self: p, parties, primeSource: fixedPrimeSource([pairs[k]!]), auth: ids.auth.get(p)!, rng, prover: onPool, verifier: poolVerifier(pool) }),
    );
    const res = await runSimulation(sessions, { identities: ids, rng });
    const auxes = [...res.outcomes.values()].map((o) => {
      expect(o.status, String(o.error)).toBe('done');
      return o.output!.aux;
    });
    expect(auxes[0]!.public.get(2 as PartyIndex)!.N).toBe(pairs[1]!.p * pairs[1]!.q);
    const cores = coreShares(await runKeygen(2, 2, { seed: 'prover aux keygen' }));
    for (const [k, c] of cores.entries()) expect(validateKeyShare(c, auxes[k]!).core.index).toBe(c.index);
  });

  it('2-of-2 presigning with pool provers (and one pool + one in-thread prover) gives presignatures that sign', async () => {
    const shares = await fixtureKeyShares(2, 2, 'prover shares');
    for (const [label, provers] of [
      ['both on the pool', [onPool, onPool]],
      ['pool and in-thread', [onPool, undefined]],
    ] as const) {
      const res = await presignWith(shares, provers, `prover presign ${label}`);
      const presigs = presignaturesOf(res);
      const digest = new Uint8Array(32).fill(7);
      const sig = await runSign(shares, presigs, digest, { seed: `prover sign ${label}` });
      const outs = [...sig.outcomes.values()];
      for (const o of outs) expect(o.status, `${label}: ${String(o.error)}`).toBe('done');
      const { r, s } = outs[0]!.output!.signature;
      verifyEcdsa(shares[0]!.core.publicKey, digest, r, s);
    }
  });

  it('a prover that returns a tampered Π^enc gets its party named by the peer', async () => {
    const shares = await fixtureKeyShares(2, 2, 'prover shares');
    const tampering: ZkProver = async (jobs: readonly ZkProveJob[]) => {
      const proofs = await onPool(jobs);
      return proofs.map((p, k) => (jobs[k]!.kind === 'pienc' ? { ...(p as PiEncProof), z1: (p as PiEncProof).z1 + 1n } : p));
    };
    const res = await presignWith(shares, [tampering, onPool], 'prover tampered');
    const abort = expectBlame(res, [2], [1], 'invalid-proof');
    expect(abort.evidence.map((e) => e.detail).join(' ')).toMatch(/Π\^enc/);
  });

  it('a prover answering with the wrong number of proofs fails its own party (the peer sees silence, not a bad proof); a pool that cannot prove is refused', async () => {
    const shares = await fixtureKeyShares(2, 2, 'prover shares');
    const short: ZkProver = async () => [];
    const res = await presignWith(shares, [short, undefined], 'prover short');
    const own = res.outcomes.get(1 as PartyIndex)!;
    expect(own.status).not.toBe('done');
    expect(String(own.error)).toMatch(/prover/);
    const peer = res.outcomes.get(2 as PartyIndex)!;
    expect(peer.status).not.toBe('done');
    // the peer only sees silence from party 1 (never a bad proof)
    expect((peer.error as { reason?: unknown } | undefined)?.reason).not.toBe('invalid-proof');
    expect(() => poolProver({} as never)).toThrow(FieldTypeError);
  });

  it('the own-prime check lets the event loop run between the safe-prime tests and still refuses a non-safe factor, naming it', async () => {
    const { p, q } = taurusPrimePairs()[0]!;
    let yields = 0;
    const count = async () => {
      yields++;
    };
    expect(await checkPrimesYielding({ p, q }, count)).toEqual({ p, q });
    expect(yields).toBe(2);
    const blum = await generatePrime({ bits: 1024, kind: 'blum', rng: seeded('prover non-safe prime') });
    const e1 = await checkPrimesYielding({ p: blum, q }, count).catch((e: unknown) => e);
    const e2 = await checkPrimesYielding({ p, q: blum }, count).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(CryptoError);
    expect((e1 as CryptoError).field).toBe('primes.p');
    expect((e2 as CryptoError).field).toBe('primes.q');
  });
});
