/**
 * `tessera paillier keygen|encrypt|decrypt`: Paillier keys in JSON files, encryption and
 * decryption from the command line.
 *
 * Key files: the versioned JSON written by `keygen` (docs/formats.md), or any JSON object
 * with `"n"` (public key) or `"n"`, `"p"`, `"q"` (secret key) as hex strings with or
 * without `0x`. Ciphertexts are printed as lower-case hex without a prefix (the canonical
 * ciphertext encoding of docs/formats.md), zero-padded to the byte length of N²; ciphertexts and `--r` are read as hex with or without `0x`.
 * Plaintexts are decimal. Keys below 2048 bits work, with a warning (tests, experiments).
 * @module
 */
import { accessSync, constants, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  PAILLIER_KEYGEN_MIN_BITS,
  PAILLIER_MAX_BITS,
  PAILLIER_MIN_BITS,
  decrypt,
  disposePaillierSecretKey,
  encodePaillierCiphertext,
  encodePaillierPublicKey,
  encodePaillierSecretKey,
  encrypt,
  encryptWithNonce,
  encryptWithNonceAndSecretKey,
  encryptWithSecretKey,
  parsePaillierCiphertext,
  parsePaillierKey,
  validateNonce,
  validatePlaintext,
  type ParsedPaillierKey,
} from '@tessera/crypto/paillier';
import { UsageError, parseCommandArgs, parseDecimalArg, parseHexArg, parseIntArg, required, shorten, wantsHelp } from '../args.ts';
import { asUsage, warn, type CliContext, type Command } from '../command.ts';
import { createProgressBar, formatSeconds } from '../progress.ts';
import { parseWorkers, withPool } from '../pool.ts';

/** Largest key file read, in bytes. */
const MAX_KEY_FILE_BYTES = 1 << 20;
/** Longest decimal plaintext / hex nonce or ciphertext accepted (a 16384-bit N² in hex plus slack). */
const MAX_DIGITS = PAILLIER_MAX_BITS / 2 + 64;

const SUBCOMMANDS = ['keygen', 'encrypt', 'decrypt'] as const;

const HELP = `usage: tessera paillier keygen --bits B --out key.json [--public-out pub.json] [--safe | --blum] [--workers W]
       tessera paillier encrypt --key key.json --m <decimal> [--r <hex>]
       tessera paillier decrypt --key key.json --c <hex>

keygen   generates a key (two primes of B/2 bits found in parallel on W worker threads) and
         writes the secret key as JSON to --out (mode 0600), the public key to --public-out.
         B is even, ${PAILLIER_KEYGEN_MIN_BITS}-${PAILLIER_MAX_BITS} (default ${PAILLIER_MIN_BITS}); below ${PAILLIER_MIN_BITS} bits a warning is printed.
encrypt  prints Enc(m) = (1 + m·N)·r^N mod N² as lower-case hex without 0x (zero-padded to the size of N²).
         --r gives the randomness r (hex, 0 < r < N, gcd(r, N) = 1); default: fresh random r.
         A public key file (just "n") is enough.
decrypt  prints the plaintext in decimal; needs the secret key file (n, p, q).

Key file: JSON with "n" and, for a secret key, "p" and "q", as hex strings (with or without 0x);
"version", "kind" and "bits" may be present (docs/formats.md).`;

/** A key file's content and, for a modulus below 2048 bits, the warning to print once the command proceeds. */
interface LoadedKey {
  parsed: ParsedPaillierKey;
  warning: string | undefined;
}

/** Reads and validates a key file. @throws {UsageError} naming `--key`. */
function loadKey(path: string): LoadedKey {
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_KEY_FILE_BYTES) throw new UsageError('--key', `${path}: larger than ${MAX_KEY_FILE_BYTES} bytes, not a key file`);
    text = buf.toString('utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError('--key', `cannot read ${path}: ${why}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError('--key', `${path}: not valid JSON`);
  }
  const parsed = asUsage('--key', () => {
    try {
      return parsePaillierKey(json, { allowInsecureSize: true });
    } catch (e) {
      if (e instanceof Error) e.message = `${path}: ${e.message}`;
      throw e;
    }
  });
  const bits = parsed.kind === 'public' ? parsed.key.bits : parsed.key.publicKey.bits;
  const warning = bits < PAILLIER_MIN_BITS ? `${path}: ${bits}-bit modulus, below the ${PAILLIER_MIN_BITS}-bit minimum: not secure` : undefined;
  return { parsed, warning };
}

/**
 * Checks before a long key generation that `path` can be written: its directory exists
 * and is writable, and it is not a directory itself.
 * @throws {UsageError} naming `arg`.
 */
