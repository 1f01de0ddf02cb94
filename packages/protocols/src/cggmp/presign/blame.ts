/**
 * CGGMP21 presigning, identifiable abort for the two checks at its end.
 *
 * δ·G ≠ Σ Δⱼ (eprint 2021/060 revised, Fig. 7, Output, step 2): a fourth round that runs only
 * after the δ check of round 3 failed. Every signer i broadcasts (echo-checked, so the message
 * is signed evidence):
 *   - Hᵢ = Gᵢ^kᵢ·ρ^Nᵢ = encᵢ(kᵢγᵢ) with Π^mul (Fig. 29; X = Kᵢ, Y = Gᵢ, C = Hᵢ, under Nᵢ);
 *   - for every other signer j, the round-2 values it RECEIVED from j: Dᵢ,ⱼ, Fᵢ,ⱼ and j's own
 *     Π^aff-g ψᵢ,ⱼ over them (forwarded as received);
 *   - for every other signer ℓ, Π^dec (Fig. 30, against ℓ's ring-Pedersen parameters) that
 *     Cᵢ = Hᵢ · Πⱼ Dᵢ,ⱼ · Fⱼ,ᵢ (under Nᵢ) decrypts to δᵢ modulo q, with δᵢ as broadcast in round 3.
 * The prover's witness is the centred plaintext of Cᵢ (far below Nᵢ/2, since every Dᵢ,ⱼ passed
 * Π^aff-g) and its nonce, both recovered with the Paillier secret key, so no round secret
 * beyond kᵢ and ρᵢ has to be kept.
 *
 * Which Dᵢ,ⱼ and Fⱼ,ᵢ enter Cᵢ: round-2 messages travel point to point and are not signed, so a
 * party's word about what it received is not evidence. A forwarded Π^aff-g is: it is bound to
 * the session, its prover j and recipient i, and to D, F, Kᵢ and Γⱼ, and its group part is a
 * proof of knowledge of γⱼ = log Γⱼ, which nobody but j can produce, even knowing the factors
 * and ring-Pedersen trapdoor of Nᵢ. So every verifier takes Dᵢ,ⱼ from i's forward of ψᵢ,ⱼ and
 * Fⱼ,ᵢ from j's forward of ψⱼ,ᵢ (made by i): neither side can substitute values the other
 * did not prove. The paper assumes authenticated channels for this step; this is how the same
 * guarantee is obtained without signed p2p messages.
 *
 * Verification runs in two batches through the session's {@link ZkVerifier}: first every
 * forwarded Π^aff-g (a failure names the forwarder: an honest party forwards only proofs it
 * accepted in round 2), then every Π^mul and every Π^dec, including those addressed to other
 * verifiers (completeness holds for any parameters, so a failing one is evidence against its
 * prover). A party that finds its own δᵢ inconsistent with Cᵢ (a fault in its own round code)
 * cannot prove it; it sends `dec: null` and is named by everyone. The session always ends with
 * {@link ProtocolAbort}: the culprits with `invalid-proof`, or, if every proof holds (impossible
 * unless a proof is unsound), no culprit.
 *
 * The χ blame round (round 5) runs instead when δ is consistent but Σ Ŝⱼ ≠ δ·X. It is the
 * identification of Fig. 8 (signing: "prove σᵢ when the signature does not verify"), moved to
 * presigning because Tessera checks Ŝⱼ = χⱼ·Γ there and every σⱼ on its own when signing (so a
 * signature whose shares all pass always verifies). χᵢ stays secret; instead i reveals the test
 * share τᵢ = m*·kᵢ + r*·χᵢ for public m*, r* hashed from the session — one signature-share-like
 * equation on a presignature that is discarded anyway, as Fig. 8 reveals σᵢ — and broadcasts:
 *   - Ĥᵢ = Kᵢ^wᵢ·ρ^Nᵢ = encᵢ(kᵢwᵢ) with, per verifier ℓ, Π^aff-g used as Fig. 8's Π^mul*:
 *     C = Kᵢ, D = Ĥᵢ, X = Wᵢ = wᵢ·G, Y = 1 (an encryption of 0 every verifier can see, so the
 *     additive part is 0 and Ĥᵢ encrypts exactly kᵢ·wᵢ), N0 = N1 = Nᵢ;
 *   - the forwarded D̂ᵢ,ⱼ, F̂ᵢ,ⱼ with j's ψ̂ᵢ,ⱼ (pinned as above);
 *   - per verifier ℓ, Π^dec that Kᵢ^m*·Ĉᵢ^r* decrypts to τᵢ, Ĉᵢ = Ĥᵢ·Πⱼ D̂ᵢ,ⱼ·F̂ⱼ,ᵢ.
 * Verifiers also check τᵢ·Γ = m*·Δᵢ + r*·Ŝᵢ (Δᵢ is proven by Π^log*). Both checks passing force
 * Ŝᵢ = χ̃ᵢ·Γ for the χ̃ᵢ the ciphertexts define, and Σ χ̃ᵢ = k·x, so some check fails whenever
 * Σ Ŝⱼ ≠ δ·X.
 * @module
 */
