/**
 * The append-only file store: write-ahead durability across reopen, recovery from a torn
 * tail and from a corrupted record, compaction that keeps every live record, expiry of
 * rooms, and the size, room and per-room bounds; the memory store obeys the same bounds.
 */
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOG_FILE, createFileStore } from '../src/file-store.ts';
import { StoreFullError, createMemoryStore, type MailboxStore, type RoomRecord } from '../src/store.ts';
import { cleanup, scratch } from './helpers.ts';

afterEach(cleanup);

const room = (n: number, expiresAt = 10_000_000_000_000): RoomRecord => ({ session: n.toString(16).padStart(64, '0'), invitation: `{"room":${n}}`, createdAt: 1, expiresAt });

async function fill(store: MailboxStore, r: RoomRecord, count: number, to = [2, 3]): Promise<number[]> {
  const cursors = await Promise.all(Array.from({ length: count }, (_, k) => store.append(r.session, { from: 1, to, envelope: `env-${k}`, at: k })));
  return cursors;
}

describe('file store', () => {
  it('keeps rooms and envelopes across reopen; concurrent appends get increasing cursors', async () => {
    const dir = scratch();
    const a = createFileStore({ dir });
    await a.open();
    expect(await a.createRoom(room(1))).toBe('created');
    expect(await a.createRoom(room(1))).toBe('exists');
    expect(await a.createRoom({ ...room(1), invitation: 'other' })).toBe('conflict');
    expect(await fill(a, room(1), 50)).toEqual(Array.from({ length: 50 }, (_, k) => k + 1));
    await a.close();
    const b = createFileStore({ dir });
    await b.open();
    expect(await b.getRoom(room(1).session)).toEqual(room(1));
    const r = await b.read(room(1).session, 2, 0, 1000);
    expect(r.items.map((e) => e.envelope)).toEqual(Array.from({ length: 50 }, (_, k) => `env-${k}`));
    expect((await b.read(room(1).session, 4, 0, 10)).items).toEqual([]);
    expect(await b.append(room(1).session, { from: 2, to: [1], envelope: 'next', at: 0 })).toBe(51);
    await b.close();
  });

  it('truncates a torn tail and stops at a corrupted record', async () => {
    const dir = scratch();
    const a = createFileStore({ dir });
    await a.open();
    await a.createRoom(room(1));
    await fill(a, room(1), 3);
    await a.close();
    const path = join(dir, LOG_FILE);
    const good = readFileSync(path);
    appendFileSync(path, '0000abcd {"k":"env","session":"'); // crash in the middle of a write
    const events: string[] = [];
    const b = createFileStore({ dir, onEvent: (e) => events.push(e) });
    await b.open();
    expect(events).toContain('store-truncated');
    expect(statSync(path).size).toBe(good.length);
    expect((await b.read(room(1).session, 2, 0, 10)).items).toHaveLength(3);
    await b.close();
    // flip one byte inside the second envelope record: replay keeps what precedes it
    const lines = good.toString().split('\n');
    lines[2] = lines[2]!.replace('env-1', 'env-X');
    writeFileSync(path, lines.join('\n'));
    const c = createFileStore({ dir });
    await c.open();
    expect((await c.read(room(1).session, 2, 0, 10)).items.map((e) => e.envelope)).toEqual(['env-0']);
    await c.close();
  });

  it('expires rooms with their invitation, and the drop survives reopen', async () => {
    const dir = scratch();
    let t = 1000;
    const a = createFileStore({ dir, now: () => t });
    await a.open();
    await a.createRoom(room(1, 2000));
    await a.createRoom(room(2, 5000));
    await fill(a, room(1), 2);
    t = 3000;
    expect(await a.getRoom(room(1).session)).toBeUndefined();
    expect(await a.expire(t)).toBe(1);
    expect(await a.stats()).toMatchObject({ rooms: 1, envelopes: 0 });
    await a.close();
    const b = createFileStore({ dir, now: () => t });
    await b.open();
    expect(await b.stats()).toMatchObject({ rooms: 1 });
    // an expired session id can be opened again with a fresh invitation
    expect(await b.createRoom({ ...room(1, 9000), invitation: 'new' })).toBe('created');
    await b.close();
  });

  it('compacts the log when dead records dominate, keeping every live record', async () => {
    const dir = scratch();
    let t = 1000;
    const events: string[] = [];
    const a = createFileStore({ dir, now: () => t, compactMinBytes: 4096, onEvent: (e) => events.push(e) });
    await a.open();
    await a.createRoom(room(1, 2000));
    await a.createRoom(room(2, 9000));
    await fill(a, room(1), 100);
    await fill(a, room(2), 5);
    t = 3000;
    await a.expire(t);
    await a.append(room(2).session, { from: 1, to: [2], envelope: 'after', at: 0 }); // triggers compaction
    await a.close();
    expect(events).toContain('store-compacted');
    expect(a.fileBytes()).toBeLessThan(4096);
    const b = createFileStore({ dir, now: () => t });
    await b.open();
    expect((await b.read(room(2).session, 2, 0, 100)).items.map((e) => e.envelope)).toEqual(['env-0', 'env-1', 'env-2', 'env-3', 'env-4', 'after']);
    expect(await b.getRoom(room(1).session)).toBeUndefined();
    await b.close();
  });

  it.each([
    ['file', (limits: object) => createFileStore({ dir: scratch(), ...limits })],
    ['memory', (limits: object) => createMemoryStore(limits)],
  ])('%s store enforces room, per-room and size bounds', async (_name, make) => {
    const s = make({ maxRooms: 2, maxEnvelopesPerRoom: 3, maxBytes: 2000 });
    await s.open();
    await s.createRoom(room(1));
    await s.createRoom(room(2));
    await expect(s.createRoom(room(3))).rejects.toBeInstanceOf(StoreFullError);
    await fill(s, room(1), 3);
    await expect(s.append(room(1).session, { from: 1, to: [2], envelope: 'x', at: 0 })).rejects.toBeInstanceOf(StoreFullError);
    await expect(s.append(room(2).session, { from: 1, to: [2], envelope: 'x'.repeat(3000), at: 0 })).rejects.toBeInstanceOf(StoreFullError);
    await s.close();
  });
});
