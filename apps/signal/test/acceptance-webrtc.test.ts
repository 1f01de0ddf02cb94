/**
 * The transport acceptance suite over the WebRTC mesh between Node peers (node-datachannel),
 * signalled through a real signal server on loopback, plus mesh-specific checks: channels
 * open between every pair and carry the traffic, a peer that leaves makes the others fall
 * back to the mailbox, and the channel reconnects when the peer returns.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { createEnvelopeCodec } from '@tessera/transport/envelope';
import { generateIdentity, type IdentityKey } from '@tessera/transport/identity';
import { loadRTCPeerConnection, releaseRtc } from '@tessera/transport/rtc';
import { newSessionId, partyIndex, type PartyIndex, type SessionId } from '@tessera/transport/signal-protocol';
import { acceptanceSuite, checkDkg, checkSignature, committee, dkgParty, signParty, type SessionNet, type TransportHarness } from '@tessera/transport/testing/acceptance';
import type { TransportHandler } from '@tessera/transport/transport';
import { createMeshTransport, type MeshEvent, type MeshTransport } from '@tessera/transport/webrtc';
import { ClientPool, TEST_MAX_ENVELOPE_BYTES, openRoom, testServer } from './harness.ts';

const harnesses: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of harnesses.splice(0)) await c();
  await releaseRtc();
});

interface WebrtcHarness extends TransportHarness {
  mesh(session: SessionId, p: PartyIndex): MeshTransport | undefined;
  /**
   * Sets up a session whose meshes are started (texts wait in a queue) and whose channels
   * are all open before `transport(p)` hands each one to its runner.
   */
  setupConnected(session: SessionId, protocol: string, ids: ReadonlyMap<PartyIndex, IdentityKey>, parties: readonly PartyIndex[]): Promise<SessionNet>;
}

