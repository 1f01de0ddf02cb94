/**
 * Command-line argument handling for `tessera`: strict parsing through `node:util`
 * `parseArgs`, its errors turned into one-line {@link UsageError}s that name the argument,
 * and validators for the values the commands take (integers, big integers, files).
 *
 * Every user mistake becomes a `UsageError`; `main.ts` prints it as `error: <arg>: <what>`
 * and exits with code 2.
 * @module
 */
import { parseArgs } from 'node:util';

/** A bad command line: exit code 2, message `<argument>: <what is wrong>`. */
export class UsageError extends Error {
  /** The argument at fault, e.g. `--bits`, or the command name. */
  readonly arg: string;
  constructor(arg: string, message: string) {
    super(`${arg}: ${message}`);
    this.name = 'UsageError';
    this.arg = arg;
  }
}

/** Declaration of one option, as `parseArgs` takes it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
}

/** Parsed options: strings for string options, `true` for flags that were given. */
export type ParsedValues<T extends Record<string, OptionSpec>> = {
  [K in keyof T]?: T[K]['type'] extends 'string' ? string : boolean;
};

/** What {@link parseCommandArgs} returns. */
export interface ParsedArgs<T extends Record<string, OptionSpec>> {
  values: ParsedValues<T>;
  positionals: string[];
}

/** Text of a `parseArgs` error, squeezed to one line. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** The option named in a `parseArgs` error message (`'--bits'`, `'-x'`), if any. */
function quotedOption(message: string): string | undefined {
  return /'(--?[^'\s<=]+)/.exec(message)?.[1];
}

/**
 * Parses `args` strictly against `options`, mapping every `parseArgs` error to a
 * {@link UsageError} naming the argument. An option given twice is an error too.
 * @param maxPositionals how many positional arguments the command takes (default 0).
 * @throws {UsageError} unknown option, missing value, value given to a flag, unexpected
 *   or surplus positional argument, repeated option.
 */
export function parseCommandArgs<T extends Record<string, OptionSpec>>(args: string[], options: T, maxPositionals = 0): ParsedArgs<T> {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: maxPositionals > 0, tokens: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    const msg = oneLine(err.message ?? String(e));
    const opt = quotedOption(msg);
    switch (err.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        throw new UsageError(opt ?? 'option', 'unknown option');
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
        if (/does not take an argument/.test(msg)) throw new UsageError(opt ?? 'option', 'takes no value');
        if (/ambiguous/.test(msg)) throw new UsageError(opt ?? 'option', `missing value (a value starting with "-" must be written ${opt ?? '--option'}=-…)`);
        throw new UsageError(opt ?? 'option', 'missing value');
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
        const arg = /Unexpected argument '([^']*)'/.exec(msg)?.[1] ?? 'argument';
        throw new UsageError(arg, 'unexpected argument');
      }
      default:
        throw new UsageError('arguments', msg);
    }
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name}`, 'given more than once');
    seen.add(t.name);
  }
  if (parsed.positionals.length > maxPositionals)
    throw new UsageError(parsed.positionals[maxPositionals]!, 'unexpected argument');
  return { values: parsed.values as ParsedValues<T>, positionals: parsed.positionals };
}

/** Whether `args` asks for help (`--help` or `-h` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/**
 * Returns the value of a required option.
 * @throws {UsageError} `<name>: required` if it is missing.
 */
export function required(name: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(name, 'required');
  return value;
}

/**
 * Parses a decimal integer option in [min, max].
 * @throws {UsageError} `--bits: expected an integer ≥ 16 (got "x")` and the like.
 */
export function parseIntArg(name: string, text: string, min: number, max: number): number {
  const t = text.trim();
  const n = /^[+]?\d{1,15}$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(name, `expected an integer ≥ ${min} (got ${JSON.stringify(text)})`);
  if (n > max) throw new UsageError(name, `expected an integer ≤ ${max} (got ${text})`);
  return n;
}

const DEC_RE = /^\d+$/;
const HEX0X_RE = /^0[xX][0-9a-fA-F]+$/;
const HEX_RE = /^(0[xX])?[0-9a-fA-F]+$/;

/**
 * Parses a non-negative integer written in decimal or as `0x`-prefixed hex.
 * @param maxDigits longest accepted text (guards against absurd inputs).
 * @throws {UsageError} naming `name` if the text is neither form or too long.
 */
export function parseDecimalOrHexArg(name: string, text: string, maxDigits: number): bigint {
  const t = text.trim();
  if (!DEC_RE.test(t) && !HEX0X_RE.test(t))
    throw new UsageError(name, `expected a non-negative integer in decimal or 0x-hex (got ${JSON.stringify(shorten(text))})`);
  if (t.length > maxDigits) throw new UsageError(name, `too long (at most ${maxDigits} digits)`);
  return BigInt(t);
}

/**
 * Parses a non-negative decimal integer.
 * @throws {UsageError} naming `name` if the text is not decimal digits or too long.
 */
export function parseDecimalArg(name: string, text: string, maxDigits: number): bigint {
  const t = text.trim();
  if (!DEC_RE.test(t)) throw new UsageError(name, `expected a non-negative decimal integer (got ${JSON.stringify(shorten(text))})`);
  if (t.length > maxDigits) throw new UsageError(name, `too long (at most ${maxDigits} digits)`);
  return BigInt(t);
}

/**
 * Parses a hex integer, with or without `0x`.
 * @throws {UsageError} naming `name` if the text is not hex or too long.
 */
export function parseHexArg(name: string, text: string, maxDigits: number): bigint {
  const t = text.trim();
  if (!HEX_RE.test(t)) throw new UsageError(name, `expected a hex integer, with or without 0x (got ${JSON.stringify(shorten(text))})`);
  const digits = t.replace(/^0[xX]/, '');
  if (digits.length > maxDigits) throw new UsageError(name, `too long (at most ${maxDigits} hex digits)`);
  return BigInt('0x' + digits);
}

/** Cuts long user input for error messages. */
export function shorten(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
