/**
 * Transport benchmarks (bounded in count and time, loopback only), for `pnpm bench`:
 *
 * - {@link benchSignalLoad}: server load — S concurrent sessions × P parties, each party
 *   posting M signed broadcast envelopes to its room; reports messages per second (posts
 *   acknowledged, i.e. synced to disk) and the relay latency from `post` to the push at each
 *   recipient (p50, p99), with the embedded file store.
 * - {@link benchCeremony}: wall time of a FROST 2-of-3 DKG + signing through the runner over
 *   the WebRTC mesh (channels open beforehand) and over the mailbox, against the same
 *   ceremony in the in-memory simulator (`simulateFrost`), the anchor.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { FieldRangeError, assertInteger } from '@tessera/crypto/errors';
import { createEnvelopeCodec } from '@tessera/transport/envelope';
import { createMemoryNonceLedger, dkgOutputCodec, frostDkgFactory, frostSignFactory, simulateFrost } from '@tessera/transport/frost';
import { generateIdentity } from '@tessera/transport/identity';
import { createInvitation } from '@tessera/transport/invitation';
import { createMailboxTransport } from '@tessera/transport/mailbox';
import { loadRTCPeerConnection, releaseRtc } from '@tessera/transport/rtc';
import { runProtocol } from '@tessera/transport/runner';
import { connectSignal, type SignalClient } from '@tessera/transport/signal-client';
import { newSessionId, partyIndex, type PartyIndex, type SessionId } from '@tessera/transport/signal-protocol';
import type { Transport, TransportHandler } from '@tessera/transport/transport';
import { createMeshTransport, type MeshTransport } from '@tessera/transport/webrtc';
import { createFileStore } from './file-store.ts';
import { silentLogger } from './log.ts';
import { startSignalServer, type SignalServer } from './server.ts';

/** Options of {@link benchSignalLoad}. */
export interface SignalLoadOptions {
  /** Concurrent sessions (rooms), 1..200. */
  readonly sessions: number;
  /** Parties per session, 2..16. */
  readonly parties: number;
  /** Broadcasts each party posts, 1..1000. */
  readonly messagesPerParty: number;
  /** Stop posting after this long (default 30 s). */
  readonly maxMs?: number;
}

