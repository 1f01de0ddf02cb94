/**
 * The signal server: WebSocket rooms per session, identity-key authentication, SDP/ICE relay,
 * and a store-and-forward mailbox for parties that are offline (protocol in
 * `@tessera/transport/signal-protocol`).
 *
 * - A room is created from an invitation signed by its creator and listing every party's
 *   identity key; only those keys can join, post, read or signal in it.
 * - A client proves its key by signing the server's fresh 32-byte challenge.
 * - A posted envelope is checked (strict syntax, session, sender = the poster's index,
 *   sender's signature, routing), appended to the store and synced to disk before it is
 *   acknowledged and pushed to online recipients. The server never decrypts anything:
 *   point-to-point payloads are end-to-end encrypted and it holds no party secret.
 * - Limits: frame size, envelope size, per-key rate (token bucket), connections, rooms
 *   joined per connection, room lifetime, authentication and idle timeouts; rooms and
 *   mailboxes expire with their invitation.
 * - `GET /health` answers `{ status, uptimeMs, connections, rooms, envelopes, bytes }`.
 * - With `static`, every other HTTP path serves files from that directory (static-files.ts):
 *   the wallet and the WebSocket endpoint then share one origin.
 * - Logs are structured (log.ts) and carry no payload, SDP or secret.
 * - `close()` shuts down gracefully: stops accepting, says `bye` to every client, closes
 *   their sockets, then flushes and closes the store.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { randomBytes, systemRng, type RandomSource } from '@tessera/crypto/rng';
import { TransportError, asTransportError, type TransportErrorReason } from '@tessera/transport/errors';
import { parseWireEnvelope, verifyWireEnvelope } from '@tessera/transport/envelope';
import { checkIdentityPublicKey, fingerprint, verifyTagged } from '@tessera/transport/identity';
import { invitedIndex, parseInvitation, type Invitation } from '@tessera/transport/invitation';
import { SIGNAL_AUTH_TAG, SIGNAL_PROTOCOL_VERSION, parseClientMessage, type ClientMessage, type Json, type PartyIndex } from '@tessera/transport/signal-protocol';
import { createLogger, sessionTag, type Logger } from './log.ts';
import { createStaticHandler } from './static-files.ts';
import { StoreFullError, type MailboxStore } from './store.ts';

/** Options of {@link startSignalServer}. */
export interface SignalServerOptions {
  readonly store: MailboxStore;
  /** TCP port (0 = any free port). Default 0. */
  readonly port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  readonly host?: string;
  readonly logger?: Logger;
  /** Largest WebSocket frame, bytes (default 1 MiB). */
  readonly maxMessageBytes?: number;
  /** Largest envelope accepted in a post, bytes (default 512 KiB). */
  readonly maxEnvelopeBytes?: number;
  /** Most simultaneous connections (default 1000). */
  readonly maxConnections?: number;
  /** Most rooms one connection may join (default 64). */
  readonly maxRoomsPerConnection?: number;
  /** Requests per second allowed per identity key, and the burst (default 200/s, burst 400). */
  readonly rate?: { readonly perSecond: number; readonly burst: number };
  /** A connection that sends nothing this long is closed (default 60 s; clients ping). */
  readonly idleTimeoutMs?: number;
  /** A connection must authenticate within this time (default 10 s). */
  readonly authTimeoutMs?: number;
  /** Longest room lifetime accepted from an invitation (default 400 days: a wallet's group room lives a year). */
  readonly maxRoomTtlMs?: number;
  /** How often expired rooms are dropped (default 60 s). */
  readonly expireIntervalMs?: number;
  readonly rng?: RandomSource;
  readonly now?: () => number;
  /** Directory of a built web app served on every HTTP path but `/health` (same origin as the WebSocket). */
  readonly static?: string;
  /** With `static`: extra CSP connect-src sources of the served pages (default: WebSockets and loopback HTTP, for a local PKCS#11 bridge). */
  readonly connectSrc?: readonly string[];
}

