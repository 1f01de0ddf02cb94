/**
 * CGGMP21 signing, output (Fig. 8): every signer's σⱼ = kⱼ·m + r·χⱼ arrives by broadcast and is
 * checked on its own against the presignature's public values, σⱼ·Γ = m·Δⱼ + r·Ŝⱼ (Γ ≠ 0 makes
 * σⱼ unique), so a wrong share names its sender (`invalid-signature-share`). Then
 * s = Σ σⱼ, normalized to low-S with the recovery id adjusted, and (r, s) is verified as an
 * ordinary ECDSA signature under the public key before it is output.
 * @module
 */
import { hexToBytes } from '@tessera/crypto/bytes';
import { expectObject } from '../../engine/codec.ts';
import { InternalError, ProtocolAbort, type Evidence } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, RoundSpec } from '../../engine/protocol.ts';
import { Fn, mulVartime, readPoint, readScalar } from '../curve.ts';
import { digestScalar, normalizeLowS, rOf, verifyEcdsaDigest } from '../ecdsa.ts';
import type { SignDeps, SignOutput, SignState } from './types.ts';

/** Strict reader of a share payload `{ sigma }`. */
export function readSigma(payload: unknown): bigint {
  return readScalar(expectObject(payload, 'share', ['sigma']).sigma, 'share.sigma', true);
}

/** Round 1: signature shares, checked one by one; the signature. @throws {ProtocolAbort} from finalize. */
export const round1: RoundSpec<SignState, SignOutput, SignDeps> = {
  expects(state, ctx): Expectation {
    return { broadcast: state.signers.filter((p) => p !== ctx.self) as PartyIndex[], p2p: [], echo: [] };
  },
  parse(_kind, _from, payload) {
    readSigma(payload);
  },
  finalize(state, inbox, ctx) {
    const digest = hexToBytes(state.digest);
    const m = digestScalar(digest);
    const R = readPoint(state.R, 'state.R');
    const Gamma = readPoint(state.Gamma, 'state.Gamma');
    const { r, v } = rOf(R);
    let s = readScalar(state.sigma, 'state.sigma', true);
    const bad: PartyIndex[] = [];
    const evidence: Evidence[] = [];
    state.signers.forEach((p, k) => {
      if (p === ctx.self) return;
      const j = p as PartyIndex;
      const msg = inbox.broadcast.get(j)!;
      const sigma = readSigma(msg.payload);
      const Delta = readPoint(state.Delta[k], `state.Delta[${k}]`);
      const S = readPoint(state.S[k], `state.S[${k}]`);
      const expected = mulVartime(Delta, m).add(mulVartime(S, r));
      if (!mulVartime(Gamma, sigma).equals(expected)) {
        bad.push(j);
        evidence.push({ id: msg.id, round: 1, from: j, reason: 'invalid-share', detail: 'σⱼ·Γ ≠ m·Δⱼ + r·Ŝⱼ' });
      }
      s = Fn.add(s, sigma);
    });
    if (bad.length > 0) throw new ProtocolAbort('invalid-signature-share', bad, evidence);
    if (s === 0n) throw new InternalError('s = 0: the presignature cannot sign this message');
    const signature = normalizeLowS(r, s, v);
    const publicKey = ctx.deps.keyShare.core.publicKey;
    if (!verifyEcdsaDigest(publicKey, digest, signature)) throw new InternalError('signature does not verify although every share did');
    return { output: { signature, publicKey: publicKey.slice(), digest, signers: state.signers as PartyIndex[] }, outgoing: [] };
  },
};
