/**
 * Test support (vitest only): the transport acceptance suite: one set of end-to-end checks every transport must pass
 * (in-memory, mailbox-only through the signal server, WebRTC mesh between Node peers).
 * Each transport test file calls {@link acceptanceSuite} with a harness that makes
 * transports for the parties of a session.
 *
 * Checks: a FROST 2-of-3 DKG then signing through the runner; a signer offline while the
 * other starts, finishing later; a party stopped mid-DKG resuming from its record; hostile
 * inputs (bad signature, replay, wrong session, unknown sender, oversize, malformed,
 * authentic but inconsistent content) rejected and counted while the ceremony completes;
 * a silent party ending the session with a timeout that names it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { ProtocolAbort } from '@tessera/protocols/engine/errors';
import { newSessionId, partyIndex, partyRange, type PartyIndex, type SessionId } from '@tessera/protocols/engine/ids';
import type { DkgOutput } from '@tessera/protocols/frost/dkg';
import { publicKey } from '@tessera/protocols/frost/keyshare';
import { createMemoryNonceLedger } from '@tessera/protocols/frost/nonce-ledger';
import type { SignOutput } from '@tessera/protocols/frost/sign';
import { getSuite } from '@tessera/protocols/frost/suite';
import { createEnvelopeCodec } from '../envelope.ts';
import { dkgOutputCodec, frostDkgFactory, frostSignFactory } from '../frost.ts';
import { generateIdentity, type IdentityKey } from '../identity.ts';
import { createMemoryRunnerStore, type RunnerStore } from '../runner-store.ts';
import { runProtocol, type RunnerEvent, type RunResult } from '../runner.ts';
import type { Transport } from '../transport.ts';

/** A session's network as the suite sees it. */
export interface SessionNet {
  /** A fresh transport for party `p` (may be called again after the previous one was closed). */
  transport(p: PartyIndex): Promise<Transport>;
  /**
   * Sends a raw text from party `from`'s side to `to` (models a hostile peer or relay).
   * Resolves with false if the network refused it before it reached `to` (e.g. the server
   * checked it), true if it was delivered to `to`'s transport.
   */
  inject(from: PartyIndex, to: PartyIndex, text: string): Promise<boolean>;
}

/** Makes session networks for one transport kind. */
export interface TransportHarness {
  /** Largest envelope the receivers accept (the suite's oversize input exceeds it). */
  readonly maxEnvelopeBytes: number;
  setup(session: SessionId, protocol: string, ids: ReadonlyMap<PartyIndex, IdentityKey>, parties: readonly PartyIndex[]): Promise<SessionNet>;
  /** Releases everything (servers, peers, clients). */
  cleanup(): Promise<void>;
}

const rng = createSeededRng('transport-acceptance');
const MESSAGE = new TextEncoder().encode('tessera transport acceptance');
const P = (i: number): PartyIndex => partyIndex(i);

/** Identities and directory of parties 1..n. */
export function committee(n: number): { parties: readonly PartyIndex[]; ids: Map<PartyIndex, IdentityKey>; directory: Map<PartyIndex, Uint8Array> } {
  const parties = partyRange(n);
  const ids = new Map(parties.map((p) => [p, generateIdentity(rng)] as const));
  const directory = new Map([...ids].map(([p, k]) => [p, k.publicKey] as const));
  return { parties, ids, directory };
}

/** Runs one party's FROST DKG (taproot, t = 2) over a fresh transport; closes the transport at the end. */
export async function dkgParty(
  net: SessionNet,
  session: SessionId,
  c: ReturnType<typeof committee>,
  p: PartyIndex,
  extra: { store?: RunnerStore; timeoutMs?: number; signal?: AbortSignal; onEvent?: (e: RunnerEvent) => void; maxEnvelopeBytes?: number } = {},
): Promise<RunResult<DkgOutput>> {
  const transport = await net.transport(p);
  try {
    return await runProtocol({
      session,
      self: p,
      transport,
      identity: c.ids.get(p)!,
      directory: c.directory,
      factory: frostDkgFactory({ session, self: p, parties: c.parties, suite: 'taproot', threshold: 2, identity: c.ids.get(p)!, directory: c.directory, rng }),
      output: dkgOutputCodec,
      timeoutMs: extra.timeoutMs ?? 60_000,
      ...(extra.store ? { store: extra.store } : {}),
      ...(extra.signal ? { signal: extra.signal } : {}),
      ...(extra.onEvent ? { onEvent: extra.onEvent } : {}),
      ...(extra.maxEnvelopeBytes ? { maxEnvelopeBytes: extra.maxEnvelopeBytes } : {}),
    });
  } finally {
    await transport.close();
  }
}

