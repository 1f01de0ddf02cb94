/**
 * Transport envelopes: sealing and opening, end-to-end encryption of point-to-point payloads,
 * and rejection (with reason, field and counter) of every tampered, replayed, misdirected,
 * oversize or malformed input.
 */
import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@tessera/crypto/bytes';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { canonicalJson, parseCanonicalJson, type Json } from '@tessera/protocols/engine/codec';
import { newSessionId, partyIndex, type PartyIndex } from '@tessera/protocols/engine/ids';
import { TransportError } from '../src/errors.ts';
import { createEnvelopeCodec, envelopeSigningBytes, openEnvelope, parseWireEnvelope, sealEnvelope, type EnvelopeCodec, type WireEnvelope } from '../src/envelope.ts';
import { generateIdentity, type IdentityKey } from '../src/identity.ts';
import { createReplayGuard } from '../src/replay.ts';

const rng = createSeededRng('transport-envelope-test');
const P = (i: number): PartyIndex => partyIndex(i);
const ids = new Map<PartyIndex, IdentityKey>([1, 2, 3, 4].map((i) => [P(i), generateIdentity(rng)]));
const directory = new Map([1, 2, 3].map((i) => [P(i), ids.get(P(i))!.publicKey]));
const session = newSessionId(rng);
const protocol = 'tessera/frost/dkg';

function codec(self: number, extra: Partial<Parameters<typeof createEnvelopeCodec>[0]> = {}): EnvelopeCodec {
  return createEnvelopeCodec({ session, protocol, self: P(self), identity: ids.get(P(self))!, directory, rng, ...extra });
}

/** Parses a wire text, applies `edit` to the object, re-encodes canonically. */
function edit(text: string, f: (o: Record<string, any>) => void): string {
  const o = structuredClone(parseCanonicalJson(text)) as Record<string, any>;
  f(o);
  return canonicalJson(o as Json);
}

async function rejects(c: EnvelopeCodec, text: unknown, reason: string, field?: string): Promise<void> {
  const before = c.rejections.snapshot()[reason as keyof ReturnType<typeof c.rejections.snapshot>] ?? 0;
  const err = await c.open(text).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  expect((err as TransportError).reason).toBe(reason);
  if (field !== undefined) expect((err as TransportError).field).toBe(field);
  expect(c.rejections.snapshot()[reason as keyof ReturnType<typeof c.rejections.snapshot>]).toBe(before + 1);
}

