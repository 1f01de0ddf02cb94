/**
 * Dealer-less key generation, phases "verify" and "sign": the verification keys and the
 * signed epoch record.
 *
 * - verify: every party has broadcast vᵢ = v^{Δ·sᵢ} mod N² (echo-checked). Each party builds
 *   the public key and runs every check of `validateThresholdPublicKey`: in the exponent of v,
 *   the vᵢ lie on one polynomial of degree t and the shared exponent D is ≡ 0 modulo the order
 *   of v mod N (D is a multiple of φ(N)). A party whose key is off the polynomial of the others
 *   is named when exactly one party explains the mismatch. It then checks its own share against
 *   its key, builds the epoch record {epoch, N, parties and identity keys, T, v, vᵢ, θ,
 *   shareBits, created-at} and broadcasts its Ed25519 signature on it.
 * - sign: every member's signature is checked (a missing or invalid one names its signer);
 *   the output is the signed epoch and this party's validated key share, which plug into the
 *   same threshold decryption (decrypt/) as a dealer's key.
 * @module
 */
import { bitLength, hexToBytes } from '@tessera/crypto/bytes';
import { CryptoError } from '@tessera/crypto/errors';
import { readBytes, readUnsigned } from '@tessera/crypto/zk/codec';
import { expectObject, hex, type Json, type JsonObject } from '../../engine/codec.ts';
import { ProtocolAbort, type Evidence } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { RoundContext, RoundSpec } from '../../engine/protocol.ts';
import { EpochSignatureError, createEpochRecord, signEpochRecord, verifyEpochSignatures, type EpochRecord } from '../epoch.ts';
import { validateThresholdKeyShare, validateThresholdPublicKey, type ThresholdPaillierPublicKey } from '../key.ts';
import { lagrangeIntegerCoefficients, multiPowSignedVartime } from '../math.ts';
import { advance, configOf, others, paramsOf, report } from './common.ts';
import type { DkgDeps, DkgOutput, DkgState } from './types.ts';

function N2Bytes(state: DkgState): number {
  const N = BigInt('0x' + state.chosen!.N);
  return Math.ceil(bitLength(N * N) / 8);
}

function readVk(payload: Json, state: DkgState): bigint {
  const o = expectObject(payload, 'verify', ['vk']) as JsonObject;
  const N = BigInt('0x' + state.chosen!.N);
  return readUnsigned('verify.vk', o.vk, N2Bytes(state), 1n, N * N);
}

/** Builds the validated public key from the state and the verification keys of parties 1..n. */
function publicKeyOf(state: DkgState, n: number, vks: readonly bigint[]): ThresholdPaillierPublicKey {
  const key = state.key as JsonObject;
  const config = configOf(state);
  return validateThresholdPublicKey(
    {
      N: BigInt('0x' + state.chosen!.N),
      parties: n,
      threshold: config.threshold,
      v: BigInt('0x' + (key.v as string)),
      verificationKeys: vks,
      theta: BigInt('0x' + (key.theta as string)),
      shareBits: paramsOf(state, n).shareBits,
    },
    { allowInsecureSize: config.allowInsecureSize },
  );
}

/** The one party whose verification key, left out, makes the others consistent (degree t). */
function inconsistentKey(vks: readonly bigint[], N2: bigint, delta: bigint, T: number): number | undefined {
  if (vks.length - 1 < T + 1) return undefined;
  const found: number[] = [];
  for (let c = 1; c <= vks.length; c++) {
    const xs = vks.map((_, k) => k + 1).filter((x) => x !== c);
    const base = xs.slice(0, T);
    const ok = xs.slice(T).every((j) => {
      const lhs = multiPowSignedVartime([vks[j - 1]!], [delta], N2);
      const rhs = multiPowSignedVartime(base.map((i) => vks[i - 1]!), lagrangeIntegerCoefficients(delta, base, j), N2);
      return lhs === rhs;
    });
    if (ok) found.push(c);
  }
  return found.length === 1 ? found[0] : undefined;
}

