/**
 * FROST DKG, round 2 (FROST Figure 1, round 2, step 2): each party checks the shares fⱼ(i) it
 * received against the senders' commitments. noble's `DKG.round3` does the checks and, when
 * all pass, the final key; it is run on a copy here, because complaints from others may still
 * change the qualified set. A share that fails makes the party complain about its sender
 * (each share is then checked on its own with noble's `validateSecret`). Every party
 * broadcasts its (possibly empty) complaint list in round 3.
 * @module
 */
import type { FrostPublic, FrostSecret } from '@noble/curves/abstract/frost.js';
import { hexToBytes } from '@tessera/crypto/bytes';
import { expectHex, expectObject, hex, type Json } from '../../engine/codec.ts';
import { InternalError } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, RoundSpec } from '../../engine/protocol.ts';
import { complaintPayload } from '../complaints.ts';
import { getSuite, type FrostSuite } from '../suite.ts';
import { othersOf } from './round1.ts';
import { decodeSecret, encodeKey, round1Package, type DkgDeps, type DkgOutput, type DkgState, type Round1Row } from './types.ts';

/** Strict reader of a share payload `{ share }`. */
export function readShare(suite: FrostSuite, payload: Json): Uint8Array {
  const o = expectObject(payload, 'share', ['share']);
  const s = expectHex(o.share, 'share.share', suite.scalarLength);
  suite.parseScalar(s, 'share.share', true);
  return s;
}

/** True iff `share` is dealer's share for `recipient` under the dealer's commitment (noble vss_verify). */
export function shareMatches(suite: FrostSuite, session: Parameters<FrostSuite['dkg']>[0], t: number, row: Round1Row, recipient: PartyIndex, share: Uint8Array): boolean {
  const pub = { signers: { min: t, max: Math.max(t, 2) }, commitments: row[1].map((c) => hexToBytes(c)), verifyingShares: {} } as FrostPublic;
  try {
    suite.dkg(session).validateSecret({ identifier: suite.identifier(recipient), signingShare: share } as FrostSecret, pub);
    return true;
  } catch {
    return false;
  }
}

/** Runs noble's round 3 over the given qualified set; throws if a share fails. */
export function finishRound3(suite: FrostSuite, ctx: { session: Parameters<FrostSuite['dkg']>[0]; self: PartyIndex }, state: DkgState, qualified: readonly PartyIndex[], shares: ReadonlyMap<PartyIndex, Uint8Array>) {
  const frost = suite.dkg(ctx.session);
  const secret = decodeSecret(suite, state.secret);
  const rows = state.round1.filter((r) => qualified.includes(r[0] as PartyIndex));
  if (qualified.length !== secret.signers.max) {
    const ids = new Set(rows.map((r) => suite.identifier(r[0] as PartyIndex)));
    secret.signers = { min: state.threshold, max: qualified.length };
    secret.round1Cache = secret.round1Cache!.filter((p) => ids.has(p.identifier));
  }
  const pkgs = rows.map((r) => round1Package(suite, r));
  const r2 = rows.map((r) => ({ identifier: suite.identifier(r[0] as PartyIndex), signingShare: shares.get(r[0] as PartyIndex)! }));
  return frost.DKG.round3(secret, pkgs, r2 as Parameters<typeof frost.DKG.round3>[2]);
}

/** Round 2 of the DKG: private shares, checked; complaints follow. */
export const round2: RoundSpec<DkgState, DkgOutput, DkgDeps> = {
  expects(state, ctx): Expectation {
    return { broadcast: [], p2p: othersOf(state, ctx.self), echo: [] };
  },
  parse(_kind, _from, payload, state) {
    readShare(getSuite(state.suite), payload);
  },
  finalize(state, inbox, ctx) {
    const suite = getSuite(state.suite);
    const others = othersOf(state, ctx.self);
    const shares = new Map(others.map((p) => [p, readShare(suite, inbox.p2p.get(p)!.payload)]));
    let key: Json = null;
    let complaints: PartyIndex[] = [];
    try {
      key = encodeKey(finishRound3(suite, ctx, state, state.qualified as PartyIndex[], shares));
    } catch {
      complaints = others.filter((p) => !shareMatches(suite, ctx.session, state.threshold, state.round1.find((r) => r[0] === p)!, ctx.self, shares.get(p)!));
      if (complaints.length === 0) throw new InternalError('DKG round 3 failed although every share matches its commitment');
    }
    return {
      next: 3,
      state: { ...state, received: others.map((p) => [p, hex(shares.get(p)!)] as const), key, myComplaints: complaints },
      outgoing: [{ kind: 'broadcast', payload: complaintPayload(complaints) }],
    };
  },
};
