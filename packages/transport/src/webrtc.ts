/**
 * The WebRTC mesh transport: one ordered, reliable data channel per pair of parties, with
 * SDP/ICE exchanged through the signal server, and the server's mailbox as the fallback.
 *
 * - Pairing: when both parties of a pair are in the room, the lower index makes the offer
 *   (trickle ICE; each attempt has an id so stale signals are ignored); the channel is
 *   `ordered` with unlimited retransmits (reliable).
 * - Sending: over the channel when it is open; the receiver answers each message with an
 *   acknowledgement once its runner has processed (and persisted) it. A message without
 *   acknowledgement within `ackTimeoutMs`, on a channel that closes, or to a party without an
 *   open channel (offline, or the channel could not open) is posted to the mailbox instead.
 *   A broadcast takes each recipient's path separately. `send` resolves once every
 *   recipient has it (acknowledged or stored by the server).
 * - Receiving: from channels and from the mailbox (the mailbox transport's catch-up covers
 *   what arrived while this party was away); duplicates across paths are dropped by the
 *   runner's replay guard.
 * - Reconnection: a failed or closed connection is retried with backoff while the peer is
 *   in the room; a peer leaving closes its connection; after the signal client reconnects,
 *   the room's presence is read again.
 *
 * The channel itself is not trusted: envelopes are signed by their sender and p2p payloads
 * are end-to-end encrypted (envelope.ts), so a relay or server in the middle of the SDP
 * exchange learns nothing it could not see in the mailbox.
 * Works with the polyfill of `node-datachannel` in Node and the browser's
 * `RTCPeerConnection` (with `webrtc-adapter`); see rtc.node.ts / rtc.browser.ts.
 * @module
 */
import type { Json } from '@tessera/protocols/engine/codec';
import type { PartyIndex, SessionId } from '@tessera/protocols/engine/ids';
import { TransportError } from './errors.ts';
import { createMailboxTransport, type MailboxTransport } from './mailbox.ts';
import type { SignalClient } from './signal-client.ts';
import type { Transport, TransportHandler } from './transport.ts';

/** An `RTCPeerConnection` constructor (browser, or node-datachannel's polyfill). */
export type PeerConnectionFactory = new (config?: RTCConfiguration) => RTCPeerConnection;

/** Options of {@link createMeshTransport}. */
export interface MeshTransportOptions {
  readonly client: SignalClient;
  readonly session: SessionId;
  readonly RTCPeerConnection: PeerConnectionFactory;
  /** ICE servers (none needed on one host or LAN). */
  readonly iceServers?: RTCIceServer[];
  /** Wait this long for a channel acknowledgement before using the mailbox (default 3 s). */
  readonly ackTimeoutMs?: number;
  /** Give up on a connection attempt after this long (default 8 s); the mailbox carries on. */
  readonly connectTimeoutMs?: number;
  /**
   * On start, wait up to this long for channels to the parties already in the room before
   * reading the mailbox and returning (default 0), so the first messages take the channels.
   */
  readonly waitForOnlineMs?: number;
  /** Largest message sent over a channel (default 64 KiB); larger ones use the mailbox. */
  readonly maxChannelMessageBytes?: number;
  /** Reports channel and fallback events (tests, metrics). */
  readonly onEvent?: (e: MeshEvent) => void;
}

/** Mesh events. */
export type MeshEvent =
  | { readonly type: 'channel-open'; readonly peer: PartyIndex }
  | { readonly type: 'channel-closed'; readonly peer: PartyIndex }
  | { readonly type: 'fallback'; readonly peer: PartyIndex; readonly why: 'no-channel' | 'ack-timeout' | 'channel-closed' | 'too-large' }
  | { readonly type: 'received'; readonly peer: PartyIndex; readonly via: 'channel' };

