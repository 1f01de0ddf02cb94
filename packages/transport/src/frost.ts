/**
 * FROST ceremonies for the runner: session factories (create and restore) for the DKG and
 * signing protocols of `@tessera/protocols`, with the party's transport identity as its
 * engine identity (the same Ed25519 key signs envelopes and the engine's broadcast ids), and
 * output codecs so a finished session's result survives a restart.
 * @module
 */
import { FieldTypeError } from '@tessera/crypto/errors';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import type { RandomSource } from '@tessera/crypto/rng';
import { createEd25519Auth, type PartyAuth } from '@tessera/protocols/engine/auth';
import { canonicalJson, expectArray, expectHex, expectObject, parseCanonicalJson, type Json } from '@tessera/protocols/engine/codec';
import { partyList, type PartyIndex, type SessionId } from '@tessera/protocols/engine/ids';
import { createFrostDkgSession, restoreFrostDkgSession, type DkgOutput } from '@tessera/protocols/frost/dkg';
import { encodeKeyShare, parseKeyShare, type KeyShare } from '@tessera/protocols/frost/keyshare';
import type { NonceLedger } from '@tessera/protocols/frost/nonce-ledger';
import { createFrostSignSession, restoreFrostSignSession, type SignOutput } from '@tessera/protocols/frost/sign';
import type { SuiteName } from '@tessera/protocols/frost/suite';
import type { IdentityKey } from './identity.ts';
import type { OutputCodec, SessionFactory } from './runner.ts';

/** Re-exported for tools that depend on the transport only (benchmarks, the signal app). */
export { createMemoryNonceLedger } from '@tessera/protocols/frost/nonce-ledger';
export { simulateFrost } from '@tessera/protocols/frost/simulate';

/**
 * The engine authenticator of a party: its identity key and everyone's public keys.
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed keys.
 */
export function engineAuth(identity: IdentityKey, directory: ReadonlyMap<PartyIndex, Uint8Array>): PartyAuth {
  return createEd25519Auth(identity.secretKey, directory);
}

/** Options of {@link frostDkgFactory}. */
export interface FrostDkgPartyOptions {
  readonly session: SessionId;
  readonly self: PartyIndex;
  readonly parties: readonly PartyIndex[];
  readonly suite: SuiteName;
  readonly threshold: number;
  readonly identity: IdentityKey;
  readonly directory: ReadonlyMap<PartyIndex, Uint8Array>;
  readonly rng?: RandomSource;
}

/**
 * Creates or restores this party's FROST DKG session.
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed keys (the factory's methods throw as `createFrostDkgSession` / `restoreFrostDkgSession`).
 */
export function frostDkgFactory(o: FrostDkgPartyOptions): SessionFactory<DkgOutput> {
  const auth = engineAuth(o.identity, o.directory);
  const rng = o.rng ? { rng: o.rng } : {};
  return {
    create: () => createFrostDkgSession({ session: o.session, self: o.self, parties: o.parties, config: { suite: o.suite, threshold: o.threshold }, auth, ...rng }),
    restore: (snapshot) => restoreFrostDkgSession(snapshot, { auth, ...rng }),
  };
}

/** Options of {@link frostSignFactory}. */
export interface FrostSignPartyOptions {
  readonly session: SessionId;
  readonly keyShare: KeyShare;
  readonly message: Uint8Array;
  readonly signers: readonly PartyIndex[];
  /** Durable nonce ledger. Security: must outlive restarts, or a restored session could reuse a nonce. */
  readonly ledger: NonceLedger;
  readonly identity: IdentityKey;
  readonly directory: ReadonlyMap<PartyIndex, Uint8Array>;
  readonly rng?: RandomSource;
}

/**
 * Creates or restores this party's FROST signing session.
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed keys (the factory's methods throw as `createFrostSignSession` / `restoreFrostSignSession`).
 */
export function frostSignFactory(o: FrostSignPartyOptions): SessionFactory<SignOutput> {
  const auth = engineAuth(o.identity, o.directory);
  const rng = o.rng ? { rng: o.rng } : {};
  return {
    create: () => createFrostSignSession({ session: o.session, keyShare: o.keyShare, request: { message: o.message, signers: o.signers }, ledger: o.ledger, auth, ...rng }),
    restore: (snapshot) => restoreFrostSignSession(snapshot, { keyShare: o.keyShare, ledger: o.ledger, auth, ...rng }),
  };
}

/** Keeps a DKG output (Security: it holds the secret key share). */
export const dkgOutputCodec: OutputCodec<DkgOutput> = {
  encode: (o) => canonicalJson({ keyShare: encodeKeyShare(o.keyShare), qualified: [...o.qualified], disqualified: o.disqualified as unknown as Json }),
  decode(text) {
    const o = expectObject(parseCanonicalJson(text, 'dkgOutput'), 'dkgOutput', ['keyShare', 'qualified', 'disqualified']);
    if (typeof o.keyShare !== 'string') throw new FieldTypeError('dkgOutput.keyShare', 'expected text');
    expectArray(o.disqualified, 'dkgOutput.disqualified');
    return { keyShare: parseKeyShare(o.keyShare), qualified: partyList(o.qualified, 'dkgOutput.qualified'), disqualified: o.disqualified as unknown as DkgOutput['disqualified'] };
  },
};

/** Keeps a signing output. */
export const signOutputCodec: OutputCodec<SignOutput> = {
  encode: (o) => canonicalJson({ suite: o.suite, signature: bytesToHex(o.signature), publicKey: bytesToHex(o.publicKey), message: bytesToHex(o.message), signers: [...o.signers] }),
  decode(text) {
    const o = expectObject(parseCanonicalJson(text, 'signOutput'), 'signOutput', ['suite', 'signature', 'publicKey', 'message', 'signers']);
    return {
      suite: o.suite as SuiteName,
      signature: expectHex(o.signature, 'signOutput.signature'),
      publicKey: expectHex(o.publicKey, 'signOutput.publicKey'),
      message: hexToBytes(typeof o.message === 'string' ? o.message : ''),
      signers: partyList(o.signers, 'signOutput.signers'),
    };
  },
};
