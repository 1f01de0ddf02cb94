/**
 * Resharing a threshold Paillier key to a new committee under the same N (a new epoch, mode
 * `reshare`): T_old members of the old committee re-deal their shares over the integers to n′
 * new parties with a new threshold T′, verifiably, in the style of Frankel–Gemmell–MacKenzie–Yung
 * and Rabin's integer resharing, with Feldman commitments in the exponent of v.
 *
 * Old dealers S (|S| = T_old, Δ = n_old!), new committee 1..n′ (Δ′ = n′!, t′ = T′ − 1):
 * - dealer i ∈ S: wᵢ = Δλ^S_{0,i}·sᵢ (so Σ wᵢ ≡ Δ·D modulo the order of everything involved);
 *   uᵢ(X) = Δ′·wᵢ + aᵢ₁X + … + a_{i,t′}X^{t′} with aᵢₖ uniform in [0, A′) (statistical hiding
 *   2^−σ); commitments Cᵢ₀ = v^{Δ′wᵢ}, Cᵢₖ = v^{aᵢₖ} mod N²; uᵢ(j) goes to new party j only.
 * - anyone checks a dealer against its old verification key: Cᵢ₀^Δ = vᵢ^{Δ′·Δλ^S_{0,i}}.
 * - new party j checks each received share: v^{uᵢ(j)} = ∏ₖ Cᵢₖ^{jᵏ}; a failure names dealer i.
 * - new share s′ⱼ = Σᵢ uᵢ(j) + K′·j (public shift K′ for positivity, as in the dealer-less key);
 *   new verification keys, computed by anyone from the commitments:
 *   v′ⱼ = (∏ᵢ∏ₖ Cᵢₖ^{jᵏ} · v^{K′j})^{Δ′}; D′ = Σᵢ uᵢ(0) = Δ′·Σ wᵢ, a multiple of the old exponent
 *   modulo λ(N²), so θ′ = Δ′·Δ·θ mod N is public and decryption works unchanged.
 * The old key keeps working until its holders delete their shares; the new record gets epoch + 1.
 * @module
 */
import { modPow } from '@tessera/crypto/backend';
import { bitLength, bytesToHex } from '@tessera/crypto/bytes';
import { CryptoError, FieldRangeError, assertInteger } from '@tessera/crypto/errors';
import { gcd, invert } from '@tessera/crypto/modular';
import { randomBelow, systemRng, type RandomSource } from '@tessera/crypto/rng';
import { partyIndex, partyList, partyRange, type PartyIndex } from '../engine/ids.ts';
import { thresholdKeyId, validateThresholdKeyShare, validateThresholdPublicKey, type ThresholdPaillierKeyShare, type ThresholdPaillierPublicKey } from './key.ts';
import { MAX_COMMITTEE_SIZE, evaluatePolynomial, factorial, lagrangeIntegerCoefficient, multiPowSignedVartime } from './math.ts';

/** Default statistical security of the integer resharing. */
export const DEFAULT_RESHARE_STATISTICAL_SECURITY = 40;

/** The public parameters of one resharing. */
export interface ReshareParameters {
  /** The old dealers S (sorted, |S| = T_old). */
  readonly dealers: readonly PartyIndex[];
  /** n′ and T′. */
  readonly parties: number;
  readonly threshold: number;
  /** Δ′ = n′!. */
  readonly delta: bigint;
  /** Bound on |wᵢ| and the coefficient range A′. */
  readonly wBound: bigint;
  readonly coefficientRange: bigint;
  /** K′: public positivity shift. */
  readonly shift: bigint;
  /** Public bound on the new shares. */
  readonly shareBits: number;
  /** θ′ = Δ′·Δ·θ mod N. */
  readonly theta: bigint;
}

/** One dealer's contribution: public commitments and the secret shares for the new parties. */
export interface ReshareDealing {
  readonly dealer: PartyIndex;
  /** Cᵢ₀ … C_{i,t′} (public). */
  readonly commitments: readonly bigint[];
  /** uᵢ(j) for new parties j. Security: each value goes to party j only. */
  readonly shares: ReadonlyMap<PartyIndex, bigint>;
}