async function webrtcHarness(events?: (p: PartyIndex, e: MeshEvent) => void): Promise<WebrtcHarness> {
  const server = await testServer();
  const pool = new ClientPool(server.url);
  const RTCPeerConnection = await loadRTCPeerConnection();
  const meshes = new Map<string, MeshTransport>();
  const open = new Set<MeshTransport>();
  const cleanup = async (): Promise<void> => {
    for (const m of [...open]) await m.close();
    await pool.closeAll();
    await server.stop();
  };
  harnesses.push(cleanup);
  const newMesh = async (session: SessionId, ids: ReadonlyMap<PartyIndex, IdentityKey>, p: PartyIndex) => {
    const client = await pool.connect(ids.get(p)!);
    const mesh = createMeshTransport({ client, session, RTCPeerConnection, ackTimeoutMs: 5000, ...(events ? { onEvent: (e: MeshEvent) => events(p, e) } : {}) });
    open.add(mesh);
    const close = async (): Promise<void> => {
      meshes.delete(`${session}:${p}`);
      open.delete(mesh);
      await mesh.close();
      await pool.close(client);
    };
    return { mesh, close };
  };
  const inject = (session: SessionId) => async (from: PartyIndex, to: PartyIndex, text: string) => {
    const end = Date.now() + 10_000;
    let m: MeshTransport | undefined;
    while (!(m = meshes.get(`${session}:${from}`)) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    if (!m) throw new Error(`party ${from} never started`);
    await m.waitForChannels([to], 5000).catch(() => undefined);
    return m.send(to, text).then(
      () => true,
      () => false,
    );
  };
  return {
    maxEnvelopeBytes: TEST_MAX_ENVELOPE_BYTES,
    mesh: (session, p) => meshes.get(`${session}:${p}`),
    async setup(session, protocol, ids, parties): Promise<SessionNet> {
      await openRoom(pool, session, protocol, ids, parties);
      return {
        async transport(p) {
          const { mesh, close } = await newMesh(session, ids, p);
          return {
            async start(h: TransportHandler) {
              await mesh.start(h);
              meshes.set(`${session}:${p}`, mesh);
            },
            send: (to, text) => mesh.send(to, text),
            close,
          };
        },
        inject: inject(session),
      };
    },
    async setupConnected(session, protocol, ids, parties): Promise<SessionNet> {
      await openRoom(pool, session, protocol, ids, parties);
      const ready = await Promise.all(
        parties.map(async (p) => {
          const { mesh, close } = await newMesh(session, ids, p);
          const queue: string[] = [];
          let handler: TransportHandler | undefined;
          await mesh.start(async (text) => {
            if (handler) return handler(text);
            queue.push(text);
          });
          meshes.set(`${session}:${p}`, mesh);
          return { p, mesh, close, queue, attach: (h: TransportHandler) => (handler = h) };
        }),
      );
      await Promise.all(ready.map((r) => r.mesh.waitForChannels(parties.filter((q) => q !== r.p), 20_000)));
      return {
        async transport(p) {
          const r = ready.find((x) => x.p === p)!;
          return {
            async start(h: TransportHandler) {
              r.attach(h);
              for (const text of r.queue.splice(0)) await h(text);
            },
            send: (to, text) => r.mesh.send(to, text),
            close: r.close,
          };
        },
        inject: inject(session),
      };
    },
    cleanup,
  };
}

acceptanceSuite('WebRTC mesh (node-datachannel)', () => webrtcHarness());

describe('WebRTC mesh', () => {
  it('carries a FROST 2-of-3 DKG and signing among three Node peers over the data channels', async () => {
    const seen: [PartyIndex, MeshEvent][] = [];
    const h = await webrtcHarness((p, e) => void seen.push([p, e]));
    const c = committee(3);
    const rng = createSeededRng('mesh-frost');
    const dkgSession = newSessionId(rng);
    const dnet = await h.setupConnected(dkgSession, 'tessera/frost/dkg', c.ids, c.parties);
    const beforeDkg = seen.length;
    const dkg = await Promise.all(c.parties.map((p) => dkgParty(dnet, dkgSession, c, p)));
    checkDkg(dkg);
    const signSession = newSessionId(rng);
    const snet = await h.setupConnected(signSession, 'tessera/frost/sign', c.ids, c.parties);
    const afterDkg = seen.length;
    const sigs = await Promise.all(c.parties.map((p) => signParty(snet, signSession, c, dkg[p - 1]!.output, c.parties)));
    checkSignature(sigs[0]!.output, dkg[0]!.output);
    const received = (from: number, to: number) => seen.slice(from, to).filter(([, e]) => e.type === 'received').length;
    // DKG: per party 2 commitments, 2 shares, echoes and complaint-round messages came over channels
    expect(received(beforeDkg, afterDkg)).toBeGreaterThanOrEqual(3 * 6);
    // signing: per party 2 commitment broadcasts and 2 share broadcasts
    expect(received(afterDkg, seen.length)).toBeGreaterThanOrEqual(3 * 4);
    // the mailbox carried only what was sent after a peer had finished and closed
    const fallbacks = seen.filter(([, e]) => e.type === 'fallback').map(([, e]) => (e.type === 'fallback' ? e.why : ''));
    expect(fallbacks.filter((w) => w !== 'channel-closed' && w !== 'no-channel')).toEqual([]);
  });

  it('opens a data channel per pair, carries the traffic over it, and falls back to the mailbox and reconnects', async () => {
    const seen: [PartyIndex, MeshEvent][] = [];
    const h = await webrtcHarness((p, e) => seen.push([p, e]));
    const rng = createSeededRng('mesh-channels');
    const parties = [1, 2, 3].map((i) => partyIndex(i));
    const ids = new Map(parties.map((p) => [p, generateIdentity(rng)] as const));
    const session = newSessionId(rng);
    const net = await h.setup(session, 'tessera/test', ids, parties);
    const directory = new Map([...ids].map(([p, k]) => [p, k.publicKey] as const));
    const codecs = new Map(parties.map((p) => [p, createEnvelopeCodec({ session, protocol: 'tessera/test', self: p, identity: ids.get(p)!, directory, rng })] as const));
    let seq = 0;
    const seal = (from: number, to: number | null, payload: string) => codecs.get(partyIndex(from))!.seal({ protocol: 'tessera/test', round: 1, seq: ++seq, to: to === null ? null : partyIndex(to), payload });
    const got = new Map<PartyIndex, string[]>(parties.map((p) => [p, []]));
    const receiver = (p: PartyIndex) => async (text: string) => void got.get(p)!.push((await codecs.get(p)!.open(text)).payload as string);
    const ts = await Promise.all(parties.map((p) => net.transport(p)));
    await Promise.all(ts.map((t, k) => t.start(receiver(parties[k]!))));
    const meshes = parties.map((p) => h.mesh(session, p)!);
    await Promise.all(meshes.map((m, k) => m.waitForChannels(parties.filter((q) => q !== parties[k]), 10_000)));
    expect(meshes[0]!.openChannels()).toEqual([2, 3]);
    await ts[0]!.send(null, await seal(1, null, 'hello all'));
    await ts[1]!.send(partyIndex(3), await seal(2, 3, 'to three'));
    expect(got.get(partyIndex(2))).toEqual(['hello all']);
    expect(got.get(partyIndex(3))).toEqual(['hello all', 'to three']);
    expect(seen.filter(([, e]) => e.type === 'fallback')).toEqual([]);
    expect(seen.filter(([, e]) => e.type === 'received').length).toBe(3);

    // party 3 leaves: its channels close, messages to it go to the mailbox
    await ts[2]!.close();
    await new Promise((r) => setTimeout(r, 200));
    expect(meshes[0]!.openChannels()).toEqual([2]);
    await ts[0]!.send(partyIndex(3), await seal(1, 3, 'while away'));
    expect(seen.some(([p, e]) => p === 1 && e.type === 'fallback' && e.peer === 3 && e.why === 'no-channel')).toBe(true);

    // party 3 comes back: it reads the mailbox and the channel to it opens again
    got.set(partyIndex(3), []);
    const t3 = await net.transport(partyIndex(3));
    await t3.start(receiver(partyIndex(3)));
    expect(got.get(partyIndex(3))).toEqual(['while away']);
    await h.mesh(session, partyIndex(3))!.waitForChannels([partyIndex(1), partyIndex(2)], 10_000);
    const before = seen.filter(([p, e]) => p === 3 && e.type === 'received').length;
    await ts[0]!.send(partyIndex(3), await seal(1, 3, 'direct again'));
    expect(got.get(partyIndex(3))!.at(-1)).toBe('direct again');
    expect(seen.filter(([p, e]) => p === 3 && e.type === 'received').length).toBe(before + 1);
    for (const t of [...ts.slice(0, 2), t3]) await t.close();
  });
});
