/**
 * Transport benchmark cases (loopback only, bounded in count and time):
 *
 * - `signal-load-SxP-msg` and `signal-load-SxP-p99`: S concurrent sessions × P parties, each
 *   party posting M signed envelopes to its room on our signal server (invitation-gated rooms,
 *   authenticated peers, every post fsync'd to the embedded file store before it is
 *   acknowledged). `-msg` is the time per acknowledged message (1 / throughput), `-p99` the
 *   99th-percentile relay latency from post to delivery. Anchor: a plain `ws` relay in the
 *   same process forwarding the same number of same-size messages to the other members of a
 *   room, with no authentication, validation or storage — the floor any relay pays.
 * - `frost-webrtc-2-3`, `frost-mailbox-2-3`: FROST 2-of-3 DKG + signing through the runner over
 *   the WebRTC mesh and over the mailbox, against the same ceremony in the in-memory simulator.
 * @module
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { benchCeremony, benchSignalLoad } from '@tessera/signal/bench';
import type { BenchCase, BenchEntry } from './cases.ts';

const SESSIONS = 20;
const PARTIES = 3;
const MESSAGES = 20;
const PAYLOAD = 'ab'.repeat(256); // about the size of a sealed bench envelope

function entry(name: string, ms: number, anchor: string, anchorMs: number, runs: number): BenchEntry {
  return { name, ms, anchor, anchorMs, ratio: ms / anchorMs, stat: 'mean', runs, anchorRuns: runs };
}

/** The anchor: a bare ws room relay (no auth, no checks, no storage) under the same load. */
async function plainRelay(sessions: number, parties: number, messages: number): Promise<{ msPerMessage: number; p99: number }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const rooms = new Map<string, Set<WebSocket>>();
  wss.on('connection', (ws, req) => {
    const room = new URL(req.url ?? '/', 'ws://x').searchParams.get('room') ?? '';
    const members = rooms.get(room) ?? new Set<WebSocket>();
    rooms.set(room, members);
    members.add(ws);
    ws.on('message', (data) => {
      for (const m of members) if (m !== ws) m.send(data);
      ws.send('ack');
    });
  });
  const port = (wss.address() as AddressInfo).port;
  const latencies: number[] = [];
  const clients: WebSocket[] = [];
  try {
    const members = await Promise.all(
      Array.from({ length: sessions * parties }, async (_, k) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/?room=${Math.floor(k / parties)}`);
        clients.push(ws);
        await once(ws, 'open');
        return ws;
      }),
    );
    for (const ws of members)
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text !== 'ack') latencies.push(performance.now() - Number(text.slice(0, text.indexOf(' '))));
      });
    const t0 = performance.now();
    await Promise.all(
      members.map(async (ws) => {
        for (let k = 0; k < messages; k++) {
          const acked = new Promise<void>((res) => {
            const on = (d: Buffer) => {
              if (d.toString() === 'ack') {
                ws.off('message', on);
                res();
              }
            };
            ws.on('message', on);
          });
          ws.send(`${performance.now()} ${PAYLOAD}`);
          await acked;
        }
      }),
    );
    const total = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
    latencies.sort((a, b) => a - b);
    return { msPerMessage: total / (sessions * parties * messages), p99: latencies[Math.min(latencies.length - 1, Math.floor(0.99 * latencies.length))] ?? 0 };
  } finally {
    for (const ws of clients) ws.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  }
}

const loadName = `signal-load-${SESSIONS}x${PARTIES}`;

const signalLoadCase: BenchCase = {
  names: [`${loadName}-msg`, `${loadName}-p99`],
  async run(ctx) {
    ctx.progress(`${loadName}: ${SESSIONS} sessions × ${PARTIES} parties × ${MESSAGES} messages`);
    const ours = await benchSignalLoad({ sessions: SESSIONS, parties: PARTIES, messagesPerParty: MESSAGES, maxMs: 60_000 });
    const base = await plainRelay(SESSIONS, PARTIES, MESSAGES);
    const anchor = 'plain ws relay (no auth, no storage)';
    return [entry(`${loadName}-msg`, 1000 / ours.messagesPerSecond, anchor, base.msPerMessage, ours.messages), entry(`${loadName}-p99`, ours.p99Ms, anchor, base.p99, ours.messages)];
  },
};

const ceremonyCase: BenchCase = {
  names: ['frost-webrtc-2-3', 'frost-mailbox-2-3'],
  async run(ctx) {
    ctx.progress('frost-webrtc-2-3, frost-mailbox-2-3');
    const runs = 3;
    const rows = await benchCeremony({ runs });
    const pick = (kind: string) => rows.find((r) => r.name.includes(kind))!;
    return (['webrtc', 'mailbox'] as const).map((kind) => {
      const r = pick(kind);
      return entry(`frost-${kind}-2-3`, r.ms, r.anchor, r.anchorMs, runs);
    });
  },
};

/** Transport cases in running order. */
export const TRANSPORT_CASES: readonly BenchCase[] = [signalLoadCase, ceremonyCase];
