/**
 * Harnesses that run the transport acceptance suite through a real signal server on
 * loopback: mailbox-only transports, and (in the WebRTC test) the mesh. The server uses the
 * file store in a scratch directory and can be restarted on the same port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IdentityKey } from '@tessera/transport/identity';
import { createInvitation } from '@tessera/transport/invitation';
import { createMailboxTransport } from '@tessera/transport/mailbox';
import { connectSignal, type SignalClient } from '@tessera/transport/signal-client';
import { partyIndex, type PartyIndex, type SessionId } from '@tessera/transport/signal-protocol';
import type { SessionNet, TransportHarness } from '@tessera/transport/testing/acceptance';
import type { Transport } from '@tessera/transport/transport';
import { createFileStore } from '../src/file-store.ts';
import { silentLogger } from '../src/log.ts';
import { startSignalServer, type SignalServer } from '../src/server.ts';

/** Largest envelope the test server and receivers accept. */
export const TEST_MAX_ENVELOPE_BYTES = 256 * 1024;

/** A signal server on 127.0.0.1 with a file store, restartable on its port. */
export interface TestServer {
  readonly url: string;
  current(): SignalServer;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a test server (port 0, file store in a scratch directory). */
export async function testServer(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-signal-acc-'));
  const start = (port: number) => startSignalServer({ store: createFileStore({ dir }), port, logger: silentLogger, maxEnvelopeBytes: TEST_MAX_ENVELOPE_BYTES, rate: { perSecond: 5000, burst: 10000 } });
  let server = await start(0);
  const port = server.port;
  return {
    url: server.url,
    current: () => server,
    async restart() {
      await server.close();
      server = await start(port);
    },
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Tracks clients so cleanup closes every one. */
export class ClientPool {
  private readonly clients = new Set<SignalClient>();
  constructor(private readonly url: string) {}
  async connect(identity: IdentityKey): Promise<SignalClient> {
    const c = await connectSignal({ url: this.url, identity, requestTimeoutMs: 20_000 });
    this.clients.add(c);
    return c;
  }
  async close(c: SignalClient): Promise<void> {
    this.clients.delete(c);
    await c.close();
  }
  async closeAll(): Promise<void> {
    await Promise.all([...this.clients].map((c) => c.close()));
    this.clients.clear();
  }
}

/** Opens the room of a session (invitation signed by party 1). */
export async function openRoom(pool: ClientPool, session: SessionId, protocol: string, ids: ReadonlyMap<PartyIndex, IdentityKey>, parties: readonly PartyIndex[]): Promise<void> {
  const creator = ids.get(partyIndex(1))!;
  const inv = createInvitation({ session, protocol, creator, parties: new Map(parties.map((p) => [p, ids.get(p)!.publicKey] as const)), ttlMs: 3600_000 });
  const c = await pool.connect(creator);
  try {
    await c.create(inv.text);
  } finally {
    await pool.close(c);
  }
}

/** Injects a raw text by posting it to the mailbox as party `from`: false if the server refused it. */
export async function injectByPost(pool: ClientPool, session: SessionId, ids: ReadonlyMap<PartyIndex, IdentityKey>, from: PartyIndex, to: PartyIndex, text: string): Promise<boolean> {
  const c = await pool.connect(ids.get(from)!);
  try {
    await c.join(session);
    await c.post(session, [to], text);
    return true;
  } catch {
    return false;
  } finally {
    await pool.close(c);
  }
}

/** The mailbox-only harness. */
export async function mailboxHarness(): Promise<TransportHarness & { server: TestServer }> {
  const server = await testServer();
  const pool = new ClientPool(server.url);
  return {
    server,
    maxEnvelopeBytes: TEST_MAX_ENVELOPE_BYTES,
    async setup(session, protocol, ids, parties): Promise<SessionNet> {
      await openRoom(pool, session, protocol, ids, parties);
      return {
        async transport(p): Promise<Transport> {
          const client = await pool.connect(ids.get(p)!);
          const t = createMailboxTransport({ client, session });
          return {
            start: (h) => t.start(h),
            send: (to, text) => t.send(to, text),
            async close() {
              await t.close();
              await pool.close(client);
            },
          };
        },
        inject: (from, to, text) => injectByPost(pool, session, ids, from, to, text),
      };
    },
    async cleanup() {
      await pool.closeAll();
      await server.stop();
    },
  };
}