/** Server counters (for the health endpoint and the load benchmark). */
export interface SignalServerStats {
  readonly connections: number;
  readonly posts: number;
  readonly pushed: number;
  readonly signals: number;
  readonly rejected: Readonly<Partial<Record<TransportErrorReason, number>>>;
}

/** A running server. */
export interface SignalServer {
  readonly port: number;
  /** `ws://host:port` */
  readonly url: string;
  stats(): SignalServerStats;
  /** Graceful shutdown (idempotent). */
  close(): Promise<void>;
}

interface Conn {
  readonly ws: WebSocket;
  readonly id: number;
  readonly nonce: Uint8Array;
  readonly openedAt: number;
  lastSeen: number;
  key?: string;
  fp?: string;
  /** session → this connection's party index there */
  readonly rooms: Map<string, PartyIndex>;
  strikes: number;
}

interface LiveRoom {
  readonly inv: Invitation;
  readonly online: Map<PartyIndex, Set<Conn>>;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Opens the store and starts a signal server on `host:port`.
 * @throws {Error} if the store cannot be opened or the port cannot be bound.
 * @example
 * const server = await startSignalServer({ store: createFileStore({ dir: 'data' }), port: 0 });
 */
export async function startSignalServer(opts: SignalServerOptions): Promise<SignalServer> {
  const store = opts.store;
  const logger = opts.logger ?? createLogger(process.stderr);
  const now = opts.now ?? Date.now;
  const rng = opts.rng ?? systemRng();
  const maxMessageBytes = opts.maxMessageBytes ?? 1024 * 1024;
  const maxEnvelopeBytes = opts.maxEnvelopeBytes ?? 512 * 1024;
  const maxConnections = opts.maxConnections ?? 1000;
  const maxRoomsPerConnection = opts.maxRoomsPerConnection ?? 64;
  const rate = opts.rate ?? { perSecond: 200, burst: 400 };
  const idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
  const authTimeoutMs = opts.authTimeoutMs ?? 10_000;
  const maxRoomTtlMs = opts.maxRoomTtlMs ?? 400 * 24 * 3600 * 1000;
  const startedAt = now();
  await store.open();

  const conns = new Set<Conn>();
  const rooms = new Map<string, LiveRoom>();
  const buckets = new Map<string, Bucket>();
  const rejected = new Map<TransportErrorReason, number>();
  let posts = 0;
  let pushed = 0;
  let signals = 0;
  let nextConnId = 1;
  let closing: Promise<void> | undefined;

  const reject = (reason: TransportErrorReason): void => void rejected.set(reason, (rejected.get(reason) ?? 0) + 1);

  function send(c: Conn, m: Record<string, Json>): void {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(m));
  }

