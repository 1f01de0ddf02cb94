/**
 * FROST DKG, round 3 (GJKR complaint phase, step 1(b)): every party's complaint list is
 * broadcast and echo-checked. With no complaint anywhere, the key computed in round 2 is the
 * result. Otherwise each accused party answers by broadcasting the disputed shares (round 4).
 * @module
 */
import { InternalError } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, RoundSpec } from '../../engine/protocol.ts';
import { accusedOf, answerPayload, readComplaints } from '../complaints.ts';
import { keyShareFromFrost } from '../keyshare.ts';
import { getSuite } from '../suite.ts';
import { othersOf } from './round1.ts';
import { decodeDisqualified, decodeKey, decodeSecret, type DkgDeps, type DkgOutput, type DkgState } from './types.ts';

/** The DKG output from a noble key over the qualified set. */
export function dkgOutput(state: DkgState, self: PartyIndex, qualified: readonly PartyIndex[], key: ReturnType<typeof decodeKey>): DkgOutput {
  const suite = getSuite(state.suite);
  const finished = suite.finishKey(key);
  return {
    keyShare: keyShareFromFrost(state.suite, self, qualified, finished),
    qualified,
    disqualified: decodeDisqualified(state.disqualified),
  };
}

/** Round 3 of the DKG: complaint lists; output if there are none. */
export const round3: RoundSpec<DkgState, DkgOutput, DkgDeps> = {
  expects(state, ctx): Expectation {
    const others = othersOf(state, ctx.self);
    return { broadcast: others, p2p: [], echo: others };
  },
  parse(_kind, from, payload, state) {
    readComplaints(payload, state.qualified as PartyIndex[], from);
  },
  finalize(state, inbox, ctx) {
    const suite = getSuite(state.suite);
    const book: [number, number[], string][] = [];
    for (const p of state.qualified as PartyIndex[]) {
      if (p === ctx.self) {
        if (state.myComplaints.length > 0) book.push([p, [...state.myComplaints], '']);
        continue;
      }
      const m = inbox.broadcast.get(p)!;
      const against = readComplaints(m.payload, state.qualified as PartyIndex[], p);
      if (against.length > 0) book.push([p, against, m.id]);
    }
    if (book.length === 0) {
      if (state.key === null) throw new InternalError('no complaints but no key');
      return { output: dkgOutput(state, ctx.self, state.qualified as PartyIndex[], decodeKey(state.suite, state.key)), outgoing: [] };
    }
    const accused = accusedOf(new Map(book.map(([c, a, id]) => [c as PartyIndex, { against: a as PartyIndex[], id }])));
    const outgoing = [];
    if (accused.includes(ctx.self)) {
      const sent = decodeSecret(suite, state.secret).round2Cache!;
      const reveals = new Map<PartyIndex, Uint8Array>();
      for (const [c, against] of book) if (against.includes(ctx.self)) reveals.set(c as PartyIndex, sent[suite.identifier(c as PartyIndex)]!.signingShare.slice());
      outgoing.push({ kind: 'broadcast' as const, payload: answerPayload(reveals) });
    }
    return { next: 4, state: { ...state, complaints: book }, outgoing };
  },
};
