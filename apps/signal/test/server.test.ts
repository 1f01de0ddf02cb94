/**
 * The signal server on loopback: challenge authentication, invitation-gated rooms, SDP/ICE
 * relay, store-and-forward mailbox with per-recipient routing, envelope checks (sender,
 * signature, routing, size), limits (rate, rooms, idle), health endpoint, logs without
 * payloads, graceful shutdown, and a restart that loses no mailbox message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bytesToHex } from '@tessera/crypto/bytes';
import { TransportError } from '@tessera/transport/errors';
import { signTagged } from '@tessera/transport/identity';
import { SIGNAL_AUTH_TAG, partyIndex, type PartyIndex, type SessionId } from '@tessera/transport/signal-protocol';
import { createFileStore } from '../src/file-store.ts';
import { cleanup, client, codecFor, identities, invite, memoryLog, next, scratch, server, until } from './helpers.ts';

afterEach(cleanup);

const P = (i: number): PartyIndex => partyIndex(i);

async function refused(p: Promise<unknown>, reason: string): Promise<void> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TransportError);
  expect((e as TransportError).reason).toBe(reason);
}

/** A raw socket that records frames and its close code. */
function raw(url: string): Promise<{ ws: WebSocket; frames: any[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: any[] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    ws.on('error', reject);
    ws.on('open', () => resolve({ ws, frames, closed }));
  });
}

