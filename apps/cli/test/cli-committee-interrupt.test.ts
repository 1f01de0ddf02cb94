/**
 * `tessera committee create --mode dkg` stops on SIGINT: the dealer-less key generation runs
 * all parties in the in-process simulator for many seconds, and the simulator yields to the
 * event loop so the signal handler and the AbortSignal get through. No share file is written.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, removeScratchDirs, scratchDir, startCli } from './helpers.ts';

afterAll(removeScratchDirs);

describe('tessera committee create --mode dkg', () => {
  it('stops on SIGINT with "error: interrupted", exit code 130 and no files', async () => {
    const dir = join(scratchDir(), 'committee');
    const child = startCli(['committee', 'create', '--mode', 'dkg', '--parties', '3', '--threshold', '2', '--bits', '1024', '--dir', dir]);
    const result = collect(child);
    // Wait for the first progress line: the key generation is running then.
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr!.on('data', (d: Buffer) => {
        seen += d.toString();
        if (/dealer-less key generation/.test(seen)) resolve();
      });
    });
    child.kill('SIGINT');
    const r = await result;
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('error: interrupted');
    expect(r.code).toBe(130); // a run that ignored the signal would finish with 0 and write the files
    expect(existsSync(join(dir, 'public.json'))).toBe(false);
    expect(existsSync(join(dir, 'party-1.json'))).toBe(false);
  });
});
