/**
 * `tessera hsm-bridge` as a process: starts against a SoftHSM2 token, answers /health, stops
 * cleanly on SIGTERM; the operator lists and approves devices while it runs; start-up failures
 * (wrong PIN, missing module, unset PIN variable, unknown token) exit 1 with one clear line
 * that never contains the PIN. (Bad arguments: cli-hsm-bridge-args.test.ts.)
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '@tessera/transport/identity';
import { listDevices } from '../src/registry.ts';
import { initSoftHsm, register, signedRequest, SOFTHSM_MODULE, type TestToken } from './helpers.ts';
import { collect, expectOneLineError as expectBridgeError, runCli as runBridgeCli, startCli as startBridgeCli, type CliResult } from './cli-helpers.ts';

let tok: TestToken;
beforeAll(() => {
  tok = initSoftHsm('cli', false);
});
afterAll(() => tok.remove());

type Result = CliResult;
const startCli = (args: readonly string[], env?: NodeJS.ProcessEnv): ChildProcess => startBridgeCli(tok, args, env);
const runCli = (args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Result> => runBridgeCli(tok, args, env);

/** Waits for the first stdout line (the URL) of a started bridge. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString('utf8');
      const i = buf.indexOf('\n');
      if (i >= 0) {
        child.stdout!.off('data', onData);
        resolve(buf.slice(0, i));
      }
    };
    child.stdout!.on('data', onData);
    child.once('close', (code) => reject(new Error(`exited with ${code} before printing its URL`)));
  });
}

const expectOneLineError = (r: Result, code: number, pattern: RegExp): void => expectBridgeError(tok, r, code, pattern);

describe('tessera hsm-bridge (process)', () => {
  it('starts, answers /health, lets the operator approve and revoke a device, and stops cleanly on SIGTERM', async () => {
    const data = join(tok.dir, 'cli-data');
    const child = startCli(['--module', SOFTHSM_MODULE, '--pin-file', tok.pinFile, '--port', '0', '--data', data, '--origin', 'http://localhost:5173,https://wallet.example']);
    const done = collect(child);
    const url = await firstLine(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = (await (await fetch(`${url}/health`)).json()) as { token: { label: string }; mechanisms: string[] };
    expect(health.token.label).toBe('cli');
    expect(health.mechanisms).toContain('CKM_AES_GCM');
    const cors = await fetch(`${url}/health`, { headers: { origin: 'https://wallet.example' } });
    expect(cors.headers.get('access-control-allow-origin')).toBe('https://wallet.example');

    const id = generateIdentity();
    expect((await register(url, 'desk', id)).status).toBe(202);
    const listed = await runCli(['--list-devices', '--data', data]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^desk\tpending\t[0-9a-f]{16}\t\d{4}-/);
    expect((await signedRequest(url, '/v1/counter/next', { deviceId: 'desk', identity: id, body: { name: 'k' } })).status).toBe(403);
    const approved = await runCli(['--approve', 'desk', '--data', data]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(/^approved desk \(key fingerprint [0-9a-f]{16}\)\n$/);
    expect((await signedRequest(url, '/v1/counter/next', { deviceId: 'desk', identity: id, body: { name: 'k' } })).json.value).toBe('1');

    const revoked = await runCli(['--revoke', 'desk', '--data', data]);
    expect(revoked.stdout).toMatch(/^revoked desk \(key fingerprint [0-9a-f]{16}\)\n$/);
    expect((await signedRequest(url, '/v1/counter', { deviceId: 'desk', identity: id, body: { name: 'k' } })).json.error).toBe('unknown-device');
    expect((await runCli(['--list-devices', '--data', data])).stdout).toBe('');

    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/"event":"listening"/);
    expect(r.stderr).toMatch(/"event":"closed"/);
    expect(r.stderr).not.toContain(tok.pin);
    expect(r.stderr).not.toMatch(/error/);
  });

  it('takes the PIN from an environment variable', async () => {
    const child = startCli(['--module', SOFTHSM_MODULE, '--pin-env', 'BRIDGE_PIN', '--port', '0', '--data', join(tok.dir, 'env-data')], { ...tok.env, BRIDGE_PIN: tok.pin });
    const done = collect(child);
    const url = await firstLine(child);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  });

  it('--dev-softhsm initializes a development token on first run and reuses it after', async () => {
    const devDir = join(tok.dir, 'dev-hsm');
    const serials: string[] = [];
    for (const expected of ['initialized', 'reused']) {
      const child = startCli(['--dev-softhsm', devDir, '--port', '0'], { ...process.env, SOFTHSM2_CONF: '/nonexistent/softhsm2.conf' });
      const done = collect(child);
      const url = await firstLine(child);
      const h = (await (await fetch(`${url}/health`)).json()) as { token: { label: string; serial: string } };
      expect(h.token.label).toBe('tessera-dev');
      serials.push(h.token.serial);
      child.kill('SIGTERM');
      const r = await done;
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^development SoftHSM2 token "tessera-dev" ${expected} in `));
    }
    expect(serials[1]).toBe(serials[0]);
    expect(listDevices(join(devDir, 'data'))).toEqual([]);
  });

  it('exits 1 with a clear line on a wrong PIN, a missing module, an unset PIN variable or an unknown token', async () => {
    const wrong = join(tok.dir, 'wrong-pin');
    writeFileSync(wrong, '999999\n');
    const cases: [string[], RegExp][] = [
      [['--module', SOFTHSM_MODULE, '--pin-file', wrong, '--port', '0'], /^error: login to token "cli" refused: wrong PIN$/],
      [['--module', '/usr/lib/nope/libpkcs11-missing.so', '--pin-file', tok.pinFile, '--port', '0'], /^error: PKCS#11 module not found: \/usr\/lib\/nope\/libpkcs11-missing\.so$/],
      [['--module', tok.pinFile, '--pin-file', tok.pinFile, '--port', '0'], /^error: cannot load PKCS#11 module .*pin: /],
      [['--module', SOFTHSM_MODULE, '--pin-env', 'NO_SUCH_PIN_VAR', '--port', '0'], /^error: environment variable NO_SUCH_PIN_VAR is not set or empty$/],
      [['--module', SOFTHSM_MODULE, '--pin-file', join(tok.dir, 'absent'), '--port', '0'], /^error: cannot read PIN file .*absent: ENOENT$/],
      [['--module', SOFTHSM_MODULE, '--pin-file', tok.pinFile, '--port', '0', '--token-label', 'other'], /^error: no token labelled "other" in module /],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    results.forEach((r, k) => expectOneLineError(r, 1, cases[k]![1]));
  });
});
