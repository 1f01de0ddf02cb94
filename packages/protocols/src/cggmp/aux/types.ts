/**
 * CGGMP21 auxiliary information (Fig. 6, aux-info part): serializable state, the decommitment
 * (N, s, t, ψ̂ = Π^prm, ρ, u), the commitment hash Vᵢ, and strict payload readers.
 * @module
 */
import { bitLength } from '@tessera/crypto/bytes';
import { FieldRangeError } from '@tessera/crypto/errors';
import { decodePiFacProof, type PiFacProof } from '@tessera/crypto/zk/pifac';
import { decodePiModProof, type PiModProof } from '@tessera/crypto/zk/pimod';
import { decodePiPrmProof, type PiPrmProof } from '@tessera/crypto/zk/piprm';
import { canonicalJson, expectArray, expectHex, expectObject, hex, type Json } from '../../engine/codec.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { RoundContext } from '../../engine/protocol.ts';
import type { AuxInfo, PartyAux } from '../keyshare.ts';
import type { PrimeSource } from '../prime-source.ts';
import { big, modHex, readMod, unbig, type ZkProver, type ZkVerifier } from '../wire.ts';

/** Protocol id of CGGMP21 aux-info. */
export const AUX_PROTOCOL = 'tessera/cggmp/aux';

/** Largest modulus aux-info accepts (bits), to bound the work a malicious party can cause. */
export const MAX_MODULUS_BITS = 8192;

/** Inputs kept out of snapshots. */
export interface AuxDeps {
  /** Needed by `init` only: this party's safe primes. */
  readonly primeSource?: PrimeSource;
  /** Verifies received proofs (default: in this thread). */
  readonly verifier?: ZkVerifier;
  /** Makes this party's Π^prm, Π^mod and Π^fac (default: in this thread with the session RNG). */
  readonly prover?: ZkProver;
}

/** What party i reveals in round 2 (committed to as Vᵢ in round 1). */
export interface AuxDecommitment {
  readonly aux: PartyAux;
  /** ψ̂ᵢ: Π^prm for (N, s, t), in its wire form. */
  readonly prm: Json;
  /** ρᵢ (32 bytes) for the coin-tossed ρ that binds Π^mod and Π^fac. */
  readonly rho: Uint8Array;
  /** uᵢ (32 bytes). */
  readonly u: Uint8Array;
}

/**
 * Round state (JSON). Security: `p`, `q` are secret (snapshots are secret).
 */
export type AuxState = {
  readonly p: string;
  readonly q: string;
  readonly decommit: Json;
  /** Vⱼ and round-1 message ids of the others */
  readonly commitments: readonly (readonly [number, string, string])[];
  /** decommitments of the others and their round-2 message ids */
  readonly decommits: readonly (readonly [number, Json, string])[];
  /** ρ = ⊕ ρⱼ, set in round 2 */
  readonly rho: string | null;
};

/** The result of aux-info. */
export interface AuxOutput {
  readonly aux: AuxInfo;
}

/** Decommitment → JSON payload: N minimal hex, s and t fixed length, Π^prm encoded. */
export function auxDecommitJson(d: AuxDecommitment): Json {
  const { N, s, t } = d.aux;
  return { N: big(N), s: modHex(s, N, 's'), t: modHex(t, N, 't'), prm: d.prm, rho: hex(d.rho), u: hex(d.u) };
}

/**
 * Strict reader of a decommitment. Sizes are only bounded here (odd N with 2..8192 bits);
 * the 2048-bit minimum is enforced in round 2 so that the blame names the check.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function readAuxDecommit(payload: Json | undefined, field = 'decommit'): AuxDecommitment & { prmProof: PiPrmProof } {
  const o = expectObject(payload, field, ['N', 's', 't', 'prm', 'rho', 'u']);
  const N = unbig(o.N, `${field}.N`);
  const bits = bitLength(N);
  if (bits < 2 || bits > MAX_MODULUS_BITS || (N & 1n) === 0n) throw new FieldRangeError(`${field}.N`, `expected an odd modulus of at most ${MAX_MODULUS_BITS} bits`);
  const aux = { N, s: readMod(o.s, N, `${field}.s`), t: readMod(o.t, N, `${field}.t`) };
  const prmProof = decodePiPrmProof(aux, o.prm);
  return { aux, prm: o.prm, prmProof, rho: expectHex(o.rho, `${field}.rho`, 32), u: expectHex(o.u, `${field}.u`, 32) };
}

/** Vᵢ = H(aux/commit, session, i, N, s, t, ψ̂, ρᵢ, uᵢ) (length-prefixed). */
export function auxCommitmentOf(ctx: Pick<RoundContext<unknown>, 'hash'>, party: PartyIndex, d: AuxDecommitment): Uint8Array {
  return ctx.hash('commit', party, big(d.aux.N), big(d.aux.s), big(d.aux.t), canonicalJson(d.prm), d.rho, d.u);
}

/** Strict reader of a round-1 payload `{ V }`. */
export function readAuxCommitment(payload: Json): Uint8Array {
  return expectHex(expectObject(payload, 'commitment', ['V']).V, 'commitment.V', 32);
}

/**
 * Strict reader of a round-3 payload `{ mod, fac: [[l, proof]…] }`: Π^mod for the sender's N
 * and one Π^fac per other party l, made against l's ring-Pedersen parameters.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function readProofs(
  payload: Json,
  sender: PartyIndex,
  auxOf: ReadonlyMap<PartyIndex, PartyAux>,
  parties: readonly PartyIndex[],
): { mod: PiModProof; fac: Map<PartyIndex, PiFacProof> } {
  const o = expectObject(payload, 'proofs', ['mod', 'fac']);
  const N = auxOf.get(sender)!.N;
  const mod = decodePiModProof({ N }, o.mod);
  const recipients = parties.filter((l) => l !== sender);
  const rows = expectArray(o.fac, 'proofs.fac', recipients.length, recipients.length);
  const fac = new Map<PartyIndex, PiFacProof>();
  rows.forEach((r, k) => {
    const row = expectArray(r, `proofs.fac[${k}]`, 2, 2);
    if (row[0] !== recipients[k]) throw new FieldRangeError(`proofs.fac[${k}][0]`, `expected recipient ${recipients[k]}`);
    fac.set(recipients[k]!, decodePiFacProof({ N0: N, rp: auxOf.get(recipients[k]!)! }, row[1]));
  });
  return { mod, fac };
}

/** Every party's (N, s, t) from the state (own and received decommitments). */
export function auxMap(state: AuxState, self: PartyIndex): Map<PartyIndex, PartyAux> {
  const m = new Map<PartyIndex, PartyAux>();
  m.set(self, readAuxDecommit(state.decommit, 'state.decommit').aux);
  for (const [p, d] of state.decommits) m.set(p as PartyIndex, readAuxDecommit(d, 'state.decommits[]').aux);
  return m;
}

/** The state's secret factors. */
export function statePrimes(state: AuxState): { p: bigint; q: bigint } {
  return { p: unbig(state.p, 'state.p'), q: unbig(state.q, 'state.q') };
}
