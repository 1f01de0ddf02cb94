/**
 * An app room: the wallet's view of one lobby or group room on the signal server. Opens the
 * room from its signed invitation and reads its mailbox in cursor order from a given cursor
 * (server pushes only trigger a read, so nothing is skipped or handled twice within a run;
 * the owner persists the cursor it was handed to continue there after a restart, which is how
 * a wallet that was offline catches up). Each envelope is opened and authenticated, then its
 * payload goes to the handler with its cursor; a rejected envelope (bad signature, unknown
 * sender, malformed payload) or failed handler is reported and skipped, never fatal.
 * Presence of the other parties is tracked.
 * @module
 */
import type { Json } from '@tessera/protocols/engine/codec';
import type { PartyIndex } from '@tessera/protocols/engine/ids';
import type { IdentityKey } from '@tessera/transport/identity';
import type { Invitation } from '@tessera/transport/invitation';
import type { SignalClient } from '@tessera/transport/signal-client';
import type { RandomSource } from '@tessera/crypto/rng';
import type { WalletErrorInfo } from './api.ts';
import { errorInfo } from './errors.ts';
import { openAppMessage, sealAppMessage, type Route } from './messages.ts';

/** Options of {@link openRoom}. */
export interface RoomOptions {
  readonly client: SignalClient;
  readonly invitation: Invitation;
  readonly self: PartyIndex;
  readonly identity: IdentityKey;
  readonly now: () => number;
  readonly rng?: RandomSource;
  /** Read the mailbox after this cursor (default 0: everything). */
  readonly after?: number;
  /** Handles one authenticated payload; a throw is reported through `onReject` and the item skipped. */
  readonly onMessage: (from: PartyIndex, payload: Json, cursor: number) => Promise<void>;
  /** A rejected envelope or failed handler (never secret); `cursor` of the item. */
  readonly onReject: (error: WalletErrorInfo, cursor: number, from: PartyIndex) => void | Promise<void>;
  readonly onPresence?: (party: PartyIndex, online: boolean) => void;
}

/** An open app room. */
export interface AppRoom {
  readonly invitation: Invitation;
  readonly self: PartyIndex;
  /** Parties online now (besides this one). */
  online(): ReadonlySet<PartyIndex>;
  /** Highest cursor handled. */
  readonly cursor: number;
  /**
   * Sends `payload` to `to` (encrypted), to each other party separately (`'each'`, encrypted),
   * or as one signed broadcast (`null`).
   * @throws {TransportError} if the server refuses or is unreachable.
   */
  send(to: PartyIndex | 'each' | null, payload: Json): Promise<void>;
  /** Resolves once everything stored so far has been handled (tests, resume). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens (creating if needed), joins and starts reading a room.
 * @throws {TransportError} if the room cannot be created or joined.
 */
export async function openRoom(o: RoomOptions): Promise<AppRoom> {
  const { client, invitation } = o;
  const session = invitation.session;
  const route: Route = { session, protocol: invitation.protocol, self: o.self, identity: o.identity, directory: invitation.parties, now: o.now, ...(o.rng ? { rng: o.rng } : {}) };
  const online = new Set<PartyIndex>();
  let last = o.after ?? 0;
  let closed = false;
  let reading: Promise<void> | undefined;
  let again = false;

  const handle = async (cursor: number, from: PartyIndex, textIn: string): Promise<void> => {
    let msg: { from: PartyIndex; payload: Json };
    try {
      msg = await openAppMessage(route, textIn);
    } catch (e) {
      await o.onReject(errorInfo(e), cursor, from);
      return;
    }
    try {
      await o.onMessage(msg.from, msg.payload, cursor);
    } catch (e) {
      await o.onReject(errorInfo(e), cursor, msg.from);
    }
  };

  const readAll = async (): Promise<void> => {
    do {
      again = false;
      let more = true;
      while (more && !closed) {
        const r = await client.read(session, last, 200);
        for (const it of r.items) {
          if (closed) return;
          if (it.cursor <= last) continue;
          await handle(it.cursor, it.from, it.envelope);
          last = it.cursor;
        }
        more = r.more;
      }
    } while (again && !closed);
  };

  const pump = (): Promise<void> => {
    if (reading) {
      again = true;
      return reading;
    }
    reading = readAll()
      .catch(() => {
        // a failed read (disconnected): the next push or reconnection reads again
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };

  await client.create(invitation.text);
  const offs = [
    client.on('presence', (s, party, on) => {
      if (s !== session || party === o.self) return;
      if (on) online.add(party);
      else online.delete(party);
      o.onPresence?.(party, on);
    }),
    client.on('message', (s) => {
      if (s === session && !closed) void pump();
    }),
    client.on('connected', () => {
      if (closed) return;
      void client.join(session).then(
        (r) => {
          online.clear();
          for (const p of r.online) if (p !== o.self) online.add(p);
          void pump();
        },
        () => undefined,
      );
    }),
  ];
  try {
    const j = await client.join(session);
    for (const p of j.online) if (p !== o.self) online.add(p);
  } catch (e) {
    for (const off of offs) off();
    throw e;
  }
  void pump();
  const others = [...invitation.parties.keys()].filter((p) => p !== o.self);
  return {
    invitation,
    self: o.self,
    online: () => online,
    get cursor() {
      return last;
    },
    async send(to, payload) {
      if (to === 'each') {
        for (const p of others) await client.post(session, [p], await sealAppMessage(route, p, payload));
        return;
      }
      await client.post(session, to === null ? null : [to], await sealAppMessage(route, to, payload));
    },
    async idle() {
      await pump();
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const off of offs) off();
      await reading;
      await client.leave(session).catch(() => undefined);
    },
  };
}
