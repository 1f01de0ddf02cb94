/**
 * Helpers of the transport CLI tests: an in-process command context that collects stdout.
 */
import type { CliContext } from '../src/command.ts';

/** An in-process context collecting stdout (stderr is discarded). */
export function memoryContext(): CliContext & { out: string[] } {
  const out: string[] = [];
  return { out, stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true }, signal: new AbortController().signal };
}
