/**
 * `tessera party` CGGMP21 ceremonies between two party processes (the 2-of-2 "2PC wallet"
 * mode; signal server in this process): key generation + aux-info with fixture safe primes
 * (--primes-file, Taurus vectors) over the mailbox, writing both key shares; then signing
 * for a BIP32 child over WebRTC, with party 2's process killed (SIGKILL) mid-presign and
 * resuming from its state directory, whose JSON signature verifies with @noble/curves and
 * OpenSSL under the derived key; a refresh keeping the key and chain code, and a Keccak-256
 * signing invitation from the new share; and bad arguments naming the argument (exit 2 as a
 * process).
 */
import { createPublicKey, verify as osslVerify } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { derivePublicKey } from '@tessera/protocols/cggmp/bip32';
import { secp256k1Spki } from '@tessera/protocols/cggmp/ecdsa';
import { parseKeyShare } from '@tessera/protocols/cggmp/keyshare';
import { createMemoryStore } from '@tessera/signal/store';
import { silentLogger } from '@tessera/signal/log';
import { startSignalServer, type SignalServer } from '@tessera/signal/server';
import { parseInvitation } from '@tessera/transport/invitation';
import { parseCeremonyParams } from '@tessera/transport/node-party';
import { UsageError } from '../src/args.ts';
import { partyCommand } from '../src/commands/party.ts';
import { memoryContext } from './signal-helpers.ts';
import { collect, removeScratchDirs, runCli, scratchDir, startCli } from './helpers.ts';

let dir: string;
let server: SignalServer;
let ids: string[];
let keys: string[];
let primesFile: string;

beforeAll(async () => {
  dir = scratchDir();
  server = await startSignalServer({ store: createMemoryStore(), port: 0, logger: silentLogger });
  ids = [1, 2].map((i) => join(dir, `id-${i}.json`));
  keys = [];
  for (const f of ids) {
    const ctx = memoryContext();
    await partyCommand.run(['--identity', f, '--new-identity'], ctx);
    keys.push(ctx.out.join('').trim());
  }
  const json = JSON.parse(readFileSync(new URL('../../../vectors/paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json', import.meta.url), 'utf8')) as {
    constants: { hex: string }[];
  };
  const primes = [...new Set(json.constants.filter((c) => c.hex.length === 256).map((c) => c.hex))];
  primesFile = join(dir, 'primes.json');
  writeFileSync(primesFile, JSON.stringify([{ p: primes[0], q: primes[1] }, { p: primes[2], q: primes[3] }]));
});

afterAll(async () => {
  await server?.close();
  removeScratchDirs();
});

const share = (i: number) => join(dir, `share-${i}.json`);
const runArgs = (i: number, invitation: string, extra: string[] = []) => [
  'party', '--signal', server.url, '--identity', ids[i - 1]!, '--invitation', invitation, '--state', join(dir, `state-${i}`), '--share', share(i), '--json', ...extra,
];