function checkWritable(arg: string, path: string): void {
  try {
    if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(arg, `cannot write ${path}: is a directory`);
    accessSync(dirname(resolve(path)), constants.W_OK);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as { code?: string }).code;
    throw new UsageError(arg, `cannot write ${path}: ${code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
  }
}

/** Writes `text` to `path` atomically (temporary file, then rename) with `mode`. @throws {UsageError} */
function writeKeyFile(arg: string, path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode, flag: 'w' });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new UsageError(arg, `cannot write ${path}: ${why}`);
  }
}

const keygenOptions = {
  bits: { type: 'string' },
  out: { type: 'string' },
  'public-out': { type: 'string' },
  safe: { type: 'boolean' },
  blum: { type: 'boolean' },
  workers: { type: 'string' },
} as const;

async function keygen(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, keygenOptions);
  const bits = values.bits === undefined ? PAILLIER_MIN_BITS : parseIntArg('--bits', values.bits, PAILLIER_KEYGEN_MIN_BITS, PAILLIER_MAX_BITS);
  if (bits % 2 !== 0) throw new UsageError('--bits', `expected an even number (two primes of B/2 bits), got ${bits}`);
  const out = required('--out', values.out);
  const publicOut = values['public-out'];
  if (publicOut !== undefined && publicOut === out) throw new UsageError('--public-out', 'must differ from --out');
  if (values.safe && values.blum) throw new UsageError('--safe', 'cannot be combined with --blum');
  const primes = values.safe ? 'safe' : values.blum ? 'blum' : 'random';
  const workers = parseWorkers(values.workers);
  checkWritable('--out', out);
  if (publicOut !== undefined) checkWritable('--public-out', publicOut);
  if (bits < PAILLIER_MIN_BITS) warn(ctx, `${bits}-bit Paillier key: below the ${PAILLIER_MIN_BITS}-bit minimum, not secure (tests only)`);

  const bar = createProgressBar({ label: `paillier key, ${bits} bits, ${workers} worker${workers === 1 ? '' : 's'}`, stream: ctx.stderr });
  const start = performance.now();
  let sk;
  try {
    sk = await withPool(workers, (pool) =>
      pool.generatePaillierKeyPair({ bits, primes, allowInsecureSize: true, signal: ctx.signal, onProgress: (p) => bar.update(p) }),
    );
  } catch (e) {
    bar.clear();
    throw e;
  }
  bar.done(`generated in ${formatSeconds(performance.now() - start)}`);
  try {
    writeKeyFile('--out', out, `${JSON.stringify(encodePaillierSecretKey(sk), null, 2)}\n`, 0o600);
    if (publicOut !== undefined) writeKeyFile('--public-out', publicOut, `${JSON.stringify(encodePaillierPublicKey(sk.publicKey), null, 2)}\n`, 0o644);
  } finally {
    disposePaillierSecretKey(sk);
  }
  ctx.stderr.write(`wrote the secret key to ${out}${publicOut === undefined ? '' : ` and the public key to ${publicOut}`}\n`);
  return 0;
}

const encryptOptions = { key: { type: 'string' }, m: { type: 'string' }, r: { type: 'string' } } as const;

async function encryptCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, encryptOptions);
  const keyPath = required('--key', values.key);
  const mText = required('--m', values.m);
  const m = parseDecimalArg('--m', mText, MAX_DIGITS);
  const r = values.r === undefined ? undefined : parseHexArg('--r', values.r, MAX_DIGITS);
  const { parsed, warning } = loadKey(keyPath);
  const pk = parsed.kind === 'public' ? parsed.key : parsed.key.publicKey;
  try {
    asUsage('--m', () => validatePlaintext(pk, m, '--m'));
    if (r !== undefined) asUsage('--r', () => validateNonce(pk, r, '--r'));
    if (warning !== undefined) warn(ctx, warning);
    let c: bigint;
    if (parsed.kind === 'secret') c = r === undefined ? encryptWithSecretKey(parsed.key, m) : encryptWithNonceAndSecretKey(parsed.key, m, r);
    else c = r === undefined ? encrypt(pk, m) : encryptWithNonce(pk, m, r);
    ctx.stdout.write(`${encodePaillierCiphertext(pk, c)}\n`);
  } finally {
    if (parsed.kind === 'secret') disposePaillierSecretKey(parsed.key);
  }
  return 0;
}

const decryptOptions = { key: { type: 'string' }, c: { type: 'string' } } as const;

async function decryptCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, decryptOptions);
  const keyPath = required('--key', values.key);
  const cText = required('--c', values.c);
  if (cText.trim().replace(/^0[xX]/, '').length > MAX_DIGITS) throw new UsageError('--c', `too long (at most ${MAX_DIGITS} hex digits)`);
  const { parsed, warning } = loadKey(keyPath);
  if (parsed.kind !== 'secret') throw new UsageError('--key', `${keyPath} holds a public key; decryption needs the secret key ("p" and "q")`);
  const sk = parsed.key;
  try {
    const c = asUsage('--c', () => {
      if (!/^(0[xX])?[0-9a-fA-F]+$/.test(cText.trim())) throw new UsageError('--c', `expected a hex ciphertext, with or without 0x (got ${JSON.stringify(shorten(cText))})`);
      return parsePaillierCiphertext(sk.publicKey, cText.trim(), '--c');
    });
    if (warning !== undefined) warn(ctx, warning);
    ctx.stdout.write(`${decrypt(sk, c)}\n`);
  } finally {
    disposePaillierSecretKey(sk);
  }
  return 0;
}

/** The `paillier` command and its subcommands. */
export const paillierCommand: Command = {
  name: 'paillier',
  summary: 'Paillier key generation, encryption and decryption with JSON key files',
  help: HELP,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === undefined) throw new UsageError('paillier', `missing subcommand (${SUBCOMMANDS.join(', ')})`);
    if (wantsHelp([sub])) {
      ctx.stdout.write(`${HELP}\n`);
      return 0;
    }
    switch (sub) {
      case 'keygen':
        return keygen(rest, ctx);
      case 'encrypt':
        return encryptCommand(rest, ctx);
      case 'decrypt':
        return decryptCommand(rest, ctx);
      default:
        throw new UsageError(shorten(sub), `unknown paillier subcommand (expected ${SUBCOMMANDS.join(', ')})`);
    }
  },
};
