/**
 * The mailbox transport: every envelope goes through the signal server's store-and-forward
 * mailbox. `send` resolves once the server has synced the envelope to disk; incoming
 * envelopes are pushed while connected and read back from the last processed cursor after
 * every (re)connection, so a party that was offline for hours catches up on its own schedule.
 * Items are handled in cursor order with none skipped: a push is handled directly only once
 * everything stored before it has been; until then (and after a handler failure) it makes
 * the catch-up read again from the last handled cursor.
 * This is also the fallback path of the WebRTC mesh.
 * @module
 */
import type { PartyIndex, SessionId } from '@tessera/protocols/engine/ids';
import { TransportError } from './errors.ts';
import type { SignalClient } from './signal-client.ts';
import type { MailboxItem } from './signal-protocol.ts';
import type { Transport, TransportHandler } from './transport.ts';

/** Options of {@link createMailboxTransport}. */
export interface MailboxTransportOptions {
  readonly client: SignalClient;
  readonly session: SessionId;
  /** Read the mailbox from this cursor (default 0: everything; duplicates are dropped later). */
  readonly after?: number;
  /** Told about failures it recovers from by itself (a catch-up read that failed). */
  readonly onError?: (e: unknown) => void;
}

/** A mailbox transport; also exposes the last processed cursor. */
export interface MailboxTransport extends Transport {
  /** Highest mailbox cursor handled so far. */
  readonly cursor: number;
}

/**
 * A transport over the signal server's mailbox for one session (joins the room on start).
 * @example
 * const t = createMailboxTransport({ client, session });
 */
export function createMailboxTransport(opts: MailboxTransportOptions): MailboxTransport {
  const { client, session } = opts;
  let last = opts.after ?? 0;
  let handler: TransportHandler | undefined;
  let closed = false;
  let catchingUp = false;
  let again = false;
  /**
   * True once every stored item up to `last` has been handled. `last` is a high-water mark,
   * so a pushed item may only be handled (and `last` raised to its cursor) while this holds:
   * before the first catch-up read, during a catch-up, or after a handler failure, a push
   * would otherwise move `last` past stored items this party never handled, and every later
   * read would skip them for good.
   */
  let synced = false;
  let chain: Promise<void> = Promise.resolve();
  const offs: (() => void)[] = [];

  /** Handles one item in order, skipping what was already handled; false if the handler failed. */
  const process = (it: MailboxItem, live: boolean): Promise<boolean> => {
    const step = chain.then(async (): Promise<boolean> => {
      if (closed || !handler || it.cursor <= last) return true;
      if (live && !synced) {
        // an earlier item failed meanwhile: the next catch-up reads this one in order
        void catchUp();
        return true;
      }
      try {
        await handler(it.envelope);
      } catch (e) {
        // not acknowledged: stop here and read it again from `last` later
        synced = false;
        opts.onError?.(e);
        return false;
      }
      last = it.cursor;
      return true;
    });
    chain = step.then(() => undefined);
    return step;
  };

  /** Reads and handles everything stored after `last`, in cursor order, until nothing is left. */
  async function catchUp(): Promise<void> {
    if (catchingUp) {
      again = true;
      return;
    }
    catchingUp = true;
    synced = false;
    try {
      let ok = true;
      do {
        again = false;
        ok = true;
        let more = true;
        while (more && ok && !closed) {
          await chain;
          const r = await client.read(session, last, 500);
          for (const it of r.items) if (!(ok = await process(it, false))) break;
          more = r.more;
        }
      } while (again && ok && !closed);
      synced = ok && !closed;
    } catch (e) {
      opts.onError?.(e);
    } finally {
      catchingUp = false;
    }
  }

  return {
    get cursor() {
      return last;
    },
    async start(h) {
      if (handler) throw new TransportError('malformed', 'transport already started');
      handler = h;
      offs.push(
        client.on('message', (s, it) => {
          if (s !== session || closed) return;
          if (catchingUp) again = true; // stored already: the catch-up's next read returns it
          else if (synced) void process(it, true);
          else void catchUp();
        }),
        client.on('connected', () => {
          if (!closed) void catchUp();
        }),
      );
      await client.join(session);
      await catchUp();
    },
    async send(to: PartyIndex | null, text: string) {
      if (closed) throw new TransportError('closed', 'transport closed');
      await client.post(session, to === null ? null : [to], text);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const off of offs) off();
      await chain.catch(() => undefined);
      await client.leave(session).catch(() => undefined);
    },
  };
}
