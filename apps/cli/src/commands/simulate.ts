/**
 * `tessera simulate frost …` runs a whole FROST lifecycle (DKG, optional refresh and
 * resharing, then a signing) and `tessera simulate cggmp …` a CGGMP21 threshold ECDSA one
 * (keygen, aux-info, presign, sign) through the real protocol rounds in the in-memory
 * simulator, and print the resulting key and signature. A quick way to see the protocols work end to
 * end and to produce signatures that outside tools can verify.
 * @module
 */
import { readFileSync } from 'node:fs';
import { simulateCggmp } from '@tessera/protocols/cggmp/simulate';
import { fixedPrimeSource, type PaillierPrimes } from '@tessera/protocols/cggmp/prime-source';
import { simulateFrost } from '@tessera/protocols/frost/simulate';
import type { SuiteName } from '@tessera/protocols/frost/suite';
import { UsageError, parseCommandArgs, parseIntArg, required, shorten } from '../args.ts';
import type { CliContext, Command } from '../command.ts';
import { formatSeconds } from '../progress.ts';

const SUITES: readonly SuiteName[] = ['secp256k1', 'taproot', 'ed25519'];
/** Largest committee the simulator is asked to run from the CLI. */
export const SIMULATE_MAX_PARTIES = 255;
/** Longest accepted message, in bytes. */
export const SIMULATE_MAX_MESSAGE_BYTES = 1 << 20;

const frostOptions = {
  suite: { type: 'string' },
  threshold: { type: 'string' },
  parties: { type: 'string' },
  message: { type: 'string' },
  refresh: { type: 'boolean' },
  reshare: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function parseMessageArg(text: string): string {
  const t = text.trim().replace(/^0[xX]/, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(t)) throw new UsageError('--message', `expected hex bytes, with or without 0x (got ${JSON.stringify(shorten(text))})`);
  if (t.length / 2 > SIMULATE_MAX_MESSAGE_BYTES) throw new UsageError('--message', `too long (at most ${SIMULATE_MAX_MESSAGE_BYTES} bytes)`);
  return t.toLowerCase();
}

function parseReshare(text: string): { threshold: number; parties: number } {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError('--reshare', `expected T2,N2 (got ${JSON.stringify(shorten(text))})`);
  const threshold = parseIntArg('--reshare', m[1]!, 2, SIMULATE_MAX_PARTIES);
  const parties = parseIntArg('--reshare', m[2]!, 2, SIMULATE_MAX_PARTIES);
  if (threshold > parties) throw new UsageError('--reshare', `threshold ${threshold} exceeds committee size ${parties}`);
  return { threshold, parties };
}

const FROST_HELP = `usage: tessera simulate frost --suite secp256k1|taproot|ed25519 --threshold T --parties N
                             --message <hex> [--refresh] [--reshare T2,N2] [--json]

Runs, in the in-memory simulator and through the real protocol rounds: a DKG among parties
1..N (any T of them sign), then a proactive refresh (--refresh) and/or a resharing to a
T2-of-N2 committee (--reshare), then a signing of the message by the first T (or T2)
parties. The signature is made after refresh and resharing, so it shows the key survived.

  --suite S        secp256k1 (RFC 9591, SHA-256), taproot (BIP340 with the BIP341 tweak),
                   ed25519 (RFC 9591, SHA-512; an RFC 8032 signature)
  --threshold T    signers needed, 2 ≤ T ≤ N (FROST needs at least two signers)
  --parties N      committee size, 2 to ${SIMULATE_MAX_PARTIES}
  --message HEX    bytes to sign (may be empty: --message "")
  --refresh        refresh the shares after the DKG
  --reshare T2,N2  reshare to T2-of-N2 (parties above N2 leave, new indices join)
  --json           print {suite, threshold, parties, publicKey, message, signature, signers}
                   with byte strings as lower-case hex (taproot: 32-byte x-only key, 64-byte
                   signature; ed25519: 32-byte key, 64-byte signature; secp256k1: 33-byte
                   compressed key, 65-byte signature R‖z)`;

async function simulateFrostCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, frostOptions);
  const suite = required('--suite', values.suite) as SuiteName;
  if (!SUITES.includes(suite)) throw new UsageError('--suite', `expected one of ${SUITES.join(', ')} (got ${JSON.stringify(shorten(suite))})`);
  const parties = parseIntArg('--parties', required('--parties', values.parties), 2, SIMULATE_MAX_PARTIES);
  const threshold = parseIntArg('--threshold', required('--threshold', values.threshold), 2, SIMULATE_MAX_PARTIES);
  if (threshold > parties) throw new UsageError('--threshold', `${threshold} exceeds --parties ${parties}`);
  const message = parseMessageArg(required('--message', values.message));
  const reshare = values.reshare === undefined ? undefined : parseReshare(values.reshare);
  const start = performance.now();
  const result = await simulateFrost({ suite, threshold, parties, message, refresh: values.refresh ?? false, ...(reshare ? { reshare } : {}) });
  const elapsed = formatSeconds(performance.now() - start);
  if (values.json) {
    ctx.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const steps = ['DKG', ...(values.refresh ? ['refresh'] : []), ...(reshare ? [`reshare to ${reshare.threshold}-of-${reshare.parties}`] : []), 'sign'];
    ctx.stdout.write(
      [
        `suite:      ${result.suite}`,
        `key:        ${result.threshold}-of-${result.parties}`,
        `publicKey:  ${result.publicKey}`,
        `message:    ${result.message}`,
        `signature:  ${result.signature}`,
        `signers:    ${result.signers.join(', ')}`,
      ].join('\n') + '\n',
    );
    ctx.stderr.write(`simulated ${steps.join(' → ')} in ${elapsed}\n`);
  }
  return 0;
}

