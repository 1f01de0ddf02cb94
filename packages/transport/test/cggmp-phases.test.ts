/**
 * The pieces of the CGGMP21 ceremonies without a server: the phase router keeps envelopes of
 * a later phase durably (a restart in between loses nothing), drops duplicates of finished
 * phases and hands unreadable texts to the running phase; the ceremony functions a browser
 * party calls (keygen + aux-info, refresh + aux-info, presign + sign) over the in-memory hub,
 * the refreshed shares keeping the key; the pool prime source asks for safe primes with
 * progress; and the invitation parameters of the CGGMP ceremonies are checked field by field.
 */
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import type { PoolPrimeOptions } from '@tessera/crypto/pool';
import { verifyEcdsaDigest } from '@tessera/protocols/cggmp/ecdsa';
import { createMemoryNonceLedger } from '@tessera/protocols/frost/nonce-ledger';
import { newSessionId, partyIndex, type PartyIndex } from '@tessera/protocols/engine/ids';
import {
  CGGMP_PROTOCOLS,
  cggmpPoolPrimeSource,
  createPhasedTransport,
  fixedPrimeSource,
  runCggmpKeygenCeremony,
  runCggmpRefreshCeremony,
  runCggmpSignCeremony,
  type CggmpKeyShare,
} from '../src/cggmp.ts';
import { createEnvelopeCodec } from '../src/envelope.ts';
import { generateIdentity } from '../src/identity.ts';
import { createInvitation } from '../src/invitation.ts';
import { parseCeremonyParams } from '../src/node-party.ts';
import { createMemoryRunnerStore } from '../src/runner-store.ts';
import { createMemoryNetwork } from '../src/transport.ts';
import { fixturePrimes } from './cggmp-support.ts';

