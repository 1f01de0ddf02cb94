/**
 * Test helpers: run the real `tessera` CLI (`node --import tsx apps/cli/src/main.ts …`) in
 * a child process, and read the Milagro Paillier vector files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'vitest';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** What a CLI run produced. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const scratchDirs: string[] = [];

/** A fresh scratch directory for key files (removed by {@link removeScratchDirs}). */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-test-'));
  scratchDirs.push(dir);
  return dir;
}

/** Removes every scratch directory this test file created (call from `afterAll`). */
export function removeScratchDirs(): void {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Starts the CLI; `cwd` defaults to a scratch directory. */
export function startCli(args: readonly string[], cwd = scratchDir()): ChildProcess {
  return spawn(process.execPath, ['--import', TSX_LOADER, MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Waits for a started CLI process to end and collects its output. */
export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the CLI to completion. */
export function runCli(args: readonly string[], cwd?: string): Promise<CliResult> {
  return collect(startCli(args, cwd));
}

/**
 * Asserts the usage-error contract: exit code 2, nothing on stdout, exactly one line on
 * stderr of the form `error: <arg>: …`, and no stack trace.
 */
export function expectUsageError(r: CliResult, arg: string, message?: RegExp): void {
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]!.startsWith(`error: ${arg}: `)).toBe(true);
  expect(r.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)|node:internal|\.ts:\d+/);
  if (message) expect(lines[0]).toMatch(message);
  expect(r.code).toBe(2);
}

/** Records of a Milagro test-vector file: `KEY = hex,` lines, records separated by blank lines. */
export function readMilagro(name: string): Record<string, string>[] {
  const text = readFileSync(new URL(`../../../vectors/paillier/milagro-crypto-c/${name}`, import.meta.url), 'utf8');
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const rec: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const m = /^\s*([A-Z0-9]+)\s*=\s*([0-9a-fA-F]*),?\s*$/.exec(line);
        if (m) rec[m[1]!] = m[2]!;
      }
      return rec;
    })
    .filter((r) => Object.keys(r).length > 0);
}