/** Dealers that misbehaved in a resharing (bad commitments or shares). */
export class ReshareError extends CryptoError {
  readonly culprits: readonly PartyIndex[];
  constructor(culprits: readonly PartyIndex[], detail: string) {
    super(`resharing failed: ${detail}; dealers at fault: ${culprits.join(', ')}`, 'reshare');
    this.name = 'ReshareError';
    this.culprits = Object.freeze([...culprits].sort((a, b) => a - b));
  }
}

function powerSum(n: number, t: number): bigint {
  let s = 0n;
  let x = 1n;
  for (let k = 1; k <= t; k++) {
    x *= BigInt(n);
    s += x;
  }
  return s;
}

/**
 * Derives the public parameters of a resharing from the old key, the dealer set and the new committee.
 * @throws {FieldRangeError} if the dealers are not T_old distinct old parties, or n′, T′ are out of range.
 */
export function reshareParameters(
  old: ThresholdPaillierPublicKey,
  dealers: readonly number[],
  parties: number,
  threshold: number,
  statisticalSecurity = DEFAULT_RESHARE_STATISTICAL_SECURITY,
): ReshareParameters {
  const S = partyList(dealers, 'dealers', 1);
  if (S.length !== old.threshold) throw new FieldRangeError('dealers', `exactly T = ${old.threshold} old parties deal`);
  for (const i of S) if (i > old.parties.length) throw new FieldRangeError('dealers', `party ${i} is not in the old committee`);
  assertInteger('parties', parties, 1, MAX_COMMITTEE_SIZE);
  assertInteger('threshold', threshold, 1, parties);
  assertInteger('statisticalSecurity', statisticalSecurity, 20, 256);
  const t = threshold - 1;
  const delta = factorial(parties);
  const lambdaMax = S.map((i) => lagrangeIntegerCoefficient(old.delta, S, i, 0)).reduce((m, l) => (l < 0n ? -l : l) > m ? (l < 0n ? -l : l) : m, 0n);
  const wBound = lambdaMax << BigInt(old.shareBits);
  const coefficientRange = wBound * delta << BigInt(statisticalSecurity + t + 2 + bitLength(BigInt(Math.max(t, 1))));
  const sBound = BigInt(S.length) * (delta * wBound + coefficientRange * powerSum(parties, t));
  const shift = t >= 1 ? sBound + 1n : 0n;
  const theta = (delta * old.delta * old.theta) % old.N;
  const maxShare = sBound + shift * BigInt(parties);
  return Object.freeze({ dealers: S, parties, threshold, delta, wBound, coefficientRange, shift, shareBits: bitLength(maxShare), theta });
}

/**
 * base^e mod m for a SECRET signed exponent |e| < 2^bits: base^(e + 2^bits) · base^(−2^bits),
 * so the ladder never branches on the sign.
 */
function powSignedSecret(base: bigint, e: bigint, m: bigint, bits: number): bigint {
  const shift = 1n << BigInt(bits);
  return (modPow(base, e + shift, m) * invert(modPow(base, shift, m), m)) % m;
}

/**
 * Old party i's dealing.
 * @throws {FieldRangeError} if the share's party is not a dealer.
 */
export function dealReshare(share: ThresholdPaillierKeyShare, params: ReshareParameters, rng: RandomSource = systemRng()): ReshareDealing {
  if (!params.dealers.includes(share.index)) throw new FieldRangeError('share', `party ${share.index} is not one of the dealers`);
  const pk = share.publicKey;
  const w = lagrangeIntegerCoefficient(pk.delta, params.dealers, share.index, 0) * share.s;
  const coefficients = [params.delta * w];
  for (let k = 1; k < params.threshold; k++) coefficients.push(randomBelow(params.coefficientRange, rng));
  const bound = bitLength(params.delta * params.wBound) + 1;
  const commitments = coefficients.map((a, k) => (k === 0 ? powSignedSecret(pk.v, a, pk.N2, bound) : modPow(pk.v, a, pk.N2)));
  const shares = new Map<PartyIndex, bigint>();
  for (const j of partyRange(params.parties)) shares.set(j, evaluatePolynomial(coefficients, j));
  return Object.freeze({ dealer: share.index, commitments: Object.freeze(commitments), shares });
}