  function allow(c: Conn): boolean {
    const k = c.key ?? `conn:${c.id}`;
    const t = now();
    let b = buckets.get(k);
    if (!b) buckets.set(k, (b = { tokens: rate.burst, at: t }));
    b.tokens = Math.min(rate.burst, b.tokens + ((t - b.at) / 1000) * rate.perSecond);
    b.at = t;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  async function loadRoom(session: string): Promise<LiveRoom | undefined> {
    const live = rooms.get(session);
    if (live) {
      if (live.inv.expiresAt > now()) return live;
      rooms.delete(session);
      return undefined;
    }
    const rec = await store.getRoom(session);
    if (!rec) return undefined;
    const again = rooms.get(session);
    if (again) return again;
    const r: LiveRoom = { inv: parseInvitation(rec.invitation, { now: null }), online: new Map() };
    rooms.set(session, r);
    return r;
  }

  function presence(room: LiveRoom, party: PartyIndex, online: boolean): void {
    for (const [p, set] of room.online) {
      if (p === party) continue;
      for (const c of set) send(c, { t: 'presence', session: room.inv.session, party, online });
    }
  }

  function leaveRoom(c: Conn, session: string): void {
    const idx = c.rooms.get(session);
    if (idx === undefined) return;
    c.rooms.delete(session);
    const room = rooms.get(session);
    const set = room?.online.get(idx);
    if (!room || !set) return;
    set.delete(c);
    if (set.size === 0) {
      room.online.delete(idx);
      presence(room, idx, false);
    }
  }

  async function joined(c: Conn, session: string): Promise<{ room: LiveRoom; self: PartyIndex }> {
    const self = c.rooms.get(session);
    const room = self === undefined ? undefined : await loadRoom(session);
    if (self === undefined || !room) throw new TransportError('unauthorized', 'join the session first', 'session');
    return { room, self };
  }

  async function handle(c: Conn, m: ClientMessage): Promise<Json> {
    switch (m.t) {
      case 'hello':
        throw new TransportError('malformed', 'already authenticated', 'hello');
      case 'ping':
        return {};
      case 'create': {
        const inv = parseInvitation(m.invitation, { now: now() });
        if (invitedIndex(inv, hexToBytes(c.key!)) === undefined) throw new TransportError('unauthorized', 'only an invited party can create the room', 'invitation.parties');
        if (inv.expiresAt - now() > maxRoomTtlMs) throw new TransportError('limit', `room lifetime above ${maxRoomTtlMs} ms`, 'invitation.expiresAt');
        let r;
        try {
          r = await store.createRoom({ session: inv.session, invitation: inv.text, createdAt: inv.createdAt, expiresAt: inv.expiresAt });
        } catch (e) {
          if (e instanceof StoreFullError) throw new TransportError('limit', e.message);
          throw e;
        }
        if (r === 'conflict') throw new TransportError('unauthorized', 'the session exists with another invitation', 'invitation.session');
        if (r === 'created') logger.log('info', 'room-created', { session: sessionTag(inv.session), parties: inv.parties.size, by: c.fp! });
        return { created: r === 'created' };
      }
      case 'join': {
        const room = await loadRoom(m.session);
        if (!room) throw new TransportError('wrong-session', 'no such room', 'session');
        const self = invitedIndex(room.inv, hexToBytes(c.key!));
        if (self === undefined) throw new TransportError('unauthorized', 'not invited to this session', 'session');
        if (!c.rooms.has(m.session) && c.rooms.size >= maxRoomsPerConnection) throw new TransportError('limit', `at most ${maxRoomsPerConnection} rooms per connection`);
        c.rooms.set(m.session, self);
        let set = room.online.get(self);
        const first = !set || set.size === 0;
        if (!set) room.online.set(self, (set = new Set()));
        set.add(c);
        if (first) presence(room, self, true);
        logger.log('debug', 'join', { session: sessionTag(m.session), party: self, conn: c.id });
        return { invitation: room.inv.text, self, online: [...room.online.keys()].sort((a, b) => a - b) };
      }
      case 'leave':
        leaveRoom(c, m.session);
        return {};
      case 'post': {
        const { room, self } = await joined(c, m.session);
        const env = parseWireEnvelope(m.envelope, maxEnvelopeBytes);
        if (env.session !== m.session) throw new TransportError('wrong-session', 'envelope of another session', 'envelope.session');
        if (env.from !== self) throw new TransportError('unknown-sender', 'envelope sender is not the poster', 'envelope.from');
        if (!verifyWireEnvelope(env, room.inv.parties.get(self)!)) throw new TransportError('bad-signature', 'invalid envelope signature', 'envelope.sig');
        const others = [...room.inv.parties.keys()].filter((p) => p !== self);
        const to = m.to === null ? others : [...new Set(m.to)].sort((a, b) => a - b);
        for (const p of to) if (!others.includes(p)) throw new TransportError('misrouted', `party ${p} is not another party of the session`, 'post.to');
        if (env.to !== null && (to.length !== 1 || to[0] !== env.to)) throw new TransportError('misrouted', 'a point-to-point envelope goes to its recipient only', 'post.to');
        let cursor: number;
        try {
          cursor = await store.append(m.session, { from: self, to, envelope: m.envelope, at: now() });
        } catch (e) {
          if (e instanceof StoreFullError) throw new TransportError('limit', e.message);
          throw e;
        }
        posts++;
        for (const p of to)
          for (const rc of room.online.get(p) ?? []) {
            pushed++;
            send(rc, { t: 'message', session: m.session, cursor, from: self, envelope: m.envelope });
          }
        logger.log('debug', 'post', { session: sessionTag(m.session), from: self, recipients: to.length, bytes: m.envelope.length, cursor });
        return { cursor };
      }
      case 'read': {
        const { self } = await joined(c, m.session);
        const { items, more } = await store.read(m.session, self, m.after, m.limit);
        return { items: items.map((e) => ({ cursor: e.cursor, from: e.from, envelope: e.envelope })), more };
      }
      case 'signal': {
        const { room, self } = await joined(c, m.session);
        if (!room.inv.parties.has(m.to) || m.to === self) throw new TransportError('misrouted', 'not another party of the session', 'signal.to');
        const set = room.online.get(m.to);
        if (!set || set.size === 0) throw new TransportError('unreachable', `party ${m.to} is offline`, 'signal.to');
        signals++;
        for (const rc of set) send(rc, { t: 'signal', session: m.session, from: self, data: m.data });
        return null;
      }
      default: {
        const never: never = m;
        throw new TransportError('malformed', `unknown request ${String(never)}`);
      }
    }
  }

  function authenticate(c: Conn, m: ClientMessage): void {
    if (m.t !== 'hello') throw new TransportError('unauthorized', 'authenticate first', 'request.t');
    const key = hexToBytes(m.key);
    checkIdentityPublicKey(key, 'hello.key');
    if (!verifyTagged(key, hexToBytes(m.sig), SIGNAL_AUTH_TAG, c.nonce, key)) throw new TransportError('bad-signature', 'challenge signature invalid', 'hello.sig');
    c.key = m.key;
    c.fp = fingerprint(key);
    send(c, { t: 'welcome' });
    logger.log('info', 'authenticated', { conn: c.id, key: c.fp });
  }

  async function onFrame(c: Conn, data: RawData, isBinary: boolean): Promise<void> {
    c.lastSeen = now();
    if (isBinary) {
      reject('malformed');
      c.ws.close(1003, 'text frames only');
      return;
    }
    const text = data.toString();
    let m: ClientMessage;
    try {
      m = parseClientMessage(text, maxMessageBytes);
    } catch (e) {
      const err = asTransportError(e);
      reject(err.reason);
      logger.log('warn', 'rejected', { conn: c.id, reason: err.reason, field: err.field ?? null });
      const id = requestIdOf(text);
      if (id !== undefined) send(c, { t: 'res', id, ok: false, reason: err.reason, message: err.message });
      if (!c.key) c.ws.close(4001, 'authentication required');
      return;
    }
    if (!c.key) {
      try {
        authenticate(c, m);
      } catch (e) {
        const err = asTransportError(e);
        reject(err.reason);
        logger.log('warn', 'auth-failed', { conn: c.id, reason: err.reason });
        send(c, { t: 'bye', reason: err.message });
        c.ws.close(4003, 'authentication failed');
      }
      return;
    }
    const id = 'id' in m ? m.id : undefined;
    if (!allow(c)) {
      reject('rate-limited');
      if (id !== undefined) send(c, { t: 'res', id, ok: false, reason: 'rate-limited', message: 'too many requests' });
      if (++c.strikes > rate.burst) {
        logger.log('warn', 'rate-closed', { conn: c.id, key: c.fp! });
        c.ws.close(4008, 'rate limit');
      }
      return;
    }
    try {
      const result = await handle(c, m);
      if (id !== undefined) send(c, { t: 'res', id, ok: true, result });
    } catch (e) {
      const err = e instanceof TransportError || (e instanceof Error && 'field' in e) ? asTransportError(e) : new TransportError('server', 'internal error');
      if (err.reason === 'server') logger.log('error', 'internal', { conn: c.id, type: m.t, error: e instanceof Error ? e.name : 'unknown' });
      reject(err.reason);
      logger.log('info', 'refused', { conn: c.id, type: m.t, reason: err.reason, field: err.field ?? null });
      if (id !== undefined) send(c, { t: 'res', id, ok: false, reason: err.reason, message: err.message });
    }
  }

  const serveStatic = opts.static !== undefined ? createStaticHandler(opts.static, opts.connectSrc) : undefined;
  function health(_req: IncomingMessage, res: ServerResponse): void {
    const isHealth = (_req.url ?? '').split('?')[0] === '/health';
    if (!isHealth && serveStatic) {
      serveStatic(_req, res);
      return;
    }
    if (_req.method !== 'GET' || !isHealth) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    void store.stats().then(
      (s) => {
        const body = { status: closing ? 'shutting-down' : 'ok', uptimeMs: now() - startedAt, connections: conns.size, rooms: s.rooms, envelopes: s.envelopes, bytes: s.bytes };
        res.writeHead(closing ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
      },
      () => res.writeHead(500, { 'content-type': 'application/json' }).end('{"status":"store-error"}'),
    );
  }

  const http: Server = createServer(health);
  const wss = new WebSocketServer({ server: http, maxPayload: maxMessageBytes, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    if (closing || conns.size >= maxConnections) {
      reject('limit');
      ws.close(1013, 'server busy');
      return;
    }
    const c: Conn = { ws, id: nextConnId++, nonce: randomBytes(32, rng), openedAt: now(), lastSeen: now(), rooms: new Map(), strikes: 0 };
    conns.add(c);
    // one frame at a time per connection, so replies keep request order
    let queue: Promise<void> = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      queue = queue.then(() => onFrame(c, data, isBinary)).catch(() => undefined);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      conns.delete(c);
      for (const s of [...c.rooms.keys()]) leaveRoom(c, s);
      logger.log('debug', 'closed', { conn: c.id });
    });
    send(c, { t: 'challenge', nonce: bytesToHex(c.nonce), version: SIGNAL_PROTOCOL_VERSION, maxMessageBytes });
  });