import { modMul, modPow, modPowVartime } from '@tessera/crypto/backend';
import { bytesToBigInt } from '@tessera/crypto/bytes';
import { FieldRangeError } from '@tessera/crypto/errors';
import { invert, mod } from '@tessera/crypto/modular';
import { add, mulScalar, type PaillierSecretKey } from '@tessera/crypto/paillier';
import { randomZnStar } from '@tessera/crypto/rng';
import type { ZkVerifyJob } from '@tessera/crypto/zk/dispatch';
import { decodePiAffGProof, encodePiAffGProof, type PiAffGProof } from '@tessera/crypto/zk/piaffg';
import { decodePiDecProof, encodePiDecProof, type PiDecProof } from '@tessera/crypto/zk/pidec';
import { decodePiMulProof, encodePiMulProof, type PiMulProof } from '@tessera/crypto/zk/pimul';
import type { ZkProveJob } from '@tessera/crypto/zk/prove-dispatch';
import { CGGMP21_PARAMS } from '@tessera/crypto/zk/params';
import { expectArray, expectObject, type Json } from '../../engine/codec.ts';
import { InternalError, ProtocolAbort, type Evidence } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, RoundContext, RoundSpec } from '../../engine/protocol.ts';
import { CURVE_ORDER, Fn, GROUP, mulVartime, pointBytes, readPoint, readScalar, scalarJson } from '../curve.ts';
import type { PartyAux } from '../keyshare.ts';
import { inlineVerifier, modHex, proofBinding, proveWith, readCiphertext, unbig, type ZkVerifier } from '../wire.ts';
import { decryptCentred, encryptSigned, required, signerContext, type MtaRecord, type PresignDeps, type PresignOutput, type PresignState, type SignerContext } from './types.ts';

/** Round number of the δ blame round. */
export const DELTA_BLAME_ROUND = 4;

/** A parsed blame message of signer i. */
export interface DeltaBlameMessage {
  /** Hᵢ = encᵢ(kᵢγᵢ). */
  readonly H: bigint;
  readonly mul: PiMulProof;
  /** Per other signer j: Dᵢ,ⱼ (under Nᵢ), Fᵢ,ⱼ (under Nⱼ) and j's Π^aff-g over them. */
  readonly mta: ReadonlyMap<PartyIndex, ForwardedMta>;
  /** Per verifier ℓ: Π^dec of Cᵢ against ℓ's parameters; null when i cannot prove its δᵢ. */
  readonly dec: ReadonlyMap<PartyIndex, PiDecProof> | null;
}

/**
 * Strict reader of signer `from`'s blame message: one `mta` row and one `dec` row per other
 * signer, in signer order; ciphertexts are units under the right modulus; proofs decode for
 * their statements' moduli.
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError} naming the field.
 */
export function readDeltaBlame(payload: Json, from: PartyIndex, signers: readonly PartyIndex[], aux: (j: PartyIndex) => PartyAux): DeltaBlameMessage {
  const o = expectObject(payload, 'blame', ['H', 'mul', 'mta', 'dec']);
  const Ni = aux(from).N;
  const others = signers.filter((p) => p !== from);
  const H = readCiphertext(o.H, Ni, 'blame.H');
  const mul = decodePiMulProof({ N: Ni, X: 1n, Y: 1n, C: 1n }, o.mul);
  const rows = expectArray(o.mta, 'blame.mta', others.length, others.length);
  const mta = new Map<PartyIndex, { D: bigint; F: bigint; psi: PiAffGProof }>();
  rows.forEach((r, k) => {
    const row = expectArray(r, `blame.mta[${k}]`, 4, 4);
    const j = others[k]!;
    if (row[0] !== j) throw new FieldRangeError(`blame.mta[${k}][0]`, `expected party ${j}`);
    const Nj = aux(j).N;
    mta.set(j, {
      D: readCiphertext(row[1], Ni, `blame.mta[${k}].D`),
      F: readCiphertext(row[2], Nj, `blame.mta[${k}].F`),
      psi: decodePiAffGProof(GROUP, { N0: Ni, N1: Nj, C: 1n, D: 1n, Y: 1n, X: new Uint8Array(33), rp: aux(from) }, row[3]),
    });
  });
  let dec: Map<PartyIndex, PiDecProof> | null = null;
  if (o.dec !== null) {
    dec = new Map();
    expectArray(o.dec, 'blame.dec', others.length, others.length).forEach((r, k) => {
      const row = expectArray(r, `blame.dec[${k}]`, 2, 2);
      const l = others[k]!;
      if (row[0] !== l) throw new FieldRangeError(`blame.dec[${k}][0]`, `expected party ${l}`);
      dec!.set(l, decodePiDecProof({ N0: Ni, C: 1n, x: 0n, rp: aux(l) }, row[1]));
    });
  }
  return { H, mul, mta, dec };
}

