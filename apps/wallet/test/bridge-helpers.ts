/**
 * Test helpers for the wallet's hardware key: a real `tessera hsm-bridge --dev-softhsm DIR`
 * process (the CLI initializes a SoftHSM2 token in DIR on first run and reuses it later), the
 * operator's `--approve`, and a dump of a vault's IndexedDB stores to compare states.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openDB } from 'idb';
import { bytesToHex } from '@tessera/crypto/bytes';
import { VAULT_STORES } from '@tessera/vault';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MAIN = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));

/** A bridge process over a development SoftHSM2 token in a scratch directory. */
export interface TestBridge {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** The token and registry directory (`--dev-softhsm`). */
  readonly dir: string;
  /** The registry directory (`--data` of the operator commands). */
  readonly dataDir: string;
  /** Runs `tessera hsm-bridge ARGS` (operator side) and returns its stdout. */
  cli(args: readonly string[]): Promise<string>;
  /** `tessera hsm-bridge --approve ID --data DIR`. */
  approve(deviceId: string): Promise<string>;
  /** Stops the process (SIGTERM), keeping the token. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and removes the directory. */
  remove(): Promise<void>;
}

function spawnBridge(dir: string, port: number, origin?: string): Promise<{ proc: ChildProcess; url: string }> {
  const args = ['--import', TSX_LOADER, MAIN, 'hsm-bridge', '--dev-softhsm', dir, '--port', String(port), '--log-level', 'error', ...(origin ? ['--origin', origin] : [])];
  const proc = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve({ proc, url: buf.slice(0, nl).trim() });
    });
    proc.once('close', (code) => reject(new Error(`hsm-bridge exited with ${code}`)));
  });
}

/** Starts a bridge on a free port over a fresh development token. */
export async function startTestBridge(origin?: string): Promise<TestBridge> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-wallet-hsm-'));
  let { proc, url } = await spawnBridge(dir, 0, origin);
  const port = Number(new URL(url).port);
  let running: ChildProcess | undefined = proc;
  const dataDir = join(dir, 'data');
  const cli = (args: readonly string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(process.execPath, ['--import', TSX_LOADER, MAIN, 'hsm-bridge', ...args], { cwd: dir, encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
  const stop = async (): Promise<void> => {
    const p = running;
    running = undefined;
    if (!p || p.exitCode !== null) return;
    const closed = new Promise((r) => p.once('close', r));
    p.kill('SIGTERM');
    await closed;
  };
  return {
    url,
    port,
    dir,
    dataDir,
    cli,
    approve: (id) => cli(['--approve', id, '--data', dataDir]),
    stop,
    async start() {
      if (running) return;
      ({ proc, url } = await spawnBridge(dir, port, origin));
      running = proc;
    },
    async remove() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every vault store's (key, value) pairs as text, to compare states. */
export async function dumpVault(name: string): Promise<Record<string, string>> {
  const db = await openDB(name);
  const out: Record<string, string> = {};
  for (const s of VAULT_STORES) {
    const keys = await db.getAllKeys(s);
    const values = await db.getAll(s);
    out[s] = JSON.stringify(keys.map((k, i) => [k, values[i]]), (_k, v: unknown) => (v instanceof Uint8Array ? bytesToHex(v) : typeof v === 'bigint' ? v.toString() : v));
  }
  db.close();
  return out;
}
