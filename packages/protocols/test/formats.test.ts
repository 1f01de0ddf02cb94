/**
 * Stored formats keep loading: version-1 key shares of every suite and a version-1 signing
 * session snapshot (fixtures generated once from seeded test randomness) parse strictly, still
 * sign, and tampered copies are rejected.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CryptoError } from '@tessera/crypto/errors';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import type { PartyIndex } from '../src/engine/ids.ts';
import { createIdentities } from '../src/engine/simulator.ts';
import { encodeKeyShare, parseKeyShare } from '../src/frost/keyshare.ts';
import { createMemoryNonceLedger } from '../src/frost/nonce-ledger.ts';
import { restoreFrostSignSession } from '../src/frost/sign/index.ts';
import { getSuite } from '../src/frost/suite.ts';
import { outputsOf, runSign } from './helpers.ts';

const fx = JSON.parse(readFileSync(new URL('./fixtures/frost-v1.json', import.meta.url), 'utf8')) as Record<string, string[] | string>;
const msg = new TextEncoder().encode('old shares still sign');

describe.each(['secp256k1', 'taproot', 'ed25519'] as const)('key share v1, %s', (suite) => {
  const texts = fx[suite] as string[];
  it('parses strictly, re-encodes byte for byte and signs', async () => {
    const shares = texts.map((t) => parseKeyShare(t, { checkAllVerifyingShares: true }));
    expect(shares.map(encodeKeyShare)).toEqual(texts);
    const [out] = outputsOf(await runSign([shares[0]!, shares[2]!], msg));
    expect(getSuite(suite).verify(out!.signature, msg, shares[0]!.commitments[0]!)).toBe(true);
  });
  it('rejects tampered copies', () => {
    const o = JSON.parse(texts[0]!);
    const flip = (h: string) => h.slice(0, -1) + (h.at(-1) === '0' ? '1' : '0');
    expect(() => parseKeyShare(JSON.stringify({ ...o, signingShare: flip(o.signingShare) }).replace(/\s/g, ''))).toThrow();
    const sorted = (x: object) => JSON.stringify(Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))));
    expect(() => parseKeyShare(sorted({ ...o, signingShare: flip(o.signingShare) }))).toThrow(CryptoError);
    expect(() => parseKeyShare(sorted({ ...o, version: 2 }))).toThrow(RangeError);
    expect(() => parseKeyShare(sorted({ ...o, extra: 1 }))).toThrow(TypeError);
    expect(() => parseKeyShare(sorted({ ...o, threshold: 4 }))).toThrow(RangeError);
    const vs = [...o.verifyingShares];
    vs[1] = vs[2];
    expect(() => parseKeyShare(sorted({ ...o, verifyingShares: vs }), { checkAllVerifyingShares: true })).toThrow(CryptoError);
  });
});

describe('session snapshot v1', () => {
  it('a stored signing snapshot restores into round 1', () => {
    const share = parseKeyShare((fx.ed25519 as string[])[0]!);
    const ids = createIdentities(share.parties, createSeededRng('fixture snapshot'));
    const s = restoreFrostSignSession(fx.signSnapshot as string, { keyShare: share, ledger: createMemoryNonceLedger(), auth: ids.auth.get(1 as PartyIndex)! });
    expect(s.round).toBe(1);
    expect(s.waitingFor()).toEqual([2]);
    expect(s.snapshot()).toBe(fx.signSnapshot);
  });
});