/** Runs one party's FROST signing of the suite's test message over a fresh transport. */
export async function signParty(net: SessionNet, session: SessionId, c: ReturnType<typeof committee>, dkg: DkgOutput, signers: readonly PartyIndex[]): Promise<RunResult<SignOutput>> {
  const p = dkg.keyShare.index;
  const transport = await net.transport(p);
  try {
    return await runProtocol({
      session,
      self: p,
      transport,
      identity: c.ids.get(p)!,
      directory: c.directory,
      factory: frostSignFactory({ session, keyShare: dkg.keyShare, message: MESSAGE, signers, ledger: createMemoryNonceLedger(), identity: c.ids.get(p)!, directory: c.directory, rng }),
      timeoutMs: 60_000,
    });
  } finally {
    await transport.close();
  }
}

/**
 * A party run left going in the background while the test drives others: its failure is
 * held (never an unhandled rejection, even if the test fails first) and rethrown by `result`.
 * @throws nothing itself; `result()` throws whatever the run threw.
 */
export function background<T>(run: Promise<T>): { result(): Promise<T> } {
  const settled = run.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return {
    async result() {
      const s = await settled;
      if (!s.ok) throw s.error;
      return s.value;
    },
  };
}

/** Asserts the DKG outputs agree on the group key. */
export function checkDkg(results: readonly RunResult<DkgOutput>[]): void {
  const keys = results.map((r) => Buffer.from(publicKey(r.output.keyShare)).toString('hex'));
  expect(new Set(keys).size).toBe(1);
  expect(results.map((r) => r.output.keyShare.index)).toEqual([1, 2, 3]);
}

/** Asserts the signature verifies under the group key. */
export function checkSignature(sig: SignOutput, dkg: DkgOutput): void {
  expect(getSuite('taproot').verify(sig.signature, MESSAGE, dkg.keyShare.commitments[0]!)).toBe(true);
}