const cggmpOptions = {
  threshold: { type: 'string' },
  parties: { type: 'string' },
  message: { type: 'string' },
  hash: { type: 'string' },
  json: { type: 'boolean' },
  'primes-file': { type: 'string' },
} as const;

/** Largest committee for `simulate cggmp` (aux-info work grows with n²). */
export const SIMULATE_CGGMP_MAX_PARTIES = 16;

const CGGMP_HELP = `usage: tessera simulate cggmp --threshold T --parties N --message <hex>
                             [--hash sha256|keccak256] [--json] [--primes-file F]

Runs CGGMP21 threshold ECDSA (secp256k1) in the in-memory simulator through the real rounds:
key generation among parties 1..N (any T of them sign), aux-info (each party's Paillier–Blum
modulus from two 1024-bit safe primes searched on the worker pool, with Π^mod, Π^fac and Π^prm
verified by everyone), 3-round presigning and 1-round signing by parties 1..T. The signature
is ECDSA over SHA-256 of the message bytes (or Keccak-256 with --hash keccak256), low-S.

  --threshold T    signers needed, 2 ≤ T ≤ N
  --parties N      committee size, 2 to ${SIMULATE_CGGMP_MAX_PARTIES}
  --message HEX    bytes to sign (may be empty)
  --hash H         sha256 (default) or keccak256 (Ethereum)
  --json           print {scheme, threshold, parties, publicKey, message, signature: {r, s, v}}
                   (33-byte compressed key; r, s as 32-byte lower-case hex; v the recovery id)
  --primes-file F  take each party's two safe primes from F instead of searching them: JSON
                   [{"p": "<hex>", "q": "<hex>"}, ...], one pair per party (tests, demos)`;

function readPrimesFile(path: string, parties: number): PaillierPrimes[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError('--primes-file', `cannot read JSON from ${JSON.stringify(shorten(path))} (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  if (!Array.isArray(data) || data.length < parties) throw new UsageError('--primes-file', `expected a JSON array of at least ${parties} {p, q} pairs`);
  return data.slice(0, parties).map((pair: unknown, i) => {
    const o = pair as { p?: unknown; q?: unknown };
    const hex = (v: unknown, f: string) => {
      if (typeof v !== 'string' || !/^(0[xX])?[0-9a-fA-F]+$/.test(v)) throw new UsageError('--primes-file', `entry ${i}: ${f} is not a hex string`);
      return BigInt(v.startsWith('0x') || v.startsWith('0X') ? v : `0x${v}`);
    };
    return { p: hex(o?.p, 'p'), q: hex(o?.q, 'q') };
  });
}

async function simulateCggmpCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, cggmpOptions);
  const parties = parseIntArg('--parties', required('--parties', values.parties), 2, SIMULATE_CGGMP_MAX_PARTIES);
  const threshold = parseIntArg('--threshold', required('--threshold', values.threshold), 2, SIMULATE_CGGMP_MAX_PARTIES);
  if (threshold > parties) throw new UsageError('--threshold', `${threshold} exceeds --parties ${parties}`);
  const message = parseMessageArg(required('--message', values.message));
  const hash = values.hash ?? 'sha256';
  if (hash !== 'sha256' && hash !== 'keccak256') throw new UsageError('--hash', `expected sha256 or keccak256 (got ${JSON.stringify(shorten(hash))})`);
  const primes = values['primes-file'] === undefined ? undefined : readPrimesFile(values['primes-file'], parties);
  const start = performance.now();
  if (!values.json) ctx.stderr.write(`simulating CGGMP21 ${threshold}-of-${parties}: keygen, aux-info${primes ? '' : ' (safe primes on the worker pool)'}, presign, sign…\n`);
  const result = await simulateCggmp({ threshold, parties, message, hash, ...(primes ? { primeSource: fixedPrimeSource(primes) } : {}) });
  if (values.json) {
    ctx.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    ctx.stdout.write(
      [
        `scheme:     ${result.scheme} (ECDSA secp256k1, ${hash})`,
        `key:        ${result.threshold}-of-${result.parties}`,
        `publicKey:  ${result.publicKey}`,
        `message:    ${result.message}`,
        `signature:  r=${result.signature.r}`,
        `            s=${result.signature.s}`,
        `            v=${result.signature.v}`,
      ].join('\n') + '\n',
    );
    ctx.stderr.write(`simulated keygen → aux-info → presign → sign in ${formatSeconds(performance.now() - start)}\n`);
  }
  return 0;
}

/** The `simulate` command (protocol simulations). */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'run a protocol end to end in the in-memory simulator (frost, cggmp)',
  help: `usage: tessera simulate <protocol> [options]

protocols:
  frost   FROST threshold Schnorr: DKG, optional refresh/resharing, signing
  cggmp   CGGMP21 threshold ECDSA: keygen, aux-info, presign, sign

${FROST_HELP}

${CGGMP_HELP}`,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const [protocol, ...rest] = args;
    if (protocol === undefined) throw new UsageError('protocol', 'missing (expected frost or cggmp)');
    if (protocol === 'frost') return simulateFrostCommand(rest, ctx);
    if (protocol === 'cggmp') return simulateCggmpCommand(rest, ctx);
    throw new UsageError(shorten(protocol), 'unknown protocol (expected frost or cggmp)');
  },
};
