/**
 * The `tessera` CLI's commands, run as a real process: help, isprime, prime, demo, and
 * interruption with Ctrl-C. Paillier commands are in cli-paillier.test.ts, every error path
 * in cli-errors.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { isProbablePrime } from '@tessera/crypto/primality';
import { collect, removeScratchDirs, runCli, startCli } from './helpers.ts';

afterAll(removeScratchDirs);

describe.concurrent('help', () => {
  it.each([['--help'], ['help'], ['-h']])('tessera %s lists the commands on stdout', async (flag) => {
    const r = await runCli([flag]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const cmd of ['isprime', 'prime', 'paillier', 'demo']) expect(r.stdout).toContain(cmd);
  });

  it.each([
    [['help', 'prime'], '--bits'],
    [['prime', '--help'], '--safe'],
    [['paillier', '--help'], 'keygen'],
    [['paillier', 'encrypt', '--help'], '--key'],
    [['isprime', '-h'], '--rounds'],
  ])('%j shows the command help', async (args, word) => {
    const r = await runCli(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: tessera /);
    expect(r.stdout).toContain(word);
  });
});

describe.concurrent('tessera isprime', () => {
  const m127 = (1n << 127n) - 1n;
  // 2^64 + 13 is prime; 2^64 + 1 = 274177 · 67280421310721.
  it.each([
    ['2', 'true'],
    ['97', 'true'],
    ['0x61', 'true'],
    ['0', 'false'],
    ['1', 'false'],
    ['561', 'false'], // Carmichael number
    ['3215031751', 'false'], // strong pseudoprime to bases 2, 3, 5, 7
    [`0x${m127.toString(16)}`, 'true'],
    [m127.toString(), 'true'],
    [((1n << 64n) + 13n).toString(), 'true'],
    ['0x10000000000000001', 'false'],
    ['0xFFFFFFFFFFFFFFC5', 'true'], // 2^64 − 59, upper-case hex
    [(m127 * ((1n << 61n) - 1n)).toString(), 'false'],
  ])('isprime %s prints %s', async (n, expected) => {
    const r = await runCli(['isprime', n]);
    expect(r.stdout).toBe(`${expected}\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('accepts --rounds', async () => {
    const r = await runCli(['isprime', '1000003', '--rounds', '64']);
    expect(r.stdout).toBe('true\n');
  });
});

describe('tessera prime', () => {
  const check = (stdout: string, bits: number): bigint => {
    expect(stdout).toMatch(/^0x[0-9a-f]+\n$/);
    const p = BigInt(stdout.trim());
    expect(p.toString(2).length).toBe(bits);
    expect(p >> BigInt(bits - 2)).toBe(3n);
    expect(isProbablePrime(p)).toBe(true);
    return p;
  };

  it('prints a random prime of exactly B bits as 0x-hex, a summary on stderr', async () => {
    const r = await runCli(['prime', '--bits', '256', '--workers', '2']);
    expect(r.code).toBe(0);
    check(r.stdout, 256);
    expect(r.stderr).toMatch(/found in/);
  });

  it('--safe gives a safe prime', async () => {
    const r = await runCli(['prime', '--bits', '160', '--safe', '--workers', '2']);
    expect(r.code).toBe(0);
    const p = check(r.stdout, 160);
    expect(isProbablePrime((p - 1n) / 2n)).toBe(true);
  });

  it('--blum gives a prime ≡ 3 (mod 4), also on a single worker', async () => {
    const r = await runCli(['prime', '--bits', '128', '--blum', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(check(r.stdout, 128) % 4n).toBe(3n);
  });

  it('stops on SIGINT with "error: interrupted" and exit code 130', async () => {
    const child = startCli(['prime', '--bits', '4096', '--safe', '--workers', '2']);
    const result = collect(child);
    // The non-terminal progress line appears after ~2 s of searching: the pool is running then.
    await new Promise<void>((resolve) => child.stderr!.once('data', () => resolve()));
    child.kill('SIGINT');
    const r = await result;
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('error: interrupted');
    expect(r.code).toBe(130);
  });
});

describe('tessera demo', () => {
  it('generates a key, adds and scales under encryption, decrypts and checks', async () => {
    const r = await runCli(['demo', '--workers', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2048-bit N');
    expect(r.stdout).toMatch(/key generation/);
    expect(r.stdout).toMatch(/check\s+ok: k·\(a \+ b\) = (\d+)·\((\d+) \+ (\d+)\) = (\d+)/);
    const [, k, a, b, m] = /ok: k·\(a \+ b\) = (\d+)·\((\d+) \+ (\d+)\) = (\d+)/.exec(r.stdout)!;
    expect(BigInt(k!) * (BigInt(a!) + BigInt(b!))).toBe(BigInt(m!));
    expect(r.stderr).toMatch(/generating a 2048-bit key: done in/);
  });

  it('runs with a small key and warns about it', async () => {
    const r = await runCli(['demo', '--bits', '512', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: 512-bit/);
    expect(r.stdout).toMatch(/check\s+ok/);
  });
});