/** The mesh; also reports which peers have an open channel. */
export interface MeshTransport extends Transport {
  /** Peers with an open data channel now. */
  openChannels(): PartyIndex[];
  /** Resolves when channels to all `peers` are open (or rejects after `ms`). */
  waitForChannels(peers: readonly PartyIndex[], ms: number): Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Peer {
  readonly index: PartyIndex;
  pc?: RTCPeerConnection;
  dc?: RTCDataChannel;
  attempt?: string;
  remoteSet: boolean;
  pendingIce: RTCIceCandidateInit[];
  open: boolean;
  online: boolean;
  retry?: ReturnType<typeof setTimeout>;
  connectTimer?: ReturnType<typeof setTimeout>;
  backoff: number;
  /** message id → waiter for its acknowledgement */
  acks: Map<number, Waiter>;
  /** incoming messages are handled one at a time */
  inbound: Promise<void>;
}

/**
 * A WebRTC mesh transport for one session (joins the room on start).
 * @example
 * const { RTCPeerConnection } = await import('node-datachannel/polyfill');
 * const t = createMeshTransport({ client, session, RTCPeerConnection });
 */
export function createMeshTransport(opts: MeshTransportOptions): MeshTransport {
  const { client, session } = opts;
  const ackTimeoutMs = opts.ackTimeoutMs ?? 3000;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 8000;
  const maxChannelBytes = opts.maxChannelMessageBytes ?? 64 * 1024;
  const emit = (e: MeshEvent): void => opts.onEvent?.(e);
  const mailbox: MailboxTransport = createMailboxTransport({ client, session });
  const peers = new Map<PartyIndex, Peer>();
  let self: PartyIndex | undefined;
  let parties: readonly PartyIndex[] = [];
  let handler: TransportHandler | undefined;
  let closed = false;
  let nextMsg = 1;
  let attempts = 0;
  const offs: (() => void)[] = [];
  const openWaiters = new Set<() => void>();
  /** Signals and presence that arrive before this party's own join answer. */
  let early: (() => void)[] | undefined = [];

  const peer = (p: PartyIndex): Peer => {
    let x = peers.get(p);
    if (!x) peers.set(p, (x = { index: p, remoteSet: false, pendingIce: [], open: false, online: false, backoff: 500, acks: new Map(), inbound: Promise.resolve() }));
    return x;
  };

  const signal = (to: PartyIndex, data: Json): void => {
    void client.signal(session, to, data).catch(() => undefined);
  };

  function teardown(x: Peer, why: 'closed' | 'replaced'): void {
    if (x.connectTimer) clearTimeout(x.connectTimer);
    x.connectTimer = undefined;
    const wasOpen = x.open;
    x.open = false;
    const dc = x.dc;
    const pc = x.pc;
    x.dc = undefined;
    x.pc = undefined;
    x.attempt = undefined;
    x.remoteSet = false;
    x.pendingIce = [];
    if (dc) {
      dc.onopen = dc.onclose = dc.onmessage = dc.onerror = null;
      try {
        dc.close();
      } catch {
        // already closed
      }
    }
    if (pc) {
      pc.onicecandidate = pc.onconnectionstatechange = pc.ondatachannel = null;
      try {
        pc.close();
      } catch {
        // already closed
      }
    }
    for (const [id, w] of x.acks) {
      x.acks.delete(id);
      clearTimeout(w.timer);
      w.reject(new TransportError('closed', 'channel closed'));
    }
    if (wasOpen) emit({ type: 'channel-closed', peer: x.index });
    if (why === 'closed') scheduleRetry(x);
  }

  function scheduleRetry(x: Peer): void {
    if (closed || !x.online || self === undefined || self > x.index || x.retry) return;
    x.retry = setTimeout(() => {
      x.retry = undefined;
      if (!x.pc) void connect(x);
    }, x.backoff);
    x.backoff = Math.min(x.backoff * 2, 10_000);
  }

  function wireChannel(x: Peer, dc: RTCDataChannel, attempt: string): void {
    x.dc = dc;
    const opened = (): void => {
      if (x.attempt !== attempt || x.open) return;
      if (x.connectTimer) clearTimeout(x.connectTimer);
      x.connectTimer = undefined;
      x.open = true;
      x.backoff = 500;
      emit({ type: 'channel-open', peer: x.index });
      for (const w of [...openWaiters]) w();
    };
    dc.onopen = opened;
    // a channel announced by `datachannel` may already be open (no `open` event follows)
    if (dc.readyState === 'open') queueMicrotask(opened);
    dc.onclose = () => {
      if (x.attempt === attempt) teardown(x, 'closed');
    };
    dc.onmessage = (ev: MessageEvent) => {
      if (x.attempt !== attempt || typeof ev.data !== 'string') return;
      let m: { t?: unknown; id?: unknown; text?: unknown };
      try {
        m = JSON.parse(ev.data) as typeof m;
      } catch {
        return;
      }
      if (typeof m.id !== 'number') return;
      const id = m.id;
      if (m.t === 'a') {
        const w = x.acks.get(id);
        if (!w) return;
        x.acks.delete(id);
        clearTimeout(w.timer);
        w.resolve();
      } else if (m.t === 'm' && typeof m.text === 'string') {
        const text = m.text;
        x.inbound = x.inbound.then(async () => {
          if (!handler || closed) return;
          emit({ type: 'received', peer: x.index, via: 'channel' });
          try {
            await handler(text);
          } catch {
            return; // not processed: no acknowledgement, the sender falls back to the mailbox
          }
          try {
            if (x.dc === dc && dc.readyState === 'open') dc.send(JSON.stringify({ t: 'a', id }));
          } catch {
            // the channel closed meanwhile: the sender falls back to the mailbox (a duplicate at worst)
          }
        });
      }
    };
  }

  function newPc(x: Peer, attempt: string): RTCPeerConnection {
    const pc = new opts.RTCPeerConnection({ iceServers: opts.iceServers ?? [] });
    x.pc = pc;
    x.attempt = attempt;
    pc.onicecandidate = (ev) => {
      if (x.attempt !== attempt || !ev.candidate || !ev.candidate.candidate) return;
      signal(x.index, { kind: 'ice', attempt, candidate: ev.candidate.candidate, mid: ev.candidate.sdpMid ?? '0' });
    };
    pc.onconnectionstatechange = () => {
      if (x.attempt !== attempt) return;
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') teardown(x, 'closed');
    };
    x.connectTimer = setTimeout(() => {
      if (x.attempt === attempt && !x.open) teardown(x, 'closed');
    }, connectTimeoutMs);
    return pc;
  }

  /** The lower index of a pair makes the offer. */
  async function connect(x: Peer): Promise<void> {
    if (closed || self === undefined || self > x.index || x.pc) return;
    const attempt = `${self}-${x.index}-${++attempts}-${Date.now()}`;
    try {
      const pc = newPc(x, attempt);
      wireChannel(x, pc.createDataChannel('tessera', { ordered: true }), attempt);
      const offer = await pc.createOffer();
      // libdatachannel negotiates by itself when the channel is created (the offer is already
      // local); setting it again re-creates the ICE transport under a racing answer
      if (pc.signalingState !== 'have-local-offer') await pc.setLocalDescription(offer);
      if (x.attempt !== attempt) return;
      signal(x.index, { kind: 'offer', attempt, sdp: withoutCandidates(pc.localDescription?.sdp ?? offer.sdp ?? '') });
    } catch {
      if (x.attempt === attempt) teardown(x, 'closed');
    }
  }

  async function onSignal(from: PartyIndex, data: Json): Promise<void> {
    if (closed || !parties.includes(from) || from === self || data === null || typeof data !== 'object' || Array.isArray(data)) return;
    const d = data as { kind?: unknown; attempt?: unknown; sdp?: unknown; candidate?: unknown; mid?: unknown };
    if (typeof d.attempt !== 'string' || d.attempt.length > 100) return;
    const x = peer(from);
    x.online = true;
    try {
      if (d.kind === 'offer' && typeof d.sdp === 'string' && self !== undefined && from < self) {
        if (x.pc) teardown(x, 'replaced');
        const attempt = d.attempt;
        const pc = newPc(x, attempt);
        pc.ondatachannel = (ev) => {
          if (x.attempt === attempt) wireChannel(x, ev.channel, attempt);
        };
        await pc.setRemoteDescription({ type: 'offer', sdp: d.sdp });
        x.remoteSet = true;
        for (const c of x.pendingIce.splice(0)) await pc.addIceCandidate(c);
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        if (x.attempt !== attempt) return;
        signal(from, { kind: 'answer', attempt, sdp: withoutCandidates(pc.localDescription?.sdp ?? answer.sdp ?? '') });
      } else if (d.kind === 'answer' && typeof d.sdp === 'string' && x.attempt === d.attempt && x.pc && !x.remoteSet) {
        await x.pc.setRemoteDescription({ type: 'answer', sdp: d.sdp });
        x.remoteSet = true;
        for (const c of x.pendingIce.splice(0)) await x.pc.addIceCandidate(c);
      } else if (d.kind === 'ice' && typeof d.candidate === 'string' && typeof d.mid === 'string' && x.attempt === d.attempt) {
        const c: RTCIceCandidateInit = { candidate: d.candidate, sdpMid: d.mid };
        if (x.remoteSet && x.pc) await x.pc.addIceCandidate(c);
        else x.pendingIce.push(c);
      }
    } catch (e) {
        if (x.pc) teardown(x, 'closed');
    }
  }

  function onPresence(p: PartyIndex, online: boolean): void {
    if (closed || !parties.includes(p) || p === self) return;
    const x = peer(p);
    x.online = online;
    if (!online) {
      if (x.retry) clearTimeout(x.retry);
      x.retry = undefined;
      teardown(x, 'replaced');
    } else if (!x.pc) void connect(x);
  }

  async function refreshPresence(): Promise<void> {
    const j = await client.join(session);
    self = j.self;
    parties = [...j.invitation.parties.keys()];
    for (const p of j.online) if (p !== self) onPresence(p, true);
  }

  /** Sends over the channel and waits for the acknowledgement. */
  function viaChannel(x: Peer, text: string): Promise<void> {
    const dc = x.dc;
    if (!x.open || !dc || dc.readyState !== 'open') return Promise.reject(new TransportError('closed', 'no open channel'));
    const id = nextMsg++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        x.acks.delete(id);
        reject(new TransportError('timeout', 'no acknowledgement'));
      }, ackTimeoutMs);
      x.acks.set(id, { resolve, reject, timer });
      try {
        dc.send(JSON.stringify({ t: 'm', id, text }));
      } catch (e) {
        x.acks.delete(id);
        clearTimeout(timer);
        reject(new TransportError('closed', 'channel send failed', undefined, { cause: e }));
      }
    });
  }

  return {
    async start(h) {
      if (handler) throw new TransportError('malformed', 'transport already started');
      handler = h;
      offs.push(
        client.on('signal', (s, from, data) => {
          if (s !== session) return;
          if (early) early.push(() => void onSignal(from, data));
          else void onSignal(from, data);
        }),
        client.on('presence', (s, p, online) => {
          if (s !== session) return;
          if (early) early.push(() => onPresence(p, online));
          else onPresence(p, online);
        }),
        client.on('connected', () => {
          if (!closed) void refreshPresence().catch(() => undefined);
        }),
      );
      await refreshPresence();
      const queued = early ?? [];
      early = undefined;
      for (const f of queued) f();
      const online = [...peers.values()].filter((x) => x.online).map((x) => x.index);
      if ((opts.waitForOnlineMs ?? 0) > 0 && online.length > 0) await this.waitForChannels(online, opts.waitForOnlineMs!).catch(() => undefined);
      await mailbox.start(h);
    },
    async send(to, text) {
      if (closed) throw new TransportError('closed', 'transport closed');
      if (self === undefined) throw new TransportError('closed', 'transport not started');
      const me = self;
      const targets = to === null ? parties.filter((p) => p !== me) : [to];
      const fallback: PartyIndex[] = [];
      await Promise.all(
        targets.map(async (p) => {
          const x = peer(p);
          if (text.length > maxChannelBytes) {
            emit({ type: 'fallback', peer: p, why: 'too-large' });
            fallback.push(p);
            return;
          }
          if (!x.open) {
            emit({ type: 'fallback', peer: p, why: 'no-channel' });
            fallback.push(p);
            return;
          }
          try {
            await viaChannel(x, text);
          } catch (e) {
            emit({ type: 'fallback', peer: p, why: e instanceof TransportError && e.reason === 'timeout' ? 'ack-timeout' : 'channel-closed' });
            fallback.push(p);
          }
        }),
      );
      if (fallback.length > 0) await client.post(session, fallback.sort((a, b) => a - b), text);
    },
    openChannels() {
      return [...peers.values()].filter((x) => x.open).map((x) => x.index).sort((a, b) => a - b);
    },
    waitForChannels(list, ms) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (list.every((p) => peers.get(p)?.open)) {
            clearTimeout(timer);
            openWaiters.delete(check);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          openWaiters.delete(check);
          reject(new TransportError('timeout', `channels to ${list.join(', ')} did not open`));
        }, ms);
        openWaiters.add(check);
        check();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const off of offs) off();
      for (const x of peers.values()) {
        if (x.retry) clearTimeout(x.retry);
        x.retry = undefined;
        teardown(x, 'replaced');
        await x.inbound.catch(() => undefined);
      }
      await mailbox.close();
    },
  };
}

/**
 * The SDP without its candidate lines: candidates travel separately (trickle ICE), so a
 * description never carries candidates that the peer's stack must apply while its ICE
 * transport is still being set up (libdatachannel then refuses the whole description).
 */
function withoutCandidates(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((l) => !l.startsWith('a=candidate:') && l !== 'a=end-of-candidates')
    .join('\r\n');
}