/**
 * Checks a dealer's commitments against its old verification key: C₀^Δ = vᵢ^{Δ′·Δλ^S_{0,i}},
 * and that there are T′ of them, all units.
 * @throws {ReshareError} naming the dealer.
 */
export function verifyReshareCommitments(old: ThresholdPaillierPublicKey, params: ReshareParameters, dealer: number, commitments: readonly bigint[]): void {
  const i = partyIndex(dealer, 'dealer');
  if (!params.dealers.includes(i)) throw new FieldRangeError('dealer', `party ${i} is not one of the dealers`);
  if (commitments.length !== params.threshold || commitments.some((c) => typeof c !== 'bigint' || c <= 0n || c >= old.N2 || gcd(c, old.N) !== 1n))
    throw new ReshareError([i], `dealer ${i} sent malformed commitments`);
  const lhs = multiPowSignedVartime([commitments[0]!], [old.delta], old.N2);
  const rhs = multiPowSignedVartime([old.verificationKeys[i - 1]!], [params.delta * lagrangeIntegerCoefficient(old.delta, params.dealers, i, 0)], old.N2);
  if (lhs !== rhs) throw new ReshareError([i], `dealer ${i}'s commitment does not match its verification key`);
}

/** ∏ₖ Cₖ^{jᵏ} mod N²: v to the committed polynomial at j. */
function committedAt(commitments: readonly bigint[], j: number, N2: bigint): bigint {
  return multiPowSignedVartime(commitments, commitments.map((_, k) => BigInt(j) ** BigInt(k)), N2);
}

/**
 * New party j's check of dealer i's share: v^{uᵢ(j)} = ∏ₖ Cᵢₖ^{jᵏ}.
 * @throws {ReshareError} naming the dealer.
 */
export function verifyReshareShare(old: ThresholdPaillierPublicKey, params: ReshareParameters, dealing: Pick<ReshareDealing, 'dealer' | 'commitments'>, j: number, u: bigint): void {
  const bound = bitLength(BigInt(params.dealers.length) * (params.delta * params.wBound + params.coefficientRange * powerSum(params.parties, params.threshold - 1))) + 1;
  if (typeof u !== 'bigint' || bitLength(u < 0n ? -u : u) >= bound) throw new ReshareError([dealing.dealer], `share for party ${j} out of range`);
  if (powSignedSecret(old.v, u, old.N2, bound) !== committedAt(dealing.commitments, j, old.N2))
    throw new ReshareError([dealing.dealer], `dealer ${dealing.dealer}'s share for party ${j} does not match its commitments`);
}

/**
 * The new public key from every dealer's (checked) commitments.
 * @throws {CryptoError} if the result fails the public-key checks.
 */
export function resharedPublicKey(
  old: ThresholdPaillierPublicKey,
  params: ReshareParameters,
  commitments: ReadonlyMap<PartyIndex, readonly bigint[]>,
  opts: { allowInsecureSize?: boolean } = {},
): ThresholdPaillierPublicKey {
  const vks = partyRange(params.parties).map((j) => {
    let acc = modPow(old.v, params.shift * BigInt(j), old.N2);
    for (const i of params.dealers) acc = (acc * committedAt(commitments.get(i)!, j, old.N2)) % old.N2;
    return multiPowSignedVartime([acc], [params.delta], old.N2);
  });
  return validateThresholdPublicKey(
    { N: old.N, parties: params.parties, threshold: params.threshold, v: old.v, verificationKeys: vks, theta: params.theta, shareBits: params.shareBits },
    opts,
  );
}