describe('signal server', () => {
  it('answers GET /health and 404 elsewhere', async () => {
    const s = await server();
    const h = await fetch(`http://127.0.0.1:${s.port}/health`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ status: 'ok', connections: 0, rooms: 0 });
    expect((await fetch(`http://127.0.0.1:${s.port}/other`)).status).toBe(404);
  });

  it('authenticates by challenge signature and refuses a wrong one or a request before hello', async () => {
    const s = await server();
    const ids = identities(2);
    const good = await client(s.url, ids.get(P(1))!);
    expect(good.connected).toBe(true);

    const bad = await raw(s.url);
    await until(() => bad.frames.length > 0);
    const nonce = bad.frames[0].nonce as string;
    const other = ids.get(P(2))!;
    // signs the nonce with key 2 but claims key 1
    const sig = signTagged(other.secretKey, SIGNAL_AUTH_TAG, Buffer.from(nonce, 'hex'), ids.get(P(1))!.publicKey);
    bad.ws.send(JSON.stringify({ t: 'hello', key: bytesToHex(ids.get(P(1))!.publicKey), sig: bytesToHex(sig) }));
    expect(await bad.closed).toBe(4003);

    const early = await raw(s.url);
    early.ws.send(JSON.stringify({ t: 'ping', id: 1 }));
    expect(await early.closed).toBe(4003);
    expect(s.stats().rejected['bad-signature']).toBe(1);
    expect(s.stats().rejected.unauthorized).toBe(1);
  });

  it('creates rooms only from valid invitations by invited parties; only invited keys join', async () => {
    const s = await server({ store: (await import('../src/store.ts')).createMemoryStore({ maxRooms: 2 }) });
    const ids = identities(3);
    const inv = invite(ids, 3);
    const outsider = await client(s.url, ids.get(P(4))!);
    await refused(outsider.create(inv.text), 'unauthorized');
    const c2 = await client(s.url, ids.get(P(2))!);
    await refused(c2.create(inv.text.replace('"threshold":2', '"threshold":3')), 'bad-signature');
    await refused(c2.create(inv.text.replace('"v":1', '"v":2')), 'unsupported-version');
    expect(await c2.create(inv.text)).toEqual({ created: true });
    expect(await c2.create(inv.text)).toEqual({ created: false });
    const j = await c2.join(inv.session);
    expect(j.self).toBe(2);
    expect(j.invitation.parties.size).toBe(3);
    expect(j.online).toEqual([2]);
    await refused(outsider.join(inv.session), 'unauthorized');
    await refused(c2.join('ab'.repeat(32) as SessionId), 'wrong-session');
    // the room limit
    await c2.create(invite(ids, 3).text);
    await refused(c2.create(invite(ids, 3).text), 'limit');
  });

  it('relays SDP/ICE to online parties and reports presence', async () => {
    const s = await server();
    const ids = identities(3);
    const inv = invite(ids, 3);
    const c1 = await client(s.url, ids.get(P(1))!);
    const c2 = await client(s.url, ids.get(P(2))!);
    await c1.create(inv.text);
    await c1.join(inv.session);
    const seen = next<[PartyIndex, boolean]>((cb) => c1.on('presence', (_s, p, on) => cb([p, on])));
    await c2.join(inv.session);
    expect(await seen).toEqual([2, true]);
    const got = next<[PartyIndex, unknown]>((cb) => c2.on('signal', (_s, from, data) => cb([from, data])));
    await c1.signal(inv.session, P(2), { sdp: 'v=0', type: 'offer' });
    expect(await got).toEqual([1, { sdp: 'v=0', type: 'offer' }]);
    await refused(c1.signal(inv.session, P(3), { x: 1 }), 'unreachable');
    await refused(c1.signal(inv.session, P(1), { x: 1 }), 'misrouted');
  });

  it('stores and forwards envelopes: pushed to online recipients, read later by offline ones, p2p only to its recipient', async () => {
    const s = await server();
    const ids = identities(3);
    const inv = invite(ids, 3);
    const c1 = await client(s.url, ids.get(P(1))!);
    const c2 = await client(s.url, ids.get(P(2))!);
    await c1.create(inv.text);
    await c1.join(inv.session);
    await c2.join(inv.session);
    const e1 = codecFor(inv, ids, 1);
    const bcast = await e1.seal({ protocol: inv.protocol, round: 1, seq: 1, to: null, payload: { hello: 1 } });
    const p2p3 = await e1.seal({ protocol: inv.protocol, round: 2, seq: 2, to: P(3), payload: { secret: 'x' } });
    const pushed = next<string>((cb) => c2.on('message', (_s, it) => cb(it.envelope)));
    expect(await c1.post(inv.session, null, bcast)).toBe(1);
    expect(await pushed).toBe(bcast);
    expect(await c1.post(inv.session, [P(3)], p2p3)).toBe(2);
    // party 3 comes online later and reads both; party 2 sees only the broadcast
    const c3 = await client(s.url, ids.get(P(3))!);
    await c3.join(inv.session);
    const r3 = await c3.read(inv.session, 0);
    expect(r3.items.map((i) => [i.cursor, i.from])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect((await codecFor(inv, ids, 3).open(r3.items[1]!.envelope)).payload).toEqual({ secret: 'x' });
    expect((await c2.read(inv.session, 0)).items.map((i) => i.cursor)).toEqual([1]);
    expect((await c3.read(inv.session, 1)).items.map((i) => i.cursor)).toEqual([2]);
    expect((await c3.read(inv.session, 0, 1)).more).toBe(true);
  });

  it('refuses forged, tampered, misrouted, oversize and unjoined posts', async () => {
    const s = await server({ maxEnvelopeBytes: 4096 });
    const ids = identities(3);
    const inv = invite(ids, 3);
    const c1 = await client(s.url, ids.get(P(1))!);
    await c1.create(inv.text);
    const e1 = codecFor(inv, ids, 1);
    const e2 = codecFor(inv, ids, 2);
    const ok = await e1.seal({ protocol: inv.protocol, round: 1, seq: 1, to: null, payload: 1 });
    await refused(c1.post(inv.session, null, ok), 'unauthorized');
    await c1.join(inv.session);
    await refused(c1.post(inv.session, null, await e2.seal({ protocol: inv.protocol, round: 1, seq: 1, to: null, payload: 1 })), 'unknown-sender');
    await refused(c1.post(inv.session, null, ok.replace('"payload":1', '"payload":2')), 'bad-signature');
    await refused(c1.post(inv.session, [P(1)], ok), 'misrouted');
    await refused(c1.post(inv.session, [P(5)], ok), 'misrouted');
    const p2p = await e1.seal({ protocol: inv.protocol, round: 1, seq: 2, to: P(2), payload: 1 });
    await refused(c1.post(inv.session, null, p2p), 'misrouted');
    await refused(c1.post(inv.session, null, await e1.seal({ protocol: inv.protocol, round: 1, seq: 3, to: null, payload: 'x'.repeat(5000) })), 'oversize');
    await refused(c1.post(inv.session, null, 'not json'), 'malformed');
    expect(await c1.post(inv.session, null, ok)).toBe(1);
  });

  it('rate-limits per key and closes idle connections', async () => {
    const s = await server({ rate: { perSecond: 0.001, burst: 3 }, idleTimeoutMs: 300 });
    const ids = identities(2);
    const inv = invite(ids, 2);
    const c1 = await client(s.url, ids.get(P(1))!, { reconnect: false, pingIntervalMs: 60_000 });
    await c1.create(inv.text);
    await c1.join(inv.session);
    await c1.read(inv.session, 0);
    await refused(c1.read(inv.session, 0), 'rate-limited');
    expect(s.stats().rejected['rate-limited']).toBe(1);
    const down = next<string>((cb) => c1.on('disconnected', cb));
    expect(await down).toMatch(/4000/);
  });

  it('logs structured lines without payloads or signatures', async () => {
    const log = memoryLog();
    const s = await server({ logger: log.logger });
    const ids = identities(2);
    const inv = invite(ids, 2);
    const c1 = await client(s.url, ids.get(P(1))!);
    await c1.create(inv.text);
    await c1.join(inv.session);
    const env = await codecFor(inv, ids, 1).seal({ protocol: inv.protocol, round: 1, seq: 1, to: null, payload: { marker: 'c0ffee'.repeat(8) } });
    await c1.post(inv.session, null, env);
    await refused(c1.post(inv.session, null, env.replace('c0ffee', 'c0ffef')), 'bad-signature');
    const text = log.lines.join('');
    for (const l of log.lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(text).toContain('"event":"post"');
    expect(text).toContain('"event":"refused"');
    expect(text).not.toContain('c0ffee');
    expect(text).not.toContain(JSON.parse(env).sig);
    expect(text).not.toContain(bytesToHex(ids.get(P(1))!.publicKey));
  });

  it('survives a restart with its file store: no mailbox message is lost and cursors continue', async () => {
    const dir = scratch();
    const ids = identities(3);
    const inv = invite(ids, 3);
    let s = await server({ store: createFileStore({ dir }) });
    let c1 = await client(s.url, ids.get(P(1))!, { reconnect: false });
    await c1.create(inv.text);
    await c1.join(inv.session);
    const e1 = codecFor(inv, ids, 1);
    const sent: string[] = [];
    for (let k = 1; k <= 5; k++) {
      const env = await e1.seal({ protocol: inv.protocol, round: 1, seq: k, to: k % 2 ? null : P(3), payload: { k } });
      sent.push(env);
      await c1.post(inv.session, k % 2 ? null : [P(3)], env);
    }
    await s.close();
    s = await server({ store: createFileStore({ dir }) });
    const h = await (await fetch(`http://127.0.0.1:${s.port}/health`)).json();
    expect(h).toMatchObject({ rooms: 1, envelopes: 5 });
    const c3 = await client(s.url, ids.get(P(3))!);
    await c3.join(inv.session);
    const got = await c3.read(inv.session, 0);
    expect(got.items.map((i) => i.envelope)).toEqual(sent);
    c1 = await client(s.url, ids.get(P(1))!);
    await c1.join(inv.session);
    expect(await c1.post(inv.session, null, await e1.seal({ protocol: inv.protocol, round: 1, seq: 6, to: null, payload: 6 }))).toBe(6);
  });

  it('a client reconnects by itself after the server restarts and re-joins its rooms', async () => {
    const dir = scratch();
    const ids = identities(2);
    const inv = invite(ids, 2);
    let s = await server({ store: createFileStore({ dir }) });
    const port = s.port;
    const c2 = await client(s.url, ids.get(P(2))!);
    await c2.create(inv.text);
    await c2.join(inv.session);
    const down = next<string>((cb) => c2.on('disconnected', cb));
    await s.close();
    expect(await down).toMatch(/1001/);
    const up = next<void>((cb) => c2.on('connected', () => cb(undefined)), 10_000);
    s = await server({ store: createFileStore({ dir }), port });
    await up;
    const c1 = await client(s.url, ids.get(P(1))!);
    await c1.join(inv.session);
    const pushed = next<number>((cb) => c2.on('message', (_s, it) => cb(it.cursor)));
    await c1.post(inv.session, null, await codecFor(inv, ids, 1).seal({ protocol: inv.protocol, round: 1, seq: 1, to: null, payload: 1 }));
    expect(await pushed).toBe(1);
  });

  it('shuts down gracefully: clients are told, health stops, store is closed', async () => {
    const s = await server();
    const ids = identities(2);
    const c1 = await client(s.url, ids.get(P(1))!, { reconnect: false });
    const down = next<string>((cb) => c1.on('disconnected', cb));
    await s.close();
    expect(await down).toMatch(/1001/);
    await expect(fetch(`http://127.0.0.1:${s.port}/health`)).rejects.toThrow();
    await s.close();
  });
});
