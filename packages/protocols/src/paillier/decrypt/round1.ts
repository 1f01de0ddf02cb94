/**
 * Threshold decryption, round 1 (Shoup 2000 §3; Damgård–Jurik 2001 §4.1): every decrypting
 * party has broadcast its decryption share cᵢ = c^{2Δsᵢ} with its proof (sent by `init`); here
 * each party parses the others' shares strictly (a malformed message is an identifiable abort,
 * as everywhere in the engine), verifies every proof, excludes and names the parties whose proof
 * fails, and combines T valid shares. With fewer than T valid shares the session aborts with
 * reason `invalid-proof` naming those parties, with their message ids as evidence.
 * No echo round: each party decides on what it received, and any T valid shares give the same
 * plaintext, so an equivocating sender cannot make honest parties disagree on m.
 * @module
 */
import { hexToBigInt, hexToBytes } from '@tessera/crypto/bytes';
import { FieldRangeError } from '@tessera/crypto/errors';
import { ProtocolAbort, type Evidence } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, RoundSpec } from '../../engine/protocol.ts';
import { parseDecryptionShare } from './encoding.ts';
import { InsufficientSharesError, verifyAndCombine } from './share.ts';
import type { DecryptDeps, DecryptOutput, DecryptState } from './types.ts';

function others(ctx: { parties: readonly PartyIndex[]; self: PartyIndex }): PartyIndex[] {
  return ctx.parties.filter((p) => p !== ctx.self);
}

/** Round 1: verify, exclude, combine. */
export const round1: RoundSpec<DecryptState, DecryptOutput, DecryptDeps> = {
  expects(_state, ctx): Expectation {
    return { broadcast: others(ctx), p2p: [], echo: [] };
  },
  parse(_kind, from, payload, _state, ctx) {
    const ds = parseDecryptionShare(ctx.deps.keyShare.publicKey, payload);
    if (ds.index !== from) throw new FieldRangeError('share.index', `share of party ${ds.index} sent by party ${from}`);
  },
  finalize(state, inbox, ctx) {
    const pk = ctx.deps.keyShare.publicKey;
    const c = hexToBigInt(state.c, 'state.c');
    const own = parseDecryptionShare(pk, state.own, 'state.own');
    const received = others(ctx).map((p) => ({ msg: inbox.broadcast.get(p)!, share: parseDecryptionShare(pk, inbox.broadcast.get(p)!.payload) }));
    try {
      const res = verifyAndCombine(
        pk,
        c,
        received.map((r) => r.share),
        { context: hexToBytes(ctx.session), own },
      );
      return { output: res, outgoing: [] };
    } catch (err) {
      if (!(err instanceof InsufficientSharesError)) throw err;
      const evidence: Evidence[] = err.invalid.map((x) => ({
        id: received.find((r) => r.share.index === x.index)?.msg.id ?? '',
        round: 1,
        from: x.index,
        reason: 'invalid-proof',
        detail: x.reason,
      }));
      throw new ProtocolAbort('invalid-proof', err.culprits, evidence, err.message);
    }
  },
};