function recordOf(state: DkgState, pk: ThresholdPaillierPublicKey): EpochRecord {
  const config = configOf(state);
  return createEpochRecord({
    epoch: config.epoch,
    mode: 'dkg',
    publicKey: pk,
    identityKeys: config.identityKeys.map((h) => hexToBytes(h)),
    createdAt: config.createdAt,
  });
}

function gatherVks(state: DkgState, inbox: Parameters<RoundSpec<DkgState, DkgOutput, DkgDeps>['finalize']>[1], ctx: RoundContext<DkgDeps>): bigint[] {
  const own = BigInt('0x' + ((state.key as JsonObject).vk as string));
  return ctx.parties.map((p) => (p === ctx.self ? own : readVk(inbox.broadcast.get(p)!.payload, state)));
}

/** Phase "verify": check the verification keys, sign the epoch record. */
export const verifyRound: RoundSpec<DkgState, DkgOutput, DkgDeps> = {
  expects(_state, ctx) {
    const o = others(ctx);
    return { broadcast: o, p2p: [], echo: o };
  },
  parse(_kind, _from, payload, state) {
    readVk(payload, state);
  },
  finalize(state, inbox, ctx) {
    const params = paramsOf(state, ctx.parties.length);
    const vks = gatherVks(state, inbox, ctx);
    let pk: ThresholdPaillierPublicKey;
    try {
      pk = publicKeyOf(state, ctx.parties.length, vks);
    } catch (err) {
      if (!(err instanceof CryptoError)) throw err;
      const N = BigInt('0x' + state.chosen!.N);
      const culprit = inconsistentKey(vks, N * N, params.delta, params.threshold);
      const evidence: Evidence[] =
        culprit === undefined || culprit === ctx.self
          ? []
          : [{ id: inbox.broadcast.get(culprit as PartyIndex)!.id, round: state.round, from: culprit, reason: 'invalid-share', detail: err.message }];
      throw new ProtocolAbort('invalid-share', culprit === undefined ? [] : [culprit as PartyIndex], evidence, `verification keys rejected: ${err.message}`);
    }
    const share = validateThresholdKeyShare(pk, ctx.self, BigInt('0x' + ((state.key as JsonObject).s as string)));
    const signature = signEpochRecord(recordOf(state, pk), share, ctx.deps.identitySecretKey);
    const key: JsonObject = { ...(state.key as JsonObject), vks: vks.map((x) => x.toString(16)), signature: hex(signature) };
    report(ctx, state, 'epoch', params);
    return advance(state, ctx, 'sign', { key }, [{ kind: 'broadcast', payload: { signature: hex(signature) } }]);
  },
};

function readSignature(payload: Json): Uint8Array {
  const o = expectObject(payload, 'sign', ['signature']) as JsonObject;
  return readBytes('sign.signature', o.signature, 64);
}

/** Phase "sign": check every member's signature; output the signed epoch and the key share. */
export const signRound: RoundSpec<DkgState, DkgOutput, DkgDeps> = {
  expects(_state, ctx) {
    return { broadcast: others(ctx), p2p: [], echo: [] };
  },
  parse(_kind, _from, payload) {
    readSignature(payload);
  },
  finalize(state, inbox, ctx) {
    const key = state.key as JsonObject;
    const vks = (key.vks as string[]).map((h) => BigInt('0x' + h));
    const pk = publicKeyOf(state, ctx.parties.length, vks);
    const record = recordOf(state, pk);
    const sigs = ctx.parties.map((p) => (p === ctx.self ? hexToBytes(key.signature as string) : readSignature(inbox.broadcast.get(p)!.payload)));
    try {
      const signed = verifyEpochSignatures(record, sigs);
      const keyShare = validateThresholdKeyShare(pk, ctx.self, BigInt('0x' + (key.s as string)));
      return { output: { signed, keyShare, stats: state.stats }, outgoing: [] };
    } catch (err) {
      if (!(err instanceof EpochSignatureError)) throw err;
      const evidence: Evidence[] = err.culprits
        .filter((p) => p !== ctx.self)
        .map((p) => ({ id: inbox.broadcast.get(p)!.id, round: state.round, from: p, reason: 'invalid-message', detail: 'epoch record signature does not verify' }));
      throw new ProtocolAbort('invalid-message', err.culprits, evidence, err.message);
    }
  },
};

