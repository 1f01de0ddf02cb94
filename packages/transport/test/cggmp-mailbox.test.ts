/**
 * CGGMP21 2-party ("2PC wallet") ceremonies between two Node parties over a real signal
 * server in this process, mailbox transport only: key generation + aux-info, then presigning
 * + signing for a BIP32 child key (the signature verifies with @noble/curves and OpenSSL);
 * a party stopped mid-presign resumes from its state directory; a restored old state cannot
 * use its presignature a second time (fails closed); a tampered signature share names its
 * sender. Safe primes come from the Taurus fixture, so no prime search runs.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createPublicKey, verify as osslVerify } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { derivePublicKey } from '@tessera/protocols/cggmp/bip32';
import { ecdsaDer, secp256k1Spki } from '@tessera/protocols/cggmp/ecdsa';
import { messageIdBytes } from '@tessera/protocols/engine/envelope';
import { NonceReuseError, ProtocolAbort } from '@tessera/protocols/engine/errors';
import { newSessionId, type PartyIndex } from '@tessera/protocols/engine/ids';
import type { Session } from '@tessera/protocols/engine/session';
import type { Envelope } from '@tessera/protocols/engine/envelope';
import {
  CGGMP_PROTOCOLS,
  cggmpPresignFactory,
  cggmpRecordKey,
  cggmpSignFactory,
  createPhasedTransport,
  fixedPrimeSource,
  type CggmpKeyShare,
} from '../src/cggmp.ts';
import { createFileNonceLedger } from '../src/file-nonce-ledger.ts';
import { createFileRunnerStore } from '../src/file-runner-store.ts';
import { engineAuth } from '../src/frost.ts';
import { generateIdentity, type IdentityKey } from '../src/identity.ts';
import { createInvitation } from '../src/invitation.ts';
import { createMailboxTransport } from '../src/mailbox.ts';
import { runNodeParty, type NodePartyResult } from '../src/node-party.ts';
import { runProtocol, type AnySession, type SessionFactory } from '../src/runner.ts';
import { connectSignal } from '../src/signal-client.ts';
import { type TestSignalServer, startServer, fixturePrimes } from './cggmp-support.ts';

let server: TestSignalServer;
let dir: string;
let ids: IdentityKey[];
let shares: CggmpKeyShare[];
const parties = (): [number, Uint8Array][] => ids.map((id, k) => [k + 1, id.publicKey]);

beforeAll(async () => {
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'tessera-cggmp-mailbox-'));
  ids = [generateIdentity(), generateIdentity()];
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function signInvitation(message: string, derivation: number[]): string {
  return createInvitation({
    session: newSessionId(),
    protocol: CGGMP_PROTOCOLS.sign,
    creator: ids[0]!,
    parties: parties(),
    params: { ceremony: 'cggmp-sign', groupKey: bytesToHex(shares[0]!.core.publicKey), message, hash: 'sha256', signers: [1, 2], derivation },
  }).text;
}

function verifyBoth(publicKey: Uint8Array, digest: Uint8Array, r: bigint, s: bigint): boolean {
  const noble = secp256k1.verify(new secp256k1.Signature(r, s).toBytes('compact'), digest, publicKey, { prehash: false, lowS: true });
  const key = createPublicKey({ key: Buffer.from(secp256k1Spki(publicKey)), format: 'der', type: 'spki' });
  // OpenSSL hashes the message itself: hand it the message, with SHA-256
  return noble && osslVerify('sha256', Buffer.from('hello 2pc'), key, Buffer.from(ecdsaDer(r, s)));
}

describe('CGGMP21 2-of-2 over the mailbox', () => {
  it('key generation and aux-info give both parties shares of one key', async () => {
    const primes = fixturePrimes();
    const invitation = createInvitation({ session: newSessionId(), protocol: CGGMP_PROTOCOLS.keygen, creator: ids[0]!, parties: parties(), params: { ceremony: 'cggmp-keygen', threshold: 2 } }).text;
    const rs = await Promise.all(
      [1, 2].map((i) =>
        runNodeParty({ signal: server.url, identity: ids[i - 1]!, invitation, stateDir: join(dir, `keygen-${i}`), transport: 'mailbox', primeSource: fixedPrimeSource([primes[i - 1]!]) }),
      ),
    );
    shares = rs.map((r) => (r as Extract<NodePartyResult, { ceremony: 'cggmp-keygen' }>).result.keyShare);
    expect(shares.map((s) => s.core.index)).toEqual([1, 2]);
    expect(bytesToHex(shares[0]!.core.publicKey)).toBe(bytesToHex(shares[1]!.core.publicKey));
    expect(shares[0]!.aux.public.get(2 as PartyIndex)!.N).toBe(primes[1]!.p * primes[1]!.q);
  }, 60_000);

  it('signs for a BIP32 child after a party stopped mid-presign resumed; the signature verifies under noble and OpenSSL', async () => {
    const invitation = signInvitation(bytesToHex(new TextEncoder().encode('hello 2pc')), [0, 7]);
    const state = (i: number) => join(dir, `sign-${i}`);
    const run = (i: number, abort?: AbortSignal, onPhase?: (phase: string, type: string, round: number) => void) =>
      runNodeParty({
        signal: server.url,
        identity: ids[i - 1]!,
        invitation,
        stateDir: state(i),
        transport: 'mailbox',
        cggmpKeyShare: shares[i - 1]!,
        ...(abort ? { abort } : {}),
        ...(onPhase ? { onPhaseEvent: (phase, e) => onPhase(phase, e.type, 'round' in e ? e.round : 0) } : {}),
      });
    const p1 = run(1);
    const stop = new AbortController();
    let backup: string | undefined;
    const first = await run(2, stop.signal, (phase, type, round) => {
      if (phase === 'presign' && type === 'round' && round === 2) stop.abort();
    }).then(
      () => 'finished',
      (e: unknown) => (e as Error).name,
    );
    expect(first).toBe('AbortError');
    const second = (await run(2, undefined, (phase, type) => {
      // the state as a backup would hold it: presignature made, signing started
      if (phase === 'sign' && type === 'started' && !backup) cpSync(state(2), (backup = join(dir, 'sign-2-backup')), { recursive: true });
    })) as Extract<NodePartyResult, { ceremony: 'cggmp-sign' }>;
    const r1 = (await p1) as Extract<NodePartyResult, { ceremony: 'cggmp-sign' }>;
    expect(second.result.resumed.presign).toBe(true);
    expect(r1.result.resumed.presign).toBe(false);
    const child = derivePublicKey(shares[0]!.core.publicKey, shares[0]!.core.chainCode, [0, 7]).publicKey;
    for (const r of [r1, second]) {
      expect(bytesToHex(r.result.publicKey)).toBe(bytesToHex(child));
      expect(bytesToHex(r.result.digest)).toBe(bytesToHex(sha256(new TextEncoder().encode('hello 2pc'))));
    }
    const { signature, publicKey, digest } = r1.result;
    expect(second.result.signature).toEqual(signature);
    expect(verifyBoth(publicKey, digest, signature.r, signature.s)).toBe(true);
    expect(verifyBoth(publicKey, digest, signature.r, (signature.s + 1n) % secp256k1.Point.Fn.ORDER)).toBe(false);
    expect(verifyBoth(shares[0]!.core.publicKey, digest, signature.r, signature.s)).toBe(false);

    // a restored old state (presignature made, signing not recorded) cannot use it again
    expect(backup).toBeDefined();
    const old = createFileRunnerStore(join(backup!, 'sessions'));
    const session = JSON.parse(invitation).session as Parameters<typeof cggmpRecordKey>[0];
    await old.delete(cggmpRecordKey(session, 2 as PartyIndex, 'sign'));
    rmSync(join(state(2), 'sessions'), { recursive: true });
    cpSync(join(backup!, 'sessions'), join(state(2), 'sessions'), { recursive: true });
    await expect(run(2)).rejects.toBeInstanceOf(NonceReuseError);
  }, 90_000);

  it('a tampered signature share aborts the honest party naming the sender', async () => {
    const invitation = signInvitation('74616d706572', []);
    const inv = JSON.parse(invitation) as { session: Parameters<typeof cggmpRecordKey>[0] };
    const directory = new Map(parties().map(([k, pk]) => [k as PartyIndex, pk]));
    const digest = sha256(hexToBytes('74616d706572'));
    const honest = runNodeParty({ signal: server.url, identity: ids[0]!, invitation, stateDir: join(dir, 'tamper-1'), transport: 'mailbox', cggmpKeyShare: shares[0]! });
    // party 2 runs the same phases by hand and adds 1 to its σ (re-signing its broadcast)
    const client = await connectSignal({ url: server.url, identity: ids[1]! });
    const router = createPhasedTransport({ transport: createMailboxTransport({ client, session: inv.session }), protocols: [CGGMP_PROTOCOLS.presign, CGGMP_PROTOCOLS.sign], key: 'kept' });
    try {
      await client.create(invitation);
      const base = { session: inv.session, identity: ids[1]!, directory };
      const common = { session: inv.session, self: 2 as PartyIndex, identity: ids[1]!, directory };
      const presign = router.phase(CGGMP_PROTOCOLS.presign);
      const ps = await runProtocol({ ...common, transport: presign, factory: cggmpPresignFactory({ ...base, keyShare: shares[1]!, signers: [1, 2] as PartyIndex[] }) });
      await presign.close();
      const honestFactory = cggmpSignFactory({ ...base, keyShare: shares[1]!, presignature: ps.output.presignature, ledger: createFileNonceLedger(join(dir, 'tamper-2-ledger.json')), digest });
      const auth = engineAuth(ids[1]!, directory);
      const tamper = (envs: Envelope[]): Envelope[] =>
        envs.map((e) => {
          const sigma = BigInt(`0x${(e.payload as { sigma: string }).sigma}`);
          const payload = { sigma: ((sigma + 1n) % secp256k1.Point.Fn.ORDER).toString(16).padStart(64, '0') };
          const { sig: _sig, ...unsigned } = { ...e, payload };
          return { ...unsigned, sig: bytesToHex(auth.sign(messageIdBytes(unsigned))) };
        });
      const evil: SessionFactory<unknown> = {
        create() {
          const s = honestFactory.create() as Session<never, unknown, never>;
          return new Proxy(s, {
            get(target, prop) {
              if (prop === 'start') return async () => tamper(await target.start());
              const v = Reflect.get(target, prop, target) as unknown;
              return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
            },
          }) as AnySession<unknown>;
        },
        restore: honestFactory.restore,
      };
      await runProtocol({ ...common, transport: router.phase(CGGMP_PROTOCOLS.sign), factory: evil, timeoutMs: 20_000 }).catch(() => undefined);
      const e = await honest.then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(ProtocolAbort);
      expect((e as ProtocolAbort).reason).toBe('invalid-signature-share');
      expect((e as ProtocolAbort).culprits).toEqual([2]);
    } finally {
      await router.close();
      await client.close();
    }
  }, 60_000);
});
