/**
 * Share refresh, round 3: accused dealers' answers are checked by everyone; a dealer that
 * fails is named and its zero-sharing left out by all (or the session aborts, by policy).
 * @module
 */
import { hexToBytes } from '@tessera/crypto/bytes';
import { ProtocolAbort } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Received, RoundSpec } from '../../engine/protocol.ts';
import { accusedOf, readAnswers, resolveComplaints, type ComplaintBook } from '../complaints.ts';
import { getSuite } from '../suite.ts';
import { refreshedShare } from './round2.ts';
import { zeroShareMatches, type RefreshDeps, type RefreshOutput, type RefreshState } from './types.ts';

function bookOf(state: RefreshState): ComplaintBook {
  return new Map(state.complaints.map(([c, a, id]) => [c as PartyIndex, { against: a as PartyIndex[], id }]));
}

/** Round 3 of refresh: answers to complaints. @throws {ProtocolAbort} (`disqualified`) under the abort policy. */
export const round3: RoundSpec<RefreshState, RefreshOutput, RefreshDeps> = {
  expects(state, ctx) {
    const others = ctx.parties.filter((p) => p !== ctx.self);
    return { broadcast: accusedOf(bookOf(state)).filter((p) => p !== ctx.self), p2p: [], echo: others };
  },
  parse(_kind, _from, payload, state, ctx) {
    readAnswers(payload, getSuite(state.suite), ctx.parties);
  },
  finalize(state, inbox, ctx) {
    const suite = getSuite(state.suite);
    const answers = new Map<PartyIndex, { reveals: Map<PartyIndex, Uint8Array>; msg: Received }>();
    for (const [p, m] of inbox.broadcast) answers.set(p, { reveals: readAnswers(m.payload, suite, ctx.parties), msg: m });
    const verdict = resolveComplaints({
      self: ctx.self,
      round: 3,
      book: bookOf(state),
      answers,
      verify: (dealer, complainer, share) => zeroShareMatches(suite, state.dealt.find((d) => d[0] === dealer)![1], complainer, share),
    });
    const bad = [...verdict.disqualified.keys()].sort((a, b) => a - b);
    const evidence = bad.flatMap((p) => verdict.disqualified.get(p)!);
    if (bad.length > 0 && state.policy === 'abort') throw new ProtocolAbort('disqualified', bad, evidence);
    const received = new Map<PartyIndex, Uint8Array>(state.received.map(([p, s]) => [p as PartyIndex, hexToBytes(s)]));
    for (const [d, s] of verdict.revealedForSelf) received.set(d, s.slice());
    const dealers = ctx.parties.filter((p) => !bad.includes(p));
    const keyShare = refreshedShare(state, ctx.self, ctx.deps.keyShare, dealers, received);
    return { output: { keyShare, disqualified: bad.map((p) => ({ party: p, reason: 'failed-answer' as const, evidence: verdict.disqualified.get(p)! })) }, outgoing: [] };
  },
};
