/**
 * Engine behaviour on a toy two-round protocol (broadcast with echo, then p2p): message store
 * checks and evidence, echo check against equivocation and false echoes, typed aborts with
 * culprits, snapshot/restore, and every simulator fault.
 */
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { FieldTypeError } from '@tessera/crypto/errors';
import { canonicalJson, parseCanonicalJson, type Json } from '../src/engine/codec.ts';
import { culprits, ProtocolAbort, InternalError, TransportError } from '../src/engine/errors.ts';
import { lengthPrefixed, sessionHash } from '../src/engine/hash.ts';
import { newSessionId, parseSessionId, partyIndex, partyList, partyRange, type PartyIndex } from '../src/engine/ids.ts';
import { messageId, parseEnvelope, type Envelope } from '../src/engine/envelope.ts';
import type { ProtocolSpec } from '../src/engine/protocol.ts';
import { createSession, restoreSession, type Session } from '../src/engine/session.ts';
import {
  createIdentities,
  delayMessages,
  dropMessages,
  duplicateMessages,
  equivocate,
  reorderMessages,
  runSimulation,
  tamperMessages,
} from '../src/engine/simulator.ts';

type ToyState = { mine: number; sum: number };
/** Round 1: broadcast a value (echo-checked). Round 2: p2p the same value. Output: the sum of all. */
const toy: ProtocolSpec<ToyState, number, { value: number }> = {
  id: 'tessera/test/toy',
  version: 1,
  init: (ctx) => ({ next: 1, state: { mine: ctx.deps.value, sum: ctx.deps.value }, outgoing: [{ kind: 'broadcast', payload: { value: ctx.deps.value } }] }),
  rounds: {
    1: {
      expects: (_s, ctx) => {
        const others = ctx.parties.filter((p) => p !== ctx.self);
        return { broadcast: others, p2p: [], echo: others };
      },
      parse: (_k, _f, payload) => {
        const v = (payload as { value?: unknown }).value;
        if (typeof v !== 'number' || v < 0) throw new FieldTypeError('value', 'expected a non-negative number');
      },
      finalize: (s, inbox, ctx) => {
        let sum = s.mine;
        for (const m of inbox.broadcast.values()) sum += (m.payload as { value: number }).value;
        return { next: 2, state: { mine: s.mine, sum }, outgoing: ctx.parties.filter((p) => p !== ctx.self).map((to) => ({ kind: 'p2p' as const, to, payload: { value: s.mine } })) };
      },
    },
    2: {
      expects: (_s, ctx) => ({ broadcast: [], p2p: ctx.parties.filter((p) => p !== ctx.self), echo: [] }),
      parse: (_k, _f, payload) => {
        if (typeof (payload as { value?: unknown }).value !== 'number') throw new FieldTypeError('value', 'expected a number');
      },
      finalize: (s, inbox) => {
        for (const m of inbox.p2p.values()) if ((m.payload as { value: number }).value > 1000) throw new ProtocolAbort('invalid-share', [m.from], []);
        return { output: s.sum, outgoing: [] };
      },
    },
  },
  checkState: (j) => {
    const o = j as ToyState;
    if (typeof o?.mine !== 'number' || typeof o?.sum !== 'number') throw new FieldTypeError('state', 'malformed');
    return { mine: o.mine, sum: o.sum };
  },
};

function setup(n: number, seed: string) {
  const rng = createSeededRng(seed);
  const parties = partyRange(n);
  const ids = createIdentities(parties, rng);
  const session = newSessionId(rng);
  const sessions = parties.map((p) => createSession(toy, { session, self: p, parties, auth: ids.auth.get(p)!, rng, deps: { value: p * 10 } }));
  return { rng, parties, ids, session, sessions };
}

const expectedSum = (n: number) => (10 * n * (n + 1)) / 2;

