/**
 * FROST distributed key generation as an engine protocol (`tessera/frost/dkg`): noble's three
 * DKG steps (commit with proof of knowledge, private shares, finalize) with an echo-checked
 * broadcast round and a complaint phase, ending with the qualified set or an abort naming the
 * culprits. Rounds: 1 commitments (echo) → 2 shares (p2p) → 3 complaints (echo) →
 * 4 answers (echo, only if someone complained). Start with {@link createFrostDkgSession}.
 * @module
 */
import { FieldRangeError, FieldTypeError, assertInteger } from '@tessera/crypto/errors';
import type { RandomSource } from '@tessera/crypto/rng';
import type { PartyAuth } from '../../engine/auth.ts';
import { expectArray, expectObject, hex, type Json } from '../../engine/codec.ts';
import { partyList, type PartyIndex, type SessionId } from '../../engine/ids.ts';
import type { ProtocolSpec } from '../../engine/protocol.ts';
import { createSession, restoreSession, type Session } from '../../engine/session.ts';
import { getSuite } from '../suite.ts';
import { nobleRng } from './round1.ts';
import { round1 } from './round1.ts';
import { round2 } from './round2.ts';
import { round3 } from './round3.ts';
import { round4 } from './round4.ts';
import { DKG_PROTOCOL, decodeDisqualified, decodeSecret, encodeSecret, type DkgConfig, type DkgDeps, type DkgOutput, type DkgState } from './types.ts';

export { DKG_PROTOCOL, type DkgConfig, type DkgDeps, type DkgOutput, type DkgState };
export type { Disqualification, MisbehaviourPolicy } from './types.ts';

function checkState(j: Json): DkgState {
  const o = expectObject(j, 'state', ['suite', 'threshold', 'policy', 'secret', 'round1', 'qualified', 'disqualified', 'received', 'key', 'myComplaints', 'complaints']);
  const suite = getSuite(o.suite);
  assertInteger('state.threshold', o.threshold, 2, 65535);
  if (o.policy !== 'disqualify' && o.policy !== 'abort') throw new FieldTypeError('state.policy', 'expected disqualify or abort');
  decodeSecret(suite, o.secret);
  partyList(o.qualified, 'state.qualified', 2);
  decodeDisqualified(o.disqualified);
  expectArray(o.round1, 'state.round1');
  expectArray(o.received, 'state.received');
  expectArray(o.complaints, 'state.complaints');
  partyList(o.myComplaints, 'state.myComplaints', 0);
  return j as DkgState;
}

/** The DKG protocol. */
export const frostDkgProtocol: ProtocolSpec<DkgState, DkgOutput, DkgDeps> = {
  id: DKG_PROTOCOL,
  version: 1,
  init(ctx) {
    const config = ctx.deps.config;
    if (!config) throw new FieldTypeError('deps.config', 'a new DKG session needs its configuration');
    const suite = getSuite(config.suite);
    const n = ctx.parties.length;
    assertInteger('config.threshold', config.threshold, 2, n);
    const policy = config.policy ?? 'disqualify';
    if (policy !== 'disqualify' && policy !== 'abort') throw new FieldRangeError('config.policy', 'expected disqualify or abort');
    const frost = suite.dkg(ctx.session);
    const { public: pub, secret } = frost.DKG.round1(suite.identifier(ctx.self), { min: config.threshold, max: n }, undefined, nobleRng(ctx));
    const state: DkgState = {
      suite: suite.name,
      threshold: config.threshold,
      policy,
      secret: encodeSecret(suite, secret),
      round1: [],
      qualified: [...ctx.parties],
      disqualified: [],
      received: [],
      key: null,
      myComplaints: [],
      complaints: [],
    };
    frost.DKG.clean(secret);
    return { next: 1, state, outgoing: [{ kind: 'broadcast', payload: { commitment: pub.commitment.map(hex), proof: hex(pub.proofOfKnowledge) } }] };
  },
  rounds: { 1: round1, 2: round2, 3: round3, 4: round4 },
  checkState,
};

/** Options of {@link createFrostDkgSession}. */
export interface FrostDkgOptions {
  readonly session: SessionId;
  readonly self: PartyIndex;
  /** The committee (sorted, distinct); each party's index is its FROST identifier. */
  readonly parties: readonly PartyIndex[];
  readonly config: DkgConfig;
  readonly auth: PartyAuth;
  readonly rng?: RandomSource;
}

/**
 * A new DKG session for this party (call `start()`).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed options.
 * @example
 * const s = createFrostDkgSession({ session, self: 1, parties: [1, 2, 3], config: { suite: 'ed25519', threshold: 2 }, auth });
 */
export function createFrostDkgSession(opts: FrostDkgOptions): Session<DkgState, DkgOutput, DkgDeps> {
  return createSession(frostDkgProtocol, {
    session: opts.session,
    self: opts.self,
    parties: opts.parties,
    auth: opts.auth,
    deps: { config: opts.config },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}

/**
 * Resumes a DKG session from a snapshot.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed snapshot.
 */
export function restoreFrostDkgSession(snapshot: string, opts: { auth: PartyAuth; rng?: RandomSource }): Session<DkgState, DkgOutput, DkgDeps> {
  return restoreSession(frostDkgProtocol, snapshot, { auth: opts.auth, deps: {}, ...(opts.rng ? { rng: opts.rng } : {}) });
}
