/**
 * FROST signing as an engine protocol (`tessera/frost/sign`): commit (init), shares (round 1),
 * verification and aggregation (round 2), signature distribution (round 3, only with a
 * designated aggregator). Start with {@link createFrostSignSession}; resume with
 * {@link restoreFrostSignSession}.
 * @module
 */
import type { FrostSecret } from '@noble/curves/abstract/frost.js';
import { FieldRangeError, FieldTypeError, assertBytes } from '@tessera/crypto/errors';
import { randomBytes, type RandomSource } from '@tessera/crypto/rng';
import type { PartyAuth } from '../../engine/auth.ts';
import { expectArray, expectHex, expectObject, hex, type Json } from '../../engine/codec.ts';
import { partyIndex, partyList, type PartyIndex, type SessionId } from '../../engine/ids.ts';
import type { ProtocolSpec } from '../../engine/protocol.ts';
import { createSession, restoreSession, type Session } from '../../engine/session.ts';
import { keyId, toFrostSecret, type KeyShare } from '../keyshare.ts';
import { hedgedNonceSource, nonceIdOf, type NonceLedger } from '../nonce-ledger.ts';
import { getSuite } from '../suite.ts';
import { round1 } from './round1.ts';
import { round2 } from './round2.ts';
import { round3 } from './round3.ts';
import { SIGN_PROTOCOL, type SignDeps, type SignOutput, type SignRequest, type SignState } from './types.ts';

export { SIGN_PROTOCOL, type SignDeps, type SignOutput, type SignRequest, type SignState };

function checkRequest(share: KeyShare, req: SignRequest): void {
  assertBytes('request.message', req.message);
  const signers = partyList(req.signers, 'request.signers', share.threshold);
  for (const p of signers) if (!share.parties.includes(p)) throw new FieldRangeError('request.signers', `party ${p} is not in the committee`);
  if (!signers.includes(share.index)) throw new FieldRangeError('request.signers', 'this party is not a signer');
  if (req.aggregator !== undefined && !signers.includes(partyIndex(req.aggregator, 'request.aggregator')))
    throw new FieldRangeError('request.aggregator', 'the aggregator must be a signer');
}

function checkState(j: Json): SignState {
  const o = expectObject(j, 'state', ['suite', 'message', 'signers', 'aggregator', 'nonceId', 'nonces', 'own', 'commitments', 'ownShare']);
  const suite = getSuite(o.suite);
  expectHex(o.message, 'state.message');
  partyList(o.signers, 'state.signers', 2);
  if (o.aggregator !== null) partyIndex(o.aggregator, 'state.aggregator');
  expectHex(o.nonceId, 'state.nonceId', 32);
  if (o.nonces !== null) {
    const n = expectObject(o.nonces, 'state.nonces', ['hiding', 'binding']);
    expectHex(n.hiding, 'state.nonces.hiding', suite.scalarLength);
    expectHex(n.binding, 'state.nonces.binding', suite.scalarLength);
  }
  const own = expectObject(o.own, 'state.own', ['hiding', 'binding']);
  expectHex(own.hiding, 'state.own.hiding', suite.elementLength);
  expectHex(own.binding, 'state.own.binding', suite.elementLength);
  if (o.commitments !== null)
    expectArray(o.commitments, 'state.commitments').forEach((r, k) => {
      const row = expectArray(r, `state.commitments[${k}]`, 3, 3);
      partyIndex(row[0], `state.commitments[${k}][0]`);
      expectHex(row[1], `state.commitments[${k}][1]`, suite.elementLength);
      expectHex(row[2], `state.commitments[${k}][2]`, suite.elementLength);
    });
  if (o.ownShare !== null) expectHex(o.ownShare, 'state.ownShare', suite.scalarLength);
  return j as SignState;
}

/** The signing protocol. */
export const frostSignProtocol: ProtocolSpec<SignState, SignOutput, SignDeps> = {
  id: SIGN_PROTOCOL,
  version: 1,
  async init(ctx) {
    const { keyShare: share, request, ledger, nonceSeed } = ctx.deps;
    if (!request) throw new FieldTypeError('deps.request', 'a new signing session needs a request');
    if (share.index !== ctx.self) throw new FieldRangeError('deps.keyShare', 'key share belongs to another party');
    checkRequest(share, request);
    const suite = getSuite(share.suite);
    let rng: (n?: number) => Uint8Array;
    if (nonceSeed !== undefined) {
      const counter = await ledger.nextCounter(keyId(share));
      rng = hedgedNonceSource({ seed: nonceSeed, counter, session: ctx.session, party: ctx.self, message: request.message, rng: ctx.rng });
    } else {
      rng = (n = 32) => randomBytes(n, ctx.rng);
    }
    const secret: FrostSecret = toFrostSecret(share);
    const { nonces, commitments } = suite.frost.commit(secret, rng as (n?: number) => Uint8Array<ArrayBuffer>);
    secret.signingShare.fill(0);
    const state: SignState = {
      suite: share.suite,
      message: hex(request.message),
      signers: [...request.signers],
      aggregator: request.aggregator ?? null,
      nonceId: nonceIdOf(commitments.hiding, commitments.binding),
      nonces: { hiding: hex(nonces.hiding), binding: hex(nonces.binding) },
      own: { hiding: hex(commitments.hiding), binding: hex(commitments.binding) },
      commitments: null,
      ownShare: null,
    };
    nonces.hiding.fill(0);
    nonces.binding.fill(0);
    return { next: 1, state, outgoing: [{ kind: 'broadcast', payload: state.own }] };
  },
  rounds: { 1: round1, 2: round2, 3: round3 },
  checkState,
};

/** Options of {@link createFrostSignSession}. */
export interface FrostSignOptions {
  readonly session: SessionId;
  readonly keyShare: KeyShare;
  readonly request: SignRequest;
  readonly ledger: NonceLedger;
  readonly auth: PartyAuth;
  readonly rng?: RandomSource;
  /** Security: secret 32-byte seed enabling hedged deterministic nonces. */
  readonly nonceSeed?: Uint8Array;
}

/**
 * A new signing session for this party (call `start()`).
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed request (checked at start).
 * @example
 * const s = createFrostSignSession({ session, keyShare, request: { message, signers: [1, 3] }, ledger, auth });
 * const outgoing = await s.start();
 */
export function createFrostSignSession(opts: FrostSignOptions): Session<SignState, SignOutput, SignDeps> {
  const deps: SignDeps = { keyShare: opts.keyShare, ledger: opts.ledger, request: opts.request, ...(opts.nonceSeed ? { nonceSeed: opts.nonceSeed } : {}) };
  return createSession(frostSignProtocol, {
    session: opts.session,
    self: opts.keyShare.index,
    parties: opts.keyShare.parties,
    auth: opts.auth,
    deps,
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}

/**
 * Resumes a signing session from a snapshot. The ledger guarantees that a snapshot taken
 * before the share was made can still not sign twice: the second attempt fails closed.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed snapshot.
 */
export function restoreFrostSignSession(
  snapshot: string,
  opts: { keyShare: KeyShare; ledger: NonceLedger; auth: PartyAuth; rng?: RandomSource },
): Session<SignState, SignOutput, SignDeps> {
  return restoreSession(frostSignProtocol, snapshot, {
    auth: opts.auth,
    deps: { keyShare: opts.keyShare, ledger: opts.ledger },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}

/** The parties of a request, typed. */
export function signers(list: readonly number[]): readonly PartyIndex[] {
  return partyList(list, 'signers', 1);
}