describe('transport envelope', () => {
  it('round-trips a broadcast; the payload travels in clear and is signed', async () => {
    const a = codec(1);
    const b = codec(2);
    const text = await a.seal({ protocol, round: 1, seq: 1, to: null, payload: { commitment: ['ab'] } });
    expect(text).toContain('"commitment"');
    const got = await b.open(text);
    expect(got).toMatchObject({ session, protocol, round: 1, seq: 1, from: 1, to: null, payload: { commitment: ['ab'] } });
    expect(b.rejections.total()).toBe(0);
  });

  it('encrypts point-to-point payloads end to end: only the recipient can read them', async () => {
    const secret = { share: '11'.repeat(32) };
    const text = await codec(1).seal({ protocol, round: 2, seq: 2, to: P(2), payload: secret });
    expect(text).not.toContain('11111111');
    const wire = parseWireEnvelope(text);
    expect(Object.keys(wire.payload as object).sort()).toEqual(['ct', 'epk']);
    expect((await codec(2).open(text)).payload).toEqual(secret);
    // party 3 is in the session but the message is not for it
    await rejects(codec(3), text, 'misrouted', 'envelope.to');
    // even a party that ignores the recipient field cannot decrypt
    const err = await openEnvelope(edit(text, () => undefined), { session, protocol, self: P(3), identity: ids.get(P(3))!, directory: new Map([...directory, [P(2), ids.get(P(3))!.publicKey]]) }).catch((e: unknown) => e);
    expect((err as TransportError).reason).toBe('misrouted');
  });

  it('two encryptions of one payload differ (fresh ephemeral key per message)', async () => {
    const a = codec(1);
    const t1 = parseWireEnvelope(await a.seal({ protocol, round: 2, seq: 1, to: P(2), payload: 'x', sentAt: 5 }));
    const t2 = parseWireEnvelope(await a.seal({ protocol, round: 2, seq: 1, to: P(2), payload: 'x', sentAt: 5 }));
    expect(t1.payload).not.toEqual(t2.payload);
  });

  it('rejects a tampered signature, ciphertext, ephemeral key and every header field', async () => {
    const b = codec(2);
    const bc = await codec(1).seal({ protocol, round: 1, seq: 3, to: null, payload: { x: 1 } });
    const p2p = await codec(1).seal({ protocol, round: 2, seq: 4, to: P(2), payload: { x: 2 } });
    const flip = (hex: string, at = 0): string => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
    await rejects(b, edit(bc, (o) => (o.sig = flip(o.sig, 10))), 'bad-signature', 'envelope.sig');
    await rejects(b, edit(bc, (o) => (o.payload = { x: 2 })), 'bad-signature', 'envelope.sig');
    await rejects(b, edit(bc, (o) => (o.round = 2)), 'bad-signature');
    await rejects(b, edit(bc, (o) => (o.seq = 99)), 'bad-signature');
    await rejects(b, edit(bc, (o) => (o.sentAt = o.sentAt - 1)), 'bad-signature');
    await rejects(b, edit(bc, (o) => (o.from = 3)), 'bad-signature');
    await rejects(b, edit(p2p, (o) => (o.payload.ct = flip(o.payload.ct, 4))), 'bad-signature');
    await rejects(b, edit(p2p, (o) => (o.payload.epk = flip(o.payload.epk, 2))), 'bad-signature');
    await rejects(b, edit(p2p, (o) => (o.to = null)), 'bad-signature');
    // a party re-signing someone else's ciphertext under its own name cannot make it decrypt
    const c3 = codec(3);
    const wire = parseWireEnvelope(p2p);
    const forged = await sealEnvelope({ ...wire, from: P(3) }, { dummy: true }, { identity: ids.get(P(3))!, recipientKey: directory.get(P(2))!, rng });
    const stolen = edit(forged, (o) => (o.payload = wire.payload));
    const resigned = resign(stolen, ids.get(P(3))!);
    await rejects(b, resigned, 'decrypt-failed', 'envelope.payload.ct');
    expect(c3.rejections.total()).toBe(0);
    expect(b.rejections.snapshot()).toMatchObject({ 'bad-signature': 9, 'decrypt-failed': 1 });
  });

  it('drops replays and duplicates by (session, from, sequence), also across a restored guard', async () => {
    const b = codec(2);
    const t = await codec(1).seal({ protocol, round: 1, seq: 7, to: null, payload: 1 });
    await b.open(t);
    await rejects(b, t, 'replay', 'envelope.seq');
    // a new message with the same sequence number is a replay too
    await rejects(b, await codec(1).seal({ protocol, round: 1, seq: 7, to: null, payload: 2 }), 'replay');
    // the same sequence number from another sender is fine
    await b.open(await codec(3).seal({ protocol, round: 1, seq: 7, to: null, payload: 1 }));
    const restored = codec(2, { replay: createReplayGuard({ state: b.replay.export() }) });
    await rejects(restored, t, 'replay');
    await restored.open(await codec(1).seal({ protocol, round: 1, seq: 6, to: null, payload: 1 }));
  });

  it('rejects wrong session, wrong protocol, unknown sender, own messages and stale clocks', async () => {
    const b = codec(2);
    const other = newSessionId(rng);
    const outsider = createEnvelopeCodec({ session, protocol, self: P(4), identity: ids.get(P(4))!, directory: new Map([...directory, [P(4), ids.get(P(4))!.publicKey]]), rng });
    await rejects(b, await createEnvelopeCodec({ session: other, protocol, self: P(1), identity: ids.get(P(1))!, directory, rng }).seal({ protocol, round: 1, seq: 1, to: null, payload: 0 }), 'wrong-session', 'envelope.session');
    await rejects(b, await codec(1).seal({ protocol: 'tessera/frost/sign', round: 1, seq: 1, to: null, payload: 0 }), 'wrong-protocol');
    await rejects(b, await outsider.seal({ protocol, round: 1, seq: 1, to: null, payload: 0 }), 'unknown-sender', 'envelope.from');
    await rejects(b, await codec(2).seal({ protocol, round: 1, seq: 1, to: null, payload: 0 }), 'unknown-sender');
    await rejects(b, await codec(1).seal({ protocol, round: 1, seq: 2, to: null, payload: 0, sentAt: Date.now() + 3600_000 }), 'stale', 'envelope.sentAt');
    await rejects(b, await codec(1).seal({ protocol, round: 1, seq: 3, to: null, payload: 0, sentAt: 1 }), 'stale');
  });

  it('rejects oversize, non-canonical, unknown-field and wrong-version input without touching the guard', async () => {
    const b = codec(2, { maxBytes: 2048 });
    const big = await codec(1).seal({ protocol, round: 1, seq: 1, to: null, payload: 'x'.repeat(4000) });
    await rejects(b, big, 'oversize', 'envelope');
    const ok = await codec(1).seal({ protocol, round: 1, seq: 2, to: null, payload: 1 });
    await rejects(b, ok.replace('{', '{ '), 'malformed', 'envelope');
    await rejects(b, edit(ok, (o) => (o.extra = 1)), 'malformed', 'envelope.extra');
    await rejects(b, edit(ok, (o) => delete o.sentAt), 'malformed', 'envelope.sentAt');
    await rejects(b, edit(ok, (o) => (o.v = 2)), 'unsupported-version', 'envelope.v');
    await rejects(b, edit(ok, (o) => (o.round = 0)), 'malformed', 'envelope.round');
    await rejects(b, edit(ok, (o) => (o.to = 1)), 'malformed', 'envelope.to');
    await rejects(b, edit(ok, (o) => (o.sig = 'ab')), 'malformed', 'envelope.sig');
    await rejects(b, 42, 'malformed');
    await rejects(b, '\u00ff'.repeat(1500), 'oversize');
    // none of that consumed sequence 2
    expect((await b.open(ok)).seq).toBe(2);
  });
});

/** Re-signs a wire text with `id` (models a corrupt party signing whatever it likes). */
function resign(text: string, id: IdentityKey): string {
  const { sig: _sig, ...rest } = parseCanonicalJson(text) as Record<string, Json>;
  const sig = ed25519.sign(envelopeSigningBytes(rest as unknown as WireEnvelope), id.secretKey);
  return canonicalJson({ ...rest, sig: bytesToHex(sig) });
}
