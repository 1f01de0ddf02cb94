/**
 * What the parts of an unlocked wallet share: the vault and its wallet records, the device
 * identity, the event hub, clock and randomness, the scheme registry, and the device's signal
 * connection (opened lazily, reopened on demand after a failure) with the ceremony network
 * built on it.
 * @module
 */
import type { RandomSource } from '@tessera/crypto/rng';
import type { IdentityKey } from '@tessera/transport/identity';
import { connectSignal, type SignalClient } from '@tessera/transport/signal-client';
import type { PeerConnectionFactory } from '@tessera/transport/webrtc';
import type { Vault } from '@tessera/vault';
import type { SchemeDriver, SchemeName, WalletCoreOptions } from './api.ts';
import type { CeremonyNet } from './ceremony.ts';
import type { Emitter } from './emitter.ts';
import { WalletError, asWalletError } from './errors.ts';
import { cggmpDriver } from './cggmp-driver.ts';
import { frostDriver } from './frost-driver.ts';
import { WalletRecords } from './records.ts';

/** Default lifetime of a lobby (and its links): 7 days. */
export const LOBBY_TTL_MS = 7 * 24 * 3600 * 1000;
/** Default lifetime of a group room: 365 days (the signal server accepts up to 400 by default). */
export const GROUP_TTL_MS = 365 * 24 * 3600 * 1000;
/** Default silence timeout of a ceremony: 10 minutes. */
export const DEFAULT_CEREMONY_TIMEOUT_MS = 600_000;
/** Lifetime of ceremony invitations (DKG, signing, refresh): 7 days. */
export const CEREMONY_TTL_MS = 7 * 24 * 3600 * 1000;

/** The shared context of an unlocked wallet. */
export interface WalletContext {
  readonly vault: Vault;
  readonly records: WalletRecords;
  readonly identity: IdentityKey;
  readonly events: Emitter;
  readonly options: WalletCoreOptions;
  readonly now: () => number;
  readonly rng: RandomSource | undefined;
  readonly log: (line: string) => void;
  readonly linkBase: string;
  readonly groupTtlMs: number;
  /** The scheme driver of `scheme`. @throws {WalletError} `unsupported-scheme`. */
  driver(scheme: SchemeName | string, suite?: string): SchemeDriver;
  /** The device's signal connection. @throws {WalletError} `transport` if unreachable. */
  client(): Promise<SignalClient>;
  /** Ceremony network over the device connection. @throws {WalletError} `transport`. */
  net(): Promise<CeremonyNet>;
  /** Aborted when the wallet locks. */
  readonly signal: AbortSignal;
  /** Aborts running work (ceremonies keep their records). */
  abort(): void;
  /** Aborts and closes the connection. */
  close(): Promise<void>;
}

function defaultLinkBase(): string {
  const loc = (globalThis as { location?: { origin?: string; pathname?: string; search?: string } }).location;
  // the query stays (e.g. a `?signal=` override), so a joiner reaches the same signal server
  return loc?.origin && loc.origin !== 'null' ? `${loc.origin}${loc.pathname ?? '/'}${loc.search ?? ''}` : 'tessera://wallet/';
}

function rtcLoader(opt: WalletCoreOptions['RTCPeerConnection'], mode: WalletCoreOptions['transport']): () => Promise<PeerConnectionFactory | undefined> {
  if (!opt || mode === 'mailbox') return async () => undefined;
  const proto = (opt as { prototype?: { createDataChannel?: unknown } }).prototype;
  if (proto && typeof proto.createDataChannel === 'function') return async () => opt as PeerConnectionFactory;
  let loaded: Promise<PeerConnectionFactory> | undefined;
  return () => (loaded ??= (opt as () => Promise<PeerConnectionFactory>)());
}

/** Builds the context of an unlocked wallet. */
export function createContext(d: { vault: Vault; identity: IdentityKey; options: WalletCoreOptions; events: Emitter }): WalletContext {
  const o = d.options;
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => undefined);
  const drivers = new Map<string, SchemeDriver>([['frost', frostDriver], ['cggmp', cggmpDriver]]);
  for (const s of o.schemes ?? []) drivers.set(s.scheme, s);
  const abort = new AbortController();
  const rtc = rtcLoader(o.RTCPeerConnection, o.transport);
  let pending: Promise<SignalClient> | undefined;
  let client: SignalClient | undefined;

  const connect = (): Promise<SignalClient> => {
    if (abort.signal.aborted) return Promise.reject(new WalletError('locked', 'the wallet is locked'));
    pending ??= connectSignal({ url: o.signalUrl, identity: d.identity, ...(o.WebSocket ? { WebSocket: o.WebSocket } : {}) }).then(
      (c) => {
        if (abort.signal.aborted) {
          void c.close();
          throw new WalletError('locked', 'the wallet is locked');
        }
        client = c;
        c.on('connected', () => d.events.emit({ type: 'signal', connected: true }));
        c.on('disconnected', () => d.events.emit({ type: 'signal', connected: false }));
        d.events.emit({ type: 'signal', connected: true });
        return c;
      },
      (e: unknown) => {
        pending = undefined;
        const w = asWalletError(e);
        throw w.code === 'locked' ? w : new WalletError('transport', `signal server unreachable: ${w.message}`, { field: 'signalUrl', cause: e });
      },
    );
    return pending;
  };

  return {
    vault: d.vault,
    records: new WalletRecords(d.vault),
    identity: d.identity,
    events: d.events,
    options: o,
    now,
    rng: o.rng,
    log,
    linkBase: o.linkBase ?? defaultLinkBase(),
    groupTtlMs: o.groupRoomTtlMs ?? GROUP_TTL_MS,
    driver(scheme, suite) {
      const dr = drivers.get(scheme);
      if (!dr) throw new WalletError('unsupported-scheme', `no driver for scheme ${scheme}`, { field: 'scheme' });
      if (suite !== undefined && !dr.suites.includes(suite)) throw new WalletError('unsupported-scheme', `${scheme} does not support suite ${suite}`, { field: 'suite' });
      return dr;
    },
    client: connect,
    async net() {
      const c = await connect();
      return {
        client: c,
        rtc,
        timeoutMs: o.ceremonyTimeoutMs ?? DEFAULT_CEREMONY_TIMEOUT_MS,
        now,
        ...(o.rng ? { rng: o.rng } : {}),
        onMesh: (session, e) => {
          if (e.type === 'channel-open' || e.type === 'fallback') d.events.emit({ type: 'transport', id: session, detail: e.type === 'fallback' ? `mailbox fallback to party ${e.peer} (${e.why})` : `direct channel to party ${e.peer}` });
        },
      };
    },
    signal: abort.signal,
    abort: () => abort.abort(),
    async close() {
      abort.abort();
      const c = client ?? (await pending?.catch(() => undefined));
      client = undefined;
      pending = undefined;
      await c?.close();
    },
  };
}
