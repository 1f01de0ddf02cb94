/**
 * `tessera committee create|decrypt` as a real process: a 2-of-3 dealer committee at 2048 bits
 * from the fixture safe primes (vectors/paillier/taurus-multi-party-sig-extracted, through
 * `--primes-file`) so every decryption share's proof runs; ciphertexts from
 * `tessera paillier encrypt` (with the written encryption-key.json and with a file holding only
 * n) decrypted by T parties; tampered, foreign and unreadable share files reported by index and
 * excluded; too few valid shares fail with exit code 1 naming the culprit; a tampered epoch
 * record; no overwrite without --force; the dealer on the worker pool and the dealer-less mode
 * at small sizes end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeScratchDirs, runCli, scratchDir, type CliResult } from './helpers.ts';

afterAll(removeScratchDirs);

interface Extracted {
  constants: { file: string; var: string; hex: string }[];
}
const vectors = JSON.parse(
  readFileSync(new URL('../../../vectors/paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json', import.meta.url), 'utf8'),
) as Extracted;
const fixture = (file: string, name: string): string => vectors.constants.find((c) => c.file.endsWith(file) && c.var === name)!.hex;

const work = scratchDir();
const primesFile = join(work, 'primes.json');
const dir = join(work, 'committee');
let n: bigint;

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

async function encrypt(key: string, m: bigint | string): Promise<string> {
  const r = await runCli(['paillier', 'encrypt', '--key', key, '--m', String(m)]);
  expect(r.code).toBe(0);
  return r.stdout.trim();
}

/** Exit 1, nothing on stdout, the last stderr line an `error:` line. */
function expectFailure(r: CliResult): string {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  const last = r.stderr.trimEnd().split('\n').at(-1)!;
  expect(last).toMatch(/^error: /);
  expect(r.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)|node:internal/);
  return last;
}

/** A copy of the committee directory to tamper with. */
function copyCommittee(): string {
  const d = join(scratchDir(), 'committee');
  cpSync(dir, d, { recursive: true });
  return d;
}

/** Rewrites one share file's JSON. */
function editParty(d: string, i: number, edit: (o: Record<string, unknown>) => void): void {
  const path = join(d, `party-${i}.json`);
  const o = readJson(path);
  edit(o);
  writeFileSync(path, JSON.stringify(o));
}

/** Changes the last hex digit of a hex string. */
const flipLast = (h: string): string => h.slice(0, -1) + (h.endsWith('0') ? '1' : '0');

beforeAll(async () => {
  writeFileSync(primesFile, JSON.stringify([{ p: fixture('arith/modulus_test.go', 'p'), q: fixture('arith/modulus_test.go', 'q') }]));
  const r = await runCli(['committee', 'create', '--mode', 'dealer', '--parties', '3', '--threshold', '2', '--bits', '2048', '--dir', dir, '--primes-file', primesFile]);
  expect(r.stderr).toMatch(/^warning: fixed primes from --primes-file/);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('');
  n = BigInt('0x' + String(readJson(join(dir, 'public.json')).n));
});

describe('committee create --mode dealer (2048 bits, fixture primes)', () => {
  it('writes public.json (n, the signed epoch record), encryption-key.json (n only) and share files with mode 0600', () => {
    const pub = readJson(join(dir, 'public.json'));
    const epoch = pub.epoch as Record<string, unknown>;
    expect(pub.kind).toBe('tessera/threshold-paillier-committee');
    expect(pub.n).toMatch(/^[0-9a-f]{512}$/);
    expect(n).toBe(BigInt('0x' + fixture('arith/modulus_test.go', 'p')) * BigInt('0x' + fixture('arith/modulus_test.go', 'q')));
    expect(epoch).toMatchObject({ epoch: 1, mode: 'dealer', bits: 2048, n: pub.n, threshold: 2 });
    expect((epoch.parties as unknown[]).length).toBe(3);
    expect((pub.signatures as unknown[]).length).toBe(3);
    const key = readJson(join(dir, 'encryption-key.json'));
    expect(key).toEqual({ version: 1, kind: 'tessera/paillier-public-key', bits: 2048, n: pub.n });
    for (const i of [1, 2, 3]) {
      const path = join(dir, `party-${i}.json`);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readJson(path)).toMatchObject({ kind: 'tessera/threshold-paillier-share', index: i, n: pub.n });
    }
  });

  it('refuses to replace existing files without --force, and replaces them with it', async () => {
    const d = copyCommittee();
    const before = readFileSync(join(d, 'public.json'), 'utf8');
    const args = ['committee', 'create', '--mode', 'dealer', '--parties', '3', '--threshold', '2', '--dir', d, '--primes-file', primesFile];
    const refused = await runCli(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: --dir: .*public\.json exists \(use --force/m);
    expect(readFileSync(join(d, 'public.json'), 'utf8')).toBe(before);
    const forced = await runCli([...args, '--force']);
    expect(forced.code).toBe(0);
    const after = readFileSync(join(d, 'public.json'), 'utf8');
    expect(after).not.toBe(before); // new v, verification keys and signatures over the same N
    expect(JSON.parse(after).n).toBe(JSON.parse(before).n);
    expect(statSync(join(d, 'party-2.json')).mode & 0o777).toBe(0o600);
  });
});

