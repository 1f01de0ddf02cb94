/**
 * CGGMP21 presigning: request, dependencies, serializable state, strict payload readers, and
 * the Paillier helpers of the multiplicative-to-additive conversions (Fig. 7): the signers'
 * keys and ring-Pedersen parameters, Lagrange-weighted shares wᵢ = λᵢ·xᵢ and Wⱼ = λⱼ·Xⱼ over the
 * signing set, signed encryption, centred decryption and blinded nonce inversion.
 * @module
 */
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { invert, mod } from '@tessera/crypto/modular';
import {
  decrypt,
  encryptWithNonce,
  encryptWithNonceAndSecretKey,
  paillierPublicKey,
  paillierSecretKeyFromPrimes,
  type PaillierPublicKey,
  type PaillierSecretKey,
} from '@tessera/crypto/paillier';
import { modMul } from '@tessera/crypto/backend';
import { randomInRange, randomZnStar, type RandomSource } from '@tessera/crypto/rng';
import { decodePiAffGProof, type PiAffGProof } from '@tessera/crypto/zk/piaffg';
import { decodePiEncProof, type PiEncProof } from '@tessera/crypto/zk/pienc';
import { decodePiLogStarProof, type PiLogStarProof } from '@tessera/crypto/zk/pilogstar';
import { expectObject, type Json } from '../../engine/codec.ts';
import { partyList, type PartyIndex } from '../../engine/ids.ts';
import { Fn, GROUP, lagrangeAtZero, parsePoint, readPoint, readScalar, type CurvePoint } from '../curve.ts';
import { publicSharePoint, type CggmpKeyShare, type PartyAux } from '../keyshare.ts';
import { readCiphertext, type ZkProver, type ZkVerifier } from '../wire.ts';
import type { Presignature } from './presignature.ts';

/** Protocol id of CGGMP21 presigning. */
export const PRESIGN_PROTOCOL = 'tessera/cggmp/presign';

/** Who presigns. */
export interface PresignRequest {
  /** The signing set S (sorted, distinct, |S| ≥ t, includes this party). */
  readonly signers: readonly PartyIndex[];
}

/** Inputs kept out of snapshots. */
export interface PresignDeps {
  readonly keyShare: CggmpKeyShare;
  /** Needed by `init` only. */
  readonly request?: PresignRequest;
  /** Verifies received proofs (default: in this thread). */
  readonly verifier?: ZkVerifier;
  /** Makes this party's proofs (Π^enc, Π^aff-g, Π^log*, blame proofs; default: in this thread). */
  readonly prover?: ZkProver;
}

/**
 * Round state (JSON). Security: k, gamma, rho, nu, the β values, delta and chi are secret;
 * snapshots are secret.
 */
export type PresignState = {
  readonly signers: readonly number[];
  /** kᵢ, γᵢ (scalars, hex) */
  readonly k: string;
  readonly gamma: string;
  /** ρᵢ, νᵢ: nonces of Kᵢ and Gᵢ */
  readonly rho: string;
  readonly nu: string;
  /** Kᵢ = encᵢ(kᵢ; ρᵢ), Gᵢ = encᵢ(γᵢ; νᵢ) */
  readonly K: string;
  readonly G: string;
  /** (j, Kⱼ, Gⱼ, id of j's round-1 broadcast), set in round 1 */
  readonly received: readonly (readonly [number, string, string, string])[];
  /** (j, βᵢ,ⱼ, β̂ᵢ,ⱼ) signed hex, set in round 1 */
  readonly betas: readonly (readonly [number, string, string])[];
  /** Γ, δᵢ, χᵢ, set in round 2 */
  readonly Gamma: string | null;
  readonly delta: string | null;
  readonly chi: string | null;
  /**
   * Optional (absent in snapshots made before the blame round existed): what the δ blame round
   * of Fig. 7 needs, kept from round 1 on. (j, Fⱼ,ᵢ, F̂ⱼ,ᵢ): the ciphertexts under our key we
   * sent to j (fixed-length hex), set in round 1.
   */
  readonly sent?: readonly (readonly [number, string, string])[];
  /** Γᵢ (our own), set in round 2. */
  readonly GammaSelf?: string;
  /** Every other signer's round-2 values as received (Γⱼ and both MtA: Dᵢ,ⱼ, Fᵢ,ⱼ, ψᵢ,ⱼ, D̂ᵢ,ⱼ, F̂ᵢ,ⱼ, ψ̂ᵢ,ⱼ), set in round 2. */
  readonly mta?: readonly MtaRecord[];
  /** (j, δⱼ, id of j's round-3 broadcast): set when the δ check fails and the blame round runs. */
  readonly deltas?: readonly (readonly [number, string, string])[];
  /** (j, Δⱼ, Ŝⱼ, id of j's round-3 broadcast): set when Σ Ŝⱼ ≠ δ·X and the χ blame round runs. */
  readonly shares?: readonly (readonly [number, string, string, string])[];
  /** Set with `deltas` / `shares` when our own δᵢ / χᵢ did not match our ciphertexts (we sent no Π^dec). */
  readonly selfFault?: boolean;
};

