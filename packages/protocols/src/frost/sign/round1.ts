/**
 * FROST signing, round 1 (RFC 9591 §5.1 commit; §5.2 sign): each signer i broadcasts its nonce
 * commitments (Dᵢ, Eᵢ), echo-checked so all signers hold the same commitment list B. Once B
 * is complete, the signer records its nonce as consumed in the ledger, and only then computes
 * zᵢ = dᵢ + eᵢ·ρᵢ + λᵢ·c·xᵢ with noble's `signShare` and sends it (round 2).
 * @module
 */
import type { FrostSecret, NonceCommitments, Nonces } from '@noble/curves/abstract/frost.js';
import { hexToBytes } from '@tessera/crypto/bytes';
import { expectHex, expectObject, hex, type Json } from '../../engine/codec.ts';
import { InternalError } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, Outgoing, RoundContext, RoundSpec, Transition } from '../../engine/protocol.ts';
import { keyId, toFrostPublic, toFrostSecret } from '../keyshare.ts';
import { getSuite } from '../suite.ts';
import type { SignDeps, SignOutput, SignState } from './types.ts';

/** Signers other than us. */
export function otherSigners(state: SignState, self: PartyIndex): PartyIndex[] {
  return state.signers.filter((p) => p !== self) as PartyIndex[];
}

/** Strict reader of a commitment payload `{ hiding, binding }`. */
export function readCommitments(suiteName: SignState['suite'], payload: Json): { hiding: Uint8Array; binding: Uint8Array } {
  const suite = getSuite(suiteName);
  const o = expectObject(payload, 'commitments', ['hiding', 'binding']);
  const hiding = expectHex(o.hiding, 'commitments.hiding', suite.elementLength);
  const binding = expectHex(o.binding, 'commitments.binding', suite.elementLength);
  suite.parseElement(hiding, 'commitments.hiding');
  suite.parseElement(binding, 'commitments.binding');
  return { hiding, binding };
}

/** The commitment list B in noble's form, sorted by party. */
export function commitmentList(state: SignState): NonceCommitments[] {
  const suite = getSuite(state.suite);
  return (state.commitments ?? []).map(([p, h, b]) => ({ identifier: suite.identifier(p as PartyIndex), hiding: hexToBytes(h), binding: hexToBytes(b) }) as NonceCommitments);
}

/** Round 1 of signing: collects the commitment list B, consumes the nonce in the ledger, then signs. @throws {NonceReuseError} from finalize if the nonce was consumed before. */
export const round1: RoundSpec<SignState, SignOutput, SignDeps> = {
  expects(state, ctx): Expectation {
    const others = otherSigners(state, ctx.self);
    return { broadcast: others, p2p: [], echo: others };
  },
  parse(kind, _from, payload, state) {
    readCommitments(state.suite, payload);
  },
  async finalize(state, inbox, ctx: RoundContext<SignDeps>): Promise<Transition<SignState, SignOutput>> {
    const suite = getSuite(state.suite);
    const rows: [number, string, string][] = state.signers.map((p) => {
      if (p === ctx.self) return [p, state.own.hiding, state.own.binding];
      const c = readCommitments(state.suite, inbox.broadcast.get(p as PartyIndex)!.payload);
      return [p, hex(c.hiding), hex(c.binding)];
    });
    const next: SignState = { ...state, nonces: null, commitments: rows };
    if (state.nonces === null) throw new InternalError('nonces already erased');
    const share = ctx.deps.keyShare;
    // Record consumption durably BEFORE the share exists outside this function.
    await ctx.deps.ledger.consume(keyId(share), state.nonceId);
    const nonces = { hiding: hexToBytes(state.nonces.hiding), binding: hexToBytes(state.nonces.binding) } as Nonces;
    const secret: FrostSecret = toFrostSecret(share);
    const z = suite.frost.signShare(secret, toFrostPublic(share), nonces, commitmentList(next), hexToBytes(state.message));
    secret.signingShare.fill(0);
    const zHex = hex(z);
    let outgoing: Outgoing[];
    let ownShare: string | null = null;
    if (state.aggregator === null) {
      outgoing = [{ kind: 'broadcast', payload: { share: zHex } }];
      ownShare = zHex;
    } else if (state.aggregator === ctx.self) {
      outgoing = [];
      ownShare = zHex;
    } else {
      outgoing = [{ kind: 'p2p', to: state.aggregator as PartyIndex, payload: { share: zHex } }];
    }
    return { next: 2, state: { ...next, ownShare }, outgoing };
  },
};