describe.concurrent('committee decrypt (2048 bits, proofs verified)', () => {
  it('decrypts a ciphertext of `paillier encrypt --key D/encryption-key.json` with parties 1,3', async () => {
    const c = await encrypt(join(dir, 'encryption-key.json'), 123456789012345678901234567890n);
    const r = await runCli(['committee', 'decrypt', '--dir', dir, '--c', c, '--parties', '1,3']);
    expect(r.stdout).toBe('123456789012345678901234567890\n');
    expect(r.stderr).toMatch(/parties 1, 3 \(T = 2 of 3; every decryption share proof verified\)/);
    expect(r.stderr).not.toMatch(/excluded|warning/);
    expect(r.code).toBe(0);
  });

  it('decrypts m = N − 1 encrypted with a key file holding only n (all parties by default, 0x ciphertext)', async () => {
    const keyFile = join(work, 'n-only.json');
    writeFileSync(keyFile, JSON.stringify({ n: n.toString(16) }));
    const m = n - 1n;
    const c = await encrypt(keyFile, m);
    const r = await runCli(['committee', 'decrypt', '--dir', dir, '--c', `0x${c}`]);
    expect(r.stdout).toBe(`${m}\n`);
    expect(r.stderr).toMatch(/parties 1, 2, 3 /);
    expect(r.code).toBe(0);
  });

  it('a tampered share is reported by party index and excluded; the other two still decrypt', async () => {
    const d = copyCommittee();
    editParty(d, 2, (o) => (o.share = flipLast(String(o.share))));
    const c = await encrypt(join(d, 'encryption-key.json'), 777n);
    const r = await runCli(['committee', 'decrypt', '--dir', d, '--c', c]);
    expect(r.stdout).toBe('777\n');
    expect(r.stderr).toMatch(/^party 2: excluded: share file: party\.share: /m);
    expect(r.stderr).toMatch(/parties 1, 3 \(T = 2 of 3;/);
    expect(r.stderr).not.toMatch(/party [13]: excluded/);
    expect(r.code).toBe(0);
  });

  it('with only one valid share the command fails with exit code 1 naming the culprit', async () => {
    const d = copyCommittee();
    editParty(d, 2, (o) => (o.share = flipLast(String(o.share))));
    const c = await encrypt(join(d, 'encryption-key.json'), 5n);
    const r = await runCli(['committee', 'decrypt', '--dir', d, '--c', c, '--parties', '2,3']);
    const last = expectFailure(r);
    expect(last).toMatch(/only 1 valid decryption share, 2 needed; invalid shares from party 2$/);
    expect(r.stderr).toMatch(/^party 2: excluded: /m);
  });

  it('one party alone is too few (no culprit to name)', async () => {
    const c = await encrypt(join(dir, 'encryption-key.json'), 5n);
    const last = expectFailure(await runCli(['committee', 'decrypt', '--dir', dir, '--c', c, '--parties', '3']));
    expect(last).toMatch(/only 1 valid decryption share, 2 needed$/);
  });

  it("another party's file, an unreadable file and a foreign identity key are each reported and excluded", async () => {
    const d = copyCommittee();
    writeFileSync(join(d, 'party-3.json'), readFileSync(join(d, 'party-1.json')));
    const c = await encrypt(join(d, 'encryption-key.json'), 31337n);
    const r1 = await runCli(['committee', 'decrypt', '--dir', d, '--c', c]);
    expect(r1.stdout).toBe('31337\n');
    expect(r1.stderr).toMatch(/^party 3: excluded: share file .*party-3\.json: holds party 1's share$/m);

    writeFileSync(join(d, 'party-3.json'), '{ not json');
    editParty(d, 2, (o) => (o.identityKey = flipLast(String(o.identityKey))));
    const r2 = await runCli(['committee', 'decrypt', '--dir', d, '--c', c]);
    expect(r2.stderr).toMatch(/^party 2: excluded: share file: party\.identityKey: /m);
    expect(r2.stderr).toMatch(/^party 3: excluded: share file .*party-3\.json: not valid JSON$/m);
    expect(expectFailure(r2)).toMatch(/only 1 valid decryption share, 2 needed; invalid shares from parties 2, 3$/);
  });

  it('a public.json whose signature or verification key was altered is refused (exit 1)', async () => {
    const c = await encrypt(join(dir, 'encryption-key.json'), 9n);
    const d = copyCommittee();
    const pub = readJson(join(d, 'public.json'));
    const sigs = pub.signatures as { index: number; signature: string }[];
    sigs[1]!.signature = flipLast(sigs[1]!.signature);
    writeFileSync(join(d, 'public.json'), JSON.stringify(pub));
    expect(expectFailure(await runCli(['committee', 'decrypt', '--dir', d, '--c', c]))).toMatch(/signature missing or invalid for party 2/);

    const d2 = copyCommittee();
    const pub2 = readJson(join(d2, 'public.json'));
    const epoch = pub2.epoch as { verificationKeys: string[] };
    epoch.verificationKeys[0] = flipLast(epoch.verificationKeys[0]!);
    writeFileSync(join(d2, 'public.json'), JSON.stringify(pub2));
    expect(expectFailure(await runCli(['committee', 'decrypt', '--dir', d2, '--c', c]))).toMatch(/public\.json: public\.epoch\.verificationKeys/);
  });
});

describe.concurrent('small committees (below 2048 bits: warning, proofs skipped)', () => {
  it('dealer mode on the worker pool: 3-of-4 at 512 bits, end to end', async () => {
    const d = join(scratchDir(), 'pool');
    const r = await runCli(['committee', 'create', '--mode', 'dealer', '--parties', '4', '--threshold', '3', '--bits', '512', '--workers', '2', '--dir', d]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: 512-bit committee key: .*proofs are skipped below 2048 bits/);
    expect(r.stderr).toMatch(/safe primes, 2 × 256 bits, 2 workers/);
    expect((readJson(join(d, 'public.json')).epoch as { threshold: number }).threshold).toBe(3);
    const c = await encrypt(join(d, 'encryption-key.json'), 4242n);
    const dec = await runCli(['committee', 'decrypt', '--dir', d, '--c', c, '--parties', '4,2,1']);
    expect(dec.stdout).toBe('4242\n');
    expect(dec.stderr).toMatch(/proofs skipped/);
    expect(dec.code).toBe(0);
  });

  it('dkg mode: 2-of-3 at 256 bits, end to end, and a tampered share excluded', async () => {
    const d = join(scratchDir(), 'dkg');
    const r = await runCli(['committee', 'create', '--mode', 'dkg', '--parties', '3', '--threshold', '2', '--bits', '256', '--dir', d]);
    expect(r.stderr).toMatch(/^warning: 256-bit committee key: .*proofs are skipped below 2048 bits/);
    expect(r.stderr).toMatch(/dealer-less key generation, 3 parties, 256 bits: N found and shared: \d+ candidate pairs/);
    expect(r.code).toBe(0);
    const pub = readJson(join(d, 'public.json'));
    expect(pub.epoch).toMatchObject({ mode: 'dkg', bits: 256, threshold: 2 });
    for (const i of [1, 2, 3]) expect(statSync(join(d, `party-${i}.json`)).mode & 0o777).toBe(0o600);
    const c = await encrypt(join(d, 'encryption-key.json'), 2024n);
    const dec = await runCli(['committee', 'decrypt', '--dir', d, '--c', c, '--parties', '2,3']);
    expect(dec.stdout).toBe('2024\n');
    expect(dec.code).toBe(0);
    editParty(d, 3, (o) => (o.share = flipLast(String(o.share))));
    const bad = await runCli(['committee', 'decrypt', '--dir', d, '--c', c, '--parties', '2,3']);
    expect(bad.stderr).toMatch(/^party 3: excluded: share file: party\.share: /m);
    expect(expectFailure(bad)).toMatch(/invalid shares from party 3$/);
  });
});
