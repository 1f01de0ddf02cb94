/**
 * `tessera hsm-bridge` with bad arguments: exit 2 and one line naming the argument, before
 * the token is touched.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { initSoftHsm, SOFTHSM_MODULE, type TestToken } from './helpers.ts';
import { expectOneLineError as expectBridgeError, runCli as runBridgeCli, type CliResult } from './cli-helpers.ts';

let tok: TestToken;
beforeAll(() => {
  tok = initSoftHsm('cli', false);
});
afterAll(() => tok.remove());

type Result = CliResult;
const runCli = (args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Result> => runBridgeCli(tok, args, env);

const expectOneLineError = (r: Result, code: number, pattern: RegExp): void => expectBridgeError(tok, r, code, pattern);

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