/**
 * New party j's share from the dealers' shares for it (each already checked), validated against
 * the new public key.
 * @throws {CryptoError} if the sum does not match j's new verification key.
 */
export function resharedKeyShare(pk: ThresholdPaillierPublicKey, params: ReshareParameters, j: number, received: ReadonlyMap<PartyIndex, bigint>): ThresholdPaillierKeyShare {
  let s = params.shift * BigInt(j);
  for (const i of params.dealers) {
    const u = received.get(i);
    if (u === undefined) throw new FieldRangeError('received', `no share from dealer ${i}`);
    s += u;
  }
  return validateThresholdKeyShare(pk, j, s);
}

/**
 * Runs a whole resharing in one process (what the committee function does): every dealer deals,
 * every commitment and share is checked, the new key and shares are assembled.
 * @throws {ReshareError} naming every dealer caught misbehaving.
 */
export function reshareKey(
  oldShares: readonly ThresholdPaillierKeyShare[],
  parties: number,
  threshold: number,
  opts: { rng?: RandomSource; statisticalSecurity?: number; allowInsecureSize?: boolean } = {},
): { publicKey: ThresholdPaillierPublicKey; shares: ReadonlyMap<PartyIndex, ThresholdPaillierKeyShare>; params: ReshareParameters } {
  if (oldShares.length === 0) throw new FieldRangeError('oldShares', 'no old shares');
  const old = oldShares[0]!.publicKey;
  const chosen = [...oldShares].sort((a, b) => a.index - b.index).slice(0, old.threshold);
  if (chosen.length < old.threshold) throw new FieldRangeError('oldShares', `at least ${old.threshold} old shares are needed`);
  const id = bytesToHex(thresholdKeyId(old));
  for (const s of chosen) if (bytesToHex(thresholdKeyId(s.publicKey)) !== id) throw new FieldRangeError('oldShares', 'shares of different keys');
  const params = reshareParameters(old, chosen.map((s) => s.index), parties, threshold, opts.statisticalSecurity);
  const rng = opts.rng ?? systemRng();
  const dealings = chosen.map((s) => dealReshare(s, params, rng));
  return assembleReshare(old, params, dealings, opts);
}

/**
 * Checks every dealing (commitments against the old verification keys, every share against
 * its commitments) and assembles the new key and shares.
 * @throws {ReshareError} naming every dealer caught misbehaving.
 */
export function assembleReshare(
  old: ThresholdPaillierPublicKey,
  params: ReshareParameters,
  dealings: readonly ReshareDealing[],
  opts: { allowInsecureSize?: boolean } = {},
): { publicKey: ThresholdPaillierPublicKey; shares: ReadonlyMap<PartyIndex, ThresholdPaillierKeyShare>; params: ReshareParameters } {
  const parties = params.parties;
  const missing = params.dealers.filter((i) => !dealings.some((d) => d.dealer === i));
  if (missing.length > 0) throw new ReshareError(missing, 'dealings missing');
  const bad = new Set<PartyIndex>();
  const reasons: string[] = [];
  for (const d of dealings) {
    try {
      verifyReshareCommitments(old, params, d.dealer, d.commitments);
      for (const j of partyRange(parties)) verifyReshareShare(old, params, d, j, d.shares.get(j)!);
    } catch (err) {
      if (!(err instanceof ReshareError)) throw err;
      for (const c of err.culprits) bad.add(c);
      reasons.push(err.message);
    }
  }
  if (bad.size > 0) throw new ReshareError([...bad], reasons.join('; '));
  const publicKey = resharedPublicKey(old, params, new Map(dealings.map((d) => [d.dealer, d.commitments])), opts.allowInsecureSize ? { allowInsecureSize: true } : {});
  const shares = new Map<PartyIndex, ThresholdPaillierKeyShare>();
  for (const j of partyRange(parties)) shares.set(j, resharedKeyShare(publicKey, params, j, new Map(dealings.map((d) => [d.dealer, d.shares.get(j)!]))));
  return { publicKey, shares, params };
}
