/**
 * Replay and duplicate guard keyed by (session, sender, sequence number).
 *
 * Every sender numbers its envelopes 1, 2, 3, … within a session. The guard keeps, per
 * (session, sender), a floor F (every sequence number ≤ F counts as seen) and the set of seen
 * numbers above F; contiguous numbers are folded into F, and when more than `window` numbers
 * are pending above a gap the floor is raised, so memory stays bounded while late messages
 * within the window (mailbox and direct paths race) are still accepted once. Its state is
 * JSON, persisted by the runner next to the session snapshot so a restarted party still
 * drops what it already processed.
 * @module
 */
import { FieldRangeError, FieldTypeError, assertInteger } from '@tessera/crypto/errors';
import { expectArray, type Json } from '@tessera/protocols/engine/codec';

/** Largest sequence number (envelopes carry it as a JSON safe integer). */
export const MAX_SEQUENCE = Number.MAX_SAFE_INTEGER;

/**
 * Result of {@link ReplayGuard.check}: `seen` covers both a true duplicate and a number at or
 * below a raised floor (too old to tell); both are rejected.
 */
export type ReplayVerdict = 'new' | 'seen';

/** Tracks seen (session, from, sequence) triples. */
export interface ReplayGuard {
  /**
   * Whether the triple is new or seen (duplicate, or at/below the floor). Does not record it.
   * @throws {FieldRangeError} if `seq` is not a positive safe integer.
   */
  check(session: string, from: number, seq: number): ReplayVerdict;
  /** Records the triple as seen. */
  mark(session: string, from: number, seq: number): void;
  /** JSON state for persistence (see {@link createReplayGuard}). */
  export(): Json;
}

interface Track {
  floor: number;
  seen: Set<number>;
}

/**
 * A replay guard, empty or restored from {@link ReplayGuard.export} output.
 * @param window most out-of-order numbers remembered per sender (default 4096).
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed state.
 */
export function createReplayGuard(opts: { window?: number; state?: Json } = {}): ReplayGuard {
  const window = opts.window ?? 4096;
  assertInteger('window', window, 1, 1 << 20);
  const tracks = new Map<string, Track>();
  const key = (session: string, from: number): string => `${session}:${from}`;
  if (opts.state !== undefined) {
    expectArray(opts.state, 'replay', 0, 1 << 16).forEach((row, k) => {
      const r = expectArray(row, `replay[${k}]`, 3, 3);
      const [session, from, floor] = r as [Json, Json, Json];
      if (typeof session !== 'string' || !/^[0-9a-f]{32,128}$/.test(session)) throw new FieldTypeError(`replay[${k}][0]`, 'expected a session id');
      assertInteger(`replay[${k}][1]`, from, 1, 65535);
      const f = expectArray(floor, `replay[${k}][2]`, 1, window + 1);
      assertInteger(`replay[${k}][2][0]`, f[0], 0, MAX_SEQUENCE);
      const seen = new Set<number>();
      for (let j = 1; j < f.length; j++) {
        assertInteger(`replay[${k}][2][${j}]`, f[j], (f[0] as number) + 1, MAX_SEQUENCE);
        seen.add(f[j] as number);
      }
      tracks.set(key(session, from as number), { floor: f[0] as number, seen });
    });
  }
  return {
    check(session, from, seq) {
      if (!Number.isSafeInteger(seq) || seq < 1) throw new FieldRangeError('seq', 'expected a positive integer');
      const t = tracks.get(key(session, from));
      if (!t) return 'new';
      return seq <= t.floor || t.seen.has(seq) ? 'seen' : 'new';
    },
    mark(session, from, seq) {
      const k = key(session, from);
      let t = tracks.get(k);
      if (!t) tracks.set(k, (t = { floor: 0, seen: new Set() }));
      if (seq <= t.floor) return;
      t.seen.add(seq);
      while (t.seen.has(t.floor + 1)) {
        t.seen.delete(t.floor + 1);
        t.floor++;
      }
      if (t.seen.size > window) {
        const sorted = [...t.seen].sort((a, b) => a - b);
        const drop = sorted.slice(0, t.seen.size - window);
        for (const s of drop) t.seen.delete(s);
        t.floor = drop[drop.length - 1]!;
        while (t.seen.has(t.floor + 1)) {
          t.seen.delete(t.floor + 1);
          t.floor++;
        }
      }
    },
    export() {
      return [...tracks.entries()].map(([k, t]) => {
        const i = k.lastIndexOf(':');
        return [k.slice(0, i), Number(k.slice(i + 1)), [t.floor, ...[...t.seen].sort((a, b) => a - b)]];
      });
    },
  };
}
