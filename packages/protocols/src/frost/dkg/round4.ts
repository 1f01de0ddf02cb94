/**
 * FROST DKG, round 4 (GJKR complaint phase, step 1(c)): accused parties' answers are checked
 * by everyone against their commitments. A party that fails to answer a complaint correctly
 * is disqualified and named (or, by policy, the session aborts); the complainer takes the
 * revealed share instead. The key is then computed by noble's `DKG.round3` over the qualified
 * set, which must still hold at least t parties.
 * @module
 */
import { hexToBytes } from '@tessera/crypto/bytes';
import { ProtocolAbort, InternalError } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, Received, RoundSpec } from '../../engine/protocol.ts';
import { accusedOf, readAnswers, resolveComplaints, type ComplaintBook } from '../complaints.ts';
import { getSuite } from '../suite.ts';
import { finishRound3, shareMatches } from './round2.ts';
import { dkgOutput } from './round3.ts';
import { decodeDisqualified, encodeDisqualified, type DkgDeps, type DkgOutput, type DkgState } from './types.ts';

function bookOf(state: DkgState): ComplaintBook {
  return new Map(state.complaints.map(([c, a, id]) => [c as PartyIndex, { against: a as PartyIndex[], id }]));
}

/** Round 4 of the DKG: answers to complaints, disqualification, final key. @throws {ProtocolAbort} (`disqualified`, `too-few-qualified`) from finalize. */
export const round4: RoundSpec<DkgState, DkgOutput, DkgDeps> = {
  expects(state, ctx): Expectation {
    const accused = accusedOf(bookOf(state)).filter((p) => p !== ctx.self);
    const everyone = (state.qualified as PartyIndex[]).filter((p) => p !== ctx.self);
    return { broadcast: accused, p2p: [], echo: everyone };
  },
  parse(_kind, _from, payload, state) {
    readAnswers(payload, getSuite(state.suite), state.qualified as PartyIndex[]);
  },
  finalize(state, inbox, ctx) {
    const suite = getSuite(state.suite);
    const q = state.qualified as PartyIndex[];
    const answers = new Map<PartyIndex, { reveals: Map<PartyIndex, Uint8Array>; msg: Received }>();
    for (const [p, m] of inbox.broadcast) answers.set(p, { reveals: readAnswers(m.payload, suite, q), msg: m });
    const verdict = resolveComplaints({
      self: ctx.self,
      round: 4,
      book: bookOf(state),
      answers,
      verify: (dealer, complainer, share) => shareMatches(suite, ctx.session, state.threshold, state.round1.find((r) => r[0] === dealer)!, complainer, share),
    });
    const bad = [...verdict.disqualified.keys()].sort((a, b) => a - b);
    const evidence = bad.flatMap((p) => verdict.disqualified.get(p)!);
    if (bad.length > 0 && state.policy === 'abort') throw new ProtocolAbort('disqualified', bad, evidence);
    const qualified = q.filter((p) => !bad.includes(p));
    if (!qualified.includes(ctx.self)) throw new InternalError('this party was disqualified');
    if (qualified.length < state.threshold) throw new ProtocolAbort('too-few-qualified', bad, evidence);
    const shares = new Map<PartyIndex, Uint8Array>(state.received.map(([p, s]) => [p as PartyIndex, hexToBytes(s)]));
    for (const [dealer, s] of verdict.revealedForSelf) shares.set(dealer, s.slice());
    const disqualified = [...decodeDisqualified(state.disqualified), ...bad.map((p) => ({ party: p, reason: 'failed-answer' as const, evidence: verdict.disqualified.get(p)! }))];
    const next: DkgState = { ...state, disqualified: encodeDisqualified(disqualified) };
    const key = finishRound3(suite, ctx, next, qualified, shares);
    return { output: dkgOutput(next, ctx.self, qualified, key), outgoing: [] };
  },
};
