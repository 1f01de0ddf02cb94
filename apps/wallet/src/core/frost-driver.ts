/**
 * The built-in FROST scheme driver (RFC 9591 suites secp256k1 and ed25519, and BIP340
 * Taproot): DKG, signing with the vault's durable nonce ledger, and proactive refresh (same
 * group key, new shares). Shares go to the vault (`putFrostKeyShare`, audited as keygen or
 * refresh); runner outputs are kept in the vault's sealed session records until the wallet
 * has stored the result.
 * @module
 */
import { FieldTypeError } from '@tessera/crypto/errors';
import { bytesToHex } from '@tessera/crypto/bytes';
import { canonicalJson, expectArray, expectObject, parseCanonicalJson, type Json } from '@tessera/protocols/engine/codec';
import { parseSessionId } from '@tessera/protocols/engine/ids';
import { encodeKeyShare, parseKeyShare, publicKey } from '@tessera/protocols/frost/keyshare';
import { createFrostRefreshSession, restoreFrostRefreshSession, type RefreshOutput } from '@tessera/protocols/frost/refresh';
import { getSuite } from '@tessera/protocols/frost/suite';
import { dkgOutputCodec, engineAuth, frostDkgFactory, frostSignFactory, signOutputCodec } from '@tessera/transport/frost';
import type { OutputCodec, SessionFactory } from '@tessera/transport/runner';
import type { SchemeDriver } from './api.ts';
import { drawSigningCounter } from './bridge.ts';
import { WalletError } from './errors.ts';

/** Keeps a refresh output (Security: holds the new secret share). */
export const refreshOutputCodec: OutputCodec<RefreshOutput> = {
  encode: (o) => canonicalJson({ keyShare: encodeKeyShare(o.keyShare), disqualified: o.disqualified as unknown as Json }),
  decode(text) {
    const o = expectObject(parseCanonicalJson(text, 'refreshOutput'), 'refreshOutput', ['keyShare', 'disqualified']);
    if (typeof o.keyShare !== 'string') throw new FieldTypeError('refreshOutput.keyShare', 'expected text');
    expectArray(o.disqualified, 'refreshOutput.disqualified');
    return { keyShare: parseKeyShare(o.keyShare), disqualified: o.disqualified as unknown as RefreshOutput['disqualified'] };
  },
};

type Suite = 'secp256k1' | 'taproot' | 'ed25519';

/** The FROST {@link SchemeDriver}. */
export const frostDriver: SchemeDriver = {
  scheme: 'frost',
  suites: ['secp256k1', 'taproot', 'ed25519'],
  protocols: { keygen: 'tessera/frost/dkg', sign: 'tessera/frost/sign', refresh: 'tessera/frost/refresh' },
  rounds: { keygen: 4, sign: 3, refresh: 3 },

  async keygen(ctx) {
    const session = parseSessionId(ctx.session);
    const suite = getSuite(ctx.suite).name as Suite;
    const out = await ctx.run(
      frostDkgFactory({ session, self: ctx.self as never, parties: [...ctx.directory.keys()] as never, suite, threshold: ctx.threshold, identity: ctx.identity, directory: ctx.directory as never }),
      dkgOutputCodec,
    );
    const shareId = await ctx.vault.putFrostKeyShare(out.keyShare, 'keygen');
    return { shareId, groupKey: bytesToHex(publicKey(out.keyShare)) };
  },

  async sign(ctx) {
    // FROST hashes the message as its suite defines: a chosen digest is an ECDSA notion
    if (ctx.hash !== undefined) throw new WalletError('bad-input', 'FROST signs the message bytes; a digest choice applies to ECDSA accounts only', { field: 'hash' });
    const session = parseSessionId(ctx.session);
    const keyShare = await ctx.vault.getFrostKeyShare(ctx.shareId);
    // one counter value per signing, drawn before the commitment is published (the HSM's once the hardware key is enrolled)
    await drawSigningCounter(ctx.vault, keyShare);
    const out = await ctx.run(
      frostSignFactory({ session, keyShare, message: ctx.message, signers: ctx.signers as never, ledger: ctx.vault.nonceLedger, identity: ctx.identity, directory: ctx.directory as never }),
      signOutputCodec,
    );
    return out.signature;
  },

  verify(suite, groupKey, message, signature, hash) {
    if (hash !== undefined) return false;
    try {
      return getSuite(suite).verify(signature, message, groupKey);
    } catch {
      return false;
    }
  },

  async refresh(ctx) {
    const session = parseSessionId(ctx.session);
    const keyShare = await ctx.vault.getFrostKeyShare(ctx.shareId);
    const auth = engineAuth(ctx.identity, ctx.directory as never);
    const factory: SessionFactory<RefreshOutput> = {
      create: () => createFrostRefreshSession({ session, keyShare, auth }),
      restore: (snapshot) => restoreFrostRefreshSession(snapshot, { keyShare, auth }),
    };
    const out = await ctx.run(factory, refreshOutputCodec);
    if (bytesToHex(publicKey(out.keyShare)) !== bytesToHex(publicKey(keyShare))) throw new FieldTypeError('refresh', 'the refreshed share has another group key');
    return { shareId: await ctx.vault.putFrostKeyShare(out.keyShare, 'refresh') };
  },
};