describe('ids, codec and hashing', () => {
  it('brands and validates session ids and party indices', () => {
    expect(() => parseSessionId('ab')).toThrow(RangeError);
    expect(() => parseSessionId('AB'.repeat(16))).toThrow(TypeError);
    expect(parseSessionId('ab'.repeat(16))).toBe('ab'.repeat(16));
    expect(() => partyIndex(0)).toThrow(RangeError);
    expect(() => partyIndex(1.5)).toThrow(TypeError);
    expect(() => partyList([1, 1])).toThrow(RangeError);
    expect(() => partyList([2, 1])).toThrow(RangeError);
    expect(partyList([1, 3])).toEqual([1, 3]);
  });
  it('canonical JSON sorts keys and rejects non-canonical input', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'] })).toBe('{"a":[true,null,"x"],"b":1}');
    expect(() => canonicalJson({ a: 1.5 })).toThrow(TypeError);
    expect(() => parseCanonicalJson('{"b":1,"a":2}')).toThrow(TypeError);
    expect(parseCanonicalJson('{"a":2,"b":1}')).toEqual({ a: 2, b: 1 });
  });
  it('session hash is length-prefixed and bound to session and tag', () => {
    const s1 = parseSessionId('01'.repeat(16));
    const s2 = parseSessionId('02'.repeat(16));
    expect(lengthPrefixed(['ab', 'c'])).not.toEqual(lengthPrefixed(['a', 'bc']));
    const h = (s: typeof s1, tag: string) => Buffer.from(sessionHash(tag, s, 'x')).toString('hex');
    expect(h(s1, 't')).not.toBe(h(s2, 't'));
    expect(h(s1, 't')).not.toBe(h(s1, 'u'));
    expect(h(s1, 't')).toBe(h(s1, 't'));
  });
  it('culprits() covers every error kind', () => {
    expect(culprits(new ProtocolAbort('timeout', [3 as PartyIndex, 1 as PartyIndex, 3 as PartyIndex], []))).toEqual([1, 3]);
    expect(culprits(new TransportError('x'))).toEqual([]);
    expect(culprits(new InternalError('x'))).toEqual([]);
  });
  it('envelope parser rejects unknown fields and inconsistent routing', () => {
    const env = { v: 1, session: '01'.repeat(16), protocol: 'tessera/test/toy', round: 1, kind: 'p2p', from: 1, to: 2, payload: {}, sig: '' };
    expect(parseEnvelope(env).to).toBe(2);
    expect(() => parseEnvelope({ ...env, extra: 1 })).toThrow(TypeError);
    expect(() => parseEnvelope({ ...env, to: null })).toThrow(TypeError);
    expect(() => parseEnvelope({ ...env, kind: 'broadcast' })).toThrow(TypeError);
    expect(() => parseEnvelope({ ...env, round: 0 })).toThrow(RangeError);
  });
});

describe('simulator with an honest network', () => {
  it('runs all parties to the same output', async () => {
    const { sessions, ids, rng } = setup(4, 'honest');
    const res = await runSimulation(sessions, { identities: ids, rng });
    for (const o of res.outcomes.values()) expect(o.output).toBe(expectedSum(4));
  });
  it('tolerates delays, duplicates and reordering', async () => {
    const { sessions, ids, rng } = setup(4, 'noisy');
    const res = await runSimulation(sessions, {
      identities: ids,
      rng,
      faults: [delayMessages({ from: 2 as PartyIndex, round: 1 }, 50), duplicateMessages({}), reorderMessages({}, 40)],
    });
    for (const o of res.outcomes.values()) {
      expect(o.status).toBe('done');
      expect(o.output).toBe(expectedSum(4));
    }
    // Duplicates are recorded as evidence without blame.
    expect(sessions[0]!.evidence.some((e) => e.reason === 'duplicate')).toBe(true);
  });
});