/**
 * The nonce ρ of a ciphertext c under our own key: c ≡ ρ^N (mod N), so ρ = (c mod N)^(N⁻¹ mod φ(N)).
 * Security: secret-exponent exponentiation; the inversion modulo φ(N) runs only in the blame round.
 */
export function recoverNonce(sk: PaillierSecretKey, c: bigint): bigint {
  const N = sk.publicKey.n;
  return modPow(c % N, invert(N % sk.phi, sk.phi), N);
}

/** Cᵢ = Hᵢ · Πⱼ Dᵢ,ⱼ · Fⱼ,ᵢ mod Nᵢ² (the ciphertext whose plaintext is δᵢ before reduction mod q). */
function deltaCiphertext(H: bigint, parts: readonly bigint[], Ni: bigint): bigint {
  const N2 = Ni * Ni;
  return parts.reduce((acc, c) => modMul(acc, c, N2), H);
}

/**
 * Our blame message (called by round 3 when the δ check fails); `provable` is false when our
 * own δᵢ does not match our ciphertexts (then the message carries no Π^dec).
 * @throws {CryptoError} if the stored values are inconsistent with our own key (local corruption).
 */
export async function deltaBlamePayload(state: PresignState, sc: SignerContext, ctx: RoundContext<PresignDeps>): Promise<{ payload: Json; provable: boolean }> {
  const self = ctx.self;
  const pki = sc.pk.get(self)!;
  const Ni = pki.n;
  const own = { p: sc.sk.p, q: sc.sk.q };
  const k = unbig(state.k, 'state.k');
  const Ki = unbig(state.K, 'state.K');
  const Gi = unbig(state.G, 'state.G');
  const rhoK = unbig(state.rho, 'state.rho');
  const rhoH = randomZnStar(Ni, ctx.rng);
  const H = add(pki, mulScalar(pki, Gi, k, CURVE_ORDER.toString(2).length), encryptSigned(pki, 0n, rhoH, sc.sk));
  const mulStatement = { N: Ni, X: Ki, Y: Gi, C: H };
  const mulJob: Extract<ZkProveJob, { kind: 'pimul' }> = {
    kind: 'pimul',
    binding: proofBinding(ctx.session, 'presign/blame-mul', self),
    statement: mulStatement,
    witness: { x: k, rho: rhoH, rhoX: rhoK, factors: own },
  };
  const mta = required(state.mta ?? null, 'state.mta');
  const sent = new Map(required(state.sent ?? null, 'state.sent').map(([j, F]) => [j, readCiphertext(F, Ni, 'state.sent.F')]));
  const C = deltaCiphertext(
    H,
    mta.flatMap((r) => [readCiphertext(r.D, Ni, 'state.mta.D'), sent.get(r.j)!]),
    Ni,
  );
  const delta = readScalar(state.delta, 'state.delta', true);
  const y = decryptCentred(sc.sk, C);
  let dec: Json = null;
  // A fault in our own round code leaves δᵢ unprovable: send no Π^dec and be named.
  const decJobs: Extract<ZkProveJob, { kind: 'pidec' }>[] = [];
  if (mod(y, CGGMP21_PARAMS.q) === delta) {
    const rhoC = recoverNonce(sc.sk, C);
    for (const l of sc.others)
      decJobs.push({ kind: 'pidec', binding: proofBinding(ctx.session, 'presign/blame-dec', self, l), statement: { N0: Ni, C, x: delta, rp: sc.rp.get(l)! }, witness: { y, rho: rhoC, factors: own } });
  }
  // Π^mul and every Π^dec in one prover call
  const [mul, ...decProofs] = await proveWith(ctx.deps.prover, ctx.rng, [mulJob, ...decJobs] as const);
  if (decJobs.length > 0) dec = sc.others.map((l, n) => [l, encodePiDecProof(decJobs[n]!.statement, decProofs[n] as PiDecProof) as unknown as Json]);
  const payload: Json = {
    H: modHex(H, Ni * Ni, 'H'),
    mul: encodePiMulProof(mulStatement, mul) as unknown as Json,
    mta: mta.map((r) => [r.j, r.D, r.F, r.psi]),
    dec,
  };
  return { payload, provable: dec !== null };
}

