/**
 * The transport acceptance suite with mailbox-only transports through a real signal server
 * (loopback, file store), plus the server restarted mid-ceremony without losing a message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { dkgOutputCodec, frostDkgFactory } from '@tessera/transport/frost';
import { generateIdentity } from '@tessera/transport/identity';
import { runProtocol } from '@tessera/transport/runner';
import { newSessionId, partyIndex, type PartyIndex } from '@tessera/transport/signal-protocol';
import { acceptanceSuite, background } from '@tessera/transport/testing/acceptance';
import { mailboxHarness } from './harness.ts';

acceptanceSuite('mailbox only', mailboxHarness);

describe('mailbox transport', () => {
  let h: Awaited<ReturnType<typeof mailboxHarness>> | undefined;
  afterAll(async () => {
    await h?.cleanup();
  });

  it('survives a server restart mid-ceremony: no mailbox message is lost', async () => {
    h = await mailboxHarness();
    const rng = createSeededRng('mailbox-restart');
    const parties = [1, 2, 3].map((i) => partyIndex(i));
    const ids = new Map(parties.map((p) => [p, generateIdentity(rng)] as const));
    const directory = new Map([...ids].map(([p, k]) => [p, k.publicKey] as const));
    const session = newSessionId(rng);
    const net = await h.setup(session, 'tessera/frost/dkg', ids, parties);
    const run = async (p: PartyIndex) => {
      const transport = await net.transport(p);
      try {
        return await runProtocol({
          session,
          self: p,
          transport,
          identity: ids.get(p)!,
          directory,
          factory: frostDkgFactory({ session, self: p, parties, suite: 'ed25519', threshold: 2, identity: ids.get(p)!, directory, rng }),
          output: dkgOutputCodec,
          timeoutMs: 60_000,
        });
      } finally {
        await transport.close();
      }
    };
    // parties 1 and 2 post their round-1 broadcasts (and echoes) while 3 is away
    const early = [run(parties[0]!), run(parties[1]!)].map((r) => background(r));
    const until = Date.now() + 10_000;
    while (h.server.current().stats().posts < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(h.server.current().stats().posts).toBeGreaterThanOrEqual(2);
    await h.server.restart();
    const late = await run(parties[2]!);
    const done = await Promise.all(early.map((r) => r.result()));
    const keys = new Set([...done, late].map((r) => Buffer.from(r.output.keyShare.commitments[0]!).toString('hex')));
    expect(keys.size).toBe(1);
  });
});
