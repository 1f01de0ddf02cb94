/**
 * Complaint handling shared by DKG, refresh and resharing (after Pedersen / Gennaro–Jarecki–
 * Krawczyk–Rabin, "Secure distributed key generation for discrete-log based cryptosystems",
 * 1999/2007, step 1(b)–(c)): a party whose private share from dealer j does not match j's
 * broadcast commitments broadcasts a complaint against j; every accused dealer must answer by
 * broadcasting the disputed share; everybody checks each answer against the commitments, and a
 * dealer who does not answer a complaint, or answers with a share that fails the check, is
 * disqualified and named. An answered complaint gives the complainer the revealed share.
 * Complaints and answers travel in echo-checked broadcast rounds, so all honest parties reach
 * the same verdict.
 * @module
 */
import { FieldRangeError } from '@tessera/crypto/errors';
import { expectArray, expectHex, expectObject, hex, type Json } from '../engine/codec.ts';
import type { Evidence } from '../engine/errors.ts';
import { partyIndex, type PartyIndex } from '../engine/ids.ts';
import type { Received } from '../engine/protocol.ts';
import type { FrostSuite } from './suite.ts';

/** Payload of a complaint round: the dealers whose shares failed, sorted. */
export function complaintPayload(dealers: readonly PartyIndex[]): Json {
  return { complaints: [...dealers] };
}

/**
 * Reads a complaint payload from `sender`: dealers must be distinct, increasing, members of
 * `dealers` and not the sender itself.
 * @throws {FieldTypeError} @throws {FieldRangeError}
 */
export function readComplaints(payload: Json, dealers: readonly PartyIndex[], sender: PartyIndex): PartyIndex[] {
  const o = expectObject(payload, 'complaints', ['complaints']);
  const list = expectArray(o.complaints, 'complaints.complaints', 0, dealers.length);
  const out: PartyIndex[] = [];
  list.forEach((d, k) => {
    const p = partyIndex(d, `complaints.complaints[${k}]`);
    if (!dealers.includes(p) || p === sender) throw new FieldRangeError(`complaints.complaints[${k}]`, 'not a dealer one can complain about');
    if (k > 0 && p <= out[k - 1]!) throw new FieldRangeError('complaints.complaints', 'dealers must be increasing');
    out.push(p);
  });
  return out;
}

/** Payload of an answer: the disputed shares revealed, by complainer. */
export function answerPayload(reveals: ReadonlyMap<PartyIndex, Uint8Array>): Json {
  return { reveals: [...reveals].sort((a, b) => a[0] - b[0]).map(([p, s]) => [p, hex(s)]) };
}

/**
 * Reads an answer payload: `[complainer, share]` rows, complainers increasing.
 * @throws {FieldTypeError} @throws {FieldRangeError}
 */
export function readAnswers(payload: Json, suite: FrostSuite, parties: readonly PartyIndex[]): Map<PartyIndex, Uint8Array> {
  const o = expectObject(payload, 'answers', ['reveals']);
  const rows = expectArray(o.reveals, 'answers.reveals', 0, parties.length);
  const out = new Map<PartyIndex, Uint8Array>();
  let last = 0;
  rows.forEach((r, k) => {
    const row = expectArray(r, `answers.reveals[${k}]`, 2, 2);
    const p = partyIndex(row[0], `answers.reveals[${k}][0]`);
    if (!parties.includes(p) || p <= last) throw new FieldRangeError(`answers.reveals[${k}][0]`, 'complainers must be parties, increasing');
    last = p;
    const s = expectHex(row[1], `answers.reveals[${k}][1]`, suite.scalarLength);
    suite.parseScalar(s, `answers.reveals[${k}][1]`, true);
    out.set(p, s);
  });
  return out;
}

/** All complaints of a round, by complainer, with the message carrying them. */
export type ComplaintBook = ReadonlyMap<PartyIndex, { readonly against: readonly PartyIndex[]; readonly id: string }>;

/** The accused dealers, sorted. */
export function accusedOf(book: ComplaintBook): PartyIndex[] {
  const s = new Set<PartyIndex>();
  for (const c of book.values()) for (const d of c.against) s.add(d);
  return [...s].sort((a, b) => a - b);
}

/** Verdict of {@link resolveComplaints}. */
export interface ComplaintVerdict {
  /** Dealers that failed an answer, with the evidence. */
  readonly disqualified: ReadonlyMap<PartyIndex, readonly Evidence[]>;
  /** Shares revealed for `self` (complaints it made that were answered correctly), by dealer. */
  readonly revealedForSelf: ReadonlyMap<PartyIndex, Uint8Array>;
}

/**
 * Decides every complaint from the answers.
 * @param verify checks `share` as dealer's share for complainer against dealer's commitments.
 */
export function resolveComplaints(args: {
  readonly self: PartyIndex;
  readonly round: number;
  readonly book: ComplaintBook;
  /** answers by dealer (their broadcast of the answer round); `self`'s own answers are omitted */
  readonly answers: ReadonlyMap<PartyIndex, { readonly reveals: ReadonlyMap<PartyIndex, Uint8Array>; readonly msg: Received }>;
  readonly verify: (dealer: PartyIndex, complainer: PartyIndex, share: Uint8Array) => boolean;
}): ComplaintVerdict {
  const disq = new Map<PartyIndex, Evidence[]>();
  const revealed = new Map<PartyIndex, Uint8Array>();
  for (const [complainer, c] of args.book) {
    for (const dealer of c.against) {
      if (dealer === args.self) continue; // we answered with the share we sent
      const ans = args.answers.get(dealer);
      const share = ans?.reveals.get(complainer);
      const ok = share !== undefined && args.verify(dealer, complainer, share);
      if (!ok) {
        const ev = disq.get(dealer) ?? [];
        ev.push({ id: c.id, round: args.round - 1, from: complainer, reason: 'complaint', detail: `party ${complainer} complained about party ${dealer}` });
        ev.push({
          id: ans?.msg.id ?? '',
          round: args.round,
          from: dealer,
          reason: 'failed-answer',
          detail: share === undefined ? `no share revealed for party ${complainer}` : `revealed share for party ${complainer} does not match the commitments`,
        });
        disq.set(dealer, ev);
      } else if (complainer === args.self) {
        revealed.set(dealer, share);
      }
    }
  }
  return { disqualified: disq, revealedForSelf: revealed };
}
