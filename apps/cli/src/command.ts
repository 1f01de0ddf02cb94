/**
 * What every `tessera` command is: a name, help text and a `run` function that gets its
 * arguments and the process's streams, and returns the exit code. Also the helper that
 * turns a library validation error about user input into a {@link UsageError}.
 * @module
 */
import { UsageError } from './args.ts';
import type { ProgressStream } from './progress.ts';

/** The process as a command sees it (tests of the commands run the real process). */
export interface CliContext {
  /** Results only: what scripts read. */
  stdout: { write(text: string): unknown };
  /** Progress, warnings and summaries. */
  stderr: ProgressStream;
  /** Aborted on SIGINT/SIGTERM: long searches stop and the command exits with 130. */
  signal: AbortSignal;
}

/** A `tessera` command. */
export interface Command {
  /** Word typed after `tessera`. */
  name: string;
  /** One line for `tessera help`. */
  summary: string;
  /** Full help for `tessera help <command>` / `tessera <command> --help`. */
  help: string;
  /**
   * Runs the command and returns its exit code.
   * @throws {UsageError} for bad arguments (exit 2).
   */
  run(args: string[], ctx: CliContext): Promise<number>;
}

/**
 * Runs `fn`, which validates user input for argument `arg`, and turns its field errors
 * (`FieldTypeError`, `FieldRangeError`, `CryptoError`, plain `TypeError`/`RangeError`) into
 * a {@link UsageError} naming `arg`.
 * @throws {UsageError} when `fn` throws one of those.
 */
export function asUsage<T>(arg: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (e instanceof TypeError || e instanceof RangeError || (e instanceof Error && e.name === 'CryptoError')) {
      const prefix = `${arg}: `;
      throw new UsageError(arg, e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message);
    }
    throw e;
  }
}

/** Writes a warning line on stderr. */
export function warn(ctx: CliContext, text: string): void {
  ctx.stderr.write(`warning: ${text}\n`);
}
