/**
 * Test helpers for `tessera hsm-bridge` as a process: start it from the CLI's source through
 * tsx in a test token's directory, collect its output, and check the one-line error convention
 * (never a stack trace, never the PIN).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import type { TestToken } from './helpers.ts';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MAIN = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));

/** Exit code and output of a finished process. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `tessera hsm-bridge ARGS` in the token's directory with its environment (or `env`). */
export function startCli(tok: TestToken, args: readonly string[], env: NodeJS.ProcessEnv = tok.env): ChildProcess {
  return spawn(process.execPath, ['--import', TSX_LOADER, MAIN, 'hsm-bridge', ...args], { cwd: tok.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Collects a process's output until it closes. */
export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `tessera hsm-bridge ARGS` to the end. */
export function runCli(tok: TestToken, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return collect(startCli(tok, args, env));
}

/** Expects exit `code`, nothing on stdout, and one stderr line matching `pattern` without a stack trace or the PIN. */
export function expectOneLineError(tok: TestToken, r: CliResult, code: number, pattern: RegExp): void {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+|node:internal/);
  expect(r.stderr).not.toContain(tok.pin);
}
