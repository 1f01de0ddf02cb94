/**
 * Client of the signal server (protocol in signal-protocol.ts): authenticates with the
 * party's identity key, creates and joins rooms, posts to and reads from the mailbox, relays
 * SDP/ICE, and reconnects by itself.
 *
 * Works with the browser `WebSocket` or, in Node 20 (which has none), the `ws` package,
 * loaded on first use. After a reconnection it authenticates again, re-joins every room it
 * was in, and emits `connected` so transports re-read their mailbox from their last cursor
 * (nothing is lost: the mailbox is durable and duplicates are dropped by the replay guard).
 * Requests made while disconnected wait for the connection up to their timeout.
 * @module
 */
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import type { Json } from '@tessera/protocols/engine/codec';
import type { PartyIndex, SessionId } from '@tessera/protocols/engine/ids';
import { TransportError, asTransportError } from './errors.ts';
import { signTagged, type IdentityKey } from './identity.ts';
import { parseInvitation, type Invitation } from './invitation.ts';
import { SIGNAL_AUTH_TAG, parseMailboxItems, parseServerMessage, type MailboxItem } from './signal-protocol.ts';

/** The subset of the WebSocket API the client uses (browser `WebSocket` and `ws` both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/** A WebSocket constructor. */
export type WebSocketFactory = new (url: string) => WebSocketLike;

/** Options of {@link connectSignal}. */
export interface SignalClientOptions {
  /** `ws://host:port` of the signal server. */
  readonly url: string;
  readonly identity: IdentityKey;
  /** WebSocket implementation (default: global `WebSocket`, else `ws`). */
  readonly WebSocket?: WebSocketFactory;
  /** Reconnect after an unexpected close (default true). */
  readonly reconnect?: boolean;
  /** Per-request timeout, including waiting for a connection (default 15 s). */
  readonly requestTimeoutMs?: number;
  /** Keep-alive ping interval (default 20 s; the server closes idle connections). */
  readonly pingIntervalMs?: number;
  /** Largest server frame accepted (default 2 MiB). */
  readonly maxMessageBytes?: number;
}

/** Events of a {@link SignalClient}. */
export interface SignalEvents {
  /** A mailbox envelope pushed by the server. */
  message: (session: SessionId, item: MailboxItem) => void;
  /** SDP/ICE relayed from a party. */
  signal: (session: SessionId, from: PartyIndex, data: Json) => void;
  presence: (session: SessionId, party: PartyIndex, online: boolean) => void;
  /** (Re)connected and authenticated, rooms re-joined. */
  connected: () => void;
  disconnected: (reason: string) => void;
}

/** What `join` returns. */
export interface JoinResult {
  readonly invitation: Invitation;
  readonly self: PartyIndex;
  readonly online: readonly PartyIndex[];
}

/** A connection to the signal server. */
export interface SignalClient {
  readonly identity: IdentityKey;
  /** True while connected and authenticated. */
  readonly connected: boolean;
  /**
   * Opens a room from a signed invitation (idempotent for the same invitation).
   * @throws {TransportError} if refused (reason from the server) or on timeout.
   */
  create(invitation: string): Promise<{ created: boolean }>;
  /**
   * Joins a room; the returned invitation is verified here.
   * @throws {TransportError} if refused, on timeout, or if the invitation does not verify.
   */
  join(session: SessionId): Promise<JoinResult>;
  /** Leaves a room. @throws {TransportError} on timeout. */
  leave(session: SessionId): Promise<void>;
  /**
   * Stores an envelope for `to` (null: every other party); resolves with its cursor once durable.
   * @throws {TransportError} if refused or on timeout.
   */
  post(session: SessionId, to: readonly PartyIndex[] | null, envelope: string): Promise<number>;
  /** Mailbox entries for this party after `after`. @throws {TransportError} if refused or on timeout. */
  read(session: SessionId, after: number, limit?: number): Promise<{ items: MailboxItem[]; more: boolean }>;
  /**
   * Relays SDP/ICE to an online party (resolves when the server accepted it).
   * @throws {TransportError} `unreachable` if the party is offline.
   */
  signal(session: SessionId, to: PartyIndex, data: Json): Promise<void>;
  on<E extends keyof SignalEvents>(event: E, handler: SignalEvents[E]): () => void;
  /** Closes for good. */
  close(): Promise<void>;
}

let wsModule: Promise<WebSocketFactory> | undefined;

async function defaultWebSocket(): Promise<WebSocketFactory> {
  const g = (globalThis as { WebSocket?: WebSocketFactory }).WebSocket;
  if (g) return g;
  wsModule ??= import('ws').then((m) => (m.default ?? (m as unknown as { WebSocket: WebSocketFactory }).WebSocket) as unknown as WebSocketFactory);
  return wsModule;
}

