/**
 * Threshold Paillier decryption as an engine protocol (`tessera/paillier/decrypt`): `init`
 * makes this party's decryption share with its proof (bound to the session id and c) and
 * broadcasts it; round 1 verifies everyone's, excludes and names invalid ones, and combines.
 * The session's parties are the decrypting parties: a subset of the committee of at least T.
 * Start with {@link createDecryptSession}; resume with {@link restoreDecryptSession}.
 * @module
 */
import { bigIntToHex, hexToBytes } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import type { RandomSource } from '@tessera/crypto/rng';
import type { PartyAuth } from '../../engine/auth.ts';
import { expectHex, expectObject, type Json } from '../../engine/codec.ts';
import type { PartyIndex, SessionId } from '../../engine/ids.ts';
import type { ProtocolSpec } from '../../engine/protocol.ts';
import { createSession, restoreSession, type Session } from '../../engine/session.ts';
import type { ThresholdPaillierKeyShare } from '../key.ts';
import { elementBytes } from '../key.ts';
import { encodeDecryptionShare } from './encoding.ts';
import { round1 } from './round1.ts';
import { createDecryptionShare, validateThresholdCiphertext } from './share.ts';
import { DECRYPT_PROTOCOL, type DecryptDeps, type DecryptOutput, type DecryptState } from './types.ts';

export { DECRYPT_PROTOCOL, type DecryptDeps, type DecryptOutput, type DecryptState };

/** The threshold decryption protocol. */
export const paillierDecryptProtocol: ProtocolSpec<DecryptState, DecryptOutput, DecryptDeps> = {
  id: DECRYPT_PROTOCOL,
  version: 1,
  init(ctx) {
    const share = ctx.deps.keyShare;
    const pk = share.publicKey;
    if (share.index !== ctx.self) throw new FieldRangeError('deps.keyShare', 'key share belongs to another party');
    for (const p of ctx.parties)
      if (p > pk.parties.length) throw new FieldRangeError('parties', `party ${p} is not in the committee`);
    if (ctx.parties.length < pk.threshold) throw new FieldRangeError('parties', `at least ${pk.threshold} decrypting parties are needed`);
    const c = ctx.deps.ciphertext;
    if (c === undefined) throw new FieldTypeError('deps.ciphertext', 'a new decryption session needs the ciphertext');
    validateThresholdCiphertext(pk, c, 'deps.ciphertext');
    const own = createDecryptionShare(share, c, hexToBytes(ctx.session), ctx.rng);
    const state: DecryptState = { c: bigIntToHex(c, elementBytes(pk)), own: encodeDecryptionShare(pk, own) };
    if (ctx.parties.length === 1) return round1.finalize(state, { broadcast: new Map(), p2p: new Map() }, ctx);
    return { next: 1, state, outgoing: [{ kind: 'broadcast', payload: state.own }] };
  },
  rounds: { 1: round1 },
  checkState(j: Json): DecryptState {
    const o = expectObject(j, 'state', ['c', 'own']);
    expectHex(o.c, 'state.c');
    expectObject(o.own, 'state.own', ['version', 'kind', 'index', 'ci', 'proof']);
    return j as DecryptState;
  },
};

/** Options of {@link createDecryptSession}. */
export interface DecryptSessionOptions {
  readonly session: SessionId;
  readonly keyShare: ThresholdPaillierKeyShare;
  /** The decrypting parties (sorted, ≥ T, including this party). */
  readonly parties: readonly PartyIndex[];
  readonly ciphertext: bigint;
  readonly auth: PartyAuth;
  readonly rng?: RandomSource;
}

/**
 * A new decryption session for this party (call `start()`; its errors end the session).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed session options.
 * @example
 * const s = createDecryptSession({ session, keyShare, parties: [1, 3], ciphertext: c, auth });
 * const outgoing = await s.start();
 */
export function createDecryptSession(opts: DecryptSessionOptions): Session<DecryptState, DecryptOutput, DecryptDeps> {
  return createSession(paillierDecryptProtocol, {
    session: opts.session,
    self: opts.keyShare.index,
    parties: opts.parties,
    auth: opts.auth,
    deps: { keyShare: opts.keyShare, ciphertext: opts.ciphertext },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}

/**
 * Resumes a decryption session from a snapshot.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed snapshot.
 */
export function restoreDecryptSession(
  snapshot: string,
  opts: { keyShare: ThresholdPaillierKeyShare; auth: PartyAuth; rng?: RandomSource },
): Session<DecryptState, DecryptOutput, DecryptDeps> {
  return restoreSession(paillierDecryptProtocol, snapshot, {
    auth: opts.auth,
    deps: { keyShare: opts.keyShare },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}