describe('tessera party cggmp-keygen / cggmp-sign (2-of-2)', () => {
  it('two processes generate a key with aux-info, then sign for a BIP32 child (one killed mid-presign resumes); noble and OpenSSL verify', async () => {
    const kg = join(dir, 'keygen.json');
    const ctx = memoryContext();
    await partyCommand.run(['--identity', ids[0]!, '--invite', '--keys', keys.join(','), '--ceremony', 'cggmp-keygen', '--threshold', '2', '--out', kg], ctx);
    expect(ctx.out.join('')).toMatch(/^[0-9a-f]{32,64}\n$/);
    const rs = await Promise.all([1, 2].map((i) => collect(startCli(runArgs(i, kg, ['--transport', 'mailbox', '--primes-file', primesFile])))));
    for (const r of rs) expect(r.code, r.stderr).toBe(0);
    const outs = rs.map((r) => JSON.parse(r.stdout) as Record<string, unknown>);
    expect(Object.keys(outs[0]!)).toEqual(['ceremony', 'party', 'scheme', 'threshold', 'parties', 'publicKey', 'resumed', 'traffic']);
    expect(outs[0]).toMatchObject({ ceremony: 'cggmp-keygen', party: 1, scheme: 'cggmp21', threshold: 2, parties: 2, resumed: false });
    expect(outs[1]!.publicKey).toBe(outs[0]!.publicKey);
    expect(rs[0]!.stderr).toMatch(/^aux started 1$/m);
    for (const i of [1, 2]) {
      expect(statSync(share(i)).mode & 0o077).toBe(0);
      expect(parseKeyShare(readFileSync(share(i), 'utf8').trim()).core.index).toBe(i);
    }

    const sg = join(dir, 'sign.json');
    await partyCommand.run(
      ['--identity', ids[1]!, '--invite', '--keys', keys.join(','), '--ceremony', 'cggmp-sign', '--share', share(2), '--message', '6869', '--signers', '1,2', '--derivation', 'm/3/5', '--out', sg],
      memoryContext(),
    );
    // party 2 starts alone, sends its first presigning round and waits: it is killed there
    const lone = startCli(runArgs(2, sg));
    const loneDone = collect(lone);
    await new Promise<void>((resolve) => {
      let buf = '';
      lone.stderr!.on('data', (d: string) => {
        buf += d;
        if (/^presign started /m.test(buf)) resolve();
      });
    });
    lone.kill('SIGKILL');
    expect((await loneDone).signal).toBe('SIGKILL');
    const ss = await Promise.all([1, 2].map((i) => collect(startCli(runArgs(i, sg)))));
    for (const r of ss) expect(r.code, r.stderr).toBe(0);
    expect(ss.map((r) => (JSON.parse(r.stdout) as { resumed: boolean }).resumed)).toEqual([false, true]);
    expect(ss[1]!.stderr).toMatch(/^presign resumed 1$/m);
    const sigs = ss.map((r) => JSON.parse(r.stdout) as { publicKey: string; digest: string; der: string; signature: { r: string; s: string; v: number }; derivation: number[]; hash: string });
    expect(sigs[1]!.signature).toEqual(sigs[0]!.signature);
    const core = parseKeyShare(readFileSync(share(1), 'utf8').trim()).core;
    const child = derivePublicKey(core.publicKey, core.chainCode, [3, 5]).publicKey;
    const { publicKey, digest, signature, der } = sigs[0]!;
    expect(publicKey).toBe(Buffer.from(child).toString('hex'));
    expect(sigs[0]).toMatchObject({ hash: 'sha256', derivation: [3, 5] });
    expect(digest).toBe(Buffer.from(sha256(Buffer.from('hi'))).toString('hex'));
    const compact = Buffer.from(signature.r + signature.s, 'hex');
    expect(secp256k1.verify(compact, Buffer.from(digest, 'hex'), Buffer.from(publicKey, 'hex'), { prehash: false, lowS: true })).toBe(true);
    const key = createPublicKey({ key: Buffer.from(secp256k1Spki(child)), format: 'der', type: 'spki' });
    expect(osslVerify('sha256', Buffer.from('hi'), key, Buffer.from(der, 'hex'))).toBe(true);
    expect(osslVerify('sha256', Buffer.from('ho'), key, Buffer.from(der, 'hex'))).toBe(false);
    expect(secp256k1.verify(compact, Buffer.from(digest, 'hex'), core.publicKey, { prehash: false })).toBe(false);

    // refresh: new shares of the same key (they sign in packages/transport/test/cggmp-phases);
    // a Keccak-256 (Ethereum) signing invitation made from the new share
    const rf = join(dir, 'refresh.json');
    await partyCommand.run(['--identity', ids[0]!, '--invite', '--keys', keys.join(','), '--ceremony', 'cggmp-refresh', '--share', share(1), '--out', rf], memoryContext());
    const fresh = (i: number) => join(dir, `fresh-${i}.json`);
    const rr = await Promise.all([1, 2].map((i) => collect(startCli(runArgs(i, rf, ['--transport', 'mailbox', '--primes-file', primesFile, '--out', fresh(i)])))));
    for (const r of rr) expect(r.code, r.stderr).toBe(0);
    expect(rr.map((r) => (JSON.parse(r.stdout) as { ceremony: string; publicKey: string }).publicKey)).toEqual([outs[0]!.publicKey, outs[0]!.publicKey]);
    expect(rr[0]!.stdout).toMatch(/"ceremony":"cggmp-refresh"/);
    const renewed = parseKeyShare(readFileSync(fresh(1), 'utf8').trim()).core;
    expect(renewed.x).not.toBe(core.x);
    expect(Buffer.from(renewed.chainCode).toString('hex')).toBe(Buffer.from(core.chainCode).toString('hex'));
    const sk = join(dir, 'sign-keccak.json');
    await partyCommand.run(['--identity', ids[0]!, '--invite', '--keys', keys.join(','), '--ceremony', 'cggmp-sign', '--share', fresh(1), '--message', '6869', '--hash', 'keccak256', '--signers', '1,2', '--out', sk], memoryContext());
    const inv = parseCeremonyParams(parseInvitation(readFileSync(sk, 'utf8').trim()));
    expect(inv).toMatchObject({ ceremony: 'cggmp-sign', hash: 'keccak256', groupKey: outs[0]!.publicKey, digest: Buffer.from(keccak_256(Buffer.from('hi'))).toString('hex') });
  }, 90_000);

  it('refuses bad cggmp arguments, naming the argument', async () => {
    const bad = async (args: string[], arg: string) => {
      const e = await partyCommand.run(args, memoryContext()).then(() => undefined, (x: unknown) => x);
      expect(e, args.join(' ')).toBeInstanceOf(UsageError);
      expect((e as UsageError).arg).toBe(arg);
    };
    const out = join(dir, 'bad.json');
    const invite = (rest: string[]) => ['--identity', ids[0]!, '--invite', '--keys', keys.join(','), '--out', out, ...rest];
    await bad(invite(['--ceremony', 'cggmp-keygen', '--threshold', '3']), '--threshold');
    await bad(invite(['--ceremony', 'cggmp-keygen']), '--threshold');
    await bad(invite(['--ceremony', 'ecdsa']), '--ceremony');
    const sign = (rest: string[]) => invite(['--ceremony', 'cggmp-sign', '--share', share(1), ...rest]);
    await bad(sign(['--message', '00', '--signers', '1,2', '--hash', 'md5']), '--hash');
    await bad(sign(['--digest', '00', '--signers', '1,2']), '--digest');
    await bad(sign(['--digest', '00'.repeat(32), '--message', '00', '--signers', '1,2']), '--digest');
    await bad(sign(['--message', '00', '--signers', '1']), '--signers');
    await bad(sign(['--message', '00', '--signers', '1,3']), '--signers');
    await bad(sign(['--message', '00', '--signers', '1,2', '--derivation', "m/0'"]), '--derivation');
    await bad(sign(['--message', '00', '--signers', '1,2', '--derivation', 'm/x']), '--derivation');
    await bad(invite(['--ceremony', 'cggmp-sign', '--share', ids[0]!, '--message', '00', '--signers', '1,2']), '--share');
    await bad(invite(['--ceremony', 'cggmp-refresh']), '--share');
    expect(existsSync(out)).toBe(false);
    // a FROST ceremony takes no primes; an existing share file is not overwritten by cggmp-keygen
    const kg = join(dir, 'keygen-2.json');
    await partyCommand.run(invite(['--ceremony', 'cggmp-keygen', '--threshold', '2']).map((a) => (a === out ? kg : a)), memoryContext());
    await bad(['--signal', server.url, '--identity', ids[0]!, '--invitation', kg, '--state', join(dir, 'st'), '--share', share(1)], '--share');
    const rf = join(dir, 'refresh-2.json');
    await partyCommand.run(invite(['--ceremony', 'cggmp-refresh', '--share', share(1)]).map((a) => (a === out ? rf : a)), memoryContext());
    await bad(['--signal', server.url, '--identity', ids[0]!, '--invitation', rf, '--state', join(dir, 'st'), '--share', share(1)], '--out');
    await bad(['--signal', server.url, '--identity', ids[0]!, '--invitation', rf, '--state', join(dir, 'st'), '--share', share(1), '--out', share(2)], '--out');
    const dkg = join(dir, 'dkg.json');
    await partyCommand.run(invite(['--ceremony', 'dkg', '--suite', 'ed25519', '--threshold', '2']).map((a) => (a === out ? dkg : a)), memoryContext());
    await bad(['--signal', server.url, '--identity', ids[0]!, '--invitation', dkg, '--state', join(dir, 'st'), '--share', join(dir, 'x.json'), '--primes-file', primesFile], '--primes-file');
    // as a process: one line naming the argument, exit code 2
    const r = await runCli(['party', ...invite(['--ceremony', 'cggmp-sign', '--share', share(1), '--message', '00', '--signers', '1,2', '--hash', 'sha1'])]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--hash/);
  }, 60_000);
});
