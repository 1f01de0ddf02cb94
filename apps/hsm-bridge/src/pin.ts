/**
 * Reading the token PIN at start-up: from a file (first line, trailing newline removed) or
 * from an environment variable. Never from a request, never logged, never in an error message.
 * @module
 */
import { readFileSync } from 'node:fs';
import { BridgeStartError } from './errors.ts';

/** Where the PIN comes from: exactly one of the two. */
export type PinSource = { readonly file: string } | { readonly env: string };

/**
 * Reads the PIN from `source`.
 * Security: the returned string is the PIN; keep it out of logs.
 * @throws {BridgeStartError} `pin-missing` if the file cannot be read, the variable is unset,
 *   or the PIN is empty (the message names the file or variable, never the content).
 */
export function readPin(source: PinSource, env: NodeJS.ProcessEnv = process.env): string {
  let pin: string | undefined;
  if ('file' in source) {
    try {
      pin = readFileSync(source.file, 'utf8').split(/\r?\n/, 1)[0];
    } catch (e) {
      throw new BridgeStartError('pin-missing', `cannot read PIN file ${source.file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (!pin) throw new BridgeStartError('pin-missing', `PIN file ${source.file} is empty`);
  } else {
    pin = env[source.env];
    if (!pin) throw new BridgeStartError('pin-missing', `environment variable ${source.env} is not set or empty`);
  }
  return pin;
}
