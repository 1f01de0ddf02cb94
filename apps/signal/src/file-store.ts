/**
 * The embedded default {@link MailboxStore}: an append-only log file that survives restarts.
 *
 * Every change (room created, envelope appended, room dropped) is one line
 * `<crc32 as 8 hex digits> <json>\n` appended to `<dir>/mailbox.log`. Writes are
 * write-ahead: a change is applied to the in-memory index and acknowledged only after its
 * line is written and `fdatasync`ed. Concurrent changes are group-committed (one write and
 * one sync per batch). On open the log is replayed; the first line with a bad checksum or
 * no newline (a torn write from a crash) ends the replay and the file is truncated there.
 * Bounds: total live bytes, room count and envelopes per room (see {@link StoreLimits}),
 * and time: rooms expire with their invitation and are dropped by {@link MailboxStore.expire}.
 * When dead lines outweigh live data the log is compacted: live records are written to
 * `mailbox.log.tmp`, synced, renamed over the log, and the directory synced.
 * @module
 */
import { mkdir, open, readFile, rename, rm, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { DEFAULT_STORE_LIMITS, RoomIndex, type MailboxStore, type RoomRecord, type StoredEnvelope, type StoreLimits } from './store.ts';

/** Options of {@link createFileStore}. */
export interface FileStoreOptions extends StoreLimits {
  /** Directory of the log (created if missing). */
  readonly dir: string;
  /** Clock (default `Date.now`). */
  readonly now?: () => number;
  /** Do not compact below this file size (default 4 MiB). */
  readonly compactMinBytes?: number;
  /** Told about recovery events (torn tail truncated, compaction); never given payloads. */
  readonly onEvent?: (event: string, fields: Record<string, string | number>) => void;
}

type LogRecord =
  | { k: 'room'; session: string; invitation: string; createdAt: number; expiresAt: number }
  | { k: 'env'; session: string; cursor: number; from: number; to: number[]; envelope: string; at: number }
  | { k: 'drop'; session: string };

/** Name of the log file inside the store directory. */
export const LOG_FILE = 'mailbox.log';

function line(r: LogRecord): string {
  const json = JSON.stringify(r);
  return `${(crc32(json) >>> 0).toString(16).padStart(8, '0')} ${json}\n`;
}

/** Parses one log line (without its newline); undefined if corrupt. */
function parseLine(text: string): LogRecord | undefined {
  if (text.length < 10 || text[8] !== ' ') return undefined;
  const json = text.slice(9);
  if ((crc32(json) >>> 0).toString(16).padStart(8, '0') !== text.slice(0, 8)) return undefined;
  try {
    const r = JSON.parse(json) as LogRecord;
    if (typeof r !== 'object' || r === null || typeof r.session !== 'string') return undefined;
    if (r.k === 'room' && typeof r.invitation === 'string' && Number.isSafeInteger(r.createdAt) && Number.isSafeInteger(r.expiresAt)) return r;
    if (r.k === 'env' && Number.isSafeInteger(r.cursor) && Number.isSafeInteger(r.from) && Array.isArray(r.to) && typeof r.envelope === 'string' && Number.isSafeInteger(r.at)) return r;
    if (r.k === 'drop') return r;
  } catch {
    return undefined;
  }
  return undefined;
}

interface Pending {
  readonly text: string;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/**
 * An append-only file store in `opts.dir`. Call `open()` before use and `close()` at shutdown.
 * @example
 * const store = createFileStore({ dir: './data' });
 * await store.open();
 */
export function createFileStore(opts: FileStoreOptions): MailboxStore & { readonly path: string; fileBytes(): number } {
  const limits = { ...DEFAULT_STORE_LIMITS, ...pick(opts) };
  const now = opts.now ?? Date.now;
  const path = join(opts.dir, LOG_FILE);
  const tmp = `${path}.tmp`;
  const compactMin = opts.compactMinBytes ?? 4 * 1024 * 1024;
  const event = opts.onEvent ?? (() => undefined);
  const index = new RoomIndex(limits);
  let fh: FileHandle | undefined;
  let fileBytes = 0;
  let failed: unknown;
  let closed = false;
  let chain: Promise<void> = Promise.resolve();
  let batch: Pending[] | null = null;

  /** Runs tasks one at a time, in order. */
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const p = chain.then(task);
    chain = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  };

  async function syncDir(): Promise<void> {
    const d = await open(opts.dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }

  async function flush(b: Pending[]): Promise<void> {
    try {
      if (failed) throw failed;
      if (!fh) throw new Error('file store is not open');
      const buf = Buffer.from(b.map((p) => p.text).join(''), 'utf8');
      await fh.write(buf);
      await fh.datasync();
      fileBytes += buf.length;
      for (const p of b) p.resolve();
    } catch (e) {
      failed ??= e;
      for (const p of b) p.reject(e);
    }
    if (fileBytes > compactMin && fileBytes > 2 * index.bytes + compactMin / 2) void serial(compact).catch(() => undefined);
  }

  /** Appends one line; resolves once it is durable. */
  function write(r: LogRecord): Promise<void> {
    if (closed) return Promise.reject(new Error('file store is closed'));
    if (failed) return Promise.reject(failed);
    return new Promise<void>((resolve, reject) => {
      if (!batch) {
        const b: Pending[] = (batch = []);
        void serial(async () => {
          batch = null;
          await flush(b);
        });
      }
      batch.push({ text: line(r), resolve, reject });
    });
  }

  async function compact(): Promise<void> {
    if (!fh || failed) return;
    const before = fileBytes;
    const out = await open(tmp, 'w', 0o600);
    let bytes = 0;
    try {
      for (const { room, entries } of index.rooms.values()) {
        const chunk = [line({ k: 'room', ...room }), ...entries.map((e) => line({ k: 'env', session: room.session, ...e, to: [...e.to] }))].join('');
        const buf = Buffer.from(chunk, 'utf8');
        await out.write(buf);
        bytes += buf.length;
      }
      await out.sync();
    } finally {
      await out.close();
    }
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
    await syncDir();
    fh = await open(path, 'a', 0o600);
    fileBytes = bytes;
    event('store-compacted', { before, after: bytes });
  }

  return {
    path,
    fileBytes: () => fileBytes,
    async open() {
      await mkdir(opts.dir, { recursive: true, mode: 0o700 });
      await rm(tmp, { force: true });
      let data: Buffer | undefined;
      try {
        data = await readFile(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      let valid = 0;
      let records = 0;
      if (data) {
        let start = 0;
        for (;;) {
          const nl = data.indexOf(0x0a, start);
          if (nl < 0) break;
          const r = parseLine(data.toString('utf8', start, nl));
          if (!r) break;
          if (r.k === 'room') index.addRoom({ session: r.session, invitation: r.invitation, createdAt: r.createdAt, expiresAt: r.expiresAt });
          else if (r.k === 'env') index.addEntry(r.session, { cursor: r.cursor, from: r.from, to: r.to, envelope: r.envelope, at: r.at });
          else index.dropRoom(r.session);
          records++;
          start = nl + 1;
          valid = start;
        }
        if (valid < data.length) {
          await truncate(path, valid);
          event('store-truncated', { at: valid, dropped: data.length - valid });
        }
      }
      fh = await open(path, 'a', 0o600);
      if (!data) await syncDir();
      fileBytes = valid;
      event('store-opened', { records, rooms: index.rooms.size, bytes: valid });
      await this.expire(now());
    },
    async createRoom(room: RoomRecord) {
      const r = index.checkCreate(room, now());
      if (r !== 'created') return r;
      // an expired room of the same session is replaced: drop it first so replay agrees
      if (index.rooms.has(room.session)) {
        await write({ k: 'drop', session: room.session });
        index.dropRoom(room.session);
      }
      index.addRoom(room);
      try {
        await write({ k: 'room', ...room });
      } catch (e) {
        index.dropRoom(room.session);
        throw e;
      }
      return 'created';
    },
    async getRoom(session) {
      return index.getRoom(session, now());
    },
    async append(session, entry) {
      const cursor = index.reserve(session, entry);
      const e: StoredEnvelope = { ...entry, cursor };
      await write({ k: 'env', session, cursor, from: e.from, to: [...e.to], envelope: e.envelope, at: e.at });
      index.addEntry(session, e);
      return cursor;
    },
    async read(session, reader, after, limit) {
      return index.read(session, reader, after, limit);
    },
    async expire(t) {
      const gone = index.expired(t);
      for (const s of gone) {
        await write({ k: 'drop', session: s });
        index.dropRoom(s);
      }
      return gone.length;
    },
    async stats() {
      return index.stats();
    },
    async close() {
      if (closed) return;
      closed = true;
      await serial(async () => {
        await fh?.close();
        fh = undefined;
      });
    },
  };
}

function pick(o: StoreLimits): StoreLimits {
  const out: { -readonly [K in keyof StoreLimits]: StoreLimits[K] } = {};
  if (o.maxBytes !== undefined) out.maxBytes = o.maxBytes;
  if (o.maxRooms !== undefined) out.maxRooms = o.maxRooms;
  if (o.maxEnvelopesPerRoom !== undefined) out.maxEnvelopesPerRoom = o.maxEnvelopesPerRoom;
  return out;
}
