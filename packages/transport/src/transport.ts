/**
 * What a transport is for the runner, and the in-memory transport.
 *
 * A {@link Transport} moves sealed envelope texts (envelope.ts) between the parties of one
 * session; it neither reads nor checks them (the runner's codec does). Its contract:
 * - `start(handler)` begins delivery; each incoming text is handed to `handler`, one at a
 *   time, and counts as received only once the handler's promise resolves (the runner has
 *   persisted its effect by then), so a crash before that leads to redelivery, never loss;
 * - `send(to, text)` resolves once the text is durably handed off: stored in the mailbox,
 *   acknowledged by the peer, or queued in the in-memory hub; it rejects with a
 *   {@link TransportError} when that is impossible right now (the runner retries);
 * - texts may arrive more than once and out of order (the replay guard and the protocol
 *   session handle that).
 *
 * {@link createMemoryNetwork} is a hub for tests and simulations: per session, each party
 * attaches a transport; texts for a party that is not attached wait in its queue (the hub
 * behaves as a mailbox), so a party can stop and come back.
 * @module
 */
import type { PartyIndex, SessionId } from '@tessera/protocols/engine/ids';
import { TransportError } from './errors.ts';

/** Receives one incoming text; the transport acknowledges it when the promise resolves. */
export type TransportHandler = (text: string) => Promise<void>;

/** Moves sealed envelope texts between the parties of one session. */
export interface Transport {
  /**
   * Starts delivering incoming texts to `handler` (call once).
   * @throws {TransportError} if the transport cannot start (e.g. the room cannot be joined).
   */
  start(handler: TransportHandler): Promise<void>;
  /**
   * Sends `text` to one party, or to every other party of the session (`to === null`).
   * @throws {TransportError} if it cannot be handed off now.
   */
  send(to: PartyIndex | null, text: string): Promise<void>;
  /** Stops delivery and releases resources (idempotent). */
  close(): Promise<void>;
}

/** The in-memory hub. */
export interface MemoryNetwork {
  /** A transport for `self` among `parties` in `session`. */
  transport(session: SessionId, self: PartyIndex, parties: readonly PartyIndex[]): Transport;
  /** Delivers a raw text to `to` as if it came from the network (tests: hostile input). */
  inject(session: SessionId, to: PartyIndex, text: string): void;
  /** Texts waiting for parties that are not attached. */
  queued(session: SessionId, party: PartyIndex): number;
}

interface Inbox {
  handler: TransportHandler | undefined;
  queue: string[];
  pumping: boolean;
}

/**
 * A new in-memory hub. Deliveries are asynchronous (a macrotask each) and in order per
 * recipient.
 */
export function createMemoryNetwork(): MemoryNetwork {
  const inboxes = new Map<string, Inbox>();
  const box = (session: SessionId, p: PartyIndex): Inbox => {
    const k = `${session}:${p}`;
    let b = inboxes.get(k);
    if (!b) inboxes.set(k, (b = { handler: undefined, queue: [], pumping: false }));
    return b;
  };
  const pump = (b: Inbox): void => {
    if (b.pumping || !b.handler || b.queue.length === 0) return;
    b.pumping = true;
    setImmediate(() => {
      const h = b.handler;
      const text = b.queue[0];
      if (!h || text === undefined) {
        b.pumping = false;
        return;
      }
      void h(text).then(
        () => {
          if (b.handler === h) b.queue.shift();
          b.pumping = false;
          pump(b);
        },
        () => {
          // the handler failed (its party stopped): keep the text for the next attach
          b.pumping = false;
        },
      );
    });
  };
  const deliver = (session: SessionId, to: PartyIndex, text: string): void => {
    const b = box(session, to);
    b.queue.push(text);
    pump(b);
  };
  return {
    transport(session, self, parties) {
      let closed = false;
      let started = false;
      return {
        async start(handler) {
          if (started) throw new TransportError('malformed', 'transport already started');
          started = true;
          const b = box(session, self);
          if (b.handler) throw new TransportError('limit', `party ${self} is already attached`);
          b.handler = handler;
          pump(b);
        },
        async send(to, text) {
          if (closed) throw new TransportError('closed', 'transport closed');
          const targets = to === null ? parties.filter((p) => p !== self) : [to];
          for (const p of targets) deliver(session, p, text);
        },
        async close() {
          if (closed) return;
          closed = true;
          const b = box(session, self);
          if (started) b.handler = undefined;
        },
      };
    },
    inject(session, to, text) {
      deliver(session, to, text);
    },
    queued(session, party) {
      return box(session, party).queue.length;
    },
  };
}