function frameText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  return undefined;
}

/**
 * Connects (and authenticates) to a signal server.
 * @throws {TransportError} `unreachable` if the first connection fails, `bad-signature` or
 *   `unauthorized` if the server refuses the key.
 * @example
 * const client = await connectSignal({ url: 'ws://127.0.0.1:8787', identity });
 * const { self } = await client.join(session);
 */
export async function connectSignal(opts: SignalClientOptions): Promise<SignalClient> {
  const WS = opts.WebSocket ?? (await defaultWebSocket());
  const requestTimeoutMs = opts.requestTimeoutMs ?? 15_000;
  const pingIntervalMs = opts.pingIntervalMs ?? 20_000;
  const maxMessageBytes = opts.maxMessageBytes ?? 2 * 1024 * 1024;
  const reconnect = opts.reconnect ?? true;
  const handlers: { [E in keyof SignalEvents]: Set<SignalEvents[E]> } = {
    message: new Set(),
    signal: new Set(),
    presence: new Set(),
    connected: new Set(),
    disconnected: new Set(),
  };
  const emit = <E extends keyof SignalEvents>(e: E, ...args: Parameters<SignalEvents[E]>): void => {
    for (const h of handlers[e]) (h as (...a: Parameters<SignalEvents[E]>) => void)(...args);
  };
  const pending = new Map<number, { resolve: (v: Json) => void; reject: (e: unknown) => void }>();
  const joinedRooms = new Set<SessionId>();
  let nextId = 1;
  let ws: WebSocketLike | undefined;
  let authed = false;
  let closedForGood = false;
  let backoff = 200;
  let waiters: { ok: () => void; fail: (e: unknown) => void }[] = [];
  let pinger: ReturnType<typeof setInterval> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const sendRaw = (m: Record<string, Json>): void => {
    if (!ws || ws.readyState !== 1) throw new TransportError('closed', 'not connected to the signal server');
    ws.send(JSON.stringify(m));
  };

  function onDown(reason: string): void {
    const was = authed;
    authed = false;
    ws = undefined;
    if (pinger) clearInterval(pinger);
    pinger = undefined;
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(new TransportError('closed', `connection lost: ${reason}`));
    }
    if (was) emit('disconnected', reason);
    if (!closedForGood && reconnect) {
      retry = setTimeout(() => {
        retry = undefined;
        void open().catch(() => undefined);
      }, backoff);
      backoff = Math.min(backoff * 2, 5000);
    }
  }

  /** One connection attempt: resolves once authenticated (and rooms re-joined). */
  function open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const done = (e?: unknown): void => {
        if (settled) return;
        settled = true;
        if (e) reject(e);
        else resolve();
      };
      let sock: WebSocketLike;
      try {
        sock = new WS(opts.url);
      } catch (e) {
        done(new TransportError('unreachable', `cannot connect to ${opts.url}`, undefined, { cause: e }));
        return;
      }
      ws = sock;
      sock.onerror = () => undefined;
      sock.onclose = (ev) => {
        if (ws === sock) onDown(`closed (${ev.code ?? 0}${ev.reason ? ` ${ev.reason}` : ''})`);
        done(new TransportError('unreachable', `connection to ${opts.url} closed (${ev.code ?? 0}${ev.reason ? ` ${ev.reason}` : ''})`));
      };
      sock.onmessage = (ev) => {
        const text = frameText(ev.data);
        let m;
        try {
          m = parseServerMessage(text, maxMessageBytes);
        } catch {
          return; // a malformed server frame is ignored; requests time out
        }
        switch (m.t) {
          case 'challenge': {
            const sig = signTagged(opts.identity.secretKey, SIGNAL_AUTH_TAG, hexToBytes(m.nonce), opts.identity.publicKey);
            sock.send(JSON.stringify({ t: 'hello', key: bytesToHex(opts.identity.publicKey), sig: bytesToHex(sig) }));
            return;
          }
          case 'welcome': {
            authed = true;
            backoff = 200;
            pinger = setInterval(() => {
              void request({ t: 'ping' }).catch(() => undefined);
            }, pingIntervalMs);
            (pinger as { unref?: () => void }).unref?.();
            const rejoin = [...joinedRooms].map((s) => request({ t: 'join', session: s }).catch(() => undefined));
            void Promise.all(rejoin).then(() => {
              const w = waiters;
              waiters = [];
              for (const f of w) f.ok();
              emit('connected');
              done();
            });
            return;
          }
          case 'bye':
            done(new TransportError(m.reason === 'shutdown' ? 'closed' : 'unauthorized', `server said bye: ${m.reason}`));
            return;
          case 'res': {
            const p = pending.get(m.id);
            if (!p) return;
            pending.delete(m.id);
            if (m.ok) p.resolve(m.result);
            else p.reject(new TransportError(m.reason, `server refused: ${m.message}`));
            return;
          }
          case 'message':
            emit('message', m.session, { cursor: m.cursor, from: m.from, envelope: m.envelope });
            return;
          case 'signal':
            emit('signal', m.session, m.from, m.data);
            return;
          case 'presence':
            emit('presence', m.session, m.party, m.online);
            return;
        }
      };
    });
  }

  function waitConnected(deadline: number): Promise<void> {
    if (authed) return Promise.resolve();
    if (closedForGood) return Promise.reject(new TransportError('closed', 'signal client closed'));
    return new Promise<void>((resolve, reject) => {
      const w = {
        ok: (): void => {
          clearTimeout(t);
          resolve();
        },
        fail: (e: unknown): void => {
          clearTimeout(t);
          reject(e);
        },
      };
      const t = setTimeout(() => {
        waiters = waiters.filter((x) => x !== w);
        reject(new TransportError('timeout', 'no connection to the signal server'));
      }, Math.max(0, deadline - Date.now()));
      waiters.push(w);
    });
  }

  async function request(body: Record<string, Json>): Promise<Json> {
    const deadline = Date.now() + requestTimeoutMs;
    if (!authed) await waitConnected(deadline);
    const id = nextId++;
    return new Promise<Json>((resolve, reject) => {
      const t = setTimeout(() => {
        pending.delete(id);
        reject(new TransportError('timeout', `no answer to ${String(body.t)}`));
      }, Math.max(1, deadline - Date.now()));
      pending.set(id, {
        resolve: (v) => {
          clearTimeout(t);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(t);
          reject(e);
        },
      });
      try {
        sendRaw({ ...body, id });
      } catch (e) {
        pending.delete(id);
        clearTimeout(t);
        reject(e);
      }
    });
  }

  try {
    await open();
  } catch (e) {
    closedForGood = true;
    if (retry) clearTimeout(retry);
    throw e;
  }

  const client: SignalClient = {
    identity: opts.identity,
    get connected() {
      return authed;
    },
    async create(invitation) {
      const r = (await request({ t: 'create', invitation })) as { created?: unknown };
      return { created: r?.created === true };
    },
    async join(session) {
      const r = (await request({ t: 'join', session })) as { invitation?: unknown; self?: unknown; online?: unknown };
      let invitation: Invitation;
      try {
        invitation = parseInvitation(r?.invitation, { now: null });
      } catch (e) {
        throw asTransportError(e);
      }
      if (invitation.session !== session) throw new TransportError('wrong-session', 'server answered with another session', 'invitation.session');
      const mine = bytesToHex(opts.identity.publicKey);
      const self = [...invitation.parties].find(([, k]) => bytesToHex(k) === mine)?.[0];
      if (self === undefined || self !== r.self) throw new TransportError('unauthorized', 'not invited to this session', 'invitation.parties');
      joinedRooms.add(session);
      const online = Array.isArray(r.online) ? (r.online.filter((p) => typeof p === 'number' && invitation.parties.has(p as PartyIndex)) as PartyIndex[]) : [];
      return { invitation, self, online };
    },
    async leave(session) {
      joinedRooms.delete(session);
      await request({ t: 'leave', session });
    },
    async post(session, to, envelope) {
      const r = (await request({ t: 'post', session, to: to === null ? null : [...to], envelope })) as { cursor?: unknown };
      if (typeof r?.cursor !== 'number') throw new TransportError('malformed', 'post answer without cursor');
      return r.cursor;
    },
    async read(session, after, limit = 500) {
      return parseMailboxItems(await request({ t: 'read', session, after, limit }));
    },
    async signal(session, to, data) {
      await request({ t: 'signal', session, to, data });
    },
    on(event, handler) {
      (handlers[event] as Set<typeof handler>).add(handler);
      return () => void (handlers[event] as Set<typeof handler>).delete(handler);
    },
    async close() {
      closedForGood = true;
      if (retry) clearTimeout(retry);
      if (pinger) clearInterval(pinger);
      const s = ws;
      if (s && s.readyState <= 1) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 1000);
          (t as { unref?: () => void }).unref?.();
          const prev = s.onclose;
          s.onclose = (ev) => {
            prev?.(ev);
            clearTimeout(t);
            resolve();
          };
          s.close(1000, 'bye');
        });
      }
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new TransportError('closed', 'signal client closed'));
      }
      const w = waiters;
      waiters = [];
      for (const x of w) x.fail(new TransportError('closed', 'signal client closed'));
    },
  };
  return client;
}
