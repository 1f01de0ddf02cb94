/**
 * FROST signing, round 2 (RFC 9591 §5.3 aggregate, §5.4 share verification): the aggregator
 * (or every signer, without a designated aggregator) collects the shares zⱼ, verifies each one
 * with noble's `verifyShare` before aggregating, aborts naming every signer whose share is
 * invalid, then aggregates with noble's `aggregate` and checks the final signature as an
 * ordinary single-key signature. A designated aggregator broadcasts the signature (round 3).
 * Only signers of the set fixed in round 1 are heard; a share from anyone else is rejected.
 * @module
 */
import { hexToBytes } from '@tessera/crypto/bytes';
import { expectHex, expectObject, hex } from '../../engine/codec.ts';
import { InternalError, ProtocolAbort, type Evidence } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, RoundSpec } from '../../engine/protocol.ts';
import { publicKey, toFrostPublic } from '../keyshare.ts';
import { getSuite } from '../suite.ts';
import { commitmentList, otherSigners } from './round1.ts';
import type { SignDeps, SignOutput, SignState } from './types.ts';

/** Strict reader of a share payload `{ share }`. */
export function readShare(state: SignState, payload: unknown): Uint8Array {
  const suite = getSuite(state.suite);
  const o = expectObject(payload, 'share', ['share']);
  const z = expectHex(o.share, 'share.share', suite.scalarLength);
  suite.parseScalar(z, 'share.share', true);
  return z;
}

/** The output of a signing session. */
export function signOutput(state: SignState, signature: Uint8Array, deps: SignDeps): SignOutput {
  return {
    suite: state.suite,
    signature,
    publicKey: publicKey(deps.keyShare),
    message: hexToBytes(state.message),
    signers: state.signers as PartyIndex[],
  };
}

/** Round 2 of signing: verifies every share, then aggregates. @throws {ProtocolAbort} from finalize naming every signer with an invalid share. */
export const round2: RoundSpec<SignState, SignOutput, SignDeps> = {
  expects(state, ctx): Expectation {
    const others = otherSigners(state, ctx.self);
    if (state.aggregator === null) return { broadcast: others, p2p: [], echo: [] };
    if (state.aggregator === ctx.self) return { broadcast: [], p2p: others, echo: [] };
    return { broadcast: [], p2p: [], echo: [] };
  },
  parse(_kind, _from, payload, state) {
    readShare(state, payload);
  },
  finalize(state, inbox, ctx) {
    if (state.aggregator !== null && state.aggregator !== ctx.self) return { next: 3, state, outgoing: [] };
    const suite = getSuite(state.suite);
    const pub = toFrostPublic(ctx.deps.keyShare);
    const list = commitmentList(state);
    const msg = hexToBytes(state.message);
    const shares: Record<string, Uint8Array> = {};
    const bad: PartyIndex[] = [];
    const evidence: Evidence[] = [];
    for (const p of state.signers as PartyIndex[]) {
      const id = suite.identifier(p);
      if (p === ctx.self) {
        shares[id] = hexToBytes(state.ownShare!);
        continue;
      }
      const m = (inbox.broadcast.get(p) ?? inbox.p2p.get(p))!;
      const z = readShare(state, m.payload);
      if (!suite.frost.verifyShare(pub, list, msg, id, z)) {
        bad.push(p);
        evidence.push({ id: m.id, round: 2, from: p, reason: 'invalid-share', detail: 'signature share fails zⱼ·G = Dⱼ + ρⱼ·Eⱼ + λⱼ·c·Yⱼ' });
      }
      shares[id] = z;
    }
    if (bad.length > 0) throw new ProtocolAbort('invalid-signature-share', bad, evidence);
    const signature = suite.frost.aggregate(pub, list, msg, shares);
    if (!suite.verify(signature, msg, ctx.deps.keyShare.commitments[0]!))
      throw new InternalError('aggregated signature does not verify although every share did');
    const outgoing = state.aggregator === ctx.self ? [{ kind: 'broadcast' as const, payload: { signature: hex(signature) } }] : [];
    return { output: signOutput(state, signature, ctx.deps), outgoing };
  },
};
