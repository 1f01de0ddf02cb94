/**
 * FROST DKG, round 1 (Komlo–Goldberg, FROST, Figure 1, round 1; frost-rs `dkg::part2`):
 * every party broadcasts its Feldman commitment φᵢ = (aᵢ₀·G, …, aᵢ,t−1·G) and a proof of
 * knowledge σᵢ of aᵢ₀, echo-checked so all parties see the same packages. noble's
 * `DKG.round2` verifies the proofs and evaluates fᵢ(j) for every other party; if a proof is
 * invalid, each package is tested on its own to name the culprits, who are disqualified
 * (or the session aborts, by policy). The shares fᵢ(j) go out point to point.
 * @module
 */
import type { DKG_Round1, FROST } from '@noble/curves/abstract/frost.js';
import { randomBytes } from '@tessera/crypto/rng';
import { expectArray, expectHex, expectObject, hex, type Json } from '../../engine/codec.ts';
import { InternalError, ProtocolAbort, type Evidence } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, Outgoing, RoundContext, RoundSpec } from '../../engine/protocol.ts';
import { getSuite, type FrostSuite } from '../suite.ts';
import { decodeDisqualified, decodeSecret, encodeDisqualified, encodeSecret, round1Package, type Disqualification, type DkgDeps, type DkgOutput, type DkgState, type Round1Row } from './types.ts';

/** Other qualified parties. */
export function othersOf(state: DkgState, self: PartyIndex): PartyIndex[] {
  return state.qualified.filter((p) => p !== self) as PartyIndex[];
}

/**
 * Strict reader of a round-1 payload `{ commitment: [t elements], proof }`. `checkPoints`
 * false skips the curve checks for a payload that `parse` already accepted.
 */
export function readRound1(suite: FrostSuite, t: number, payload: Json, checkPoints = true): { commitment: string[]; proof: string } {
  const o = expectObject(payload, 'round1', ['commitment', 'proof']);
  const commitment = expectArray(o.commitment, 'round1.commitment', t, t).map((c, k) => {
    const b = expectHex(c, `round1.commitment[${k}]`, suite.elementLength);
    if (checkPoints) suite.parseElement(b, `round1.commitment[${k}]`);
    return c as string;
  });
  const proof = hex(expectHex(o.proof, 'round1.proof', suite.proofLength));
  return { commitment, proof };
}

/** noble's RNG signature over the session's randomness. */
export function nobleRng(ctx: RoundContext<unknown>): (n?: number) => Uint8Array<ArrayBuffer> {
  return (n = 32) => randomBytes(n, ctx.rng) as Uint8Array<ArrayBuffer>;
}

/**
 * Names the packages whose proof fails: each is checked in a throw-away `round2` call in which
 * every other package is replaced by a fresh valid one (failure path only).
 */
function invalidPackages(F: FrostSuite, frost: FROST, ctx: RoundContext<unknown>, t: number, n: number, pkgs: readonly { party: PartyIndex; pkg: DKG_Round1 }[]): PartyIndex[] {
  const rng = nobleRng(ctx);
  const signers = { min: t, max: n };
  const dummies = pkgs.map(({ party }) => frost.DKG.round1(F.identifier(party), signers, undefined, rng).public);
  const bad: PartyIndex[] = [];
  pkgs.forEach(({ party, pkg }, k) => {
    const list = dummies.map((d, m) => (m === k ? pkg : d));
    const probe = frost.DKG.round1(F.identifier(ctx.self), signers, undefined, rng).secret;
    try {
      frost.DKG.round2(probe, list);
    } catch {
      bad.push(party);
    } finally {
      frost.DKG.clean(probe);
    }
  });
  return bad;
}

/** Round 1 of the DKG: commitments and proofs of knowledge. @throws {ProtocolAbort} (`invalid-proof`, `too-few-qualified`) from finalize. */
export const round1: RoundSpec<DkgState, DkgOutput, DkgDeps> = {
  expects(state, ctx): Expectation {
    const others = othersOf(state, ctx.self);
    return { broadcast: others, p2p: [], echo: others };
  },
  parse(_kind, _from, payload, state) {
    readRound1(getSuite(state.suite), state.threshold, payload);
  },
  finalize(state, inbox, ctx) {
    const suite = getSuite(state.suite);
    const frost = suite.dkg(ctx.session);
    const t = state.threshold;
    const others = othersOf(state, ctx.self);
    const rows: Round1Row[] = others.map((p) => {
      const r = readRound1(suite, t, inbox.broadcast.get(p)!.payload, false);
      return [p, r.commitment, r.proof];
    });
    const pkgs = rows.map((r) => ({ party: r[0] as PartyIndex, pkg: round1Package(suite, r) }));
    let secret = decodeSecret(suite, state.secret);
    let shares: Record<string, { signingShare: Uint8Array }>;
    let qualified = [...state.qualified] as PartyIndex[];
    const disqualified: Disqualification[] = decodeDisqualified(state.disqualified);
    try {
      shares = frost.DKG.round2(secret, pkgs.map((p) => p.pkg));
    } catch {
      const bad = invalidPackages(suite, frost, ctx, t, state.qualified.length, pkgs);
      if (bad.length === 0) throw new InternalError('DKG round 2 failed on packages that each verify');
      const evidence = (p: PartyIndex): Evidence[] => [{ id: inbox.broadcast.get(p)!.id, round: 1, from: p, reason: 'invalid-proof', detail: 'proof of knowledge of the constant term does not verify' }];
      if (state.policy === 'abort') throw new ProtocolAbort('invalid-proof', bad, bad.flatMap(evidence));
      qualified = qualified.filter((p) => !bad.includes(p));
      for (const p of bad) disqualified.push({ party: p, reason: 'invalid-proof', evidence: evidence(p) });
      if (qualified.length < t) throw new ProtocolAbort('too-few-qualified', bad, bad.flatMap(evidence));
      secret = decodeSecret(suite, state.secret);
      secret.signers = { min: t, max: qualified.length };
      shares = frost.DKG.round2(secret, pkgs.filter((p) => !bad.includes(p.party)).map((p) => p.pkg));
    }
    const keep = rows.filter((r) => qualified.includes(r[0] as PartyIndex));
    const outgoing: Outgoing[] = keep.map((r) => ({ kind: 'p2p', to: r[0] as PartyIndex, payload: { share: hex(shares[suite.identifier(r[0] as PartyIndex)]!.signingShare) } }));
    return {
      next: 2,
      state: { ...state, secret: encodeSecret(suite, secret), round1: keep, qualified, disqualified: encodeDisqualified(disqualified) },
      outgoing,
    };
  },
};
