/**
 * `tessera signal` and the set-up modes of `tessera party`: usage errors (in process through
 * the commands, and once through the real process for the exit-code contract), the server's
 * health endpoint, mailbox log and graceful shutdown as a process, and private identity and
 * signed invitation files.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/args.ts';
import { partyCommand } from '../src/commands/party.ts';
import { signalCommand } from '../src/commands/signal.ts';
import { memoryContext } from './signal-helpers.ts';
import { collect, expectUsageError, removeScratchDirs, runCli, scratchDir, startCli } from './helpers.ts';

afterAll(removeScratchDirs);

async function usage(p: Promise<number>, arg: string, message?: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UsageError);
  expect((e as UsageError).arg).toBe(arg);
  if (message) expect((e as UsageError).message).toMatch(message);
}

/** Reads a child's stream until a line matches. */
function waitForLine(child: ReturnType<typeof startCli>, pred: (l: string) => boolean, ms = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`no matching line: ${buf.slice(-300)}`)), ms);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const line = buf.split('\n').find(pred);
      if (line !== undefined) {
        clearTimeout(t);
        resolve(line);
      }
    });
  });
}

describe('tessera signal', () => {
  it('refuses bad arguments', async () => {
    expectUsageError(await runCli(['signal', '--data', 'x']), '--port', /required/);
    await usage(signalCommand.run(['--port', '70000', '--data', 'x'], memoryContext()), '--port');
    await usage(signalCommand.run(['--port', '0'], memoryContext()), '--data', /required/);
    await usage(signalCommand.run(['--port', '0', '--data', 'x', '--log-level', 'loud'], memoryContext()), '--log-level');
    await usage(signalCommand.run(['--port', '0', '--data', 'x', '--max-rooms', '0'], memoryContext()), '--max-rooms');
  });

  it('serves /health, keeps its mailbox log in --data, and shuts down gracefully on SIGTERM', async () => {
    const dir = scratchDir();
    const child = startCli(['signal', '--port', '0', '--data', join(dir, 'data')]);
    const done = collect(child);
    const url = await waitForLine(child, (l) => l.startsWith('ws://'));
    const port = Number(/:(\d+)$/.exec(url.trim())![1]);
    const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', rooms: 0 });
    expect(existsSync(join(dir, 'data', 'mailbox.log'))).toBe(true);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('"event":"shutdown"');
    expect(r.stderr).toContain('"event":"stopped"');
  });
});

describe('tessera party (set-up)', () => {
  it('writes a private identity and a signed invitation; refuses bad input', async () => {
    const dir = scratchDir();
    const ids = [1, 2, 3].map((i) => join(dir, `id-${i}.json`));
    const keys: string[] = [];
    for (const f of ids) {
      const ctx = memoryContext();
      expect(await partyCommand.run(['--identity', f, '--new-identity'], ctx)).toBe(0);
      keys.push(ctx.out.join('').trim());
      expect(statSync(f).mode & 0o777).toBe(0o600);
    }
    expect(keys.every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true);
    await usage(partyCommand.run(['--identity', ids[0]!, '--new-identity'], memoryContext()), '--identity', /refusing to overwrite/);
    const ctx = memoryContext();
    expect(await partyCommand.run(['--identity', ids[0]!, '--invite', '--keys', keys.join(','), '--ceremony', 'dkg', '--suite', 'taproot', '--threshold', '2', '--out', join(dir, 'dkg.json')], ctx)).toBe(0);
    expect(ctx.out.join('').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(readFileSync(join(dir, 'dkg.json'), 'utf8'))).toMatchObject({ protocol: 'tessera/frost/dkg', params: { ceremony: 'dkg', suite: 'taproot', threshold: 2 } });
    const invite = (keyList: string, threshold: string) => ['--identity', ids[0]!, '--invite', '--keys', keyList, '--ceremony', 'dkg', '--suite', 'taproot', '--threshold', threshold, '--out', join(dir, 'x.json')];
    await usage(partyCommand.run(invite(`${keys[1]},${keys[2]}`, '2'), memoryContext()), '--keys', /creator/);
    await usage(partyCommand.run(invite(`${keys[0]},zz`, '2'), memoryContext()), '--keys');
    await usage(partyCommand.run(invite(keys.join(','), '4'), memoryContext()), '--threshold');
    await usage(partyCommand.run(['--identity', ids[0]!, '--invite', '--keys', keys.join(','), '--ceremony', 'vote', '--out', join(dir, 'x.json')], memoryContext()), '--ceremony');
    const run = (extra: string[]) => ['--identity', ids[0]!, '--state', dir, '--share', join(dir, 's.json'), ...extra];
    await usage(partyCommand.run(run(['--signal', 'http://x', '--invitation', join(dir, 'dkg.json')]), memoryContext()), '--signal');
    await usage(partyCommand.run(run(['--signal', 'ws://127.0.0.1:1', '--invitation', join(dir, 'missing.json')]), memoryContext()), '--invitation', /cannot read/);
    await usage(partyCommand.run(run(['--signal', 'ws://127.0.0.1:1', '--invitation', join(dir, 'dkg.json'), '--transport', 'smoke']), memoryContext()), '--transport');
    // a tampered invitation is refused before anything runs
    const tampered = join(dir, 'tampered.json');
    (await import('node:fs')).writeFileSync(tampered, readFileSync(join(dir, 'dkg.json'), 'utf8').replace('"threshold":2', '"threshold":3'));
    await usage(partyCommand.run(run(['--signal', 'ws://127.0.0.1:1', '--invitation', tampered]), memoryContext()), '--invitation', /bad-signature/);
  });
});
