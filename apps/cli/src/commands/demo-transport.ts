/**
 * `tessera demo --transport webrtc|mailbox …`: the FROST ceremony over a real network. Starts
 * a signal server on a free loopback port, then N party processes (`tessera party`) that run
 * a T-of-N DKG over WebRTC data channels (or the mailbox), then T of them sign the message;
 * prints the same result as `tessera simulate frost` (with `--json`, the same JSON).
 *
 * {@link demoCommand} is the `demo` command: with `--transport` it runs this demo, without
 * it the Paillier tour of demo.ts.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { newSessionId, partyRange } from '@tessera/protocols/engine/ids';
import { parseKeyShare, publicKey } from '@tessera/protocols/frost/keyshare';
import { getSuite, type SuiteName } from '@tessera/protocols/frost/suite';
import { createFileStore } from '@tessera/signal/file-store';
import { silentLogger } from '@tessera/signal/log';
import { startSignalServer } from '@tessera/signal/server';
import { encodeIdentity, generateIdentity } from '@tessera/transport/identity';
import { createInvitation } from '@tessera/transport/invitation';
import { UsageError, parseCommandArgs, parseIntArg, required, shorten } from '../args.ts';
import type { CliContext, Command } from '../command.ts';
import { formatSeconds } from '../progress.ts';
import { demoCommand as paillierDemo } from './demo.ts';

const SUITES: readonly SuiteName[] = ['secp256k1', 'taproot', 'ed25519'];
/** Most party processes the demo starts. */
export const DEMO_MAX_PARTIES = 16;

