/**
 * `tessera party …`: one party of a FROST or CGGMP21 (threshold ECDSA) ceremony over the
 * signal server, plus the two set-up steps it needs — an identity key and a signed invitation.
 *
 *   tessera party --identity FILE --new-identity
 *   tessera party --identity FILE --invite --keys K1,K2,… --ceremony dkg --suite S --threshold T --out FILE
 *   tessera party --identity FILE --invite --keys K1,K2,… --ceremony sign --share FILE --message HEX --signers I,J --out FILE
 *   tessera party --identity FILE --invite --keys K1,K2 --ceremony cggmp-keygen --threshold T --out FILE
 *   tessera party --identity FILE --invite --keys K1,K2 --ceremony cggmp-sign --share FILE --message HEX [--hash H] --signers I,J [--derivation P] --out FILE
 *   tessera party --identity FILE --invite --keys K1,K2 --ceremony cggmp-refresh --share FILE --out FILE
 *   tessera party --signal ws://127.0.0.1:P --identity FILE --invitation FILE --state DIR [--share FILE] …
 *
 * With two keys and threshold 2, the CGGMP21 ceremonies are the "2PC wallet" mode: this
 * command is the Node co-signer of a browser wallet (or of another `tessera party`).
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { newSessionId, partyIndex, type PartyIndex } from '@tessera/protocols/engine/ids';
import { parsePath } from '@tessera/protocols/cggmp/bip32';
import { ecdsaDer } from '@tessera/protocols/cggmp/ecdsa';
import { scalarBytes } from '@tessera/protocols/cggmp/curve';
import {
  encodeKeyShare as encodeCggmpKeyShare,
  parseKeyShare as parseCggmpKeyShare,
  type CggmpKeyShare,
} from '@tessera/protocols/cggmp/keyshare';
import { fixedPrimeSource, type PaillierPrimes } from '@tessera/protocols/cggmp/prime-source';
import { encodeKeyShare, parseKeyShare, publicKey, type KeyShare } from '@tessera/protocols/frost/keyshare';
import type { SuiteName } from '@tessera/protocols/frost/suite';
import { checkIdentityPublicKey, encodeIdentity, generateIdentity, parseIdentity, type IdentityKey } from '@tessera/transport/identity';
import { createInvitation, parseInvitation } from '@tessera/transport/invitation';
import { CGGMP_CEREMONY_PROTOCOLS, parseCeremonyParams, runNodeParty, type CeremonyParams } from '@tessera/transport/node-party';
import { UsageError, parseCommandArgs, parseIntArg, required, shorten } from '../args.ts';
import { asUsage, type CliContext, type Command } from '../command.ts';

const SUITES: readonly SuiteName[] = ['secp256k1', 'taproot', 'ed25519'];

const options = {
  identity: { type: 'string' },
  'new-identity': { type: 'boolean' },
  invite: { type: 'boolean' },
  keys: { type: 'string' },
  ceremony: { type: 'string' },
  suite: { type: 'string' },
  threshold: { type: 'string' },
  message: { type: 'string' },
  signers: { type: 'string' },
  ttl: { type: 'string' },
  out: { type: 'string' },
  signal: { type: 'string' },
  invitation: { type: 'string' },
  state: { type: 'string' },
  share: { type: 'string' },
  transport: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  hash: { type: 'string' },
  digest: { type: 'string' },
  derivation: { type: 'string' },
  'primes-file': { type: 'string' },
} as const;

/** Reads a file for option `arg`, as a usage error if it cannot be read. */
async function readArgFile(arg: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(arg, `cannot read ${JSON.stringify(shorten(path))}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** Writes a private file (mode 0600), creating its directory. */
async function writePrivate(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, text, { mode: 0o600 });
}

async function loadIdentity(path: string): Promise<IdentityKey> {
  const text = await readArgFile('--identity', path);
  return asUsage('--identity', () => parseIdentity(text));
}

async function loadShare(path: string): Promise<KeyShare> {
  const text = await readArgFile('--share', path);
  return asUsage('--share', () => parseKeyShare(text.trim()));
}

async function loadCggmpShare(path: string): Promise<CggmpKeyShare> {
  const text = await readArgFile('--share', path);
  return asUsage('--share', () => parseCggmpKeyShare(text.trim()));
}

/** Party `self`'s two safe primes: entry `self` (1-based) of a JSON `[{"p": hex, "q": hex}, …]` file. */
function readPrimesFile(path: string, self: number): PaillierPrimes {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError('--primes-file', `cannot read JSON from ${JSON.stringify(shorten(path))} (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  if (!Array.isArray(data) || data.length < self) throw new UsageError('--primes-file', `expected a JSON array of {p, q} pairs with an entry for party ${self}`);
  const o = data[self - 1] as { p?: unknown; q?: unknown } | null;
  const big = (v: unknown, f: string): bigint => {
    if (typeof v !== 'string' || !/^(0[xX])?[0-9a-fA-F]+$/.test(v)) throw new UsageError('--primes-file', `entry ${self}: ${f} is not a hex string`);
    return BigInt(/^0[xX]/.test(v) ? v : `0x${v}`);
  };
  return { p: big(o?.p, 'p'), q: big(o?.q, 'q') };
}

function parseHexArg(arg: string, text: string): string {
  const t = text.trim().replace(/^0[xX]/, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(t)) throw new UsageError(arg, `expected hex bytes (got ${JSON.stringify(shorten(text))})`);
  return t.toLowerCase();
}

function parseIndexList(arg: string, text: string): PartyIndex[] {
  const list = text.split(',').map((s) => partyIndex(parseIntArg(arg, s, 1, 65535)));
  for (let k = 1; k < list.length; k++) if (list[k]! <= list[k - 1]!) throw new UsageError(arg, 'expected distinct indices in increasing order');
  return list;
}

async function newIdentity(path: string, ctx: CliContext): Promise<number> {
  if (existsSync(path)) throw new UsageError('--identity', `${JSON.stringify(shorten(path))} exists; refusing to overwrite an identity`);
  const id = generateIdentity();
  await writePrivate(path, `${encodeIdentity(id)}\n`);
  ctx.stdout.write(`${bytesToHex(id.publicKey)}\n`);
  return 0;
}

async function invite(values: Record<string, string | boolean | undefined>, ctx: CliContext): Promise<number> {
  const id = await loadIdentity(required('--identity', values.identity as string | undefined));
  const keys = required('--keys', values.keys as string | undefined)
    .split(',')
    .map((k, i) => [partyIndex(i + 1), asUsage('--keys', () => checkIdentityPublicKey(hexToBytes(parseHexArg('--keys', k)), `--keys[${i + 1}]`))] as const);
  if (keys.length < 2) throw new UsageError('--keys', 'expected at least two public keys');
  const ceremony = required('--ceremony', values.ceremony as string | undefined);
  const out = required('--out', values.out as string | undefined);
  const ttlMs = values.ttl === undefined ? 7 * 24 * 3600_000 : parseIntArg('--ttl', values.ttl as string, 60, 30 * 24 * 3600) * 1000;
  let params;
  let protocol;
  if (ceremony === 'dkg') {
    const suite = required('--suite', values.suite as string | undefined) as SuiteName;
    if (!SUITES.includes(suite)) throw new UsageError('--suite', `expected one of ${SUITES.join(', ')}`);
    const threshold = parseIntArg('--threshold', required('--threshold', values.threshold as string | undefined), 2, keys.length);
    params = { ceremony: 'dkg', suite, threshold };
    protocol = 'tessera/frost/dkg';
  } else if (ceremony === 'sign') {
    const share = await loadShare(required('--share', values.share as string | undefined));
    if (share.parties.length !== keys.length) throw new UsageError('--keys', `the key has ${share.parties.length} parties, ${keys.length} keys given`);
    const message = parseHexArg('--message', required('--message', values.message as string | undefined));
    const signers = parseIndexList('--signers', required('--signers', values.signers as string | undefined));
    if (signers.length < share.threshold) throw new UsageError('--signers', `at least ${share.threshold} signers needed`);
    for (const s of signers) if (!share.parties.includes(s)) throw new UsageError('--signers', `party ${s} is not in the committee`);
    params = { ceremony: 'sign', suite: share.suite, groupKey: bytesToHex(publicKey(share)), message, signers: [...signers] };
    protocol = 'tessera/frost/sign';
  } else if (ceremony === 'cggmp-keygen') {
    const threshold = parseIntArg('--threshold', required('--threshold', values.threshold as string | undefined), 2, keys.length);
    params = { ceremony: 'cggmp-keygen', threshold };
    protocol = CGGMP_CEREMONY_PROTOCOLS['cggmp-keygen'];
  } else if (ceremony === 'cggmp-sign') {
    const share = await loadCggmpShare(required('--share', values.share as string | undefined));
    const core = share.core;
    if (core.parties.length !== keys.length) throw new UsageError('--keys', `the key has ${core.parties.length} parties, ${keys.length} keys given`);
    if (values.digest !== undefined && (values.message !== undefined || values.hash !== undefined)) throw new UsageError('--digest', 'cannot be combined with --message or --hash');
    let message: string;
    let hash: string | null;
    if (values.digest !== undefined) {
      message = parseHexArg('--digest', values.digest as string);
      if (message.length !== 64) throw new UsageError('--digest', `expected 32 bytes (got ${message.length / 2})`);
      hash = null;
    } else {
      message = parseHexArg('--message', required('--message', values.message as string | undefined));
      hash = (values.hash ?? 'sha256') as string;
      if (hash !== 'sha256' && hash !== 'keccak256') throw new UsageError('--hash', `expected sha256 or keccak256 (got ${JSON.stringify(shorten(hash))})`);
    }
    const signers = parseIndexList('--signers', required('--signers', values.signers as string | undefined));
    if (signers.length < core.threshold) throw new UsageError('--signers', `at least ${core.threshold} signers needed`);
    for (const s of signers) if (!core.parties.includes(s)) throw new UsageError('--signers', `party ${s} is not in the committee`);
    const derivation = values.derivation === undefined ? [] : asUsage('--derivation', () => parsePath(values.derivation as string));
    params = { ceremony: 'cggmp-sign', groupKey: bytesToHex(core.publicKey), message, hash, signers: [...signers], derivation };
    protocol = CGGMP_CEREMONY_PROTOCOLS['cggmp-sign'];
  } else if (ceremony === 'cggmp-refresh') {
    const core = (await loadCggmpShare(required('--share', values.share as string | undefined))).core;
    if (core.parties.length !== keys.length) throw new UsageError('--keys', `the key has ${core.parties.length} parties, ${keys.length} keys given`);
    params = { ceremony: 'cggmp-refresh', groupKey: bytesToHex(core.publicKey) };
    protocol = CGGMP_CEREMONY_PROTOCOLS['cggmp-refresh'];
  } else {
    throw new UsageError('--ceremony', `expected dkg, sign, cggmp-keygen, cggmp-sign or cggmp-refresh (got ${JSON.stringify(shorten(ceremony))})`);
  }
  const inv = asUsage('--keys', () => createInvitation({ session: newSessionId(), protocol, creator: id, parties: keys, params, ttlMs }));
  await writePrivate(out, `${inv.text}\n`);
  ctx.stdout.write(`${inv.session}\n`);
  return 0;
}

async function run(values: Record<string, string | boolean | undefined>, ctx: CliContext): Promise<number> {
  const url = required('--signal', values.signal as string | undefined);
  if (!/^wss?:\/\/[^\s]+$/.test(url)) throw new UsageError('--signal', `expected ws://host:port (got ${JSON.stringify(shorten(url))})`);
  const identity = await loadIdentity(required('--identity', values.identity as string | undefined));
  const invitation = (await readArgFile('--invitation', required('--invitation', values.invitation as string | undefined))).trim();
  const stateDir = required('--state', values.state as string | undefined);
  const transport = (values.transport ?? 'webrtc') as string;
  if (transport !== 'webrtc' && transport !== 'mailbox') throw new UsageError('--transport', `expected webrtc or mailbox (got ${JSON.stringify(shorten(transport))})`);
  const timeoutMs = values.timeout === undefined ? 120_000 : parseIntArg('--timeout', values.timeout as string, 1, 30 * 24 * 3600) * 1000;
  const sharePath = required('--share', values.share as string | undefined);
  let ceremony: CeremonyParams;
  try {
    ceremony = parseCeremonyParams(parseInvitation(invitation));
  } catch (e) {
    throw new UsageError('--invitation', (e as Error).message);
  }
  const cggmp = ceremony.ceremony === 'cggmp-keygen' || ceremony.ceremony === 'cggmp-sign' || ceremony.ceremony === 'cggmp-refresh';
  if ((ceremony.ceremony === 'dkg' || ceremony.ceremony === 'cggmp-keygen') && existsSync(sharePath))
    throw new UsageError('--share', `${JSON.stringify(shorten(sharePath))} exists; refusing to overwrite a key share`);
  if (values['primes-file'] !== undefined && ceremony.ceremony !== 'cggmp-keygen' && ceremony.ceremony !== 'cggmp-refresh')
    throw new UsageError('--primes-file', 'only a cggmp-keygen or cggmp-refresh ceremony takes primes');
  let refreshedPath: string | undefined;
  if (ceremony.ceremony === 'cggmp-refresh') {
    refreshedPath = required('--out', values.out as string | undefined);
    if (existsSync(refreshedPath)) throw new UsageError('--out', `${JSON.stringify(shorten(refreshedPath))} exists; refusing to overwrite a key share`);
  }
  const keyShare = ceremony.ceremony === 'sign' ? await loadShare(sharePath) : undefined;
  const cggmpKeyShare = ceremony.ceremony === 'cggmp-sign' || ceremony.ceremony === 'cggmp-refresh' ? await loadCggmpShare(sharePath) : undefined;
  let primeSource;
  if (values['primes-file'] !== undefined) {
    const inv = parseInvitation(invitation);
    const self = [...inv.parties].find(([, k]) => bytesToHex(k) === bytesToHex(identity.publicKey))?.[0];
    if (self === undefined) throw new UsageError('--identity', 'this identity is not invited to the session');
    primeSource = fixedPrimeSource([readPrimesFile(values['primes-file'] as string, self)]);
  }
  const traffic = { channel: 0, mailbox: 0 };
  let reported = { pct: -10, found: 0 };
  const r = await runNodeParty({
    signal: url,
    identity,
    invitation,
    stateDir,
    transport,
    timeoutMs,
    abort: ctx.signal,
    ...(keyShare ? { keyShare } : {}),
    ...(cggmpKeyShare ? { cggmpKeyShare } : {}),
    ...(primeSource ? { primeSource } : {}),
    onPrimeProgress: (p) => {
      // about every tenth of the expected search, and on every prime found
      const pct = Math.min(99, Math.floor((100 * p.candidates) / Math.max(1, p.expected)));
      if (pct >= reported.pct + 10 || p.found > reported.found) {
        reported = { pct, found: p.found };
        ctx.stderr.write(`safe primes: ${p.found}/${p.count} found, ~${pct}% of the expected search\n`);
      }
    },
    onEvent: (e) => {
      if (!cggmp && (e.type === 'round' || e.type === 'started' || e.type === 'resumed')) ctx.stderr.write(`${e.type} ${e.round}\n`);
    },
    onPhaseEvent: (phase, e) => {
      if (e.type === 'round' || e.type === 'started' || e.type === 'resumed') ctx.stderr.write(`${phase} ${e.type} ${e.round}\n`);
    },
    onMeshEvent: (e) => {
      if (e.type === 'received') traffic.channel++;
      else if (e.type === 'fallback') traffic.mailbox++;
      else ctx.stderr.write(`${e.type} ${e.peer}\n`);
    },
  });
  if (r.ceremony === 'dkg') {
    const share = r.result.output.keyShare;
    await writePrivate(sharePath, `${encodeKeyShare(share)}\n`);
    const out = { ceremony: 'dkg', party: r.self, suite: share.suite, threshold: share.threshold, parties: share.parties.length, publicKey: bytesToHex(publicKey(share)), resumed: r.result.resumed, traffic };
    ctx.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `party ${r.self}: key ${out.threshold}-of-${out.parties} ${out.publicKey} (share in ${sharePath})\n`);
  } else if (r.ceremony === 'cggmp-keygen' || r.ceremony === 'cggmp-refresh') {
    const share = r.result.keyShare;
    const path = r.ceremony === 'cggmp-refresh' ? refreshedPath! : sharePath;
    await writePrivate(path, `${encodeCggmpKeyShare(share)}\n`);
    const out = {
      ceremony: r.ceremony,
      party: r.self,
      scheme: 'cggmp21',
      threshold: share.core.threshold,
      parties: share.core.parties.length,
      publicKey: bytesToHex(share.core.publicKey),
      resumed: r.result.resumed.keygen || r.result.resumed.aux,
      traffic,
    };
    ctx.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `party ${r.self}: ECDSA key ${out.threshold}-of-${out.parties} ${out.publicKey} (${r.ceremony === 'cggmp-refresh' ? 'new ' : ''}share in ${path})\n`);
    if (r.result.rejections > 0) ctx.stderr.write(`rejected inputs: ${r.result.rejections}\n`);
    return 0;
  } else if (r.ceremony === 'cggmp-sign') {
    const o = r.result;
    const c = ceremony as Extract<CeremonyParams, { ceremony: 'cggmp-sign' }>;
    const signature = { r: bytesToHex(scalarBytes(o.signature.r)), s: bytesToHex(scalarBytes(o.signature.s)), v: o.signature.v };
    const out = {
      ceremony: 'cggmp-sign',
      party: r.self,
      scheme: 'cggmp21',
      publicKey: bytesToHex(o.publicKey),
      message: c.message,
      hash: c.hash,
      digest: bytesToHex(o.digest),
      derivation: [...c.derivation],
      signature,
      der: bytesToHex(ecdsaDer(o.signature.r, o.signature.s)),
      signers: [...o.signers],
      resumed: o.resumed.presign || o.resumed.sign,
      traffic,
    };
    ctx.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `party ${r.self}: signature r=${signature.r} s=${signature.s} v=${signature.v}\n`);
    if (o.rejections > 0) ctx.stderr.write(`rejected inputs: ${o.rejections}\n`);
    return 0;
  } else {
    const o = r.result.output;
    const out = { ceremony: 'sign', party: r.self, suite: o.suite, publicKey: bytesToHex(o.publicKey), message: bytesToHex(o.message), signature: bytesToHex(o.signature), signers: [...o.signers], resumed: r.result.resumed, traffic };
    ctx.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `party ${r.self}: signature ${out.signature}\n`);
  }
  const rejected = Object.entries(r.result.rejections);
  if (rejected.length > 0) ctx.stderr.write(`rejected inputs: ${rejected.map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  return 0;
}

/** The `party` command. */
export const partyCommand: Command = {
  name: 'party',
  summary: 'one party of a FROST or CGGMP21 (threshold ECDSA, 2PC) ceremony over the signal server (WebRTC mesh or mailbox)',
  help: `usage: tessera party --identity FILE --new-identity
       tessera party --identity FILE --invite --keys K1,K2,... --out FILE
                     --ceremony dkg --suite secp256k1|taproot|ed25519 --threshold T
       tessera party --identity FILE --invite --keys K1,K2,... --out FILE
                     --ceremony sign --share FILE --message HEX --signers I,J,...
       tessera party --identity FILE --invite --keys K1,K2,... --out FILE
                     --ceremony cggmp-keygen --threshold T
       tessera party --identity FILE --invite --keys K1,K2,... --out FILE
                     --ceremony cggmp-sign --share FILE --signers I,J,...
                     (--message HEX [--hash sha256|keccak256] | --digest HEX) [--derivation PATH]
       tessera party --identity FILE --invite --keys K1,K2,... --out FILE
                     --ceremony cggmp-refresh --share FILE
       tessera party --signal ws://127.0.0.1:P --identity FILE --invitation FILE --state DIR
                     --share FILE [--transport webrtc|mailbox] [--timeout S] [--json]
                     [--primes-file F] [--out FILE]

--new-identity writes a new Ed25519 identity key to FILE (mode 0600) and prints its public key.

--invite writes a signed invitation for a ceremony to --out and prints its session id. The
parties are the public keys in --keys, party i being the i-th key; the identity signing it
must be one of them. A signing invitation takes the suite (FROST) and group key from --share.
  --keys K1,...     every party's identity public key (hex), in party order
  --ceremony C      dkg or sign (FROST); cggmp-keygen, cggmp-sign or cggmp-refresh (CGGMP21
                    threshold ECDSA on secp256k1)
  --suite S         DKG: the FROST ciphersuite
  --threshold T     dkg, cggmp-keygen: signers needed, 2 ≤ T ≤ number of keys
  --share FILE      sign, cggmp-sign, cggmp-refresh: a key share of the committee (any party's)
  --message HEX     sign: the bytes to sign; cggmp-sign: the bytes whose --hash is signed
  --hash H          cggmp-sign: sha256 (default) or keccak256 (Ethereum)
  --digest HEX      cggmp-sign: sign this 32-byte digest as is (instead of --message)
  --derivation P    cggmp-sign: sign with the non-hardened BIP32 child P of the key (m/0/1)
  --signers I,J     sign, cggmp-sign: the signing set (increasing party indices, at least T)
  --ttl S           lifetime of the room on the server, seconds (default 7 days)

Without --new-identity or --invite, runs this identity's part of the invited ceremony: joins
the room on the signal server (opening it with the invitation), connects to the other
parties over WebRTC data channels (node-datachannel), falls back to the server's mailbox
for parties that are offline or unreachable, and finishes when the ceremony does. Progress
goes to stderr; a killed run resumes from its records in --state.
  --signal URL      the signal server, ws://host:port
  --invitation FILE the signed invitation
  --state DIR       runner records, nonce and presignature ledgers of this party (keep it
                    private)
  --share FILE      dkg, cggmp-keygen: where the key share is written (0600); sign,
                    cggmp-sign, cggmp-refresh: the key share to use
  --out FILE        cggmp-refresh: where the new key share is written (0600; the old one
                    stays until you delete it)
  --transport T     webrtc (default; mesh with mailbox fallback) or mailbox (mailbox only)
  --timeout S       a session with no message for S seconds ends, naming the silent
                    parties (default 120)
  --primes-file F   cggmp-keygen, cggmp-refresh: take this party's two safe primes from F
                    instead of searching them: JSON [{"p": "<hex>", "q": "<hex>"}, ...],
                    party i uses entry i (tests, demos; never reuse primes for a real key)
  --json            dkg: {ceremony, party, suite, threshold, parties, publicKey, resumed, traffic};
                    sign: {ceremony, party, suite, publicKey, message, signature, signers,
                    resumed, traffic}; traffic = {channel: messages received over data
                    channels, mailbox: messages this party sent through the mailbox fallback};
                    cggmp-keygen, cggmp-refresh: {ceremony, party, scheme, threshold, parties,
                    publicKey, resumed, traffic}; cggmp-sign: {ceremony, party, scheme, publicKey,
                    message, hash, digest, derivation, signature: {r, s, v}, der, signers,
                    resumed, traffic} (publicKey the compressed key the signature verifies
                    under: the derived child's with --derivation; r, s 32-byte hex, low-S;
                    v the recovery id; der the DER form OpenSSL verifies)

CGGMP21 (cggmp-keygen, cggmp-sign) with two keys and --threshold 2 is the "2PC wallet" mode:
this process is the co-signer of a browser wallet or of another party process.
cggmp-keygen runs key generation then aux-info (each party's Paillier-Blum modulus from two
1024-bit safe primes searched on a two-worker pool, with progress on stderr) and writes a
complete key share; cggmp-sign runs 3-round presigning then signing; cggmp-refresh gives
every party a new share of the same key (same public key and BIP32 chain code) with new
Paillier keys, after which the old shares no longer combine with the new ones. Every presignature is
recorded as used in --state before this party's signature share leaves it: a presignature
is never used twice, even from a restored old state (the run fails instead).`,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values } = parseCommandArgs(args, options);
    if (values['new-identity'] && values.invite) throw new UsageError('--new-identity', 'cannot be combined with --invite');
    if (values['new-identity']) return newIdentity(required('--identity', values.identity), ctx);
    if (values.invite) return invite(values, ctx);
    return run(values, ctx);
  },
};
