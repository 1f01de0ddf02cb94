/**
 * Entry point of the `tessera` command: dispatches to the commands, prints help, and maps
 * every failure to one line on stderr with an exit code — 2 for bad arguments
 * (`error: --bits: expected an integer ≥ 16 (got "x")`), 130 when interrupted, 1 for
 * anything else. Never prints a stack trace.
 *
 * Run as `pnpm tessera …` (`node --import tsx apps/cli/src/main.ts …`) or through
 * `apps/cli/bin/tessera.mjs`.
 * @module
 */
import { backendReady } from '@tessera/crypto/backend';
import { UsageError, shorten, wantsHelp } from './args.ts';
import type { CliContext, Command } from './command.ts';
import { committeeCommand } from './commands/committee.ts';
import { demoCommand } from './commands/demo-transport.ts';
import { hsmBridgeCommand } from './commands/hsm-bridge.ts';
import { isprimeCommand } from './commands/isprime.ts';
import { paillierCommand } from './commands/paillier.ts';
import { partyCommand } from './commands/party.ts';
import { primeCommand } from './commands/prime.ts';
import { signalCommand } from './commands/signal.ts';
import { simulateCommand } from './commands/simulate.ts';

/** Every command, in help order. */
export const COMMANDS: readonly Command[] = [isprimeCommand, primeCommand, paillierCommand, committeeCommand, simulateCommand, demoCommand, signalCommand, partyCommand, hsmBridgeCommand];

/** Exit codes. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: tessera <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  this text; "tessera help <command>" for a command's options`,
    '',
    'Results go to stdout, progress and warnings to stderr. Exit codes: 0 ok, 1 failure,',
    '2 bad arguments, 130 interrupted.',
  ].join('\n');
}

/** Message of any thrown value, on one line. */
function describeError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\s*\n\s*/g, ' ').trim() || (e instanceof Error ? e.name : 'unknown error');
}

/**
 * Runs `tessera` with `argv` (without the node and script paths) and returns the exit code.
 * Never throws.
 */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const [name, ...rest] = args;
  try {
    if (name === undefined) throw new UsageError('command', 'missing (try "tessera help")');
    if (name === 'help' || name === '--help' || name === '-h') {
      const topic = rest[0];
      if (topic === undefined || name !== 'help') {
        ctx.stdout.write(`${overview()}\n`);
        return EXIT.ok;
      }
      const cmd = COMMANDS.find((c) => c.name === topic);
      if (!cmd) throw new UsageError(shorten(topic), 'unknown command (try "tessera help")');
      ctx.stdout.write(`${cmd.help}\n`);
      return EXIT.ok;
    }
    const cmd = COMMANDS.find((c) => c.name === name);
    if (!cmd) throw new UsageError(shorten(name), name.startsWith('-') ? 'unknown option (try "tessera help")' : 'unknown command (try "tessera help")');
    if (wantsHelp(rest)) {
      ctx.stdout.write(`${cmd.help}\n`);
      return EXIT.ok;
    }
    await backendReady(); // heavy work starts at once: use the WebAssembly backend from the first operation
    return await cmd.run(rest, ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.stderr.write(`error: ${describeError(e)}\n`);
      return EXIT.usage;
    }
    if (ctx.signal.aborted && e instanceof Error && e.name === 'AbortError') {
      ctx.stderr.write('error: interrupted\n');
      return EXIT.interrupted;
    }
    ctx.stderr.write(`error: ${describeError(e)}\n`);
    return EXIT.failure;
  }
}

/** Runs the CLI in this process: streams, signals, exit code. */
async function runProcess(): Promise<void> {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted); // second Ctrl-C: stop now
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed stdout (e.g. `| head`) is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const lastResort = (e: unknown): void => {
    process.stderr.write(`error: internal: ${describeError(e)}\n`);
    process.exit(EXIT.failure);
  };
  process.on('uncaughtException', lastResort);
  process.on('unhandledRejection', lastResort);
  const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.exitCode = code;
}

await runProcess();
