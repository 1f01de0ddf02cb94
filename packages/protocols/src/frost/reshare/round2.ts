/**
 * Resharing, round 2: complaint lists from the new parties (echo-checked; parties outside the
 * new committee must send an empty list). Without complaints the new shares are combined
 * right away; otherwise the accused dealers reveal the disputed sub-shares (round 3).
 * @module
 */
import { FieldRangeError } from '@tessera/crypto/errors';
import { hexToBytes } from '@tessera/crypto/bytes';
import { ProtocolAbort } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { RoundSpec } from '../../engine/protocol.ts';
import { accusedOf, answerPayload, readComplaints } from '../complaints.ts';
import { decodeDisqualified } from '../dkg/types.ts';
import { combine, type ReshareDeps, type ReshareOutput, type ReshareState } from './types.ts';

/** Qualified dealers once `extra` are excluded too; aborts if fewer than the old threshold remain. */
export function qualifiedDealers(state: ReshareState, extra: readonly PartyIndex[]): PartyIndex[] {
  const out = decodeDisqualified(state.disqualified).map((d) => d.party);
  const q = (state.dealers as PartyIndex[]).filter((d) => !out.includes(d) && !extra.includes(d));
  if (q.length < state.oldThreshold) {
    const culprits = [...out, ...extra];
    throw new ProtocolAbort('too-few-qualified', culprits, decodeDisqualified(state.disqualified).flatMap((d) => d.evidence));
  }
  return q;
}

/** Round 2 of resharing: complaint lists; output if there are none. @throws {ProtocolAbort} (`too-few-qualified`). */
export const round2: RoundSpec<ReshareState, ReshareOutput, ReshareDeps> = {
  expects(_state, ctx) {
    const others = ctx.parties.filter((p) => p !== ctx.self);
    return { broadcast: others, p2p: [], echo: others };
  },
  parse(_kind, from, payload, state) {
    const list = readComplaints(payload, state.dealers as PartyIndex[], from);
    if (list.length > 0 && !state.parties.includes(from)) throw new FieldRangeError('complaints', 'only new parties receive sub-shares');
  },
  finalize(state, inbox, ctx) {
    const book: [number, number[], string][] = [];
    for (const p of ctx.parties) {
      if (p === ctx.self) {
        if (state.myComplaints.length > 0) book.push([p, [...state.myComplaints], '']);
        continue;
      }
      const m = inbox.broadcast.get(p)!;
      const against = readComplaints(m.payload, state.dealers as PartyIndex[], p);
      if (against.length > 0) book.push([p, against, m.id]);
    }
    if (book.length === 0) {
      const q = qualifiedDealers(state, []);
      const received = new Map(state.received.map(([p, s]) => [p as PartyIndex, hexToBytes(s)]));
      return { output: { keyShare: combine(state, ctx.self, q, received), dealers: q, disqualified: decodeDisqualified(state.disqualified) }, outgoing: [] };
    }
    const accused = accusedOf(new Map(book.map(([c, a, id]) => [c as PartyIndex, { against: a as PartyIndex[], id }])));
    const outgoing = [];
    if (accused.includes(ctx.self)) {
      const reveals = new Map<PartyIndex, Uint8Array>();
      for (const [c, against] of book) if (against.includes(ctx.self)) reveals.set(c as PartyIndex, hexToBytes(state.sent.find((s) => s[0] === c)![1]));
      outgoing.push({ kind: 'broadcast' as const, payload: answerPayload(reveals) });
    }
    return { next: 3, state: { ...state, complaints: book }, outgoing };
  },
};