/**
 * What party i keeps of j's round-2 messages for the blame rounds: Γⱼ, Dᵢ,ⱼ (under Nᵢ),
 * Fᵢ,ⱼ (under Nⱼ), both as received (fixed-length hex), j's Π^aff-g ψᵢ,ⱼ as received, and the
 * same for the wⱼ conversion (D̂, F̂, ψ̂).
 */
export type MtaRecord = {
  readonly j: number;
  readonly Gamma: string;
  readonly D: string;
  readonly F: string;
  readonly psi: Json;
  /** D̂ᵢ,ⱼ, F̂ᵢ,ⱼ and ψ̂ᵢ,ⱼ (the wⱼ MtA), for the χ blame round. */
  readonly Dhat: string;
  readonly Fhat: string;
  readonly psiHat: Json;
};

/** The result of presigning. */
export interface PresignOutput {
  readonly presignature: Presignature;
}

/** Everything presigning needs to know about the signing set. */
export interface SignerContext {
  readonly self: PartyIndex;
  readonly signers: readonly PartyIndex[];
  readonly others: readonly PartyIndex[];
  /** This party's Paillier secret key. */
  readonly sk: PaillierSecretKey;
  readonly pk: ReadonlyMap<PartyIndex, PaillierPublicKey>;
  readonly rp: ReadonlyMap<PartyIndex, PartyAux>;
  /** wᵢ = λᵢ·xᵢ. Security: secret. */
  readonly w: bigint;
  /** Wⱼ = λⱼ·Xⱼ for every signer. */
  readonly W: ReadonlyMap<PartyIndex, CurvePoint>;
  /** X, the public key. */
  readonly X: CurvePoint;
}

/**
 * Checks a signing set against a key share.
 * @throws {FieldRangeError} if it is too small, not in the committee, or lacks this party.
 */
export function checkSigners(share: CggmpKeyShare, signers: readonly number[]): readonly PartyIndex[] {
  const S = partyList(signers, 'request.signers', 2);
  if (S.length < share.core.threshold) throw new FieldRangeError('request.signers', `need at least ${share.core.threshold} signers`);
  for (const p of S) if (!share.core.parties.includes(p)) throw new FieldRangeError('request.signers', `party ${p} is not in the committee`);
  if (!S.includes(share.core.index)) throw new FieldRangeError('request.signers', 'this party is not a signer');
  return S;
}

/** Builds the {@link SignerContext} of a key share for the signing set S. */
export function signerContext(share: CggmpKeyShare, signers: readonly number[]): SignerContext {
  const S = checkSigners(share, signers);
  const self = share.core.index;
  const xs = S.map((p) => BigInt(p));
  const pk = new Map<PartyIndex, PaillierPublicKey>();
  const rp = new Map<PartyIndex, PartyAux>();
  const W = new Map<PartyIndex, CurvePoint>();
  for (const j of S) {
    const a = share.aux.public.get(j)!;
    pk.set(j, paillierPublicKey(a.N));
    rp.set(j, a);
    W.set(j, publicSharePoint(share.core, j).multiplyUnsafe(lagrangeAtZero(xs, BigInt(j))));
  }
  return {
    self,
    signers: S,
    others: S.filter((p) => p !== self),
    sk: paillierSecretKeyFromPrimes(share.aux.p, share.aux.q, { checkPrimality: false }),
    pk,
    rp,
    w: Fn.mul(lagrangeAtZero(xs, BigInt(self)), share.core.x),
    W,
    X: parsePoint(share.core.publicKey, 'publicKey'),
  };
}

/** enc_N(m; r) for any integer m (reduced mod N), by the key owner (CRT) when `sk` is given. */
export function encryptSigned(pk: PaillierPublicKey, m: bigint, r: bigint, sk?: PaillierSecretKey): bigint {
  const x = mod(m, pk.n);
  return sk ? encryptWithNonceAndSecretKey(sk, x, r) : encryptWithNonce(pk, x, r);
}

/** The plaintext of c as an integer in (−N/2, N/2]. */
export function decryptCentred(sk: PaillierSecretKey, c: bigint): bigint {
  const m = decrypt(sk, c);
  return m > sk.publicKey.n >> 1n ? m - sk.publicKey.n : m;
}

