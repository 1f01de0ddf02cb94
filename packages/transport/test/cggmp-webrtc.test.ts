/**
 * CGGMP21 2-party ("2PC wallet") ceremonies between two Node parties over the WebRTC mesh
 * (node-datachannel, signalled through a real signal server in this process, mailbox
 * fallback for envelopes too large for a channel): key generation + aux-info, then presigning
 * + signing of a SHA-256 digest; the signature verifies with @noble/curves and OpenSSL,
 * recovers to the key with its v, and presigning traffic went over the data channels.
 * Safe primes come from the Taurus fixture.
 */
import { createPublicKey, verify as osslVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@tessera/crypto/bytes';
import { ecdsaDer, recoverPublicKey, secp256k1Spki } from '@tessera/protocols/cggmp/ecdsa';
import { newSessionId } from '@tessera/protocols/engine/ids';
import { CGGMP_PROTOCOLS, fixedPrimeSource, type CggmpKeyShare } from '../src/cggmp.ts';
import { generateIdentity, type IdentityKey } from '../src/identity.ts';
import { createInvitation } from '../src/invitation.ts';
import { runNodeParty, type NodePartyResult } from '../src/node-party.ts';
import { releaseRtc } from '../src/rtc.node.ts';
import { type TestSignalServer, startServer, fixturePrimes } from './cggmp-support.ts';

let server: TestSignalServer;
let dir: string;
let ids: IdentityKey[];
let shares: CggmpKeyShare[];
const parties = (): [number, Uint8Array][] => ids.map((id, k) => [k + 1, id.publicKey]);

beforeAll(async () => {
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'tessera-cggmp-webrtc-'));
  ids = [generateIdentity(), generateIdentity()];
});

afterAll(async () => {
  await releaseRtc();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('CGGMP21 2-of-2 over WebRTC', () => {
  it('key generation and aux-info over the mesh', async () => {
    const primes = fixturePrimes();
    const invitation = createInvitation({ session: newSessionId(), protocol: CGGMP_PROTOCOLS.keygen, creator: ids[1]!, parties: parties(), params: { ceremony: 'cggmp-keygen', threshold: 2 } }).text;
    const rs = await Promise.all(
      [1, 2].map((i) =>
        runNodeParty({ signal: server.url, identity: ids[i - 1]!, invitation, stateDir: join(dir, `keygen-${i}`), keepRtc: true, primeSource: fixedPrimeSource([primes[i - 1]!]) }),
      ),
    );
    shares = rs.map((r) => (r as Extract<NodePartyResult, { ceremony: 'cggmp-keygen' }>).result.keyShare);
    expect(bytesToHex(shares[0]!.core.publicKey)).toBe(bytesToHex(shares[1]!.core.publicKey));
    expect(shares.map((s) => s.core.threshold)).toEqual([2, 2]);
  }, 60_000);

  it('presigns and signs a SHA-256 digest over data channels; noble and OpenSSL verify', async () => {
    const message = new TextEncoder().encode('2pc over webrtc');
    const invitation = createInvitation({
      session: newSessionId(),
      protocol: CGGMP_PROTOCOLS.sign,
      creator: ids[0]!,
      parties: parties(),
      params: { ceremony: 'cggmp-sign', groupKey: bytesToHex(shares[0]!.core.publicKey), message: bytesToHex(message), hash: 'sha256', signers: [1, 2], derivation: [] },
    }).text;
    let viaChannel = 0;
    const rs = (await Promise.all(
      [1, 2].map((i) =>
        runNodeParty({
          signal: server.url,
          identity: ids[i - 1]!,
          invitation,
          stateDir: join(dir, `sign-${i}`),
          keepRtc: true,
          cggmpKeyShare: shares[i - 1]!,
          onMeshEvent: (e) => {
            if (e.type === 'received') viaChannel++;
          },
        }),
      ),
    )) as Extract<NodePartyResult, { ceremony: 'cggmp-sign' }>[];
    expect(viaChannel).toBeGreaterThan(0);
    const { signature, publicKey, digest } = rs[0]!.result;
    expect(rs[1]!.result.signature).toEqual(signature);
    expect(bytesToHex(digest)).toBe(bytesToHex(sha256(message)));
    expect(bytesToHex(publicKey)).toBe(bytesToHex(shares[0]!.core.publicKey));
    expect(signature.s <= secp256k1.Point.Fn.ORDER >> 1n).toBe(true);
    const compact = new secp256k1.Signature(signature.r, signature.s).toBytes('compact');
    expect(secp256k1.verify(compact, digest, publicKey, { prehash: false })).toBe(true);
    expect(bytesToHex(recoverPublicKey(digest, signature)!)).toBe(bytesToHex(publicKey));
    const key = createPublicKey({ key: Buffer.from(secp256k1Spki(publicKey)), format: 'der', type: 'spki' });
    const der = Buffer.from(ecdsaDer(signature.r, signature.s));
    expect(osslVerify('sha256', Buffer.from(message), key, der)).toBe(true);
    const other = Buffer.from(message);
    other[0]! ^= 1;
    expect(osslVerify('sha256', other, key, der)).toBe(false);
  }, 60_000);
});