const p1 = partyIndex(1);
const p2 = partyIndex(2);
const until = async (cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('phase router', () => {
  it('keeps a later phase’s envelopes durably across a restart, drops finished phases’ duplicates, hands unreadable texts to the running phase', async () => {
    const ids = [generateIdentity(), generateIdentity()];
    const directory = new Map<PartyIndex, Uint8Array>([[p1, ids[0]!.publicKey], [p2, ids[1]!.publicKey]]);
    const session = newSessionId();
    const net = createMemoryNetwork();
    const codec = createEnvelopeCodec({ session, self: p2, identity: ids[1]!, directory });
    const seal = (protocol: string, seq: number) => codec.seal({ protocol, round: 1, seq, to: null, payload: { n: seq } });
    const [A, B] = [CGGMP_PROTOCOLS.presign, CGGMP_PROTOCOLS.sign];
    const store = createMemoryRunnerStore();
    const sender = net.transport(session, p2, [p1, p2]);

    const gotA: string[] = [];
    const r1 = createPhasedTransport({ transport: net.transport(session, p1, [p1, p2]), protocols: [A, B], store, key: 'kept' });
    await r1.phase(A).start(async (t) => void gotA.push(t));
    const [a1, b1, b2] = [await seal(A, 1), await seal(B, 2), await seal(B, 3)];
    for (const t of [a1, b1, b2]) await sender.send(null, t);
    await until(() => gotA.length === 1 && net.queued(session, p1) === 0);
    expect(gotA).toEqual([a1]);
    expect(JSON.parse((await store.load(`kept/${B}`))!)).toEqual([b1, b2]);
    // "crash": the hub has nothing left for party 1 (everything was acknowledged)
    await r1.close();

    const gotB: string[] = [];
    const r2 = createPhasedTransport({ transport: net.transport(session, p1, [p1, p2]), protocols: [A, B], store, key: 'kept' });
    await r2.phase(A).close(); // finished before the restart (its record says done)
    await r2.phase(B).start(async (t) => void gotB.push(t));
    expect(gotB).toEqual([b1, b2]);
    expect(await store.load(`kept/${B}`)).toBeUndefined();
    const a2 = await seal(A, 4);
    await sender.send(null, a2);
    await sender.send(null, 'not an envelope');
    await until(() => gotB.length === 3);
    expect(gotB[2]).toBe('not an envelope');
    await expect(r2.phase(A).start(async () => undefined)).rejects.toBeInstanceOf(FieldRangeError);
    expect(() => r2.phase('tessera/frost/sign')).toThrow(FieldRangeError);
    await r2.close();
  });
});

describe('ceremonies over the in-memory hub (the browser party’s API)', () => {
  it('keygen + aux-info, refresh + aux-info keeping the key, then presign + sign with the refreshed shares', async () => {
    const primes = fixturePrimes();
    const ids = [generateIdentity(), generateIdentity()];
    const directory = new Map<PartyIndex, Uint8Array>([[p1, ids[0]!.publicKey], [p2, ids[1]!.publicKey]]);
    const net = createMemoryNetwork();
    const parties = [p1, p2];
    const room = (session: ReturnType<typeof newSessionId>, k: number) => ({
      session,
      self: parties[k]!,
      identity: ids[k]!,
      directory,
      transport: net.transport(session, parties[k]!, parties),
      timeoutMs: 30_000,
    });
    const s1 = newSessionId();
    const kg = await Promise.all([0, 1].map((k) => runCggmpKeygenCeremony({ ...room(s1, k), parties, threshold: 2, primeSource: fixedPrimeSource([primes[k]!]) })));
    const shares: CggmpKeyShare[] = kg.map((r) => r.keyShare);
    const s2 = newSessionId();
    const phases: string[] = [];
    const rf = await Promise.all(
      [0, 1].map((k) =>
        runCggmpRefreshCeremony({
          ...room(s2, k),
          keyShare: shares[k]!,
          primeSource: fixedPrimeSource([primes[1 - k]!]),
          ...(k === 0 ? { onEvent: (phase: string, e: { type: string }) => void (e.type === 'started' && phases.push(phase)) } : {}),
        }),
      ),
    );
    expect(phases).toEqual(['refresh', 'aux']);
    const fresh = rf.map((r) => r.keyShare);
    expect(bytesToHex(fresh[0]!.core.publicKey)).toBe(bytesToHex(shares[0]!.core.publicKey));
    expect(bytesToHex(fresh[0]!.core.chainCode)).toBe(bytesToHex(shares[0]!.core.chainCode));
    expect(fresh[0]!.core.x).not.toBe(shares[0]!.core.x);
    expect(fresh[0]!.aux.public.get(p1)!.N).toBe(primes[1]!.p * primes[1]!.q);

    const digest = sha256(new TextEncoder().encode('refreshed'));
    const s3 = newSessionId();
    const sig = await Promise.all(
      [0, 1].map((k) => runCggmpSignCeremony({ ...room(s3, k), keyShare: fresh[k]!, digest, signers: parties, ledger: createMemoryNonceLedger() })),
    );
    expect(sig[0]!.signature).toEqual(sig[1]!.signature);
    expect(verifyEcdsaDigest(shares[0]!.core.publicKey, digest, sig[0]!.signature)).toBe(true);
    expect(verifyEcdsaDigest(shares[0]!.core.publicKey, sha256(new TextEncoder().encode('other')), sig[0]!.signature)).toBe(false);
    // a digest that is not 32 bytes is refused before anything is sent
    await expect(runCggmpSignCeremony({ ...room(newSessionId(), 0), keyShare: fresh[0]!, digest: new Uint8Array(31), signers: parties, ledger: createMemoryNonceLedger() })).rejects.toBeInstanceOf(
      FieldTypeError,
    );
  }, 60_000);
});

describe('pool prime source', () => {
  it('asks the pool for two safe primes of 1024 bits with progress, and refuses smaller ones', async () => {
    const calls: [number, PoolPrimeOptions][] = [];
    const progress: number[] = [];
    const pool = {
      async findPrimes(count: number, opts: PoolPrimeOptions) {
        calls.push([count, opts]);
        opts.onProgress?.({ candidates: 5, tested: 1, expected: 10, found: 1, count });
        return [7n, 11n];
      },
    };
    const source = cggmpPoolPrimeSource(pool, { onProgress: (p) => progress.push(p.candidates / p.expected) });
    expect(await source()).toEqual({ p: 7n, q: 11n });
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBe(2);
    expect(calls[0]![1]).toMatchObject({ bits: 1024, kind: 'safe' });
    expect(progress).toEqual([0.5]);
    expect(() => cggmpPoolPrimeSource(pool, { bits: 512 })).toThrow(FieldRangeError);
  });
});

describe('CGGMP invitation parameters', () => {
  const ids = [generateIdentity(), generateIdentity()];
  const inv = (protocol: string, params: object) =>
    createInvitation({ session: newSessionId(), protocol, creator: ids[0]!, parties: [[1, ids[0]!.publicKey], [2, ids[1]!.publicKey]], params: params as never });
  const key = '02' + '11'.repeat(32);
  const sign = { ceremony: 'cggmp-sign', groupKey: key, message: '6869', hash: 'sha256', signers: [1, 2], derivation: [0, 1] };

  it('accepts keygen and signing parameters (digest computed, or given as is)', () => {
    expect(parseCeremonyParams(inv(CGGMP_PROTOCOLS.keygen, { ceremony: 'cggmp-keygen', threshold: 2 }))).toEqual({ ceremony: 'cggmp-keygen', threshold: 2 });
    const p = parseCeremonyParams(inv(CGGMP_PROTOCOLS.sign, sign));
    expect(p).toMatchObject({ ceremony: 'cggmp-sign', digest: bytesToHex(sha256(Uint8Array.of(0x68, 0x69))), derivation: [0, 1] });
    const d = '22'.repeat(32);
    expect(parseCeremonyParams(inv(CGGMP_PROTOCOLS.sign, { ...sign, message: d, hash: null }))).toMatchObject({ digest: d });
    expect(parseCeremonyParams(inv(CGGMP_PROTOCOLS.refresh, { ceremony: 'cggmp-refresh', groupKey: key }))).toEqual({ ceremony: 'cggmp-refresh', groupKey: key });
  });

  it('refuses bad ones naming the field', () => {
    const field = (protocol: string, params: object): string => {
      try {
        parseCeremonyParams(inv(protocol, params));
      } catch (e) {
        expect(e instanceof FieldRangeError || e instanceof FieldTypeError).toBe(true);
        return (e as FieldRangeError).field;
      }
      throw new Error('accepted');
    };
    expect(field(CGGMP_PROTOCOLS.keygen, { ceremony: 'cggmp-keygen', threshold: 3 })).toBe('params.threshold');
    expect(field(CGGMP_PROTOCOLS.sign, { ceremony: 'cggmp-keygen', threshold: 2 })).toBe('protocol');
    expect(field(CGGMP_PROTOCOLS.keygen, sign)).toBe('protocol');
    expect(field(CGGMP_PROTOCOLS.sign, { ...sign, hash: 'md5' })).toBe('params.hash');
    expect(field(CGGMP_PROTOCOLS.sign, { ...sign, hash: null })).toBe('params.message');
    expect(field(CGGMP_PROTOCOLS.sign, { ...sign, groupKey: '02' })).toBe('params.groupKey');
    expect(field(CGGMP_PROTOCOLS.sign, { ...sign, signers: [1, 3] })).toBe('params.signers');
    expect(field(CGGMP_PROTOCOLS.sign, { ...sign, derivation: [2 ** 31] })).toBe('params.derivation');
    expect(field(CGGMP_PROTOCOLS.sign, { ...sign, extra: 1 })).toBe('params.extra');
    expect(field(CGGMP_PROTOCOLS.sign, { ceremony: 'cggmp-refresh', groupKey: key })).toBe('protocol');
    expect(field(CGGMP_PROTOCOLS.refresh, { ceremony: 'cggmp-refresh', groupKey: '03' })).toBe('params.groupKey');
    expect(field(CGGMP_PROTOCOLS.refresh, { ceremony: 'cggmp-rotate', groupKey: key })).toBe('params.ceremony');
  });
});
