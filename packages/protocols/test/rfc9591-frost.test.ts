/**
 * RFC 9591 conformance (cfrg poc vectors, the values of the RFC appendix) for FROST(secp256k1,
 * SHA-256) and FROST(Ed25519, SHA-512), plus the frost-rs (ZcashFoundation) signing vectors
 * for secp256k1, Ed25519 and secp256k1-tr (BIP340) including the 257-participant
 * big-identifier runs: nonces, commitments, shares and signature through noble directly,
 * and the final signature through the engine's signing protocol in the simulator.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import type { NonceCommitments, Nonces } from '@noble/curves/abstract/frost.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { newSessionId, type PartyIndex } from '../src/engine/ids.ts';
import { ProtocolAbort } from '../src/engine/errors.ts';
import { createIdentities, runSimulation, tamperMessages } from '../src/engine/simulator.ts';
import { toFrostPublic, toFrostSecret } from '../src/frost/keyshare.ts';
import { createMemoryNonceLedger } from '../src/frost/nonce-ledger.ts';
import { createFrostSignSession } from '../src/frost/sign/index.ts';
import { getSuite, type SuiteName } from '../src/frost/suite.ts';
import { keySharesFromVector, loadVector, queueRng, type RfcVector } from './helpers.ts';

const cases: [string, SuiteName, string][] = [
  ['RFC 9591 secp256k1', 'secp256k1', 'frost/rfc9591-cfrg-poc/frost-secp256k1-sha256.json'],
  ['RFC 9591 ed25519', 'ed25519', 'frost/rfc9591-cfrg-poc/frost-ed25519-sha512.json'],
  ['frost-rs secp256k1', 'secp256k1', 'frost/zcash-frost/secp256k1/vectors.json'],
  ['frost-rs ed25519', 'ed25519', 'frost/zcash-frost/ed25519/vectors.json'],
  ['frost-rs secp256k1-tr', 'taproot', 'frost/zcash-frost/secp256k1-tr/vectors.json'],
  ['frost-rs secp256k1 big identifiers', 'secp256k1', 'frost/zcash-frost/secp256k1/vectors-big-identifier.json'],
  ['frost-rs ed25519 big identifiers', 'ed25519', 'frost/zcash-frost/ed25519/vectors-big-identifier.json'],
];

async function signThroughEngine(suiteName: SuiteName, v: RfcVector, tamperFrom?: PartyIndex) {
  const shares = keySharesFromVector(suiteName, v);
  const signers = [...shares.keys()].sort((a, b) => a - b);
  const idRng = createSeededRng(`ids ${suiteName}`);
  const committee = shares.get(signers[0]!)!.parties;
  const ids = createIdentities(committee.filter((p) => signers.includes(p)), idRng);
  const session = newSessionId(idRng);
  const sessions = signers.map((p) => {
    const r1 = v.round_one_outputs.outputs.find((o) => o.identifier === p)!;
    return createFrostSignSession({
      session,
      keyShare: shares.get(p)!,
      request: { message: hexToBytes(v.inputs.message), signers },
      ledger: createMemoryNonceLedger(),
      auth: ids.auth.get(p)!,
      rng: queueRng([hexToBytes(r1.hiding_nonce_randomness), hexToBytes(r1.binding_nonce_randomness)]),
    });
  });
  const faults = tamperFrom === undefined ? [] : [tamperMessages({ from: tamperFrom, round: 2 }, (p) => ({ share: flipLastHexDigit((p as { share: string }).share) }))];
  return runSimulation(sessions, { identities: ids, rng: idRng, faults });
}

function flipLastHexDigit(h: string): string {
  return h.slice(0, -1) + (h.at(-1) === '0' ? '1' : '0');
}

describe.each(cases)('%s', (_name, suiteName, path) => {
  const v = loadVector<RfcVector>(path);
  const suite = getSuite(suiteName);

  it('noble reproduces nonces, commitments, signature shares and the signature', () => {
    const shares = keySharesFromVector(suiteName, v);
    const msg = hexToBytes(v.inputs.message);
    const gen = new Map<number, { nonces: Nonces; commitments: NonceCommitments }>();
    for (const o of v.round_one_outputs.outputs) {
      const rng = queueRng([hexToBytes(o.hiding_nonce_randomness), hexToBytes(o.binding_nonce_randomness)]);
      const g = suite.frost.commit(toFrostSecret(shares.get(o.identifier as PartyIndex)!), (n = 32) => rng.fill(new Uint8Array(n)) as Uint8Array<ArrayBuffer>);
      expect(bytesToHex(g.nonces.hiding)).toBe(o.hiding_nonce);
      expect(bytesToHex(g.nonces.binding)).toBe(o.binding_nonce);
      expect(bytesToHex(g.commitments.hiding)).toBe(o.hiding_nonce_commitment);
      expect(bytesToHex(g.commitments.binding)).toBe(o.binding_nonce_commitment);
      gen.set(o.identifier, g);
    }
    const list = [...gen.values()].map((g) => g.commitments);
    const sigShares: Record<string, Uint8Array> = {};
    for (const o of v.round_two_outputs.outputs) {
      const share = shares.get(o.identifier as PartyIndex)!;
      const z = suite.frost.signShare(toFrostSecret(share), toFrostPublic(share), gen.get(o.identifier)!.nonces, list, msg);
      expect(bytesToHex(z)).toBe(o.sig_share);
      sigShares[suite.identifier(o.identifier as PartyIndex)] = z;
    }
    const any = shares.values().next().value!;
    const sig = suite.frost.aggregate(toFrostPublic(any), list, msg, sigShares);
    expect(bytesToHex(sig)).toBe(v.final_output.sig);
    expect(suite.verify(sig, msg, any.commitments[0]!)).toBe(true);
    // Negative: a tampered signature does not verify.
    const bad = sig.slice();
    bad[bad.length - 1]! ^= 1;
    expect(suite.verify(bad, msg, any.commitments[0]!)).toBe(false);
  });

  it('the engine signing protocol produces the vector signature', async () => {
    const res = await signThroughEngine(suiteName, v);
    for (const o of res.outcomes.values()) {
      expect(o.status).toBe('done');
      expect(bytesToHex(o.output!.signature)).toBe(v.final_output.sig);
    }
    const out = [...res.outcomes.values()][0]!.output!;
    if (suiteName === 'taproot') expect(schnorr.verify(out.signature, out.message, out.publicKey)).toBe(true);
    if (suiteName === 'ed25519') expect(ed25519.verify(out.signature, out.message, out.publicKey)).toBe(true);
  });

  it('a tampered signature share is rejected and its signer named', async () => {
    const culprit = v.inputs.participant_list[1]! as PartyIndex;
    const res = await signThroughEngine(suiteName, v, culprit);
    for (const [p, o] of res.outcomes) {
      if (p === culprit) continue;
      expect(o.status).toBe('aborted');
      expect(o.error).toBeInstanceOf(ProtocolAbort);
      expect((o.error as ProtocolAbort).reason).toBe('invalid-signature-share');
      expect((o.error as ProtocolAbort).culprits).toEqual([culprit]);
    }
  });
});
