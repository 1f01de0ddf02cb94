/**
 * Threshold decryption through the engine and the simulator: every decrypting party outputs m;
 * a party that broadcasts a tampered share (or a share replayed from another session) is
 * excluded and named while the others still decrypt; with fewer than T valid shares the session
 * aborts naming the culprit; malformed messages are identifiable aborts; snapshots resume.
 */
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import type { Json, JsonObject } from '../src/engine/codec.ts';
import { ProtocolAbort } from '../src/engine/errors.ts';
import { newSessionId, type PartyIndex, type SessionId } from '../src/engine/ids.ts';
import { createIdentities, runSimulation, tamperMessages, type Fault, type SimIdentities } from '../src/engine/simulator.ts';
import { createDecryptSession, restoreDecryptSession, type DecryptOutput } from '../src/paillier/decrypt/index.ts';
import { dealtKey, encryptUnder } from './paillier-fixtures.ts';

const rng = createSeededRng('paillier decrypt protocol');
const key = dealtKey(3, 2);
const pk = key.publicKey;
const m = 271_828_182_845n;
const c = encryptUnder(pk, m);
const ids: SimIdentities = createIdentities(pk.parties, rng);

async function run(parties: number[], faults: Fault[] = [], session: SessionId = newSessionId(rng)) {
  const ps = parties as PartyIndex[];
  const sessions = ps.map((p) =>
    createDecryptSession({ session, keyShare: key.shares.get(p)!, parties: ps, ciphertext: c, auth: ids.auth.get(p)!, rng }),
  );
  return runSimulation<DecryptOutput>(sessions, { identities: ids, rng, faults });
}

function flipHex(h: string): string {
  return h.slice(0, -1) + (h.endsWith('0') ? '1' : '0');
}

/** Party 2's share message of the first run, replayed into another session below. */
const captured: Json[] = [];

describe('threshold decryption protocol', () => {
  it('all three parties decrypt', async () => {
    const res = await run([1, 2, 3], [tamperMessages({ from: 2 as PartyIndex, round: 1 }, (p) => (captured.push(p), p))]);
    for (const o of res.outcomes.values()) {
      expect(o.status).toBe('done');
      expect(o.output!.plaintext).toBe(m);
      expect(o.output!.valid).toEqual([1, 2, 3]);
    }
  });

  it('any two parties decrypt', async () => {
    const res = await run([2, 3]);
    for (const o of res.outcomes.values()) expect(o.output?.plaintext).toBe(m);
  });

  it('a tampered share is excluded and its sender named; the others still decrypt', async () => {
    const res = await run([1, 2, 3], [tamperMessages({ from: 2 as PartyIndex, round: 1 }, (p) => ({ ...(p as JsonObject), ci: flipHex((p as JsonObject).ci as string) }))]);
    for (const p of [1, 3] as PartyIndex[]) {
      const out = res.outcomes.get(p)!.output!;
      expect(out.plaintext).toBe(m);
      expect(out.valid).toEqual([1, 3]);
      expect(out.invalid.map((x) => x.index)).toEqual([2]);
    }
  });

  it('with T = 2 of two parties, a tampered proof aborts naming the culprit', async () => {
    const res = await run([1, 2], [
      tamperMessages({ from: 2 as PartyIndex, round: 1 }, (p) => {
        const o = p as JsonObject;
        const proof = o.proof as JsonObject;
        return { ...o, proof: { ...proof, e: flipHex(proof.e as string) } };
      }),
    ]);
    const o1 = res.outcomes.get(1 as PartyIndex)!;
    expect(o1.status).toBe('aborted');
    expect(o1.error).toBeInstanceOf(ProtocolAbort);
    expect((o1.error as ProtocolAbort).reason).toBe('invalid-proof');
    expect((o1.error as ProtocolAbort).culprits).toEqual([2]);
    expect((o1.error as ProtocolAbort).evidence[0]!.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a share replayed from another session fails its proof (bound to the session id)', async () => {
    if (captured.length === 0) await run([1, 2], [tamperMessages({ from: 2 as PartyIndex, round: 1 }, (p) => (captured.push(p), p))]);
    const res = await run([1, 2, 3], [tamperMessages({ from: 2 as PartyIndex, round: 1 }, () => captured[0]!)]);
    expect(res.outcomes.get(1 as PartyIndex)!.output!.invalid.map((x) => x.index)).toEqual([2]);
    expect(res.outcomes.get(1 as PartyIndex)!.output!.plaintext).toBe(m);
  });

  it('a malformed share or one claiming another index is an identifiable abort', async () => {
    const res = await run([1, 2, 3], [tamperMessages({ from: 3 as PartyIndex, round: 1 }, (p) => ({ ...(p as JsonObject), ci: 'zz' }))]);
    const e = res.outcomes.get(1 as PartyIndex)!.error as ProtocolAbort;
    expect(e.reason).toBe('invalid-message');
    expect(e.culprits).toEqual([3]);
    const res2 = await run([1, 2, 3], [tamperMessages({ from: 3 as PartyIndex, round: 1 }, (p) => ({ ...(p as JsonObject), index: 1 }))]);
    expect((res2.outcomes.get(2 as PartyIndex)!.error as ProtocolAbort).culprits).toEqual([3]);
  });

  it('refuses to start with fewer than T parties or a party outside the committee', async () => {
    const session = newSessionId(rng);
    const s = createDecryptSession({ session, keyShare: key.shares.get(1 as PartyIndex)!, parties: [1 as PartyIndex], ciphertext: c, auth: ids.auth.get(1 as PartyIndex)!, rng });
    await s.start();
    expect(s.status).toBe('aborted');
    expect(s.error!.message).toMatch(/at least 2/);
    const s2 = createDecryptSession({ session, keyShare: key.shares.get(1 as PartyIndex)!, parties: [1, 4] as PartyIndex[], ciphertext: c, auth: ids.auth.get(1 as PartyIndex)!, rng });
    await s2.start();
    expect(s2.error!.message).toMatch(/not in the committee/);
  });

  it('resumes from a snapshot after start', async () => {
    const session = newSessionId(rng);
    const ps = [1, 2] as PartyIndex[];
    const s1 = createDecryptSession({ session, keyShare: key.shares.get(1 as PartyIndex)!, parties: ps, ciphertext: c, auth: ids.auth.get(1 as PartyIndex)!, rng });
    const s2 = createDecryptSession({ session, keyShare: key.shares.get(2 as PartyIndex)!, parties: ps, ciphertext: c, auth: ids.auth.get(2 as PartyIndex)!, rng });
    const out1 = await s1.start();
    const out2 = await s2.start();
    const restored = restoreDecryptSession(s1.snapshot(), { keyShare: key.shares.get(1 as PartyIndex)!, auth: ids.auth.get(1 as PartyIndex)!, rng });
    for (const env of out2) await restored.receive(env);
    for (const env of out1) await s2.receive(env);
    expect(restored.output?.plaintext).toBe(m);
    expect(s2.output?.plaintext).toBe(m);
  });
});
