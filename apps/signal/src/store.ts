/**
 * The mailbox store behind the signal server: rooms (one per session, created from a signed
 * invitation) and, per room, an ordered log of sealed envelopes with the recipients each is
 * for. Cursors are per room, strictly increasing from 1.
 *
 * The interface is asynchronous and keyed by session so that a Redis backend can implement
 * it one-to-one for scale-out: a room is a hash `room:<session>` with `EXPIREAT`, its
 * mailbox a stream `mbox:<session>` (`XADD` with the cursor from `INCR`, `XRANGE` for reads,
 * recipients filtered by the server), the room count a sorted set by expiry. `append` must
 * resolve only once the entry is durable (the file store fsyncs; Redis would use AOF
 * `appendfsync always` or `WAIT`).
 *
 * {@link createMemoryStore} is the volatile implementation for tests; the embedded default
 * is the append-only file store (file-store.ts).
 * @module
 */

/** A room as stored. */
export interface RoomRecord {
  readonly session: string;
  /** Canonical text of the signed invitation. */
  readonly invitation: string;
  readonly createdAt: number;
  /** When the room and its mailbox are dropped (ms since the epoch). */
  readonly expiresAt: number;
}

/** One mailbox entry. */
export interface StoredEnvelope {
  readonly cursor: number;
  readonly from: number;
  /** Recipients (party indices). */
  readonly to: readonly number[];
  /** Sealed envelope text (signed; p2p payloads are ciphertext). */
  readonly envelope: string;
  readonly at: number;
}

/** Outcome of {@link MailboxStore.createRoom}. */
export type CreateRoomResult = 'created' | 'exists' | 'conflict';

/** Sizes, for /health and limits. */
export interface StoreStats {
  readonly rooms: number;
  readonly envelopes: number;
  /** Bytes of live data. */
  readonly bytes: number;
}

/** Thrown when a bound of the store (size, entries per room) would be exceeded. */
export class StoreFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreFullError';
  }
}

/** Persistent rooms and mailboxes. */
export interface MailboxStore {
  /** Loads or creates the store. @throws on unreadable storage. */
  open(): Promise<void>;
  /**
   * Creates a room, or reports that the same invitation already made it (`exists`) or that
   * another invitation holds the session (`conflict`). Durable when resolved.
   * @throws {StoreFullError} when the room count or size bound is reached.
   */
  createRoom(room: RoomRecord): Promise<CreateRoomResult>;
  /** The room of `session`, unless absent or expired. */
  getRoom(session: string): Promise<RoomRecord | undefined>;
  /**
   * Appends an envelope to a room's mailbox; resolves with its cursor once durable.
   * @throws {StoreFullError} when a bound would be exceeded. @throws {Error} if the room is unknown.
   */
  append(session: string, entry: Omit<StoredEnvelope, 'cursor'>): Promise<number>;
  /** Entries for `reader` (listed in `to`) with cursor > `after`, at most `limit`. */
  read(session: string, reader: number, after: number, limit: number): Promise<{ items: StoredEnvelope[]; more: boolean }>;
  /** Drops rooms expired at `now`; returns how many. */
  expire(now: number): Promise<number>;
  stats(): Promise<StoreStats>;
  /** Flushes and releases the storage. */
  close(): Promise<void>;
}

/** Bounds shared by the stores. */
export interface StoreLimits {
  /** Largest total of live data in bytes (default 256 MiB). */
  readonly maxBytes?: number;
  /** Most rooms (default 10 000). */
  readonly maxRooms?: number;
  /** Most envelopes per room (default 100 000). */
  readonly maxEnvelopesPerRoom?: number;
}

/** Default bounds. */
export const DEFAULT_STORE_LIMITS: Required<StoreLimits> = Object.freeze({ maxBytes: 256 * 1024 * 1024, maxRooms: 10_000, maxEnvelopesPerRoom: 100_000 });

/** In-memory state shared by the memory and file stores. */
export class RoomIndex {
  readonly rooms = new Map<string, { room: RoomRecord; entries: StoredEnvelope[]; bytes: number; next: number }>();
  bytes = 0;
  envelopes = 0;
  constructor(readonly limits: Required<StoreLimits>) {}

  roomBytes(room: RoomRecord): number {
    return room.invitation.length + 128;
  }

