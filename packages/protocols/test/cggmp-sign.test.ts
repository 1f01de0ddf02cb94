/**
 * CGGMP21 presigning (Fig. 7) and signing (Fig. 8) end to end in the simulator: 2-of-3 with a
 * non-contiguous signing set and 2-of-2 (the 2PC wallet), signatures checked by @noble/curves
 * and by OpenSSL (node:crypto, DER + SPKI), low-S with a recovery id that recovers the key,
 * Keccak-256 digests, presignatures single-use through the ledger (reuse fails closed before
 * any share leaves), presignature encodings, and a presigning session resumed from a snapshot.
 * Aux-info comes from the v1 fixture (made by the aux-info protocol; see cggmp-aux.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { backendReady } from '@tessera/crypto/backend';
import { CryptoError, FieldRangeError } from '@tessera/crypto/errors';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { InternalError, NonceReuseError } from '../src/engine/errors.ts';
import { newSessionId, type PartyIndex } from '../src/engine/ids.ts';
import { createIdentities, runSimulation } from '../src/engine/simulator.ts';
import type { Envelope } from '../src/engine/envelope.ts';
import { CURVE_ORDER } from '../src/cggmp/curve.ts';
import { messageDigest, recoverPublicKey } from '../src/cggmp/ecdsa.ts';
import { keyId, type CggmpKeyShare } from '../src/cggmp/keyshare.ts';
import { createCggmpPresignSession, encodePresignature, parsePresignature, restoreCggmpPresignSession, type Presignature } from '../src/cggmp/presign/index.ts';
import { createCggmpSignSession } from '../src/cggmp/sign/index.ts';
import { createMemoryNonceLedger, type MemoryNonceLedger } from '../src/frost/nonce-ledger.ts';
import { fixtureKeyShares, presignaturesOf, runPresign, runSign, verifyEcdsa } from './cggmp-fixtures.ts';

describe('CGGMP21 presign + sign', () => {
  let shares: CggmpKeyShare[];
  let signing: CggmpKeyShare[];
  let presigs: Map<PartyIndex, Presignature>;
  let ledgers: Map<PartyIndex, MemoryNonceLedger>;
  const message = new TextEncoder().encode('tessera cggmp21 2-of-3');

  beforeAll(async () => {
    await backendReady();
    shares = await fixtureKeyShares(2, 3);
    signing = [shares[0]!, shares[2]!];
    presigs = presignaturesOf(await runPresign(signing, { seed: 'presign 1,3' }));
    ledgers = new Map(signing.map((s) => [s.core.index, createMemoryNonceLedger()]));
  });

  it('2-of-3 (signers 1 and 3): a low-S signature that noble and OpenSSL accept and whose recovery id recovers the key', async () => {
    const digest = sha256(message);
    const res = await runSign(signing, presigs, digest, { ledgers });
    const outs = [...res.outcomes.values()].map((o) => {
      expect(o.status, String(o.error)).toBe('done');
      return o.output!;
    });
    const { r, s, v } = outs[0]!.signature;
    expect(outs[1]!.signature).toEqual(outs[0]!.signature);
    expect(s <= CURVE_ORDER >> 1n).toBe(true);
    verifyEcdsa(shares[0]!.core.publicKey, digest, r, s, message);
    expect(recoverPublicKey(digest, { r, s, v })).toEqual(shares[0]!.core.publicKey);
    // The wrong message does not verify (the check can fail).
    expect(() => verifyEcdsa(shares[0]!.core.publicKey, sha256(new Uint8Array([1])), r, s)).toThrow();
    for (const [p, l] of ledgers) expect(l.consumed(keyId(shares[p - 1]!.core)).has(presigs.get(p)!.id)).toBe(true);
  });

  it('a presignature is single-use: a second signing fails closed before any share is sent', async () => {
    const ps = presigs.get(1 as PartyIndex)!;
    const ids = createIdentities(shares[0]!.core.parties, createSeededRng('reuse'));
    const again = createCggmpSignSession({
      session: newSessionId(createSeededRng('reuse session')),
      keyShare: signing[0]!,
      presignature: ps,
      ledger: ledgers.get(1 as PartyIndex)!,
      request: { digest: sha256(new TextEncoder().encode('another message')) },
      auth: ids.auth.get(1 as PartyIndex)!,
    });
    const sent = await again.start();
    expect(sent).toEqual([]);
    expect(again.status).toBe('aborted');
    expect(again.error).toBeInstanceOf(NonceReuseError);
  });

  it('presignatures round-trip through their encoding; tampered ones are refused', () => {
    const ps = presigs.get(3 as PartyIndex)!;
    const text = encodePresignature(ps);
    const back = parsePresignature(text);
    expect(back.k).toBe(ps.k);
    expect(encodePresignature(back)).toBe(text);
    const o = JSON.parse(text);
    o.k = o.chi;
    const keys = Object.keys(o).sort();
    expect(() => parsePresignature('{' + keys.map((k) => JSON.stringify(k) + ':' + JSON.stringify(o[k])).join(',') + '}')).toThrowError(CryptoError);
  });

  it('a signing set below the threshold is refused', async () => {
    const ids = createIdentities(shares[0]!.core.parties, createSeededRng('small set'));
    const session = newSessionId(createSeededRng('small set session'));
    expect(() => createCggmpPresignSession({ session, keyShare: shares[0]!, request: { signers: [1 as PartyIndex] }, auth: ids.auth.get(1 as PartyIndex)! })).toThrowError(FieldRangeError);
    const [three] = await fixtureKeyShares(3, 3, 'three of three');
    const s = createCggmpPresignSession({ session, keyShare: three!, request: { signers: [1, 2] as PartyIndex[] }, auth: ids.auth.get(1 as PartyIndex)! });
    expect(await s.start()).toEqual([]);
    expect(s.status).toBe('aborted');
    expect(s.error).toBeInstanceOf(InternalError);
    expect(String((s.error as InternalError).cause)).toMatch(/at least 3 signers/);
  });

  it('2-of-2 (2PC wallet) with a presigning session resumed from a snapshot, signing a Keccak-256 digest', async () => {
    const pair = await fixtureKeyShares(2, 2, '2pc');
    const rng = createSeededRng('2pc presign');
    const ids = createIdentities(pair[0]!.core.parties, rng);
    const session = newSessionId(rng);
    const sessions = pair.map((s) => createCggmpPresignSession({ session, keyShare: s, request: { signers: [1, 2] as PartyIndex[] }, auth: ids.auth.get(s.core.index)!, rng }));
    const started = new Map<PartyIndex, Envelope[]>();
    for (const s of sessions) started.set(s.self, await s.start());
    // Party 1 stops after round 1 and comes back from its snapshot.
    const restored = restoreCggmpPresignSession(sessions[0]!.snapshot(), { keyShare: pair[0]!, auth: ids.auth.get(1 as PartyIndex)!, rng });
    const res = await runSimulation([restored, sessions[1]!], { identities: ids, rng, started });
    const ps = presignaturesOf(res);
    expect(ps.get(1 as PartyIndex)!.R.equals(ps.get(2 as PartyIndex)!.R)).toBe(true);
    const tx = new TextEncoder().encode('ethereum-style payload');
    const digest = messageDigest(tx, 'keccak256');
    expect(digest).toEqual(keccak_256(tx));
    const sig = await runSign(pair, ps, digest, { seed: '2pc sign' });
    const out = sig.outcomes.get(2 as PartyIndex)!;
    expect(out.status, String(out.error)).toBe('done');
    const { r, s, v } = out.output!.signature;
    verifyEcdsa(pair[0]!.core.publicKey, digest, r, s);
    expect(recoverPublicKey(digest, { r, s, v })).toEqual(pair[0]!.core.publicKey);
  });
});
