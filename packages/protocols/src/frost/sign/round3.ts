/**
 * FROST signing, round 3 (only with a designated aggregator): the other signers receive the
 * aggregated signature and accept it only if it verifies under the group key; otherwise the
 * aggregator is blamed.
 * @module
 */
import { expectHex, expectObject } from '../../engine/codec.ts';
import { ProtocolAbort } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, RoundSpec } from '../../engine/protocol.ts';
import { hexToBytes } from '@tessera/crypto/bytes';
import { getSuite } from '../suite.ts';
import { signOutput } from './round2.ts';
import type { SignDeps, SignOutput, SignState } from './types.ts';

function readSignature(state: SignState, payload: unknown): Uint8Array {
  const o = expectObject(payload, 'signature', ['signature']);
  return expectHex(o.signature, 'signature.signature', getSuite(state.suite).signatureLength);
}

/** Round 3 of signing (aggregator mode): accepts the aggregated signature if it verifies. @throws {ProtocolAbort} naming the aggregator otherwise. */
export const round3: RoundSpec<SignState, SignOutput, SignDeps> = {
  expects(state): Expectation {
    return { broadcast: [state.aggregator as PartyIndex], p2p: [], echo: [] };
  },
  parse(_kind, _from, payload, state) {
    readSignature(state, payload);
  },
  finalize(state, inbox, ctx) {
    const agg = state.aggregator as PartyIndex;
    const m = inbox.broadcast.get(agg)!;
    const sig = readSignature(state, m.payload);
    if (!getSuite(state.suite).verify(sig, hexToBytes(state.message), ctx.deps.keyShare.commitments[0]!))
      throw new ProtocolAbort('invalid-message', [agg], [{ id: m.id, round: 3, from: agg, reason: 'invalid-message', detail: 'aggregated signature does not verify' }]);
    return { output: signOutput(state, sig, ctx.deps), outgoing: [] };
  },
};