/** Verifies a batch, returning the indices of failed jobs with their messages. */
async function failures(verifier: ZkVerifier | undefined, jobs: readonly ZkVerifyJob[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (jobs.length === 0) return out;
  const results = await (verifier ?? inlineVerifier)(jobs);
  if (results.length !== jobs.length) throw new InternalError('verifier returned a wrong number of results');
  results.forEach((r, k) => {
    if (!r.ok) out.set(k, `${r.field ?? r.kind} (${r.message})`);
  });
  return out;
}

/** A forwarded MtA row: Dᵢ,ⱼ (under Nᵢ), Fᵢ,ⱼ (under Nⱼ) and j's Π^aff-g over them. */
type ForwardedMta = { readonly D: bigint; readonly F: bigint; readonly psi: PiAffGProof };

/**
 * Step 1 of both blame rounds: verifies every Π^aff-g a sender forwarded (j's proof over the
 * row i received from j, statement built by `statementOf`); a failing proof names the FORWARDER.
 * @throws {ProtocolAbort} `invalid-proof` naming the forwarders of failing proofs.
 */
async function checkForwardedAffG(
  verifier: ZkVerifier | undefined,
  msgs: ReadonlyMap<PartyIndex, { readonly m: { readonly mta: ReadonlyMap<PartyIndex, ForwardedMta> } }>,
  statementOf: (i: PartyIndex, j: PartyIndex, row: ForwardedMta) => { binding: ZkVerifyJob['binding']; statement: Extract<ZkVerifyJob, { kind: 'piaffg' }>['statement'] },
  evidenceOf: (i: PartyIndex, detail: string) => Evidence[],
  label: { readonly rows: string; readonly round: string },
): Promise<void> {
  const jobs: ZkVerifyJob[] = [];
  const owner: PartyIndex[] = [];
  for (const [i, { m }] of msgs)
    for (const [j, row] of m.mta) {
      jobs.push({ kind: 'piaffg', group: 'secp256k1', ...statementOf(i, j, row), proof: row.psi });
      owner.push(i);
    }
  const bad = await failures(verifier, jobs);
  if (bad.size === 0) return;
  const culprits = [...new Set([...bad.keys()].map((k) => owner[k]!))];
  const evidence = culprits.flatMap((i) => evidenceOf(i, `forwarded Π^aff-g of ${label.rows}: ${[...bad].filter(([k]) => owner[k] === i).map(([, d]) => d).join('; ')}`));
  throw new ProtocolAbort('invalid-proof', culprits, evidence, `presigning ${label.round} blame: forwarded MtA proofs fail; culprits: ${culprits.join(', ')}`);
}

/** Findings of step 2 of a blame round, per party. */
class CulpritLog {
  readonly #details = new Map<PartyIndex, string[]>();
  /** Records a finding against `i`. */
  note(i: PartyIndex, detail: string): void {
    this.#details.set(i, [...(this.#details.get(i) ?? []), detail]);
  }
  /**
   * Ends the blame round: names every party with findings, or — when every proof verified —
   * aborts with no culprit, citing each sender's blame message.
   * @throws {ProtocolAbort} always.
   */
  abort(o: { evidenceOf: (i: PartyIndex, detail: string) => Evidence[]; others: readonly PartyIndex[]; ids: (i: PartyIndex) => string; round: number; check: string; name: string; what: string }): never {
    const sorted = [...this.#details.keys()].sort((a, b) => a - b);
    if (sorted.length > 0)
      throw new ProtocolAbort('invalid-proof', sorted, sorted.flatMap((i) => o.evidenceOf(i, this.#details.get(i)!.join('; '))), `presigning aborted: ${o.check}; ${o.name} blame names ${sorted.join(', ')}`);
    throw new ProtocolAbort(
      'invalid-share',
      [],
      o.others.map((i) => ({ id: o.ids(i), round: o.round, from: i, reason: 'invalid-share' as const, detail: `blame message of a failed ${o.what} check` })),
      `presigning aborted: ${o.check}, but every blame proof verified (no culprit)`,
    );
  }
}

/** Round 4 (only after a failed δ check): the blame messages. @throws {ProtocolAbort} always, from finalize. */
export const deltaBlameRound: RoundSpec<PresignState, PresignOutput, PresignDeps> = {
  expects(state, ctx): Expectation {
    const others = state.signers.filter((p) => p !== ctx.self) as PartyIndex[];
    return { broadcast: others, p2p: [], echo: others };
  },
  parse(_kind, from, payload, state, ctx) {
    const aux = ctx.deps.keyShare.aux;
    readDeltaBlame(payload, from, state.signers as PartyIndex[], (j) => aux.public.get(j)!);
  },
  async finalize(state, inbox, ctx) {
    if (state.selfFault === true) throw new InternalError('presigning aborted: this party could not prove its own δᵢ (its round-2 computation is faulty)');
    const sc = signerContext(ctx.deps.keyShare, state.signers);
    const self = ctx.self;
    const aux = (j: PartyIndex) => sc.rp.get(j)!;
    const N = (j: PartyIndex) => sc.pk.get(j)!.n;
    const mine = new Map<number, MtaRecord>(required(state.mta ?? null, 'state.mta').map((r) => [r.j, r]));
    const Gamma = (j: PartyIndex) => readPoint(j === self ? required(state.GammaSelf ?? null, 'state.GammaSelf') : mine.get(j)!.Gamma, 'state.Gamma');
    const received = new Map(state.received.map(([j, K, G]) => [j as PartyIndex, { K: unbig(K, 'state.received.K'), G: unbig(G, 'state.received.G') }]));
    const deltas = new Map(required(state.deltas ?? null, 'state.deltas').map(([j, d, id]) => [j as PartyIndex, { delta: readScalar(d, 'state.deltas', true), id }]));
    const msgs = new Map<PartyIndex, { m: DeltaBlameMessage; id: string }>();
    for (const i of sc.others) {
      const b = inbox.broadcast.get(i)!;
      msgs.set(i, { m: readDeltaBlame(b.payload, i, sc.signers, aux), id: b.id });
    }
    const evidenceOf = (i: PartyIndex, detail: string): Evidence[] => [
      { id: msgs.get(i)!.id, round: DELTA_BLAME_ROUND, from: i, reason: 'invalid-proof', detail },
      { id: deltas.get(i)!.id, round: 3, from: i, reason: 'invalid-share', detail: 'δᵢ of the failed check' },
    ];

    // 1. Every forwarded Π^aff-g: i forwards j's proof over (Dᵢ,ⱼ, Fᵢ,ⱼ).
    await checkForwardedAffG(
      ctx.deps.verifier,
      msgs,
      (i, j, row) => ({
        binding: proofBinding(ctx.session, 'presign/affg-gamma', j, i),
        statement: { N0: N(i), N1: N(j), C: received.get(i)!.K, D: row.D, Y: invert(row.F, N(j) * N(j)), X: pointBytes(Gamma(j)), rp: aux(i) },
      }),
      evidenceOf,
      { rows: 'Dᵢ,ⱼ', round: 'δ' },
    );

    // 2. Π^mul and Π^dec of every other signer, with Cᵢ from the pinned ciphertexts.
    const Fto = (j: PartyIndex, i: PartyIndex): bigint => (j === self ? readCiphertext(mine.get(i)!.F, N(i), 'state.mta.F') : msgs.get(j)!.m.mta.get(i)!.F);
    const jobs: ZkVerifyJob[] = [];
    const owner: { i: PartyIndex; what: string }[] = [];
    const log = new CulpritLog();
    const note = (i: PartyIndex, d: string) => log.note(i, d);
    for (const [i, { m }] of msgs) {
      const Ni = N(i);
      jobs.push({ kind: 'pimul', binding: proofBinding(ctx.session, 'presign/blame-mul', i), statement: { N: Ni, X: received.get(i)!.K, Y: received.get(i)!.G, C: m.H }, proof: m.mul });
      owner.push({ i, what: 'Π^mul of Hᵢ' });
      if (m.dec === null) {
        note(i, 'no Π^dec: the sender cannot prove its δᵢ');
        continue;
      }
      const C = deltaCiphertext(m.H, [...m.mta].flatMap(([j, row]) => [row.D, Fto(j, i)]), Ni);
      for (const [l, proof] of m.dec) {
        jobs.push({ kind: 'pidec', binding: proofBinding(ctx.session, 'presign/blame-dec', i, l), statement: { N0: Ni, C, x: deltas.get(i)!.delta, rp: aux(l) }, proof });
        owner.push({ i, what: `Π^dec of δᵢ (verifier ${l})` });
      }
    }
    for (const [k, d] of await failures(ctx.deps.verifier, jobs)) note(owner[k]!.i, `${owner[k]!.what}: ${d}`);
    return log.abort({ evidenceOf, others: sc.others, ids: (i) => msgs.get(i)!.id, round: DELTA_BLAME_ROUND, check: 'δ·G ≠ Σ Δⱼ', name: 'δ', what: 'δ' });
  },
};

/** Round number of the χ blame round (after a failed Σ Ŝⱼ = δ·X check). */
export const CHI_BLAME_ROUND = 5;

/**
 * The public scalars (m*, r*) of the χ blame round's test share τᵢ = m*·kᵢ + r*·χᵢ: hashes of
 * the session, never zero.
 */
export function chiBlameScalars(ctx: Pick<RoundContext<PresignDeps>, 'hash'>): { m: bigint; r: bigint } {
  const s = (tag: string) => Fn.create(bytesToBigInt(ctx.hash(`chi-blame/${tag}`))) || 1n;
  return { m: s('m'), r: s('r') };
}

/** A parsed χ blame message of signer i. */
export interface ChiBlameMessage {
  /** Ĥᵢ = encᵢ(kᵢwᵢ). */
  readonly H: bigint;
  /** τᵢ = m*·kᵢ + r*·χᵢ mod q. */
  readonly tau: bigint;
  /** Per verifier ℓ: Π^aff-g of Ĥᵢ = Kᵢ^wᵢ·ρ^Nᵢ with Wᵢ = wᵢ·G (Y = 1: the additive part is 0). */
  readonly mulStar: ReadonlyMap<PartyIndex, PiAffGProof>;
  /** Per other signer j: D̂ᵢ,ⱼ (under Nᵢ), F̂ᵢ,ⱼ (under Nⱼ) and j's Π^aff-g ψ̂ᵢ,ⱼ over them. */
  readonly mta: ReadonlyMap<PartyIndex, ForwardedMta>;
  /** Per verifier ℓ: Π^dec that Kᵢ^m*·Ĉᵢ^r* decrypts to τᵢ; null when i cannot prove it. */
  readonly dec: ReadonlyMap<PartyIndex, PiDecProof> | null;
}

function affShape(N0: bigint, N1: bigint, rp: PartyAux) {
  return { N0, N1, C: 1n, D: 1n, Y: 1n, X: new Uint8Array(33), rp };
}

/**
 * Strict reader of signer `from`'s χ blame message (rows per other signer, in signer order).
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError} naming the field.
 */
export function readChiBlame(payload: Json, from: PartyIndex, signers: readonly PartyIndex[], aux: (j: PartyIndex) => PartyAux): ChiBlameMessage {
  const o = expectObject(payload, 'chiBlame', ['H', 'tau', 'mulStar', 'mta', 'dec']);
  const Ni = aux(from).N;
  const others = signers.filter((p) => p !== from);
  const rows = (v: Json, field: string, width: number) =>
    expectArray(v, field, others.length, others.length).map((r, k) => {
      const row = expectArray(r, `${field}[${k}]`, width, width);
      if (row[0] !== others[k]) throw new FieldRangeError(`${field}[${k}][0]`, `expected party ${others[k]}`);
      return { j: others[k]!, row };
    });
  const mulStar = new Map(rows(o.mulStar, 'chiBlame.mulStar', 2).map(({ j, row }) => [j, decodePiAffGProof(GROUP, affShape(Ni, Ni, aux(j)), row[1])] as const));
  const mta = new Map(
    rows(o.mta, 'chiBlame.mta', 4).map(({ j, row }, k) => {
      const Nj = aux(j).N;
      return [
        j,
        {
          D: readCiphertext(row[1], Ni, `chiBlame.mta[${k}].D`),
          F: readCiphertext(row[2], Nj, `chiBlame.mta[${k}].F`),
          psi: decodePiAffGProof(GROUP, affShape(Ni, Nj, aux(from)), row[3]),
        },
      ] as const;
    }),
  );
  const dec = o.dec === null ? null : new Map(rows(o.dec, 'chiBlame.dec', 2).map(({ j, row }) => [j, decodePiDecProof({ N0: Ni, C: 1n, x: 0n, rp: aux(j) }, row[1])] as const));
  return { H: readCiphertext(o.H, Ni, 'chiBlame.H'), tau: readScalar(o.tau, 'chiBlame.tau', true), mulStar, mta, dec };
}

/** Kᵢ^m*·Ĉᵢ^r* mod Nᵢ² (public exponents). */
function tauCiphertext(K: bigint, Chat: bigint, s: { m: bigint; r: bigint }, Ni: bigint): bigint {
  const N2 = Ni * Ni;
  return modMul(modPowVartime(K, s.m, N2), modPowVartime(Chat, s.r, N2), N2);
}

/**
 * Our χ blame message (called by round 3 when Σ Ŝⱼ ≠ δ·X); `provable` is false when our own
 * χᵢ does not match our ciphertexts (then the message carries no Π^dec).
 * @throws {CryptoError} if the stored values are inconsistent with our own key (local corruption).
 */
export async function chiBlamePayload(state: PresignState, sc: SignerContext, ctx: RoundContext<PresignDeps>): Promise<{ payload: Json; provable: boolean }> {
  const self = ctx.self;
  const pki = sc.pk.get(self)!;
  const Ni = pki.n;
  const own = { p: sc.sk.p, q: sc.sk.q };
  const k = unbig(state.k, 'state.k');
  const Ki = unbig(state.K, 'state.K');
  const rhoH = randomZnStar(Ni, ctx.rng);
  const H = add(pki, mulScalar(pki, Ki, sc.w, CURVE_ORDER.toString(2).length), encryptSigned(pki, 0n, rhoH, sc.sk));
  const Wi = pointBytes(sc.W.get(self)!);
  const mulStarJobs = sc.others.map(
    (l): Extract<ZkProveJob, { kind: 'piaffg' }> => ({
      kind: 'piaffg',
      group: 'secp256k1',
      binding: proofBinding(ctx.session, 'presign/blame-mulstar', self, l),
      statement: { N0: Ni, N1: Ni, C: Ki, D: H, Y: 1n, X: Wi, rp: sc.rp.get(l)! },
      witness: { x: sc.w, y: 0n, rho: rhoH, rhoY: 1n, factorsN1: own },
    }),
  );
  const mta = required(state.mta ?? null, 'state.mta');
  const sent = new Map(required(state.sent ?? null, 'state.sent').map(([j, , Fhat]) => [j, readCiphertext(Fhat, Ni, 'state.sent.Fhat')]));
  const Chat = deltaCiphertext(H, mta.flatMap((r) => [readCiphertext(r.Dhat, Ni, 'state.mta.Dhat'), sent.get(r.j)!]), Ni);
  const s = chiBlameScalars(ctx);
  const chi = readScalar(required(state.chi, 'state.chi'), 'state.chi', true);
  const tau = Fn.add(Fn.mul(s.m, k), Fn.mul(s.r, chi));
  const C = tauCiphertext(Ki, Chat, s, Ni);
  const y = decryptCentred(sc.sk, C);
  let dec: Json = null;
  const decJobs: Extract<ZkProveJob, { kind: 'pidec' }>[] = [];
  if (mod(y, CGGMP21_PARAMS.q) === tau) {
    const rhoC = recoverNonce(sc.sk, C);
    for (const l of sc.others)
      decJobs.push({ kind: 'pidec', binding: proofBinding(ctx.session, 'presign/blame-dec-chi', self, l), statement: { N0: Ni, C, x: tau, rp: sc.rp.get(l)! }, witness: { y, rho: rhoC, factors: own } });
  }
  // every Π^mul* and Π^dec in one prover call
  const proofs = await proveWith(ctx.deps.prover, ctx.rng, [...mulStarJobs, ...decJobs]);
  const mulStar = sc.others.map((l, n) => [l, encodePiAffGProof(GROUP, mulStarJobs[n]!.statement, proofs[n] as PiAffGProof) as unknown as Json]);
  if (decJobs.length > 0) dec = sc.others.map((l, n) => [l, encodePiDecProof(decJobs[n]!.statement, proofs[mulStarJobs.length + n] as PiDecProof) as unknown as Json]);
  const payload: Json = {
    H: modHex(H, Ni * Ni, 'H'),
    tau: scalarJson(tau),
    mulStar,
    mta: mta.map((r) => [r.j, r.Dhat, r.Fhat, r.psiHat]),
    dec,
  };
  return { payload, provable: dec !== null };
}

/**
 * Round 5 (only after a failed Σ Ŝⱼ = δ·X check): the χ blame messages, the test share τᵢ checked
 * against τᵢ·Γ = m*·Δᵢ + r*·Ŝᵢ and proven from the ciphertexts. @throws {ProtocolAbort} always, from finalize.
 */
export const chiBlameRound: RoundSpec<PresignState, PresignOutput, PresignDeps> = {
  expects(state, ctx): Expectation {
    const others = state.signers.filter((p) => p !== ctx.self) as PartyIndex[];
    return { broadcast: others, p2p: [], echo: others };
  },
  parse(_kind, from, payload, state, ctx) {
    const aux = ctx.deps.keyShare.aux;
    readChiBlame(payload, from, state.signers as PartyIndex[], (j) => aux.public.get(j)!);
  },
  async finalize(state, inbox, ctx) {
    if (state.selfFault === true) throw new InternalError('presigning aborted: this party could not prove its own χᵢ (its round-2 computation is faulty)');
    const sc = signerContext(ctx.deps.keyShare, state.signers);
    const self = ctx.self;
    const aux = (j: PartyIndex) => sc.rp.get(j)!;
    const N = (j: PartyIndex) => sc.pk.get(j)!.n;
    const mine = new Map<number, MtaRecord>(required(state.mta ?? null, 'state.mta').map((r) => [r.j, r]));
    const received = new Map(state.received.map(([j, K]) => [j as PartyIndex, unbig(K, 'state.received.K')]));
    const shares = new Map(
      required(state.shares ?? null, 'state.shares').map(([j, D, S, id]) => [j as PartyIndex, { Delta: readPoint(D, 'state.shares.Delta'), S: readPoint(S, 'state.shares.S'), id }]),
    );
    const Gamma = readPoint(required(state.Gamma, 'state.Gamma'), 'state.Gamma');
    const msgs = new Map<PartyIndex, { m: ChiBlameMessage; id: string }>();
    for (const i of sc.others) {
      const b = inbox.broadcast.get(i)!;
      msgs.set(i, { m: readChiBlame(b.payload, i, sc.signers, aux), id: b.id });
    }
    const evidenceOf = (i: PartyIndex, detail: string): Evidence[] => [
      { id: msgs.get(i)!.id, round: CHI_BLAME_ROUND, from: i, reason: 'invalid-proof', detail },
      { id: shares.get(i)!.id, round: 3, from: i, reason: 'invalid-share', detail: 'Δᵢ, Ŝᵢ of the failed check' },
    ];

    // 1. Every forwarded Π^aff-g ψ̂: i forwards j's proof over (D̂ᵢ,ⱼ, F̂ᵢ,ⱼ) for Wⱼ.
    await checkForwardedAffG(
      ctx.deps.verifier,
      msgs,
      (i, j, row) => ({
        binding: proofBinding(ctx.session, 'presign/affg-x', j, i),
        statement: { N0: N(i), N1: N(j), C: received.get(i)!, D: row.D, Y: invert(row.F, N(j) * N(j)), X: pointBytes(sc.W.get(j)!), rp: aux(i) },
      }),
      evidenceOf,
      { rows: 'D̂ᵢ,ⱼ', round: 'χ' },
    );

    // 2. τᵢ against Δᵢ, Ŝᵢ; Π^mul* (as Π^aff-g) of Ĥᵢ and Π^dec of τᵢ.
    const s = chiBlameScalars(ctx);
    const Fto = (j: PartyIndex, i: PartyIndex): bigint => (j === self ? readCiphertext(mine.get(i)!.Fhat, N(i), 'state.mta.Fhat') : msgs.get(j)!.m.mta.get(i)!.F);
    const jobs: ZkVerifyJob[] = [];
    const owner: { i: PartyIndex; what: string }[] = [];
    const log = new CulpritLog();
    const note = (i: PartyIndex, d: string) => log.note(i, d);
    for (const [i, { m }] of msgs) {
      const Ni = N(i);
      const v = shares.get(i)!;
      if (!mulVartime(Gamma, m.tau).equals(mulVartime(v.Delta, s.m).add(mulVartime(v.S, s.r)))) note(i, 'τᵢ·Γ ≠ m*·Δᵢ + r*·Ŝᵢ');
      for (const [l, proof] of m.mulStar) {
        jobs.push({
          kind: 'piaffg',
          group: 'secp256k1',
          binding: proofBinding(ctx.session, 'presign/blame-mulstar', i, l),
          statement: { N0: Ni, N1: Ni, C: received.get(i)!, D: m.H, Y: 1n, X: pointBytes(sc.W.get(i)!), rp: aux(l) },
          proof,
        });
        owner.push({ i, what: `Π^mul* (Π^aff-g) of Ĥᵢ (verifier ${l})` });
      }
      if (m.dec === null) {
        note(i, 'no Π^dec: the sender cannot prove its τᵢ');
        continue;
      }
      const Chat = deltaCiphertext(m.H, [...m.mta].flatMap(([j, row]) => [row.D, Fto(j, i)]), Ni);
      const C = tauCiphertext(received.get(i)!, Chat, s, Ni);
      for (const [l, proof] of m.dec) {
        jobs.push({ kind: 'pidec', binding: proofBinding(ctx.session, 'presign/blame-dec-chi', i, l), statement: { N0: Ni, C, x: m.tau, rp: aux(l) }, proof });
        owner.push({ i, what: `Π^dec of τᵢ (verifier ${l})` });
      }
    }
    for (const [k, d] of await failures(ctx.deps.verifier, jobs)) note(owner[k]!.i, `${owner[k]!.what}: ${d}`);
    return log.abort({ evidenceOf, others: sc.others, ids: (i) => msgs.get(i)!.id, round: CHI_BLAME_ROUND, check: 'Σ Ŝⱼ ≠ δ·X', name: 'χ', what: 'Σ Ŝⱼ' });
  },
};
