/**
 * CGGMP21 threshold key refresh as an engine protocol (`tessera/cggmp/refresh`): new shares of
 * the same key. It is key generation (keygen/, same rounds, commitments with echo, decommitment,
 * Feldman shares, Schnorr proofs bound to a fresh rid, the same blame) with every dealt
 * polynomial's constant term fixed to 0: Fⱼ carries its t − 1 higher coefficients only, each
 * party checks its share against (0, Fⱼ), and xᵢ′ = xᵢ + Σⱼ fⱼ(i), Cₖ′ = Cₖ + Σⱼ Fⱼ,ₖ. C₀ — the
 * public key — and the chain code stay, so addresses and BIP32 children are unchanged while
 * old shares become useless together with new ones.
 * Relation to the paper: the threshold analogue of the key-refresh part of Fig. 6 (which
 * re-shares zero and refreshes the auxiliary information in one protocol); here the shares are
 * refreshed by this protocol and the Paillier / ring-Pedersen material by running aux-info
 * (aux/) again, and the two outputs are combined with `validateKeyShare`.
 * Start with {@link createCggmpRefreshSession}.
 * @module
 */
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import type { RandomSource } from '@tessera/crypto/rng';
import type { PartyAuth } from '../../engine/auth.ts';
import { hex } from '../../engine/codec.ts';
import type { SessionId } from '../../engine/ids.ts';
import type { ProtocolSpec } from '../../engine/protocol.ts';
import { createSession, restoreSession, type Session } from '../../engine/session.ts';
import { scalarJson } from '../curve.ts';
import { checkKeygenState, keygenRound1, keygenRound2, keygenRound3, startKeygen } from '../keygen/index.ts';
import type { KeygenDeps, KeygenOutput, KeygenState } from '../keygen/types.ts';
import type { CoreShare } from '../keyshare.ts';

/** Protocol id of CGGMP21 key refresh. */
export const REFRESH_PROTOCOL = 'tessera/cggmp/refresh';

/** Inputs kept out of snapshots. */
export interface RefreshDeps extends KeygenDeps {
  /** Needed by `init` only: the share to refresh. Security: holds xᵢ. */
  readonly keyShare?: CoreShare;
}

/** The refresh protocol (output: the new {@link CoreShare} of the same key). */
export const cggmpRefreshProtocol: ProtocolSpec<KeygenState, KeygenOutput, RefreshDeps> = {
  id: REFRESH_PROTOCOL,
  version: 1,
  init(ctx) {
    const core = ctx.deps.keyShare;
    if (!core) throw new FieldTypeError('deps.keyShare', 'a new refresh session needs the key share');
    if (core.index !== ctx.self) throw new FieldRangeError('deps.keyShare', 'key share belongs to another party');
    if (core.parties.length !== ctx.parties.length || core.parties.some((p, k) => ctx.parties[k] !== p))
      throw new FieldRangeError('parties', 'a refresh runs among exactly the key\'s committee');
    return startKeygen(ctx, core.threshold, { commitments: core.commitments.map(hex), chainCode: hex(core.chainCode), x: scalarJson(core.x) });
  },
  rounds: { 1: keygenRound1, 2: keygenRound2, 3: keygenRound3 },
  checkState: checkKeygenState,
};

/** Options of {@link createCggmpRefreshSession}. */
export interface CggmpRefreshOptions {
  readonly session: SessionId;
  readonly keyShare: CoreShare;
  readonly auth: PartyAuth;
  readonly rng?: RandomSource;
}

/**
 * A new refresh session for this party among the key's committee (call `start()`).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed options.
 * @example
 * const s = createCggmpRefreshSession({ session, keyShare: share.core, auth });
 */
export function createCggmpRefreshSession(opts: CggmpRefreshOptions): Session<KeygenState, KeygenOutput, RefreshDeps> {
  return createSession(cggmpRefreshProtocol, {
    session: opts.session,
    self: opts.keyShare.index,
    parties: opts.keyShare.parties,
    auth: opts.auth,
    deps: { keyShare: opts.keyShare },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}

/**
 * Resumes a refresh session from a snapshot.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed snapshot.
 */
export function restoreCggmpRefreshSession(snapshot: string, opts: { auth: PartyAuth; rng?: RandomSource }): Session<KeygenState, KeygenOutput, RefreshDeps> {
  return restoreSession(cggmpRefreshProtocol, snapshot, { auth: opts.auth, deps: {}, ...(opts.rng ? { rng: opts.rng } : {}) });
}
