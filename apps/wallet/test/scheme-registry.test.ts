/**
 * The scheme registry hook: a driver registered under another scheme name (here a test double
 * that delegates the cryptography to the FROST driver and reports local-work progress, as the
 * CGGMP21 aux-info prime search will) is used end to end: the lobby, DKG invitation and
 * account carry its scheme, its keygen/sign/verify run through the wallet's context
 * (transport, vault-backed records), and its progress reaches the events. Unregistered schemes
 * are refused with `unsupported-scheme`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemeDriver } from '../src/core/index.ts';
import { frostDriver } from '../src/core/frost-driver.ts';
import { PASS, closeAll, links, startTestSignal, testCore, until, type TestCore, type TestSignal } from './helpers.ts';

let signal: TestSignal;
beforeAll(async () => {
  signal = await startTestSignal();
});
afterAll(async () => {
  await signal.stop();
});

describe('wallet core: scheme registry', () => {
  it('runs a registered driver through the lobby, keygen and signing', async () => {
    const calls: string[] = [];
    const driver: SchemeDriver = {
      ...frostDriver,
      scheme: 'cggmp',
      suites: ['secp256k1'],
      async keygen(ctx) {
        calls.push(`keygen:${ctx.self}`);
        ctx.progress({ round: 0, rounds: 4, fraction: 0.5 });
        return frostDriver.keygen(ctx);
      },
      async sign(ctx) {
        calls.push(`sign:${ctx.self}`);
        return frostDriver.sign(ctx);
      },
    };
    const cores: TestCore[] = [];
    try {
      for (let i = 1; i <= 2; i++) {
        const c = await testCore(signal, `scheme-${i}`, { schemes: [driver] });
        await c.core.createVault({ passphrase: PASS });
        cores.push(c);
      }
      const [c1, c2] = cores as [TestCore, TestCore];
      await expect(c1.core.startCreate({ label: 'E', suite: 'ed25519', threshold: 2, parties: 2, scheme: 'cggmp' })).rejects.toMatchObject({ code: 'unsupported-scheme', field: 'suite' });
      const lobby = await c1.core.startCreate({ label: 'ECDSA-ish', suite: 'secp256k1', threshold: 2, parties: 2, scheme: 'cggmp' });
      expect(lobby.view().scheme).toBe('cggmp');
      const j = await c2.core.joinFromLink(links(lobby).get(2)!);
      const [a1, a2] = await Promise.all([lobby.done, j.done]);
      expect(a1).toMatchObject({ scheme: 'cggmp', suite: 'secp256k1', groupKey: a2.groupKey });
      expect(calls.sort()).toEqual(['keygen:1', 'keygen:2']);
      expect(c1.events.some((e) => e.type === 'progress' && e.progress.fraction === 0.5)).toBe(true);
      const req = await c1.core.requestSignature(a1.id, new TextEncoder().encode('registry'));
      await until(async () => (await c2.core.inbox()).some((r) => r.id === req.id), 20_000, 'request delivered');
      await c2.core.approve(req.id);
      await until(async () => (await c1.core.inbox()).find((r) => r.id === req.id)?.status === 'ready', 20_000, 'ready');
      expect(await c1.core.finalize(req.id)).toMatchObject({ status: 'done', verified: true });
      expect(calls.filter((c) => c.startsWith('sign')).sort()).toEqual(['sign:1', 'sign:2']);
    } finally {
      await closeAll(cores);
    }
  });

  it('a wallet without the driver refuses a link for that scheme', async () => {
    // the built-in CGGMP21 driver offers secp256k1 only: a driver that also offers ed25519
    const withDriver = await testCore(signal, 'scheme-a', { schemes: [{ ...frostDriver, scheme: 'cggmp', suites: ['secp256k1', 'ed25519'] }] });
    const without = await testCore(signal, 'scheme-b');
    try {
      await withDriver.core.createVault({ passphrase: PASS });
      await without.core.createVault({ passphrase: PASS });
      const lobby = await withDriver.core.startCreate({ label: 'x', suite: 'ed25519', threshold: 2, parties: 2, scheme: 'cggmp' });
      await expect(without.core.joinFromLink(links(lobby).get(2)!)).rejects.toMatchObject({ code: 'unsupported-scheme', field: 'suite' });
      await lobby.cancel();
      await expect(lobby.done).rejects.toMatchObject({ code: 'unknown-lobby' });
      expect(withDriver.core.lobbies()).toEqual([]);
    } finally {
      await closeAll([withDriver, without]);
    }
  });
});
