/**
 * Resharing, round 3: accused dealers' answers are checked by everyone; failing dealers are
 * named and left out (or the session aborts, by policy). At least the old threshold of
 * dealers must remain; the new shares are then combined and the group key is checked to be
 * unchanged.
 * @module
 */
import { hexToBytes } from '@tessera/crypto/bytes';
import { ProtocolAbort } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Received, RoundSpec } from '../../engine/protocol.ts';
import { accusedOf, readAnswers, resolveComplaints, type ComplaintBook } from '../complaints.ts';
import { decodeDisqualified, encodeDisqualified } from '../dkg/types.ts';
import { getSuite } from '../suite.ts';
import { qualifiedDealers } from './round2.ts';
import { combine, subShareMatches, type ReshareDeps, type ReshareOutput, type ReshareState } from './types.ts';

function bookOf(state: ReshareState): ComplaintBook {
  return new Map(state.complaints.map(([c, a, id]) => [c as PartyIndex, { against: a as PartyIndex[], id }]));
}

/** Round 3 of resharing: answers to complaints, final combination. @throws {ProtocolAbort} (`disqualified`, `too-few-qualified`). */
export const round3: RoundSpec<ReshareState, ReshareOutput, ReshareDeps> = {
  expects(state, ctx) {
    const others = ctx.parties.filter((p) => p !== ctx.self);
    return { broadcast: accusedOf(bookOf(state)).filter((p) => p !== ctx.self), p2p: [], echo: others };
  },
  parse(_kind, _from, payload, state) {
    readAnswers(payload, getSuite(state.suite), state.parties as PartyIndex[]);
  },
  finalize(state, inbox, ctx) {
    const suite = getSuite(state.suite);
    const answers = new Map<PartyIndex, { reveals: Map<PartyIndex, Uint8Array>; msg: Received }>();
    for (const [p, m] of inbox.broadcast) answers.set(p, { reveals: readAnswers(m.payload, suite, state.parties as PartyIndex[]), msg: m });
    const verdict = resolveComplaints({
      self: ctx.self,
      round: 3,
      book: bookOf(state),
      answers,
      verify: (dealer, complainer, share) => {
        const row = dealer === ctx.self ? state.own : state.dealt.find((d) => d[0] === dealer)?.[1];
        return row !== undefined && row !== null && subShareMatches(suite, row, complainer, share);
      },
    });
    const bad = [...verdict.disqualified.keys()].sort((a, b) => a - b);
    const evidence = bad.flatMap((p) => verdict.disqualified.get(p)!);
    if (bad.length > 0 && state.policy === 'abort') throw new ProtocolAbort('disqualified', bad, evidence);
    const disqualified = [...decodeDisqualified(state.disqualified), ...bad.map((p) => ({ party: p, reason: 'failed-answer' as const, evidence: verdict.disqualified.get(p)! }))];
    const next: ReshareState = { ...state, disqualified: encodeDisqualified(disqualified) };
    const q = qualifiedDealers(next, []);
    const received = new Map<PartyIndex, Uint8Array>(state.received.map(([p, s]) => [p as PartyIndex, hexToBytes(s)]));
    for (const [d, s] of verdict.revealedForSelf) received.set(d, s.slice());
    return { output: { keyShare: combine(next, ctx.self, q, received), dealers: q, disqualified }, outgoing: [] };
  },
};
