/**
 * The benchmark's command line (not its figures: performance is never asserted in tests):
 * `--json` prints only the JSON array with the agreed fields, a leading `--` from pnpm is
 * ignored, a CGGMP21 entry runs with its DKLs23 anchor, and bad arguments exit with code 2
 * and one line.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { collect, expectUsageError, type CliResult } from './helpers.ts';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const BENCH = fileURLToPath(new URL('../src/bench/main.ts', import.meta.url));

function runBench(args: string[]): Promise<CliResult> {
  return collect(spawn(process.execPath, ['--import', TSX_LOADER, BENCH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

describe('pnpm bench', () => {
  it('-- --json prints only a JSON array of {name, ms, anchor, anchorMs, ratio}', async () => {
    const r = await runBench(['--', '--json', '--quick', '--only', 'modexp-1024,modexp-1024-bigint']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(out.map((e) => e.name)).toEqual(['modexp-1024', 'modexp-1024-bigint']);
    expect(out.map((e) => e.anchor)).toEqual(['openssl', 'v8-bigint']);
    for (const e of out) {
      expect(Object.keys(e).sort()).toEqual(['anchor', 'anchorMs', 'ms', 'name', 'ratio']);
      expect(e.ms).toBeGreaterThan(0);
      expect(e.anchorMs).toBeGreaterThan(0);
      expect(e.ratio).toBeCloseTo((e.ms as number) / (e.anchorMs as number), 2);
    }
  });

  it('runs a CGGMP21 entry (2-of-2, --quick) beside its DKLs23 anchor, in the same JSON shape', async () => {
    const r = await runBench(['--json', '--quick', '--only', 'cggmp-sign-2-2']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(out).toHaveLength(1);
    const [e] = out;
    expect(Object.keys(e!).sort()).toEqual(['anchor', 'anchorMs', 'ms', 'name', 'ratio']);
    expect(e!.name).toBe('cggmp-sign-2-2');
    expect(e!.anchor).toBe('dkls23-sign-online-2-2');
    expect(e!.ms).toBeGreaterThan(0);
    expect(e!.anchorMs).toBeGreaterThan(0);
    expect(e!.ratio).toBeCloseTo((e!.ms as number) / (e!.anchorMs as number), 2);
  });

  it('prints a table by default', async () => {
    const r = await runBench(['--quick', '--only', 'modexp-1024']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Tessera benchmark: /);
    expect(r.stdout).toMatch(/\nmodexp-1024 +[\d.]+ ms +openssl +[\d.]+ ms +[\d.]+×/);
  });

  it.each([
    [['--iterations', '0'], '--iterations'],
    [['--only', 'nonsense'], '--only'],
    [['--only', ','], '--only'],
    [['--frobnicate'], '--frobnicate'],
    [['--', '--json', 'extra'], 'extra'],
  ])('%j is a usage error', async (args, arg) => {
    expectUsageError(await runBench(args), arg);
  });
});