/** A uniform integer in ±2^bits = [−2^bits, 2^bits] (the MtA masks β ∈ J = ±2^ℓ′). */
export function sampleSignedBits(bits: number, rng: RandomSource): bigint {
  const bound = 1n << BigInt(bits);
  return randomInRange(-bound, bound + 1n, rng);
}

/** r⁻¹ mod N for a secret unit r, blinded by a random unit (Euclid never runs on r itself). */
export function invertSecret(r: bigint, N: bigint, rng: RandomSource): bigint {
  const u = randomZnStar(N, rng);
  return modMul(invert(modMul(r, u, N), N), u, N);
}

/** Strict reader of a round-1 broadcast `{ K, G }` (ciphertexts under the sender's key). */
export function readRound1(payload: Json, N: bigint): { K: bigint; G: bigint } {
  const o = expectObject(payload, 'ciphertexts', ['K', 'G']);
  return { K: readCiphertext(o.K, N, 'ciphertexts.K'), G: readCiphertext(o.G, N, 'ciphertexts.G') };
}

/** Strict reader of a round-1 p2p `{ psi0 }`: Π^enc by the sender (Nⱼ) against our (N̂, s, t). */
export function readEncProof(payload: Json, Nj: bigint, rpSelf: PartyAux): PiEncProof {
  const o = expectObject(payload, 'encProof', ['psi0']);
  return decodePiEncProof({ N0: Nj, K: 1n, rp: rpSelf }, o.psi0);
}

/** A round-2 p2p message from j to i, parsed. */
export interface Round2Message {
  readonly D: bigint;
  readonly F: bigint;
  readonly Dhat: bigint;
  readonly Fhat: bigint;
  readonly psi: PiAffGProof;
  readonly psiHat: PiAffGProof;
  readonly psiPrime: PiLogStarProof;
}

/**
 * Strict reader of a round-2 p2p message from j: Dⱼ→ᵢ, D̂ under our key Nᵢ; F, F̂ under Nⱼ;
 * ψ, ψ̂ (Π^aff-g) and ψ′ (Π^log*) against our ring-Pedersen parameters.
 */
export function readRound2(payload: Json, Ni: bigint, Nj: bigint, rpSelf: PartyAux): Round2Message {
  const o = expectObject(payload, 'mta', ['D', 'F', 'Dhat', 'Fhat', 'psi', 'psiHat', 'psiPrime']);
  const aff = { N0: Ni, N1: Nj, C: 1n, D: 1n, Y: 1n, X: new Uint8Array(33), rp: rpSelf };
  return {
    D: readCiphertext(o.D, Ni, 'mta.D'),
    F: readCiphertext(o.F, Nj, 'mta.F'),
    Dhat: readCiphertext(o.Dhat, Ni, 'mta.Dhat'),
    Fhat: readCiphertext(o.Fhat, Nj, 'mta.Fhat'),
    psi: decodePiAffGProof(GROUP, aff, o.psi),
    psiHat: decodePiAffGProof(GROUP, aff, o.psiHat),
    psiPrime: decodePiLogStarProof(GROUP, { N0: Nj, C: 1n, X: new Uint8Array(33), rp: rpSelf }, o.psiPrime),
  };
}

/** Strict reader of a round-2 broadcast `{ Gamma }`. */
export function readGamma(payload: Json): CurvePoint {
  return readPoint(expectObject(payload, 'gamma', ['Gamma']).Gamma, 'gamma.Gamma');
}

/** Strict reader of a round-3 broadcast `{ delta, Delta, S }`. */
export function readRound3(payload: Json): { delta: bigint; Delta: CurvePoint; S: CurvePoint } {
  const o = expectObject(payload, 'delta', ['delta', 'Delta', 'S']);
  return { delta: readScalar(o.delta, 'delta.delta', true), Delta: readPoint(o.Delta, 'delta.Delta'), S: readPoint(o.S, 'delta.S') };
}

/** Strict reader of a round-3 p2p `{ psi }`: Π^log* of Δⱼ against Kⱼ with base Γ. */
export function readLogProof(payload: Json, Nj: bigint, rpSelf: PartyAux): PiLogStarProof {
  const o = expectObject(payload, 'logProof', ['psi']);
  return decodePiLogStarProof(GROUP, { N0: Nj, C: 1n, X: new Uint8Array(33), rp: rpSelf }, o.psi);
}

/** Asserts a JSON field is present (narrowing helper for state fields set by earlier rounds). */
export function required<T>(v: T | null, field: string): T {
  if (v === null) throw new FieldTypeError(field, 'not set yet');
  return v;
}
