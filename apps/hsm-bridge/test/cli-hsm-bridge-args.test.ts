/**
 * `tessera hsm-bridge` with bad arguments: exit 2 and one line naming the argument, before
 * the token is touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSoftHsm, SOFTHSM_MODULE, type TestToken } from './helpers.ts';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MAIN = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));

let tok: TestToken;
beforeAll(() => {
  tok = initSoftHsm('cli', false);
});
afterAll(() => tok.remove());

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startCli(args: readonly string[], env: NodeJS.ProcessEnv = tok.env): ChildProcess {
  return spawn(process.execPath, ['--import', TSX_LOADER, MAIN, 'hsm-bridge', ...args], { cwd: tok.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function collect(child: ChildProcess): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const runCli = (args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Result> => collect(startCli(args, env));

function expectOneLineError(r: Result, code: number, pattern: RegExp): void {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+|node:internal/);
  expect(r.stderr).not.toContain(tok.pin);
}

describe('tessera hsm-bridge arguments', () => {
  it('exits 2 naming the argument on bad arguments', async () => {
    const base = ['--module', SOFTHSM_MODULE, '--pin-file', tok.pinFile];
    const cases: [string[], RegExp][] = [
      [base, /^error: --port: required$/],
      [['--pin-file', tok.pinFile, '--port', '0'], /^error: --module: required/],
      [['--module', SOFTHSM_MODULE, '--port', '0'], /^error: --pin-file: required \(or --pin-env VAR\)$/],
      [[...base, '--pin-env', 'X', '--port', '0'], /^error: --pin-env: cannot be combined with --pin-file$/],
      [[...base, '--port', 'http'], /^error: --port: expected an integer/],
      [[...base, '--port', '0', '--origin', 'wallet.example'], /^error: --origin: not an origin/],
      [[...base, '--port', '0', '--log-level', 'loud'], /^error: --log-level: expected one of/],
      [[...base, '--port', '0', '--pin', '1234'], /^error: --pin: unknown option$/],
      [['--approve', 'desk', '--port', '1'], /^error: --port: cannot be combined with --approve$/],
      [['--dev-softhsm', join(tok.dir, 'dev'), '--pin-file', tok.pinFile, '--port', '0'], /^error: --pin-file: cannot be combined with --dev-softhsm$/],
      [['--approve', '../x'], /^error: --approve: not a device id/],
      [['--approve', 'a', '--revoke', 'a'], /^error: --revoke: cannot be combined with --approve$/],
      [['--revoke', 'ghost', '--data', join(tok.dir, 'cli-data')], /^error: --revoke: no registered device "ghost"/],
      [['--approve', 'ghost', '--data', join(tok.dir, 'cli-data')], /^error: --approve: no registered device "ghost"/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    results.forEach((r, i) => expectOneLineError(r, 2, cases[i]![1]));
  });
});