/** Registers the acceptance tests for one transport. */
export function acceptanceSuite(name: string, makeHarness: () => Promise<TransportHarness>): void {
  describe(`transport acceptance: ${name}`, () => {
    let harness: TransportHarness | undefined;
    const get = async (): Promise<TransportHarness> => (harness ??= await makeHarness());
    afterAll(async () => {
      await harness?.cleanup();
    });

    it('runs a FROST 2-of-3 DKG and a 2-of-3 signing end to end', async () => {
      const h = await get();
      const c = committee(3);
      const dkgSession = newSessionId(rng);
      const dnet = await h.setup(dkgSession, 'tessera/frost/dkg', c.ids, c.parties);
      const dkg = await Promise.all(c.parties.map((p) => dkgParty(dnet, dkgSession, c, p)));
      checkDkg(dkg);
      for (const r of dkg) expect(r.rejections).toEqual({});
      const signSession = newSessionId(rng);
      const snet = await h.setup(signSession, 'tessera/frost/sign', c.ids, c.parties);
      const signers = [P(1), P(3)];
      const sigs = await Promise.all(signers.map((p) => signParty(snet, signSession, c, dkg[p - 1]!.output, signers)));
      checkSignature(sigs[0]!.output, dkg[0]!.output);
      expect(Buffer.from(sigs[1]!.output.signature)).toEqual(Buffer.from(sigs[0]!.output.signature));
    });

    it('a signer that is offline while the other starts finishes later from the mailbox', async () => {
      const h = await get();
      const c = committee(3);
      const dkgSession = newSessionId(rng);
      const dnet = await h.setup(dkgSession, 'tessera/frost/dkg', c.ids, c.parties);
      const dkg = await Promise.all(c.parties.map((p) => dkgParty(dnet, dkgSession, c, p)));
      const signSession = newSessionId(rng);
      const snet = await h.setup(signSession, 'tessera/frost/sign', c.ids, c.parties);
      const signers = [P(1), P(2)];
      // party 1 signs while party 2 is offline: its commitments wait in the mailbox
      const first = background(signParty(snet, signSession, c, dkg[0]!.output, signers));
      await new Promise((r) => setTimeout(r, 300));
      const late = await signParty(snet, signSession, c, dkg[1]!.output, signers);
      const early = await first.result();
      checkSignature(late.output, dkg[0]!.output);
      expect(Buffer.from(early.output.signature)).toEqual(Buffer.from(late.output.signature));
    });

    it('a party stopped mid-ceremony resumes from its record and the ceremony completes', async () => {
      const h = await get();
      const c = committee(3);
      const session = newSessionId(rng);
      const net = await h.setup(session, 'tessera/frost/dkg', c.ids, c.parties);
      const store = createMemoryRunnerStore();
      const stop = new AbortController();
      let stoppedAt = 0;
      const others = [P(1), P(2)].map((p) => background(dkgParty(net, session, c, p)));
      // party 3 is stopped as soon as it reaches round 2 (its round-2 shares are in its outbox)
      const killed = await dkgParty(net, session, c, P(3), {
        store,
        signal: stop.signal,
        onEvent: (e) => {
          if (e.type === 'round' && e.round >= 2 && !stop.signal.aborted) {
            stoppedAt = e.round;
            stop.abort();
          }
        },
      }).then(
        () => 'finished',
        (e: unknown) => (e as Error).name,
      );
      expect(killed).toBe('AbortError');
      expect(stoppedAt).toBeGreaterThanOrEqual(2);
      expect(store.values.size).toBe(1);
      const resumed = await dkgParty(net, session, c, P(3), { store });
      expect(resumed.resumed).toBe(true);
      const done = await Promise.all(others.map((o) => o.result()));
      checkDkg([...done, resumed]);
      // a finished record returns its kept output without running again
      const again = await dkgParty(net, session, c, P(3), { store });
      expect(Buffer.from(again.output.keyShare.signingShare)).toEqual(Buffer.from(resumed.output.keyShare.signingShare));
    });

    it('rejects and counts hostile inputs while the ceremony completes', async () => {
      const h = await get();
      const c = committee(3);
      const outsider = generateIdentity(rng);
      const session = newSessionId(rng);
      const protocol = 'tessera/frost/dkg';
      const net = await h.setup(session, protocol, c.ids, c.parties);
      const seal = (id: IdentityKey, from: number, s: SessionId, seq: number, payload: unknown, dir = c.directory) =>
        createEnvelopeCodec({ session: s, protocol, self: P(from), identity: id, directory: new Map([...dir, [P(from), id.publicKey]]), rng }).seal({ protocol, round: 1, seq, to: null, payload: payload as never });
      const inconsistent = await seal(c.ids.get(P(1))!, 1, session, 1000, { not: 'an engine envelope' });
      const flipped = inconsistent.replace(/"sig":"(.)/, (_m, ch: string) => `"sig":"${ch === '0' ? '1' : '0'}`);
      const hostile = [
        inconsistent, // authentic sender, malformed inner envelope
        inconsistent, // the same again: replay
        flipped, // bad signature
        await seal(c.ids.get(P(1))!, 1, newSessionId(rng), 1001, 1), // another session
        await seal(outsider, 4, session, 1, 1), // not a party
        'x'.repeat(h.maxEnvelopeBytes + 10), // oversize
        '{"v":1', // malformed
      ];
      // parties 1 and 2 start and wait for party 3; the hostile inputs reach party 2 meanwhile
      const runs = [P(1), P(2)].map((p) => background(dkgParty(net, session, c, p)));
      let delivered = 0;
      for (const text of hostile) if (await net.inject(P(1), P(2), text)) delivered++;
      const results = await Promise.all([...runs.map((r) => r.result()), dkgParty(net, session, c, P(3))]);
      checkDkg(results);
      const counted = Object.values(results[1]!.rejections).reduce((a, b) => a + (b ?? 0), 0);
      // every input that reached party 2 was rejected and counted there; none disturbed it
      expect(counted).toBe(delivered);
      expect(results[1]!.rejections.malformed).toBeGreaterThanOrEqual(1);
      expect(results[1]!.rejections.replay).toBe(1);
      expect(results[0]!.rejections).toEqual({});
    });

    it('a silent party ends the session with a timeout naming it', async () => {
      const h = await get();
      const c = committee(3);
      const session = newSessionId(rng);
      const net = await h.setup(session, 'tessera/frost/dkg', c.ids, c.parties);
      const errors = await Promise.all([P(1), P(2)].map((p) => dkgParty(net, session, c, p, { timeoutMs: 5000 }).then(() => undefined, (e: unknown) => e)));
      for (const e of errors) {
        expect(e).toBeInstanceOf(ProtocolAbort);
        expect((e as ProtocolAbort).reason).toBe('timeout');
        expect((e as ProtocolAbort).culprits).toEqual([3]);
      }
    });
  });
}