  entryBytes(e: Omit<StoredEnvelope, 'cursor'>): number {
    return e.envelope.length + 16 * e.to.length + 64;
  }

  /** Checks whether a room can be created; does not modify. */
  checkCreate(room: RoomRecord, now: number): CreateRoomResult {
    const cur = this.rooms.get(room.session);
    if (cur && cur.room.expiresAt > now) return cur.room.invitation === room.invitation ? 'exists' : 'conflict';
    if (this.rooms.size >= this.limits.maxRooms) throw new StoreFullError(`room limit ${this.limits.maxRooms} reached`);
    if (this.bytes + this.roomBytes(room) > this.limits.maxBytes) throw new StoreFullError('store size limit reached');
    return 'created';
  }

  addRoom(room: RoomRecord): void {
    this.dropRoom(room.session);
    const b = this.roomBytes(room);
    this.rooms.set(room.session, { room, entries: [], bytes: b, next: 1 });
    this.bytes += b;
  }

  dropRoom(session: string): void {
    const r = this.rooms.get(session);
    if (!r) return;
    this.bytes -= r.bytes;
    this.envelopes -= r.entries.length;
    this.rooms.delete(session);
  }

  /**
   * Checks an append and reserves its cursor (entries become visible with {@link addEntry},
   * in cursor order, once durable).
   * @throws {StoreFullError} @throws {Error} if the room is unknown.
   */
  reserve(session: string, entry: Omit<StoredEnvelope, 'cursor'>): number {
    const r = this.rooms.get(session);
    if (!r) throw new Error('unknown room');
    if (r.next - 1 >= this.limits.maxEnvelopesPerRoom) throw new StoreFullError(`room holds ${this.limits.maxEnvelopesPerRoom} envelopes`);
    if (this.bytes + this.entryBytes(entry) > this.limits.maxBytes) throw new StoreFullError('store size limit reached');
    return r.next++;
  }

  addEntry(session: string, e: StoredEnvelope): void {
    const r = this.rooms.get(session);
    if (!r) return;
    const b = this.entryBytes(e);
    if (e.cursor >= r.next) r.next = e.cursor + 1;
    r.entries.push(e);
    r.bytes += b;
    this.bytes += b;
    this.envelopes++;
  }

  getRoom(session: string, now: number): RoomRecord | undefined {
    const r = this.rooms.get(session);
    return r && r.room.expiresAt > now ? r.room : undefined;
  }

  read(session: string, reader: number, after: number, limit: number): { items: StoredEnvelope[]; more: boolean } {
    const r = this.rooms.get(session);
    if (!r) return { items: [], more: false };
    // entries are sorted by cursor: binary search the first one after `after`
    let lo = 0;
    let hi = r.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r.entries[mid]!.cursor <= after) lo = mid + 1;
      else hi = mid;
    }
    const items: StoredEnvelope[] = [];
    for (let k = lo; k < r.entries.length; k++) {
      const e = r.entries[k]!;
      if (!e.to.includes(reader)) continue;
      if (items.length === limit) return { items, more: true };
      items.push(e);
    }
    return { items, more: false };
  }

  expired(now: number): string[] {
    return [...this.rooms.values()].filter((r) => r.room.expiresAt <= now).map((r) => r.room.session);
  }

  stats(): StoreStats {
    return { rooms: this.rooms.size, envelopes: this.envelopes, bytes: this.bytes };
  }
}

/**
 * A volatile store (tests, or a relay that need not survive restarts).
 * @param now clock, for expiry (default `Date.now`).
 */
export function createMemoryStore(limits: StoreLimits = {}, now: () => number = Date.now): MailboxStore {
  const index = new RoomIndex({ ...DEFAULT_STORE_LIMITS, ...limits });
  return {
    async open() {},
    async createRoom(room) {
      const r = index.checkCreate(room, now());
      if (r === 'created') index.addRoom(room);
      return r;
    },
    async getRoom(session) {
      return index.getRoom(session, now());
    },
    async append(session, entry) {
      const cursor = index.reserve(session, entry);
      index.addEntry(session, { ...entry, cursor });
      return cursor;
    },
    async read(session, reader, after, limit) {
      return index.read(session, reader, after, limit);
    },
    async expire(t) {
      const gone = index.expired(t);
      for (const s of gone) index.dropRoom(s);
      return gone.length;
    },
    async stats() {
      return index.stats();
    },
    async close() {},
  };
}
