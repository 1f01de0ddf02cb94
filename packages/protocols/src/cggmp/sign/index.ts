/**
 * CGGMP21 signing as an engine protocol (`tessera/cggmp/sign`): the one-round signing of
 * eprint 2021/060 (revised version, Fig. 8) from a presignature. In `init`, the presignature is
 * recorded as consumed in the ledger, and only then is σᵢ = kᵢ·m + r·χᵢ computed and broadcast
 * (a presignature used twice fails closed with `NonceReuseError`); round 1 checks every share,
 * adds them up and outputs a low-S ECDSA signature with its recovery id.
 * Start with {@link createCggmpSignSession}.
 * @module
 */
import { FieldRangeError, FieldTypeError, assertBytes } from '@tessera/crypto/errors';
import type { RandomSource } from '@tessera/crypto/rng';
import type { PartyAuth } from '../../engine/auth.ts';
import { expectArray, expectHex, expectObject, hex, type Json } from '../../engine/codec.ts';
import { InternalError } from '../../engine/errors.ts';
import type { SessionId } from '../../engine/ids.ts';
import { partyList } from '../../engine/ids.ts';
import type { ProtocolSpec } from '../../engine/protocol.ts';
import { createSession, restoreSession, type Session } from '../../engine/session.ts';
import { Fn, Point, parsePoint, pointJson, scalarJson } from '../curve.ts';
import { digestScalar, rOf } from '../ecdsa.ts';
import { keyId, type CggmpKeyShare } from '../keyshare.ts';
import type { Presignature } from '../presign/presignature.ts';
import { round1 } from './round1.ts';
import { SIGN_PROTOCOL, type PresignatureLedger, type SignDeps, type SignOutput, type SignRequest, type SignState } from './types.ts';

export { SIGN_PROTOCOL, type PresignatureLedger, type SignDeps, type SignOutput, type SignRequest, type SignState };

function checkState(j: Json): SignState {
  const o = expectObject(j, 'state', ['signers', 'digest', 'R', 'Gamma', 'Delta', 'S', 'sigma']);
  const signers = partyList(o.signers, 'state.signers', 2);
  expectHex(o.digest, 'state.digest', 32);
  expectHex(o.R, 'state.R', 33);
  expectHex(o.Gamma, 'state.Gamma', 33);
  expectArray(o.Delta, 'state.Delta', signers.length, signers.length).forEach((p, k) => expectHex(p, `state.Delta[${k}]`, 33));
  expectArray(o.S, 'state.S', signers.length, signers.length).forEach((p, k) => expectHex(p, `state.S[${k}]`, 33));
  expectHex(o.sigma, 'state.sigma', 32);
  return j as SignState;
}

/**
 * Checks that a presignature belongs to this key share and party: same key id and index,
 * signers in the committee and at least t of them, Σ Ŝⱼ = δ·X.
 * @throws {FieldRangeError} otherwise.
 */
export function checkPresignature(share: CggmpKeyShare, ps: Presignature): void {
  if (ps.keyId !== keyId(share.core)) throw new FieldRangeError('presignature.keyId', 'presignature was made for another key');
  if (ps.index !== share.core.index) throw new FieldRangeError('presignature.index', 'presignature belongs to another party');
  if (ps.signers.length < share.core.threshold) throw new FieldRangeError('presignature.signers', 'fewer signers than the threshold');
  for (const p of ps.signers) if (!share.core.parties.includes(p)) throw new FieldRangeError('presignature.signers', `party ${p} is not in the committee`);
  let sumS = Point.ZERO;
  for (const S of ps.S.values()) sumS = sumS.add(S);
  if (!parsePoint(share.core.publicKey, 'publicKey').multiply(ps.delta).equals(sumS))
    throw new FieldRangeError('presignature.S', 'Σ Ŝⱼ ≠ δ·X: presignature does not match the key');
}

/** The signing protocol. */
export const cggmpSignProtocol: ProtocolSpec<SignState, SignOutput, SignDeps> = {
  id: SIGN_PROTOCOL,
  version: 1,
  async init(ctx) {
    const { keyShare, presignature: ps, ledger, request } = ctx.deps;
    if (!ps || !ledger || !request) throw new FieldTypeError('deps', 'a new signing session needs a presignature, a ledger and a request');
    assertBytes('request.digest', request.digest, 32);
    if (keyShare.core.index !== ctx.self) throw new FieldRangeError('deps.keyShare', 'key share belongs to another party');
    checkPresignature(keyShare, ps);
    const { r } = rOf(ps.R);
    if (r === 0n) throw new InternalError('r = 0: presignature unusable');
    // Security: record the use durably BEFORE σᵢ exists outside this function.
    await ledger.consume(keyId(keyShare.core), ps.id);
    const m = digestScalar(request.digest);
    const sigma = Fn.add(Fn.mul(ps.k, m), Fn.mul(r, ps.chi));
    const state: SignState = {
      signers: [...ps.signers],
      digest: hex(request.digest),
      R: pointJson(ps.R),
      Gamma: pointJson(ps.Gamma),
      Delta: ps.signers.map((p) => pointJson(ps.Delta.get(p)!)),
      S: ps.signers.map((p) => pointJson(ps.S.get(p)!)),
      sigma: scalarJson(sigma),
    };
    return { next: 1, state, outgoing: [{ kind: 'broadcast', payload: { sigma: state.sigma } }] };
  },
  rounds: { 1: round1 },
  checkState,
};

/** Options of {@link createCggmpSignSession}. */
export interface CggmpSignOptions {
  readonly session: SessionId;
  readonly keyShare: CggmpKeyShare;
  readonly presignature: Presignature;
  readonly ledger: PresignatureLedger;
  readonly request: SignRequest;
  readonly auth: PartyAuth;
  readonly rng?: RandomSource;
}

/**
 * A new signing session for this party (call `start()`); the signers are the presignature's.
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed options.
 * @example
 * const s = createCggmpSignSession({ session, keyShare, presignature, ledger, request: { digest }, auth });
 */
export function createCggmpSignSession(opts: CggmpSignOptions): Session<SignState, SignOutput, SignDeps> {
  return createSession(cggmpSignProtocol, {
    session: opts.session,
    self: opts.keyShare.core.index,
    parties: opts.presignature.signers,
    auth: opts.auth,
    deps: { keyShare: opts.keyShare, presignature: opts.presignature, ledger: opts.ledger, request: opts.request },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}

/**
 * Resumes a signing session from a snapshot (its state holds only public values).
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed snapshot.
 */
export function restoreCggmpSignSession(snapshot: string, opts: { keyShare: CggmpKeyShare; auth: PartyAuth; rng?: RandomSource }): Session<SignState, SignOutput, SignDeps> {
  return restoreSession(cggmpSignProtocol, snapshot, { auth: opts.auth, deps: { keyShare: opts.keyShare }, ...(opts.rng ? { rng: opts.rng } : {}) });
}
