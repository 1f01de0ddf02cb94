/**
 * Ceremonies through `tessera party` processes: a party process killed mid-DKG resumes from
 * its records and the ceremony completes (mailbox transport, signal server in this process);
 * `tessera demo --transport webrtc` runs DKG and signing among three party processes over
 * WebRTC and prints JSON that matches `tessera simulate frost`, with a signature that verifies.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { schnorr } from '@noble/curves/secp256k1.js';
import { createFileStore } from '@tessera/signal/file-store';
import { silentLogger } from '@tessera/signal/log';
import { startSignalServer } from '@tessera/signal/server';
import { UsageError } from '../src/args.ts';
import { demoCommand } from '../src/commands/demo-transport.ts';
import { partyCommand } from '../src/commands/party.ts';
import { memoryContext } from './signal-helpers.ts';
import { collect, removeScratchDirs, runCli, scratchDir, startCli } from './helpers.ts';

afterAll(removeScratchDirs);

describe('tessera party ceremonies', () => {
  it('a party process killed mid-DKG resumes from its records and the ceremony completes', async () => {
    const dir = scratchDir();
    const server = await startSignalServer({ store: createFileStore({ dir: join(dir, 'signal') }), port: 0, logger: silentLogger });
    try {
      const ids = [1, 2, 3].map((i) => join(dir, `id-${i}.json`));
      const keys = [];
      for (const f of ids) {
        const ctx = memoryContext();
        await partyCommand.run(['--identity', f, '--new-identity'], ctx);
        keys.push(ctx.out.join('').trim());
      }
      const invitation = join(dir, 'dkg.json');
      await partyCommand.run(['--identity', ids[0]!, '--invite', '--keys', keys.join(','), '--ceremony', 'dkg', '--suite', 'ed25519', '--threshold', '2', '--out', invitation], memoryContext());
      const args = (i: number) => ['party', '--signal', server.url, '--identity', ids[i - 1]!, '--invitation', invitation, '--state', join(dir, `state-${i}`), '--share', join(dir, `share-${i}.json`), '--transport', 'mailbox', '--json'];
      // party 3 runs alone first: it sends its round-1 messages and waits; it is killed there
      const p3 = startCli(args(3));
      const p3done = collect(p3);
      const started = new Promise<void>((resolve) => {
        let buf = '';
        p3.stderr!.on('data', (d: string) => {
          buf += d;
          if (/^started /m.test(buf)) resolve();
        });
      });
      await started;
      p3.kill('SIGKILL');
      expect((await p3done).signal).toBe('SIGKILL');
      expect(existsSync(join(dir, 'share-3.json'))).toBe(false);
      const rs = await Promise.all([1, 2, 3].map((i) => collect(startCli(args(i)))));
      for (const r of rs) expect(r.code, r.stderr).toBe(0);
      const outs = rs.map((r) => JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { publicKey: string; resumed: boolean });
      expect(new Set(outs.map((o) => o.publicKey)).size).toBe(1);
      expect(outs.map((o) => o.resumed)).toEqual([false, false, true]);
    } finally {
      await server.close();
    }
  });
});

describe('tessera demo --transport', () => {
  it('runs DKG and signing among three party processes over WebRTC and prints the simulate JSON', async () => {
    const r = await runCli(['demo', '--transport', 'webrtc', '--parties', '3', '--threshold', '2', '--suite', 'taproot', '--message', '68656c6c6f', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['suite', 'threshold', 'parties', 'publicKey', 'message', 'signature', 'signers']);
    expect(out).toMatchObject({ suite: 'taproot', threshold: 2, parties: 3, message: '68656c6c6f', signers: [1, 2] });
    const sig = Buffer.from(out.signature as string, 'hex');
    const pk = Buffer.from(out.publicKey as string, 'hex');
    expect(schnorr.verify(sig, Buffer.from('hello'), pk)).toBe(true);
    sig[5]! ^= 1;
    expect(schnorr.verify(sig, Buffer.from('hello'), pk)).toBe(false);
    const via = /(\d+) messages received over data channels/.exec(r.stderr);
    expect(Number(via?.[1] ?? 0)).toBeGreaterThan(0);
  });

  it('refuses bad transport arguments', async () => {
    const bad = async (args: string[], arg: string) => {
      const e = await demoCommand.run(args, memoryContext()).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).arg).toBe(arg);
    };
    await bad(['--transport', 'carrier-pigeon', '--parties', '3', '--threshold', '2', '--suite', 'taproot', '--message', '00'], '--transport');
    await bad(['--transport', 'webrtc', '--parties', '3', '--threshold', '4', '--suite', 'taproot', '--message', '00'], '--threshold');
    await bad(['--transport', 'webrtc', '--parties', '3', '--threshold', '2', '--suite', 'taproot', '--message', 'xyz'], '--message');
  });
});
