/**
 * `tessera committee create|decrypt`: the committee view of threshold Paillier
 * (@tessera/protocols/paillier/committee). `create` makes a T-of-n key — from two safe primes
 * searched on the worker pool (`--mode dealer`) or with the dealer-less protocol run for every
 * party in this process (`--mode dkg`) — and writes `public.json`, `encryption-key.json` and one
 * secret share file per party into a directory; `decrypt` decrypts an ordinary Paillier
 * ciphertext under that N with the shares of some parties, verifying every decryption share's
 * proof, and prints the plaintext in decimal.
 *
 * Files are written atomically (temporary file, fsync, then link or rename); share files get
 * mode 0600; existing files are never replaced without `--force`. Invalid share files and
 * failed proofs are reported by party index on stderr and excluded; with fewer than T valid
 * shares the command fails (exit 1) naming the culprits.
 * @module
 */
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync, accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { bitLength } from '@tessera/crypto/bytes';
import { AbortError, FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { encodePaillierPublicKey, paillierPublicKey, parsePaillierCiphertext } from '@tessera/crypto/paillier';
import { isSafePrime } from '@tessera/crypto/primes';
import { InsufficientSharesError, committeeDecrypt, createCommittee, type CommitteeProgress, type CreatedCommittee } from '@tessera/protocols/paillier/committee';
import { parseCommitteePublic, type SignedEpoch } from '@tessera/protocols/paillier/epoch';
import { THRESHOLD_PAILLIER_INSECURE_MIN_BITS, THRESHOLD_PAILLIER_MAX_BITS, THRESHOLD_PAILLIER_MIN_BITS } from '@tessera/protocols/paillier/key';
import type { InvalidShare } from '@tessera/protocols/paillier/decrypt/share';
import type { PartyIndex } from '@tessera/protocols/engine/ids';
import { UsageError, parseCommandArgs, parseIntArg, required, shorten, wantsHelp } from '../args.ts';
import { asUsage, warn, type CliContext, type Command } from '../command.ts';
import { createProgressBar, formatSeconds, type ProgressBar } from '../progress.ts';
import { parseWorkers, withPool } from '../pool.ts';

/** Largest committee (the library's limit). */
export const COMMITTEE_MAX_PARTIES = 64;
/** Name of the public file in the committee directory. */
export const PUBLIC_FILE = 'public.json';
/** Name of the plain Paillier public key file (just N) that `tessera paillier encrypt --key` reads. */
export const ENCRYPTION_KEY_FILE = 'encryption-key.json';
/** Name of party i's share file. */
export function partyFile(i: number): string {
  return `party-${i}.json`;
}

/** Largest JSON file read (public.json of a 64-party, 8192-bit committee is well below). */
const MAX_FILE_BYTES = 4 << 20;
/** Longest ciphertext text accepted (16384-bit N² in hex plus slack). */
const MAX_C_DIGITS = (2 * THRESHOLD_PAILLIER_MAX_BITS) / 4 + 64;

const SUBCOMMANDS = ['create', 'decrypt'] as const;

const HELP = `usage: tessera committee create --mode dealer|dkg --parties N --threshold T --dir D
                                [--bits B] [--workers W] [--force] [--primes-file F]
       tessera committee decrypt --dir D --c <hex> [--parties 1,3,...]

A committee of N parties jointly holds a Paillier decryption key: any T of them decrypt, fewer
learn nothing. Ciphertexts are ordinary Paillier ciphertexts under the committee's modulus n
(g = n + 1).

create   makes the key and writes into D (created if missing):
           public.json          the modulus "n" (hex) and the epoch record signed by every member
           encryption-key.json  n alone, as a Paillier public key file:
                                  tessera paillier encrypt --key D/encryption-key.json --m X
                                (any JSON file holding just {"n": "<hex>"} works the same way)
           party-<i>.json       party i's secret share and identity key (mode 0600): give each
                                file to its party only and keep it on protected storage
         --mode dealer   one process deals from two safe primes of B/2 bits, searched on W
                         worker threads (default: all cores); it sees every share
         --mode dkg      the dealer-less protocol (eprint 2019/1136, semi-honest; no one learns
                         the factors of n), every party run in this process; needs N ≥ 3 parties,
                         2 ≤ T and N ≥ 2T − 1
         --parties N     committee size, 1-${COMMITTEE_MAX_PARTIES} (dkg: 3-${COMMITTEE_MAX_PARTIES})
         --threshold T   parties needed to decrypt, 1-N
         --bits B        bit length of n, even, ${THRESHOLD_PAILLIER_INSECURE_MIN_BITS}-${THRESHOLD_PAILLIER_MAX_BITS} (default ${THRESHOLD_PAILLIER_MIN_BITS}); below ${THRESHOLD_PAILLIER_MIN_BITS} a warning
                         is printed: not secure, and decryption-share proofs are skipped
         --force         replace existing committee files in D
         --primes-file F (dealer mode; tests and demos only) take p and q from F instead of
                         searching: JSON [{"p": "<hex>", "q": "<hex>"}], the first pair is used;
                         both must be safe primes of B/2 bits
decrypt  decrypts <hex> (with or without 0x) with the shares of the listed parties (default:
         every party-<i>.json present in D), after checking public.json and every member's
         signature on it; each party's decryption share comes with a proof that is verified.
         Prints the plaintext in decimal. A share file that fails its checks or a share whose
         proof fails is reported on stderr by party index and excluded; with fewer than T
         valid shares the command fails (exit code 1) naming the culprits.`;

// ---------------------------------------------------------------------------------------------
// Files

/** Why a file could not be read, in a few words. */
function ioReason(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

/** Reads a JSON file. @throws {Error} with a short reason (the caller decides what it means). */
function readJson(path: string): unknown {
  const buf = readFileSync(path);
  if (buf.length > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch {
    throw new Error('not valid JSON');
  }
}

/** A file to place in the committee directory. */
interface OutFile {
  path: string;
  text: string;
  mode: number;
}

/**
 * Writes `files` atomically: each goes to a temporary file that is fsynced, then linked to its
 * name (which fails if the name exists) or, with `force`, renamed over it. Share files are
 * placed before `public.json`, so a complete `public.json` means a complete committee.
 * @throws {UsageError} naming `--dir` if a file exists (without `force`) or cannot be written.
 */
function placeFiles(files: readonly OutFile[], force: boolean): void {
  const temps: string[] = [];
  try {
    for (const f of files) {
      const tmp = `${f.path}.${process.pid}.tmp`;
      const fd = openSync(tmp, 'wx', f.mode);
      temps.push(tmp);
      try {
        writeSync(fd, f.text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    files.forEach((f, k) => {
      const tmp = temps[k]!;
      if (force) renameSync(tmp, f.path);
      else {
        linkSync(tmp, f.path);
        rmSync(tmp);
      }
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const path = (e as { dest?: string; path?: string }).dest ?? (e as { path?: string }).path ?? 'a file';
    if (code === 'EEXIST' && !path.endsWith('.tmp')) throw new UsageError('--dir', `${path} exists (use --force to replace it)`);
    throw new UsageError('--dir', `cannot write ${path}: ${ioReason(e)}`);
  } finally {
    for (const t of temps) rmSync(t, { force: true });
  }
}

/**
 * Before a long key generation: creates `dir` if missing (mode 0700), checks it is a writable
 * directory and, without `force`, that none of the committee's files exists.
 * @throws {UsageError} naming `--dir`.
 */
function prepareDir(dir: string, parties: number, force: boolean): void {
  try {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new UsageError('--dir', `${dir} exists and is not a directory`);
    } else mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError('--dir', `cannot write into ${dir}: ${ioReason(e)}`);
  }
  if (force) return;
  for (const name of [PUBLIC_FILE, ENCRYPTION_KEY_FILE, ...Array.from({ length: parties }, (_, k) => partyFile(k + 1))]) {
    const path = join(dir, name);
    if (existsSync(path)) throw new UsageError('--dir', `${path} exists (use --force to replace it)`);
  }
}

/** Share files `party-<k>.json` in `dir` with k > n (left from an earlier, larger committee). */
function strayPartyFiles(dir: string, parties: number): string[] {
  return readdirSync(dir)
    .filter((name) => {
      const m = /^party-(\d{1,6})\.json$/.exec(name);
      return m !== null && Number(m[1]) > parties;
    })
    .map((name) => join(dir, name));
}

// ---------------------------------------------------------------------------------------------
// create

const createOptions = {
  mode: { type: 'string' },
  parties: { type: 'string' },
  threshold: { type: 'string' },
  bits: { type: 'string' },
  dir: { type: 'string' },
  workers: { type: 'string' },
  force: { type: 'boolean' },
  'primes-file': { type: 'string' },
} as const;

/**
 * Reads the fixed safe primes of `--primes-file` and checks them for `bits`.
 * @throws {UsageError} naming `--primes-file`.
 */
function readPrimesFile(path: string, bits: number): [bigint, bigint] {
  let data: unknown;
  try {
    data = readJson(path);
  } catch (e) {
    throw new UsageError('--primes-file', `cannot read ${shorten(path)}: ${ioReason(e)}`);
  }
  if (!Array.isArray(data) || data.length < 1) throw new UsageError('--primes-file', 'expected a JSON array of {"p": "<hex>", "q": "<hex>"} pairs');
  const pair = data[0] as { p?: unknown; q?: unknown } | null;
  const prime = (v: unknown, f: 'p' | 'q'): bigint => {
    if (typeof v !== 'string' || !/^(0[xX])?[0-9a-fA-F]{1,4096}$/.test(v)) throw new UsageError('--primes-file', `entry 0: ${f} is not a hex string`);
    const x = BigInt(/^0[xX]/.test(v) ? v : `0x${v}`);
    if (bitLength(x) !== bits / 2) throw new UsageError('--primes-file', `entry 0: ${f} has ${bitLength(x)} bits, --bits ${bits} needs ${bits / 2}`);
    if (!isSafePrime(x)) throw new UsageError('--primes-file', `entry 0: ${f} is not a safe prime`);
    return x;
  };
  const p = prime(pair?.p, 'p');
  const q = prime(pair?.q, 'q');
  if (p === q) throw new UsageError('--primes-file', 'entry 0: p and q must differ');
  return [p, q];
}

/** Checked settings of `committee create`. */
interface CreateSettings {
  mode: 'dealer' | 'dkg';
  parties: number;
  threshold: number;
  bits: number;
  dir: string;
  force: boolean;
  workers: number | undefined;
  primes: [bigint, bigint] | undefined;
}

function parseCreate(args: string[]): CreateSettings {
  const { values } = parseCommandArgs(args, createOptions);
  const modeText = required('--mode', values.mode);
  if (modeText !== 'dealer' && modeText !== 'dkg') throw new UsageError('--mode', `expected "dealer" or "dkg" (got ${JSON.stringify(shorten(modeText))})`);
  const mode = modeText;
  const parties = parseIntArg('--parties', required('--parties', values.parties), 1, COMMITTEE_MAX_PARTIES);
  if (mode === 'dkg' && parties < 3) throw new UsageError('--parties', `dkg mode needs at least 3 parties (got ${parties})`);
  const threshold = parseIntArg('--threshold', required('--threshold', values.threshold), 1, parties);
  if (mode === 'dkg' && threshold < 2) throw new UsageError('--threshold', 'dkg mode needs T ≥ 2');
  if (mode === 'dkg' && 2 * threshold - 1 > parties)
    throw new UsageError('--threshold', `dkg mode needs N ≥ 2T − 1 (N = ${parties}, T = ${threshold}): at most T = ${Math.floor((parties + 1) / 2)}`);
  const bits = values.bits === undefined ? THRESHOLD_PAILLIER_MIN_BITS : parseIntArg('--bits', values.bits, THRESHOLD_PAILLIER_INSECURE_MIN_BITS, THRESHOLD_PAILLIER_MAX_BITS);
  if (bits % 2 !== 0) throw new UsageError('--bits', `expected an even number (N = p·q with p, q of B/2 bits), got ${bits}`);
  const dir = required('--dir', values.dir);
  if (dir === '') throw new UsageError('--dir', 'empty path');
  if (mode === 'dkg' && values.workers !== undefined) throw new UsageError('--workers', 'only with --mode dealer (dkg mode runs every party in this process)');
  if (mode === 'dkg' && values['primes-file'] !== undefined) throw new UsageError('--primes-file', 'only with --mode dealer');
  if (values['primes-file'] !== undefined && values.workers !== undefined) throw new UsageError('--workers', 'not used with --primes-file (no prime search)');
  const workers = mode === 'dealer' && values['primes-file'] === undefined ? parseWorkers(values.workers) : undefined;
  const primes = values['primes-file'] === undefined ? undefined : readPrimesFile(values['primes-file'], bits);
  return { mode, parties, threshold, bits, dir, force: values.force === true, workers, primes };
}

/** Runs the key generation with a progress display on stderr. */
async function generate(s: CreateSettings, ctx: CliContext): Promise<CreatedCommittee> {
  const insecure = s.bits < THRESHOLD_PAILLIER_MIN_BITS;
  const base = {
    parties: s.parties,
    threshold: s.threshold,
    bits: s.bits,
    signal: ctx.signal,
    ...(insecure ? { allowInsecureSize: true } : {}),
  };
  const start = performance.now();
  let bar: ProgressBar | undefined;
  try {
    if (s.mode === 'dealer' && s.primes) {
      const primes = s.primes;
      ctx.stderr.write(`dealing a ${s.threshold}-of-${s.parties} key from the safe primes of --primes-file\n`);
      return await createCommittee({ mode: 'dealer', ...base, findPrimes: async () => [...primes] });
    }
    if (s.mode === 'dealer') {
      const workers = s.workers!;
      const b = createProgressBar({ label: `safe primes, 2 × ${s.bits / 2} bits, ${workers} worker${workers === 1 ? '' : 's'}`, stream: ctx.stderr });
      bar = b;
      let candidates = 0;
      const created = await withPool(workers, (pool) =>
        createCommittee({
          mode: 'dealer',
          ...base,
          findPrimes: (count, o) =>
            pool.findPrimes(count, {
              bits: o.bits,
              kind: o.kind,
              ...(o.signal ? { signal: o.signal } : {}),
              onProgress: (p) => {
                candidates = p.candidates;
                b.update(p);
              },
            }),
          onProgress: (p) => {
            if (p.phase === 'signing') b.done(`found in ${formatSeconds(performance.now() - start)} (${candidates} candidates); dealt and signed`);
          },
        }),
      );
      b.done(`done in ${formatSeconds(performance.now() - start)}`);
      return created;
    }
    const b = createProgressBar({ label: `dealer-less key generation, ${s.parties} parties, ${s.bits} bits`, stream: ctx.stderr });
    bar = b;
    let last: Extract<CommitteeProgress, { phase: 'dkg' }> | undefined;
    const created = await createCommittee({
      mode: 'dkg',
      ...base,
      onProgress: (p) => {
        if (p.phase === 'dkg') {
          last = p;
          b.update({ found: 0, count: 1, candidates: p.candidates, tested: p.biprimeTests, expected: p.expected });
        }
      },
    });
    const stats = last ? `${last.candidates} candidate pairs (expected ~${Math.round(last.expected)}), ${last.sieved} past trial division, ${last.biprimeTests} biprimality tests, ` : '';
    b.done(`N found and shared: ${stats}${formatSeconds(performance.now() - start)}`);
    return created;
  } catch (e) {
    bar?.clear();
    // The dealer-less sessions end with a protocol error when aborted; report the interruption.
    if (ctx.signal.aborted) throw new AbortError();
    throw e;
  }
}

async function createSub(args: string[], ctx: CliContext): Promise<number> {
  const s = parseCreate(args);
  prepareDir(s.dir, s.parties, s.force);
  if (s.bits < THRESHOLD_PAILLIER_MIN_BITS)
    warn(
      ctx,
      `${s.bits}-bit committee key: below the ${THRESHOLD_PAILLIER_MIN_BITS}-bit minimum, not secure (tests and demos only); ` +
        `decryption-share proofs are skipped below ${THRESHOLD_PAILLIER_MIN_BITS} bits (shares are checked against their verification keys instead)`,
    );
  if (s.primes) warn(ctx, 'fixed primes from --primes-file: for tests and demos only, never for a real key');
  const created = await generate(s, ctx);
  const n = BigInt(`0x${String(created.publicJson['n'])}`);
  const encryptionKey = encodePaillierPublicKey(paillierPublicKey(n, { allowInsecureSize: true }));
  const files: OutFile[] = [...created.partyJson].map(([i, json]) => ({ path: join(s.dir, partyFile(i)), text: `${JSON.stringify(json, null, 2)}\n`, mode: 0o600 }));
  files.push({ path: join(s.dir, ENCRYPTION_KEY_FILE), text: `${JSON.stringify(encryptionKey, null, 2)}\n`, mode: 0o644 });
  files.push({ path: join(s.dir, PUBLIC_FILE), text: `${JSON.stringify(created.publicJson, null, 2)}\n`, mode: 0o644 });
  placeFiles(files, s.force);
  for (const stray of strayPartyFiles(s.dir, s.parties)) warn(ctx, `${stray} is not part of this committee (left from an earlier one)`);
  ctx.stderr.write(
    `wrote ${join(s.dir, PUBLIC_FILE)}, ${join(s.dir, ENCRYPTION_KEY_FILE)} and the secret share files ${join(s.dir, 'party-1.json')}…${partyFile(s.parties)} (mode 0600; one per party, keep them apart)\n`,
  );
  return 0;
}

// ---------------------------------------------------------------------------------------------
// decrypt

const decryptOptions = { dir: { type: 'string' }, c: { type: 'string' }, parties: { type: 'string' } } as const;

/**
 * Parses `--parties 1,3,…`: distinct indices 1..64.
 * @throws {UsageError} naming `--parties`.
 */
export function parsePartyList(text: string): number[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === '')) throw new UsageError('--parties', `expected party indices separated by commas, e.g. 1,3 (got ${JSON.stringify(shorten(text))})`);
  const out: number[] = [];
  for (const item of items) {
    const i = parseIntArg('--parties', item, 1, COMMITTEE_MAX_PARTIES);
    if (out.includes(i)) throw new UsageError('--parties', `party ${i} is listed twice`);
    out.push(i);
  }
  return out;
}

/**
 * Reads and checks `public.json`: a format error is a bad `--dir` (exit 2); a failed signature
 * or algebraic check is a failure (exit 1).
 */
function loadPublic(dir: string): { json: unknown; signed: SignedEpoch } {
  const path = join(dir, PUBLIC_FILE);
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError('--dir', `${dir} is not a directory`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError('--dir', `cannot read ${dir}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such directory' : ioReason(e)}`);
  }
  let json: unknown;
  try {
    json = readJson(path);
  } catch (e) {
    throw new UsageError('--dir', `cannot read ${path}: ${ioReason(e)}`);
  }
  try {
    return { json, signed: parseCommitteePublic(json, { allowInsecureSize: true }) };
  } catch (e) {
    if (e instanceof FieldTypeError || e instanceof FieldRangeError) throw new UsageError('--dir', `${path}: ${e.message}`);
    if (e instanceof Error) e.message = `${path}: ${e.message}`;
    throw e;
  }
}

async function decryptSub(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, decryptOptions);
  const dir = required('--dir', values.dir);
  const cText = required('--c', values.c).trim();
  if (cText.replace(/^0[xX]/, '').length > MAX_C_DIGITS) throw new UsageError('--c', `too long (at most ${MAX_C_DIGITS} hex digits)`);
  if (!/^(0[xX])?[0-9a-fA-F]+$/.test(cText)) throw new UsageError('--c', `expected a hex ciphertext, with or without 0x (got ${JSON.stringify(shorten(cText))})`);
  const listed = values.parties === undefined ? undefined : parsePartyList(values.parties);
  const { json, signed } = loadPublic(dir);
  const pk = signed.record.publicKey;
  const n = pk.parties.length;
  const c = asUsage('--c', () => parsePaillierCiphertext(paillierPublicKey(pk.N, { allowInsecureSize: true }), cText, '--c'));

  let indices: number[];
  if (listed) {
    for (const i of listed) {
      if (i > n) throw new UsageError('--parties', `party ${i} is not in the committee (parties 1-${n})`);
      if (!existsSync(join(dir, partyFile(i)))) throw new UsageError('--parties', `no share file for party ${i} (${join(dir, partyFile(i))})`);
    }
    indices = listed;
  } else {
    indices = pk.parties.filter((i) => existsSync(join(dir, partyFile(i))));
  }

  // Files that cannot even be handed to the library (unreadable, not JSON, another party's file).
  const unreadable: InvalidShare[] = [];
  const shares: unknown[] = [];
  for (const i of indices) {
    const path = join(dir, partyFile(i));
    let share: unknown;
    try {
      share = readJson(path);
    } catch (e) {
      unreadable.push({ index: i as PartyIndex, reason: `share file ${path}: ${ioReason(e)}` });
      continue;
    }
    const claimed = share !== null && typeof share === 'object' && !Array.isArray(share) ? (share as { index?: unknown }).index : undefined;
    if (claimed !== i) {
      unreadable.push({ index: i as PartyIndex, reason: `share file ${path}: holds ${typeof claimed === 'number' ? `party ${claimed}'s share` : 'no valid party index'}` });
      continue;
    }
    shares.push(share);
  }

  const report = (invalid: readonly InvalidShare[]): void => {
    for (const x of [...invalid].sort((a, b) => a.index - b.index)) ctx.stderr.write(`party ${x.index}: excluded: ${x.reason}\n`);
  };
  let result;
  try {
    result = committeeDecrypt({ publicJson: json, shares, c, allowInsecureSize: true });
  } catch (e) {
    if (e instanceof InsufficientSharesError) {
      const all = [...unreadable, ...e.invalid];
      report(all);
      throw new InsufficientSharesError(e.valid, e.threshold, all);
    }
    throw e;
  }
  report([...unreadable, ...result.invalid]);
  if (result.proofs === 'skipped-insecure-size')
    warn(ctx, `${pk.bits}-bit committee key: below ${THRESHOLD_PAILLIER_MIN_BITS} bits, not secure; decryption-share proofs skipped (shares checked against their verification keys)`);
  const proofs = result.proofs === 'verified' ? 'every decryption share proof verified' : 'without proofs';
  ctx.stderr.write(`decrypted with the shares of part${result.valid.length === 1 ? 'y' : 'ies'} ${result.valid.join(', ')} (T = ${pk.threshold} of ${n}; ${proofs})\n`);
  ctx.stdout.write(`${result.plaintext}\n`);
  return 0;
}

/** The `committee` command and its subcommands. */
export const committeeCommand: Command = {
  name: 'committee',
  summary: 'threshold Paillier committee: create a T-of-N key (dealer or dealer-less), decrypt with T shares',
  help: HELP,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === undefined) throw new UsageError('committee', `missing subcommand (${SUBCOMMANDS.join(', ')})`);
    if (wantsHelp([sub])) {
      ctx.stdout.write(`${HELP}\n`);
      return 0;
    }
    switch (sub) {
      case 'create':
        return createSub(rest, ctx);
      case 'decrypt':
        return decryptSub(rest, ctx);
      default:
        throw new UsageError(shorten(sub), `unknown committee subcommand (expected ${SUBCOMMANDS.join(', ')})`);
    }
  },
};