describe('faults end in aborts naming the culprit', () => {
  const culpritOf = (s: Session<ToyState, number, unknown>) => {
    expect(s.status).toBe('aborted');
    expect(s.error).toBeInstanceOf(ProtocolAbort);
    return [(s.error as ProtocolAbort).reason, culprits(s.error!)] as const;
  };
  it('a dropped message ends in a timeout naming the silent sender', async () => {
    const { sessions, ids, rng } = setup(3, 'drop');
    await runSimulation(sessions, { identities: ids, rng, faults: [dropMessages({ from: 3 as PartyIndex, to: 1 as PartyIndex, round: 2 })] });
    expect(culpritOf(sessions[0]!)).toEqual(['timeout', [3]]);
    expect(sessions[1]!.output).toBe(expectedSum(3));
  });
  it('a tampered (malformed) broadcast aborts blaming its sender', async () => {
    const { sessions, ids, rng } = setup(3, 'tamper');
    await runSimulation(sessions, { identities: ids, rng, faults: [tamperMessages({ from: 2 as PartyIndex, kind: 'broadcast' }, () => ({ value: -1 }))] });
    expect(culpritOf(sessions[0]!)).toEqual(['invalid-message', [2]]);
    expect(culpritOf(sessions[2]!)).toEqual(['invalid-message', [2]]);
  });
  it('a semantically bad p2p message aborts with the round’s verdict', async () => {
    const { sessions, ids, rng } = setup(3, 'tamper-p2p');
    await runSimulation(sessions, { identities: ids, rng, faults: [tamperMessages({ from: 3 as PartyIndex, kind: 'p2p' }, () => ({ value: 5000 }))] });
    expect(culpritOf(sessions[0]!)).toEqual(['invalid-share', [3]]);
  });
  it('equivocation in a broadcast round is caught by the echo and blames the sender', async () => {
    const { sessions, ids, rng } = setup(4, 'equivocate');
    await runSimulation(sessions, { identities: ids, rng, faults: [equivocate({ from: 2 as PartyIndex, kind: 'broadcast' }, [3 as PartyIndex, 4 as PartyIndex], () => ({ value: 7 }))] });
    for (const p of [0, 2, 3]) {
      const [reason, who] = culpritOf(sessions[p]!);
      expect(reason).toBe('equivocation');
      expect(who).toEqual([2]);
    }
  });
  it('a false echo blames the echoer, not the honest broadcaster', async () => {
    const { sessions, ids, rng } = setup(4, 'false-echo');
    const lie = (payload: Json): Json => {
      const rows = (payload as { digests: [number, string, string][] }).digests.map((r) => (r[0] === 1 ? [r[0], 'ff'.repeat(32), r[2]] : r));
      return { digests: rows };
    };
    await runSimulation(sessions, { identities: ids, rng, faults: [tamperMessages({ from: 4 as PartyIndex, kind: 'echo' }, lie)] });
    for (const p of [0, 1, 2]) expect(culpritOf(sessions[p]!)).toEqual(['false-echo', [4]]);
  });
  it('two different p2p messages from one sender in one round abort as conflicting', async () => {
    const { sessions, ids, rng } = setup(3, 'conflict');
    let sent = false;
    const fault = (d: { env: Envelope; to: PartyIndex; delay: number }, ctx: { reseal(e: Envelope, p: Json): Envelope }) => {
      if (sent || d.env.kind !== 'p2p' || d.env.from !== 2 || d.to !== 1) return [d];
      sent = true;
      return [d, { ...d, env: ctx.reseal(d.env, { value: 1 }) }];
    };
    await runSimulation(sessions, { identities: ids, rng, faults: [fault] });
    expect(culpritOf(sessions[0]!)).toEqual(['conflicting-messages', [2]]);
    expect(sessions[0]!.evidence.filter((e) => e.reason === 'conflicting')).toHaveLength(2);
  });
});

describe('message store', () => {
  it('rejects unknown senders, wrong session, protocol, kind and round, recording evidence', async () => {
    const { sessions, session, ids } = setup(3, 'store');
    const s1 = sessions[0]!;
    const first = await sessions[1]!.start();
    await s1.start();
    const bcast = first.find((e) => e.kind === 'broadcast')!;
    const variants: [Envelope, string][] = [
      [{ ...bcast, session: parseSessionId('ee'.repeat(16)) }, 'wrong-session'],
      [{ ...bcast, protocol: 'tessera/test/other' }, 'wrong-protocol'],
      [{ ...bcast, from: 9 as PartyIndex }, 'unknown-sender'],
      [{ ...bcast, from: 1 as PartyIndex }, 'unknown-sender'],
      [{ ...bcast, round: 7 }, 'wrong-round'],
      [{ ...bcast, kind: 'p2p', to: 1 as PartyIndex }, 'wrong-kind'],
      [{ ...bcast, kind: 'p2p', to: 3 as PartyIndex }, 'misrouted'],
    ];
    for (const [env, reason] of variants) {
      await s1.receive(env);
      expect(s1.evidence.at(-1)!.reason).toBe(reason);
      expect(s1.status).toBe('running');
    }
    await s1.receive(bcast);
    await s1.receive(bcast);
    expect(s1.evidence.at(-1)!.reason).toBe('duplicate');
    expect(s1.waitingFor()).toEqual([3]);
    void session;
    void ids;
  });
  it('buffers messages of a later round until that round starts', async () => {
    const { sessions } = setup(2, 'buffer');
    const [a, b] = sessions as [Session<ToyState, number, unknown>, Session<ToyState, number, unknown>];
    const fromA = await a.start();
    const fromB = await b.start();
    // Deliver A's broadcast to B; B answers with its echo.
    const bEcho = await b.receive(fromA[0]!);
    const aOut = await a.receive(fromB[0]!); // A now has B's broadcast: echo.
    const aEcho = aOut.filter((e) => e.kind === 'echo');
    const bOut = await b.receive(aEcho[0]!); // B completes round 1 and sends round-2 p2p
    const bP2p = bOut.filter((e) => e.kind === 'p2p');
    // A receives B's round-2 message before B's echo: it must be buffered, not rejected.
    await a.receive(bP2p[0]!);
    expect(a.round).toBe(1);
    const aFinal = await a.receive(bEcho.find((e) => e.kind === 'echo')!);
    expect(a.status).toBe('done');
    expect(a.output).toBe(30);
    await b.receive(aFinal.find((e) => e.kind === 'p2p')!);
    expect(b.output).toBe(30);
  });
});