/** Result of {@link benchSignalLoad}. */
export interface SignalLoadResult {
  readonly sessions: number;
  readonly parties: number;
  /** Posts acknowledged (durable). */
  readonly messages: number;
  /** Pushes received by recipients. */
  readonly deliveries: number;
  readonly seconds: number;
  readonly messagesPerSecond: number;
  /** Relay latency post → push, milliseconds. */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Server load on loopback with the file store in a temporary directory.
 * @throws {FieldRangeError} on out-of-range options.
 */
export async function benchSignalLoad(o: SignalLoadOptions): Promise<SignalLoadResult> {
  assertInteger('sessions', o.sessions, 1, 200);
  assertInteger('parties', o.parties, 2, 16);
  assertInteger('messagesPerParty', o.messagesPerParty, 1, 1000);
  const maxMs = o.maxMs ?? 30_000;
  const rng = createSeededRng('bench-signal-load');
  const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-signal-'));
  const server = await startSignalServer({ store: createFileStore({ dir }), port: 0, logger: silentLogger, rate: { perSecond: 1e6, burst: 1e6 }, maxConnections: o.sessions * o.parties + 10 });
  const clients: SignalClient[] = [];
  const latencies: number[] = [];
  let messages = 0;
  let deliveries = 0;
  try {
    const rooms = await Promise.all(
      Array.from({ length: o.sessions }, async () => {
        const parties = Array.from({ length: o.parties }, (_, k) => partyIndex(k + 1));
        const ids = new Map(parties.map((p) => [p, generateIdentity(rng)] as const));
        const directory = new Map([...ids].map(([p, k]) => [p, k.publicKey] as const));
        const session = newSessionId(rng);
        const inv = createInvitation({ session, protocol: 'tessera/bench', creator: ids.get(parties[0]!)!, parties: directory, ttlMs: 3600_000 });
        const members = await Promise.all(
          parties.map(async (p) => {
            const c = await connectSignal({ url: server.url, identity: ids.get(p)!, reconnect: false });
            clients.push(c);
            return { p, c, codec: createEnvelopeCodec({ session, protocol: 'tessera/bench', self: p, identity: ids.get(p)!, directory, rng }) };
          }),
        );
        await members[0]!.c.create(inv.text);
        for (const m of members) await m.c.join(session);
        return { session, members };
      }),
    );
    // pre-seal every envelope so the timed part is the server's work
    const sent = new Map<string, number>();
    const arrived: [string, number][] = [];
    for (const r of rooms)
      for (const m of r.members)
        m.c.on('message', (_s, it) => {
          deliveries++;
          arrived.push([`${r.session}:${it.cursor}`, performance.now()]);
        });
    const plan = await Promise.all(
      rooms.flatMap((r) => r.members.map(async (m) => ({ r, m, texts: await Promise.all(Array.from({ length: o.messagesPerParty }, (_, k) => m.codec.seal({ protocol: 'tessera/bench', round: 1, seq: k + 1, to: null, payload: { k, pad: 'ab'.repeat(64) } }))) }))),
    );
    const t0 = performance.now();
    await Promise.all(
      plan.map(async ({ r, m, texts }) => {
        for (const text of texts) {
          if (performance.now() - t0 > maxMs) return;
          const before = performance.now();
          const cursor = await m.c.post(r.session, null, text);
          // pushes go out before the acknowledgement: matched with the post time afterwards
          sent.set(`${r.session}:${cursor}`, before);
          messages++;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    await new Promise((res) => setTimeout(res, 200));
    for (const [key, at] of arrived) {
      const t = sent.get(key);
      if (t !== undefined) latencies.push(at - t);
    }
    latencies.sort((a, b) => a - b);
    return { sessions: o.sessions, parties: o.parties, messages, deliveries, seconds, messagesPerSecond: messages / seconds, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One benchmark row (as `@tessera/protocols/frost/bench`). */
export interface CeremonyRow {
  readonly name: string;
  readonly ms: number;
  readonly anchor: string;
  readonly anchorMs: number;
  readonly ratio: number;
}

async function ceremonyOnce(server: SignalServer, kind: 'webrtc' | 'mailbox', rng: ReturnType<typeof createSeededRng>): Promise<number> {
  const parties = [1, 2, 3].map((i) => partyIndex(i));
  const ids = new Map(parties.map((p) => [p, generateIdentity(rng)] as const));
  const directory = new Map([...ids].map(([p, k]) => [p, k.publicKey] as const));
  const RTC = kind === 'webrtc' ? await loadRTCPeerConnection() : undefined;
  const clients: SignalClient[] = [];
  /** Transports for a session, connected (channels open) before the clock starts. */
  const connect = async (session: SessionId, protocol: string, who: readonly PartyIndex[]): Promise<Map<PartyIndex, Transport>> => {
    const inv = createInvitation({ session, protocol, creator: ids.get(who[0]!)!, parties: directory, ttlMs: 3600_000 });
    const out = new Map<PartyIndex, Transport>();
    const meshes: MeshTransport[] = [];
    for (const p of who) {
      const c = await connectSignal({ url: server.url, identity: ids.get(p)!, reconnect: false });
      clients.push(c);
      await c.create(inv.text);
      let handler: TransportHandler | undefined;
      const queue: string[] = [];
      const inner = RTC ? createMeshTransport({ client: c, session, RTCPeerConnection: RTC }) : createMailboxTransport({ client: c, session });
      if (RTC) meshes.push(inner as MeshTransport);
      await inner.start(async (t) => (handler ? handler(t) : void queue.push(t)));
      out.set(p, {
        async start(h) {
          handler = h;
          for (const t of queue.splice(0)) await h(t);
        },
        send: (to, t) => inner.send(to, t),
        close: () => inner.close(),
      });
    }
    await Promise.all(meshes.map((m, k) => m.waitForChannels(who.filter((q) => q !== who[k]), 20_000)));
    return out;
  };
  try {
    const dkgSession = newSessionId(rng);
    const signSession = newSessionId(rng);
    const dkgT = await connect(dkgSession, 'tessera/frost/dkg', parties);
    const signers = [parties[0]!, parties[1]!];
    const signT = await connect(signSession, 'tessera/frost/sign', signers);
    const t0 = performance.now();
    const dkg = await Promise.all(
      parties.map((p) =>
        runProtocol({ session: dkgSession, self: p, transport: dkgT.get(p)!, identity: ids.get(p)!, directory, factory: frostDkgFactory({ session: dkgSession, self: p, parties, suite: 'secp256k1', threshold: 2, identity: ids.get(p)!, directory, rng }), output: dkgOutputCodec }),
      ),
    );
    await Promise.all(
      signers.map((p) =>
        runProtocol({
          session: signSession,
          self: p,
          transport: signT.get(p)!,
          identity: ids.get(p)!,
          directory,
          factory: frostSignFactory({ session: signSession, keyShare: dkg[p - 1]!.output.keyShare, message: new Uint8Array(32), signers, ledger: createMemoryNonceLedger(), identity: ids.get(p)!, directory, rng }),
        }),
      ),
    );
    const ms = performance.now() - t0;
    for (const t of [...dkgT.values(), ...signT.values()]) await t.close();
    return ms;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/**
 * FROST 2-of-3 (secp256k1) DKG + signing over WebRTC and over the mailbox against the
 * in-memory simulator; `runs` repetitions each, mean times.
 * @throws {FieldRangeError} if `runs` is out of 1..20.
 */
export async function benchCeremony(opts: { runs?: number } = {}): Promise<CeremonyRow[]> {
  const runs = opts.runs ?? 3;
  if (!Number.isSafeInteger(runs) || runs < 1 || runs > 20) throw new FieldRangeError('runs', 'expected 1..20');
  const rng = createSeededRng('bench-ceremony');
  let simMs = 0;
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    await simulateFrost({ suite: 'secp256k1', threshold: 2, parties: 3, message: '00'.repeat(32), rng });
    simMs += performance.now() - t0;
  }
  simMs /= runs;
  const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-ceremony-'));
  const server = await startSignalServer({ store: createFileStore({ dir }), port: 0, logger: silentLogger });
  const rows: CeremonyRow[] = [];
  try {
    for (const kind of ['webrtc', 'mailbox'] as const) {
      let ms = 0;
      for (let k = 0; k < runs; k++) ms += await ceremonyOnce(server, kind, rng);
      ms /= runs;
      rows.push({ name: `frost 2-of-3 DKG+sign over ${kind}`, ms, anchor: 'in-memory simulator', anchorMs: simMs, ratio: ms / simMs });
    }
  } finally {
    await server.close();
    await releaseRtc();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