const options = {
  transport: { type: 'string' },
  parties: { type: 'string' },
  threshold: { type: 'string' },
  suite: { type: 'string' },
  message: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const TRANSPORT_HELP = `
       tessera demo --transport webrtc|mailbox --parties N --threshold T
                    --suite secp256k1|taproot|ed25519 --message HEX [--timeout S] [--json]

With --transport: starts a signal server on a free loopback port and N party processes
("tessera party") that run a T-of-N FROST DKG over WebRTC data channels between them
(--transport webrtc, with the server's mailbox as fallback) or through the mailbox only;
then parties 1..T sign the message. Prints what "tessera simulate frost" prints (with
--json the same JSON: {suite, threshold, parties, publicKey, message, signature, signers}).
  --parties N      committee size, 2 to ${DEMO_MAX_PARTIES} (one process each)
  --threshold T    signers needed, 2 ≤ T ≤ N
  --timeout S      give up after S seconds without progress (default 120)`;

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tessera party …` as a child process. */
function party(args: readonly string[], children: Set<ChildProcess>): Promise<Finished> {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'party', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

async function transportDemo(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, options);
  const transport = required('--transport', values.transport);
  if (transport !== 'webrtc' && transport !== 'mailbox') throw new UsageError('--transport', `expected webrtc or mailbox (got ${JSON.stringify(shorten(transport))})`);
  const n = parseIntArg('--parties', required('--parties', values.parties), 2, DEMO_MAX_PARTIES);
  const t = parseIntArg('--threshold', required('--threshold', values.threshold), 2, DEMO_MAX_PARTIES);
  if (t > n) throw new UsageError('--threshold', `${t} exceeds --parties ${n}`);
  const suite = required('--suite', values.suite) as SuiteName;
  if (!SUITES.includes(suite)) throw new UsageError('--suite', `expected one of ${SUITES.join(', ')} (got ${JSON.stringify(shorten(suite))})`);
  const messageText = required('--message', values.message).trim().replace(/^0[xX]/, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(messageText)) throw new UsageError('--message', `expected hex bytes (got ${JSON.stringify(shorten(messageText))})`);
  const message = messageText.toLowerCase();
  const timeout = values.timeout === undefined ? '120' : String(parseIntArg('--timeout', values.timeout, 1, 3600));

  const dir = await mkdtemp(join(tmpdir(), 'tessera-demo-'));
  const children = new Set<ChildProcess>();
  const onAbort = (): void => {
    for (const c of children) c.kill('SIGTERM');
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const server = await startSignalServer({ store: createFileStore({ dir: join(dir, 'signal') }), port: 0, logger: silentLogger });
  const t0 = performance.now();
  try {
    const parties = partyRange(n);
    const ids = parties.map(() => generateIdentity());
    const keys = parties.map((p, k) => [p, ids[k]!.publicKey] as const);
    const file = (p: number, name: string): string => join(dir, `party-${p}`, name);
    for (const p of parties) {
      await writeFile(join(dir, `identity-${p}.json`), `${encodeIdentity(ids[p - 1]!)}\n`, { mode: 0o600 });
    }
    const runAll = async (who: readonly number[], invitation: string, phase: string): Promise<Finished[]> => {
      const out = await Promise.all(
        who.map((p) =>
          party(['--signal', server.url, '--identity', join(dir, `identity-${p}.json`), '--invitation', invitation, '--state', file(p, 'state'), '--share', join(dir, `share-${p}.json`), '--transport', transport, '--timeout', timeout, '--json'], children),
        ),
      );
      out.forEach((r, k) => {
        if (r.code !== 0) throw new Error(`${phase}: party ${who[k]} failed: ${lastLine(r.stderr) || `exit code ${String(r.code)}`}`);
      });
      return out;
    };

    const dkgInv = createInvitation({ session: newSessionId(), protocol: 'tessera/frost/dkg', creator: ids[0]!, parties: keys, params: { ceremony: 'dkg', suite, threshold: t } });
    await writeFile(join(dir, 'dkg.json'), dkgInv.text);
    ctx.stderr.write(`signal server ${server.url}; DKG among ${n} party processes over ${transport}\n`);
    const dkg = await runAll(parties, join(dir, 'dkg.json'), 'DKG');
    const keysSeen = new Set(dkg.map((r) => (JSON.parse(lastLine(r.stdout)) as { publicKey: string }).publicKey));
    if (keysSeen.size !== 1) throw new Error('DKG: the parties disagree on the group key');
    const tDkg = performance.now();

    const share = parseKeyShare((await readFile(join(dir, 'share-1.json'), 'utf8')).trim());
    const signers = parties.slice(0, t);
    const signInv = createInvitation({
      session: newSessionId(),
      protocol: 'tessera/frost/sign',
      creator: ids[0]!,
      parties: keys,
      params: { ceremony: 'sign', suite, groupKey: bytesToHex(publicKey(share)), message, signers: [...signers] },
    });
    await writeFile(join(dir, 'sign.json'), signInv.text);
    ctx.stderr.write(`DKG done in ${formatSeconds(tDkg - t0)}; parties ${signers.join(', ')} sign\n`);
    const signed = await runAll(signers, join(dir, 'sign.json'), 'signing');
    const sigs = new Set(signed.map((r) => (JSON.parse(lastLine(r.stdout)) as { signature: string }).signature));
    if (sigs.size !== 1) throw new Error('signing: the signers produced different signatures');
    const signature = [...sigs][0]!;
    if (!getSuite(suite).verify(hexToBytes(signature), hexToBytes(message), share.commitments[0]!)) throw new Error('signing: the signature does not verify');
    const result = { suite, threshold: t, parties: n, publicKey: bytesToHex(publicKey(share)), message, signature, signers: [...signers] };
    if (values.json) {
      ctx.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
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
    }
    const traffic = [...dkg, ...signed].map((r) => (JSON.parse(lastLine(r.stdout)) as { traffic?: { channel: number; mailbox: number } }).traffic ?? { channel: 0, mailbox: 0 });
    const overChannels = traffic.reduce((a, x) => a + x.channel, 0);
    const viaMailbox = traffic.reduce((a, x) => a + x.mailbox, 0);
    ctx.stderr.write(`DKG ${formatSeconds(tDkg - t0)}, signing ${formatSeconds(performance.now() - tDkg)} over ${transport} (${n} processes); ${overChannels} messages received over data channels, ${viaMailbox} sent through the mailbox\n`);
    return 0;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    onAbort();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The `demo` command: the transport demo with `--transport`, the Paillier tour otherwise. */
export const demoCommand: Command = {
  ...paillierDemo,
  summary: `${paillierDemo.summary}; with --transport, FROST over WebRTC between party processes`,
  help: `${paillierDemo.help}\n${TRANSPORT_HELP}`,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const wantsTransport = args.some((a) => a === '--transport' || a.startsWith('--transport='));
    return wantsTransport ? transportDemo(args, ctx) : paillierDemo.run(args, ctx);
  },
};