describe('snapshot and restore', () => {
  it('a restored session continues exactly where it stopped', async () => {
    const { sessions, ids, rng } = setup(3, 'snapshot');
    const [a, b, c] = sessions as Session<ToyState, number, { value: number }>[];
    const out = new Map<PartyIndex, Envelope[]>();
    for (const s of sessions) out.set(s.self, await s.start());
    // A receives the round-1 broadcasts of B and C (and sends its echo), then is snapshotted.
    for (const e of [...out.get(2 as PartyIndex)!, ...out.get(3 as PartyIndex)!]) await a!.receive(e);
    const snap = a!.snapshot();
    expect(parseCanonicalJson(snap)).toMatchObject({ format: 'tessera/session-snapshot', version: 1, round: 1 });
    const restored = restoreSession(toy, snap, { auth: ids.auth.get(1 as PartyIndex)!, rng, deps: { value: 10 } });
    expect(restored.snapshot()).toBe(snap);
    expect(restored.resend().map(messageId)).toEqual(a!.resend().map(messageId));
    expect(restored.resend().map((e) => e.kind)).toEqual(['broadcast', 'echo']);
    // The original A is gone; the restored one resends its round-1 messages and finishes.
    const res = await runSimulation([restored, b!, c!], {
      identities: ids,
      rng,
      started: new Map([
        [1 as PartyIndex, restored.resend()],
        [2 as PartyIndex, out.get(2 as PartyIndex)!],
        [3 as PartyIndex, out.get(3 as PartyIndex)!],
      ]),
    });
    for (const o of res.outcomes.values()) expect(o.output).toBe(expectedSum(3));
  });
  it('a snapshot of another protocol, version or malformed text is refused', async () => {
    const { sessions, ids, rng } = setup(2, 'snap-bad');
    await sessions[0]!.start();
    const snap = sessions[0]!.snapshot();
    const rt = { auth: ids.auth.get(1 as PartyIndex)!, rng, deps: { value: 10 } };
    expect(() => restoreSession({ ...toy, id: 'tessera/test/other' }, snap, rt)).toThrow(RangeError);
    expect(() => restoreSession({ ...toy, version: 2 }, snap, rt)).toThrow(RangeError);
    const edit = (f: (o: Record<string, Json>) => void) => {
      const o = JSON.parse(snap) as Record<string, Json>;
      f(o);
      return canonicalJson(o);
    };
    expect(() => restoreSession(toy, edit((o) => (o.round = 9)), rt)).toThrow(RangeError);
    expect(() => restoreSession(toy, edit((o) => (o.extra = 1)), rt)).toThrow(TypeError);
    expect(() => restoreSession(toy, edit((o) => (o.version = 2)), rt)).toThrow(RangeError);
    expect(() => restoreSession(toy, snap + ' ', rt)).toThrow(TypeError);
    expect(() => restoreSession(toy, snap.replace('"mine":10', '"mine":"x"'), rt)).toThrow(TypeError);
  });
});
