/**
 * The transport benchmark's server-load case at a tiny size: every post is acknowledged and
 * pushed to every other party of its room, and latencies are reported for them.
 */
import { describe, expect, it } from 'vitest';
import { benchSignalLoad } from '../src/bench.ts';

describe('signal load benchmark', () => {
  it('counts every post and every push at a tiny size', async () => {
    const r = await benchSignalLoad({ sessions: 2, parties: 3, messagesPerParty: 2 });
    expect(r.messages).toBe(2 * 3 * 2);
    expect(r.deliveries).toBe(2 * 3 * 2 * 2);
    expect(r.p99Ms).toBeGreaterThanOrEqual(r.p50Ms);
    expect(r.p50Ms).toBeGreaterThan(0);
  });
  it('refuses out-of-range sizes', async () => {
    await expect(benchSignalLoad({ sessions: 0, parties: 3, messagesPerParty: 1 })).rejects.toThrow(/sessions/);
  });
});