  const sweeper = setInterval(() => {
    const t = now();
    for (const c of conns) {
      if (!c.key && t - c.openedAt > authTimeoutMs) c.ws.close(4001, 'authentication timeout');
      else if (t - c.lastSeen > idleTimeoutMs) c.ws.close(4000, 'idle');
    }
    for (const [k, b] of buckets) if (t - b.at > 60_000) buckets.delete(k);
  }, Math.max(50, Math.min(idleTimeoutMs, authTimeoutMs) / 2));
  sweeper.unref();
  const expirer = setInterval(() => {
    void store.expire(now()).then(
      (n) => {
        if (n > 0) logger.log('info', 'rooms-expired', { count: n });
      },
      () => logger.log('error', 'expire-failed', {}),
    );
    for (const [s, r] of rooms) if (r.inv.expiresAt <= now() && r.online.size === 0) rooms.delete(s);
  }, opts.expireIntervalMs ?? 60_000);
  expirer.unref();

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const addr = http.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';
  const url = `ws://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  logger.log('info', 'listening', { host, port: addr.port });

  return {
    port: addr.port,
    url,
    stats: () => ({ connections: conns.size, posts, pushed, signals, rejected: Object.fromEntries(rejected) }),
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        clearInterval(expirer);
        logger.log('info', 'shutdown', { connections: conns.size });
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        const pending = [...conns].map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.ws.readyState === c.ws.CLOSED) return resolve();
              c.ws.once('close', () => resolve());
              send(c, { t: 'bye', reason: 'shutdown' });
              c.ws.close(1001, 'server shutdown');
            }),
        );
        const deadline = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
        await Promise.race([Promise.all(pending), deadline]);
        for (const c of conns) c.ws.terminate();
        wss.close();
        http.closeAllConnections();
        await closed;
        await store.close();
        logger.log('info', 'stopped', {});
      })();
      return closing;
    },
  };
}

/** The `id` of a request that failed to parse, when one can be read. */
function requestIdOf(text: string): number | undefined {
  try {
    const v = JSON.parse(text) as { id?: unknown };
    return typeof v?.id === 'number' && Number.isSafeInteger(v.id) && v.id >= 0 ? v.id : undefined;
  } catch {
    return undefined;
  }
}
