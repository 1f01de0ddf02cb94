/**
 * Test helpers for the signal server: identities, invitations, servers on loopback port 0
 * that are always shut down, clients that are always closed, and a log sink.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { createEnvelopeCodec, type EnvelopeCodec } from '@tessera/transport/envelope';
import { generateIdentity, type IdentityKey } from '@tessera/transport/identity';
import { createInvitation, type Invitation } from '@tessera/transport/invitation';
import { connectSignal, type SignalClient, type SignalClientOptions } from '@tessera/transport/signal-client';
import { newSessionId, partyIndex, type PartyIndex } from '@tessera/transport/signal-protocol';
import { createLogger, type Logger } from '../src/log.ts';
import { startSignalServer, type SignalServer, type SignalServerOptions } from '../src/server.ts';
import { createMemoryStore } from '../src/store.ts';

export const rng = createSeededRng('signal-server-tests');

/** Identities for parties 1..n (plus one outsider at n + 1). */
export function identities(n: number): Map<PartyIndex, IdentityKey> {
  return new Map(Array.from({ length: n + 1 }, (_, k) => [partyIndex(k + 1), generateIdentity(rng)] as const));
}

/** An invitation for parties 1..n signed by party 1. */
export function invite(ids: Map<PartyIndex, IdentityKey>, n: number, extra: { ttlMs?: number } = {}): Invitation {
  const parties = new Map([...ids].filter(([i]) => i <= n).map(([i, k]) => [i, k.publicKey] as const));
  return createInvitation({ session: newSessionId(rng), protocol: 'tessera/frost/dkg', creator: ids.get(partyIndex(1))!, parties, params: { threshold: 2 }, ...extra });
}

/** An envelope codec for party `self` of the invitation. */
export function codecFor(inv: Invitation, ids: Map<PartyIndex, IdentityKey>, self: number): EnvelopeCodec {
  return createEnvelopeCodec({ session: inv.session, protocol: inv.protocol, self: partyIndex(self), identity: ids.get(partyIndex(self))!, directory: inv.parties, rng });
}

/** Collected log lines. */
export function memoryLog(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ write: (t: string) => lines.push(t) }, 'debug'), lines };
}

const servers = new Set<SignalServer>();
const clients = new Set<SignalClient>();
const dirs: string[] = [];

/** Starts a server on 127.0.0.1:0 (memory store unless given); closed by {@link cleanup}. */
export async function server(opts: Partial<SignalServerOptions> = {}): Promise<SignalServer> {
  const s = await startSignalServer({ store: createMemoryStore(), logger: memoryLog().logger, ...opts });
  servers.add(s);
  return s;
}

/** Connects a client; closed by {@link cleanup}. */
export async function client(url: string, identity: IdentityKey, opts: Partial<SignalClientOptions> = {}): Promise<SignalClient> {
  const c = await connectSignal({ url, identity, requestTimeoutMs: 5000, ...opts });
  clients.add(c);
  return c;
}

/** A scratch directory removed by {@link cleanup}. */
export function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'tessera-signal-'));
  dirs.push(d);
  return d;
}

/** Closes every client and server and removes scratch directories. */
export async function cleanup(): Promise<void> {
  await Promise.all([...clients].map((c) => c.close()));
  clients.clear();
  await Promise.all([...servers].map((s) => s.close()));
  servers.clear();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Resolves with the next value `register` reports (or rejects after `ms`). */
export function next<T>(register: (cb: (v: T) => void) => () => void, ms = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for an event'));
    }, ms);
    const off = register((v) => {
      clearTimeout(t);
      off();
      resolve(v);
    });
  });
}

/** Resolves once `cond` holds (polls every 10 ms; rejects after `ms`). */
export async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}
