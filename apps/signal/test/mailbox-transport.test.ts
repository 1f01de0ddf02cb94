/**
 * The mailbox transport against a real signal server: stored items are handled in cursor
 * order with none skipped, also when a push arrives before the first catch-up read is done
 * or after the handler failed on an earlier item (the cursor is a high-water mark, so
 * handling a later push first would lose the earlier item for good).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMailboxTransport } from '@tessera/transport/mailbox';
import { partyIndex, type PartyIndex } from '@tessera/transport/signal-protocol';
import { cleanup, client, codecFor, identities, invite, server, until } from './helpers.ts';

const P = (i: number): PartyIndex => partyIndex(i);

afterEach(cleanup);

describe('mailbox transport', () => {
  it('an item the handler failed on is read again before any later push is handled', async () => {
    const s = await server();
    const ids = identities(3);
    const inv = invite(ids, 3);
    const c1 = await client(s.url, ids.get(P(1))!);
    const c2 = await client(s.url, ids.get(P(2))!);
    await c1.create(inv.text);
    await c1.join(inv.session);
    const e1 = codecFor(inv, ids, 1);
    const a = await e1.seal({ protocol: inv.protocol, round: 1, seq: 1, to: P(2), payload: 'a' });
    const b = await e1.seal({ protocol: inv.protocol, round: 1, seq: 2, to: P(2), payload: 'b' });
    const t = createMailboxTransport({ client: c2, session: inv.session });
    const calls: string[] = [];
    let failNext = true;
    await t.start(async (text) => {
      const which = text === a ? 'a' : text === b ? 'b' : '?';
      calls.push(which);
      if (failNext) {
        failNext = false;
        throw new Error('handler not ready');
      }
    });
    await c1.post(inv.session, [P(2)], a);
    await until(() => calls.length >= 1);
    expect(t.cursor).toBe(0);
    // b is pushed while a is still unhandled: a must come first, and be handled at all
    await c1.post(inv.session, [P(2)], b);
    await until(() => calls.includes('b'));
    expect(calls).toEqual(['a', 'a', 'b']);
    expect(t.cursor).toBe(2);
    await t.close();
  });

  it('a push that comes before the first catch-up read does not hide items stored earlier', async () => {
    const s = await server();
    const ids = identities(3);
    const inv = invite(ids, 3);
    const c1 = await client(s.url, ids.get(P(1))!);
    const c2 = await client(s.url, ids.get(P(2))!);
    await c1.create(inv.text);
    await c1.join(inv.session);
    const e1 = codecFor(inv, ids, 1);
    const texts = await Promise.all([1, 2, 3, 4].map((seq) => e1.seal({ protocol: inv.protocol, round: 1, seq, to: P(2), payload: seq })));
    // stored while party 2 is away
    for (const x of texts.slice(0, 3)) await c1.post(inv.session, [P(2)], x);
    // party 2 is already in the room (as the WebRTC mesh joins before starting its mailbox),
    // so the next post is pushed while the transport starts
    await c2.join(inv.session);
    const t = createMailboxTransport({ client: c2, session: inv.session });
    const got: string[] = [];
    const started = t.start(async (text) => void got.push(text));
    await c1.post(inv.session, [P(2)], texts[3]!);
    await started;
    await until(() => got.length >= 4);
    expect(got).toEqual(texts);
    await t.close();
  });
});
