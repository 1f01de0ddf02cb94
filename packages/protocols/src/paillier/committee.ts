/**
 * The committee view the CLI wires up (`tessera committee create|decrypt`): create a key for
 * parties 1..n (a dealer, or the dealer-less protocol run for all parties in memory), get the
 * public file and one share file per party, and
 * decrypt a ciphertext with the shares of some parties, verifying every decryption share's proof.
 *
 * Party share file, version 1 (`tessera/threshold-paillier-share`), strict:
 * `{ version, kind, index, epochId (32-byte hex), n (hex), share (hex, ⌈shareBits/8⌉ bytes),
 *    identityKey (32-byte hex) [, identitySecretKey (32-byte hex)] }`.
 * `identitySecretKey` is present when the key generation created the party's identity key.
 * Reading a share file checks it against the signed epoch: same epoch id and N, the identity
 * key the record lists, and v^{Δ·s} = v_index (a party checks its share on receipt).
 *
 * Security: share files hold the party's secret share (and identity key): store them encrypted
 * or on protected storage; they are never sent.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bigIntToHex, bytesToBigInt, bytesToHex, hexToBigInt } from '@tessera/crypto/bytes';
import { CryptoError, FieldRangeError, FieldTypeError, assertBytes, assertInteger } from '@tessera/crypto/errors';
import type { RandomSource } from '@tessera/crypto/rng';
import { randomBytes, systemRng } from '@tessera/crypto/rng';
import { expectHex, expectObject, hex, type JsonObject } from '../engine/codec.ts';
import { partyIndex, type PartyIndex } from '../engine/ids.ts';
import { generateDealerKey, type DealerKeygenProgress, type DealtKey, type SafePrimeFinder } from './dealer.ts';
import {
  InsufficientSharesError,
  createDecryptionShare,
  decryptionShareValue,
  combineDecryptionShares,
  verifyAndCombine,
  type DecryptionShare,
  type InvalidShare,
} from './decrypt/share.ts';
import {
  createEpochRecord,
  encodeCommitteePublic,
  parseCommitteePublic,
  signEpochRecord,
  verifyEpochSignatures,
  type EpochMode,
  type SignedEpoch,
} from './epoch.ts';
import { runDkgInMemory } from './dkg/local.ts';
import { reshareKey } from './reshare.ts';
import type { DkgConfig } from './dkg/params.ts';
import type { DkgProgress } from './dkg/types.ts';
import { THRESHOLD_PAILLIER_MIN_BITS, validateThresholdKeyShare, type ThresholdPaillierKeyShare, type ThresholdPaillierPublicKey } from './key.ts';

/** Kind and version of a party share file. */
export const PARTY_SHARE_KIND = 'tessera/threshold-paillier-share';
export const PARTY_SHARE_VERSION = 1;

/** A party's key material as read from its share file. */
export interface PartyKeyFile {
  readonly share: ThresholdPaillierKeyShare;
  readonly identityKey: Uint8Array;
  /** Security: secret; present when the key generation created the identity key. */
  readonly identitySecretKey?: Uint8Array;
}

/** Encodes a party's share file. */
export function encodePartyShare(signed: SignedEpoch, share: ThresholdPaillierKeyShare, identitySecretKey?: Uint8Array): JsonObject {
  const pk = share.publicKey;
  const out: Record<string, string | number> = {
    version: PARTY_SHARE_VERSION,
    kind: PARTY_SHARE_KIND,
    index: share.index,
    epochId: hex(signed.id),
    n: bigIntToHex(pk.N, Math.ceil(pk.bits / 8)),
    share: bigIntToHex(share.s, Math.ceil(pk.shareBits / 8), 'share'),
    identityKey: hex(signed.record.identityKeys[share.index - 1]!),
  };
  if (identitySecretKey) out['identitySecretKey'] = hex(identitySecretKey);
  return out;
}

/**
 * Strictly parses a share file and checks it against the signed epoch.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field (`party.share`, …).
 * @throws {CryptoError} if the file belongs to another epoch or key, its identity key is not
 *   the record's, or the share does not match its verification key.
 */
export function parsePartyShare(value: unknown, signed: SignedEpoch): PartyKeyFile {
  const o = expectObject(value, 'party', ['version', 'kind', 'index', 'epochId', 'n', 'share', 'identityKey'], ['identitySecretKey']);
  if (o.version !== PARTY_SHARE_VERSION) throw new FieldRangeError('party.version', `unsupported version ${String(o.version)}`);
  if (o.kind !== PARTY_SHARE_KIND) throw new FieldTypeError('party.kind', `expected "${PARTY_SHARE_KIND}"`);
  const pk = signed.record.publicKey;
  const index = partyIndex(o.index, 'party.index');
  if (index > pk.parties.length) throw new FieldRangeError('party.index', `party ${index} is not in the committee of ${pk.parties.length}`);
  if (bytesToHex(expectHex(o.epochId, 'party.epochId', 32)) !== bytesToHex(signed.id))
    throw new CryptoError('share file belongs to another epoch', 'party.epochId');
  if (bytesToBigInt(expectHex(o.n, 'party.n', Math.ceil(pk.bits / 8))) !== pk.N) throw new CryptoError('share file is for another modulus', 'party.n');
  const identityKey = expectHex(o.identityKey, 'party.identityKey', 32);
  if (bytesToHex(identityKey) !== bytesToHex(signed.record.identityKeys[index - 1]!))
    throw new CryptoError(`identity key differs from the one the epoch record lists for party ${index}`, 'party.identityKey');
  let identitySecretKey: Uint8Array | undefined;
  if (o.identitySecretKey !== undefined) {
    identitySecretKey = expectHex(o.identitySecretKey, 'party.identitySecretKey', 32);
    if (bytesToHex(ed25519.getPublicKey(identitySecretKey)) !== bytesToHex(identityKey))
      throw new CryptoError('identity secret key does not match the identity key', 'party.identitySecretKey');
  }
  const s = bytesToBigInt(expectHex(o.share, 'party.share', Math.ceil(pk.shareBits / 8)));
  let share: ThresholdPaillierKeyShare;
  try {
    share = validateThresholdKeyShare(pk, index, s);
  } catch (err) {
    if (err instanceof CryptoError) throw new CryptoError(err.message.replace(/^share: /, ''), 'party.share');
    if (err instanceof FieldRangeError) throw new FieldRangeError('party.share', err.message.replace(/^share: /, ''));
    throw err;
  }
  return Object.freeze({ share, identityKey, ...(identitySecretKey ? { identitySecretKey } : {}) });
}

/** Progress of {@link createCommittee}: the dealer's prime search, the dealer-less generation, signing. */
export type CommitteeProgress =
  | ({ readonly phase: 'primes' } & DealerKeygenProgress)
  | ({ readonly phase: 'dkg'; readonly step: DkgProgress['phase'] } & Omit<DkgProgress, 'phase'>)
  | { readonly phase: 'signing' };

/** Options of {@link createCommittee}. */
export interface CreateCommitteeOptions {
  /** `dealer`: one process deals from safe primes; `dkg`: the parties' dealer-less protocol, run in memory. */
  readonly mode: 'dealer' | 'dkg';
  /** n: parties 1..n. */
  readonly parties: number;
  /** T: any T parties decrypt. */
  readonly threshold: number;
  /** Bit length of N (even, ≥ 2048 unless `allowInsecureSize`). */
  readonly bits: number;
  readonly rng?: RandomSource;
  readonly onProgress?: (p: CommitteeProgress) => void;
  readonly signal?: AbortSignal;
  /** Ed25519 identity secret keys of parties 1..n; generated (and written to the share files) when omitted. */
  readonly identitySecretKeys?: readonly Uint8Array[];
  /** Parallel safe-prime search (the worker pool's `findPrimes`). */
  readonly findPrimes?: SafePrimeFinder;
  /** Epoch number (default 1). */
  readonly epoch?: number;
  /** Creation time (default: now). */
  readonly createdAt?: string;
  /** Accept N below 2048 bits (tests and demos only). */
  readonly allowInsecureSize?: boolean;
  /** Dealer-less parameters (defaults: sieve bound 2000, 40 biprimality tests, σ = 40). */
  readonly dkg?: Pick<DkgConfig, 'sieveBound' | 'biprimeRounds' | 'statisticalSecurity' | 'batchSize'>;
}

/** What {@link createCommittee} produces: `public.json` and `party-<i>.json` contents. */
export interface CreatedCommittee {
  readonly publicJson: JsonObject;
  /** Security: each entry is that party's secret share file. */
  readonly partyJson: ReadonlyMap<PartyIndex, JsonObject>;
}

/**
 * Signs a freshly generated key as every member and returns the files: each member checks its
 * share against the record, then signs it; the signatures are verified before anything is written.
 * @throws {CryptoError} if a share or signature fails (a bug or a corrupted generation).
 */
export function assembleCommittee(
  key: Pick<DealtKey, 'publicKey' | 'shares'>,
  opts: { mode: EpochMode; epoch: number; createdAt: string; identitySecretKeys: readonly Uint8Array[]; writeIdentitySecrets: boolean },
): CreatedCommittee {
  const pk = key.publicKey;
  const identityKeys = opts.identitySecretKeys.map((sk) => ed25519.getPublicKey(sk));
  const record = createEpochRecord({ epoch: opts.epoch, mode: opts.mode, publicKey: pk, identityKeys, createdAt: opts.createdAt });
  const signatures = pk.parties.map((i) => signEpochRecord(record, validateThresholdKeyShare(pk, i, key.shares.get(i)!.s), opts.identitySecretKeys[i - 1]!));
  const signed = verifyEpochSignatures(record, signatures);
  const partyJson = new Map<PartyIndex, JsonObject>();
  for (const i of pk.parties)
    partyJson.set(i, encodePartyShare(signed, key.shares.get(i)!, opts.writeIdentitySecrets ? opts.identitySecretKeys[i - 1] : undefined));
  return { publicJson: encodeCommitteePublic(signed), partyJson };
}

function identitySecrets(opts: { parties: number; identitySecretKeys?: readonly Uint8Array[]; rng?: RandomSource }): { keys: Uint8Array[]; generated: boolean } {
  if (opts.identitySecretKeys) {
    if (!Array.isArray(opts.identitySecretKeys) || opts.identitySecretKeys.length !== opts.parties)
      throw new FieldRangeError('identitySecretKeys', `expected ${opts.parties} identity secret keys`);
    opts.identitySecretKeys.forEach((k, i) => assertBytes(`identitySecretKeys[${i}]`, k, 32));
    return { keys: opts.identitySecretKeys.map((k) => k.slice()), generated: false };
  }
  return { keys: Array.from({ length: opts.parties }, () => randomBytes(32, opts.rng ?? systemRng())), generated: true };
}

/**
 * Creates a committee: a T-of-n threshold Paillier key, its epoch record signed by every member,
 * `public.json` (with `"n"` in hex) and one share file per party.
 * @throws {FieldTypeError} @throws {FieldRangeError} on bad options (naming them).
 * @throws {AbortError} if `signal` aborts.
 * @example
 * const { publicJson, partyJson } = await createCommittee({ mode: 'dealer', parties: 3, threshold: 2, bits: 2048 });
 */
export async function createCommittee(opts: CreateCommitteeOptions): Promise<CreatedCommittee> {
  if (opts === null || typeof opts !== 'object') throw new FieldTypeError('options', 'expected an object');
  if (opts.mode !== 'dealer' && opts.mode !== 'dkg') throw new FieldRangeError('mode', 'expected "dealer" or "dkg"');
  assertInteger('parties', opts.parties, 1, 64);
  assertInteger('threshold', opts.threshold, 1, opts.parties);
  const ids = identitySecrets(opts);
  const createdAt = opts.createdAt ?? new Date().toISOString();
  if (opts.mode === 'dkg') return createDkgCommittee(opts, ids, createdAt);
  const key = await generateDealerKey({
    bits: opts.bits,
    parties: opts.parties,
    threshold: opts.threshold,
    ...(opts.rng ? { rng: opts.rng } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.findPrimes ? { findPrimes: opts.findPrimes } : {}),
    ...(opts.allowInsecureSize ? { allowInsecureSize: true } : {}),
    onProgress: (p) => opts.onProgress?.({ phase: 'primes', ...p }),
  });
  opts.onProgress?.({ phase: 'signing' });
  return assembleCommittee(key, {
    mode: 'dealer',
    epoch: opts.epoch ?? 1,
    createdAt,
    identitySecretKeys: ids.keys,
    writeIdentitySecrets: ids.generated,
  });
}

async function createDkgCommittee(opts: CreateCommitteeOptions, ids: { keys: Uint8Array[]; generated: boolean }, createdAt: string): Promise<CreatedCommittee> {
  const outputs = await runDkgInMemory({
    parties: opts.parties,
    config: {
      bits: opts.bits,
      threshold: opts.threshold,
      createdAt,
      epoch: opts.epoch ?? 1,
      ...(opts.allowInsecureSize ? { allowInsecureSize: true } : {}),
      ...(opts.dkg ?? {}),
    },
    identitySecretKeys: ids.keys,
    ...(opts.rng ? { rng: opts.rng } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: ({ phase, ...rest }) => opts.onProgress?.({ phase: 'dkg', step: phase, ...rest }),
  });
  opts.onProgress?.({ phase: 'signing' });
  const first = outputs.get(1 as PartyIndex)!;
  const partyJson = new Map<PartyIndex, JsonObject>();
  for (const [i, out] of outputs) {
    if (bytesToHex(out.signed.id) !== bytesToHex(first.signed.id)) throw new CryptoError(`party ${i} ended with another epoch record`, 'dkg');
    partyJson.set(i, encodePartyShare(out.signed, out.keyShare, ids.generated ? ids.keys[i - 1] : undefined));
  }
  return { publicJson: encodeCommitteePublic(first.signed), partyJson };
}

/** Options of {@link reshareCommittee}. */
export interface ReshareCommitteeOptions {
  /** The old committee's `public.json`. */
  readonly publicJson: unknown;
  /** Share files of old parties (at least T valid; the first T valid ones deal). */
  readonly shares: readonly unknown[];
  /** n′: the new committee is parties 1..n′. */
  readonly parties: number;
  /** T′: any T′ new parties decrypt. */
  readonly threshold: number;
  /** Identity secret keys of the new parties 1..n′; generated (and written to the files) when omitted. */
  readonly identitySecretKeys?: readonly Uint8Array[];
  readonly rng?: RandomSource;
  readonly createdAt?: string;
  /** σ of the integer resharing (default 40). */
  readonly statisticalSecurity?: number;
  readonly allowInsecureSize?: boolean;
}

/**
 * Reshares a committee's key to a new committee under the same N: the new record has epoch + 1
 * and mode `reshare` and is signed by every new member; old share files do not open it.
 * Every dealer's commitments are checked against its old verification key and every share
 * against the commitments before anything is returned.
 * @throws {EpochSignatureError} if the old record's signatures fail.
 * @throws {InsufficientSharesError} if fewer than T old share files are valid (naming them).
 * @throws {ReshareError} naming dealers whose dealing fails its checks.
 */
export function reshareCommittee(opts: ReshareCommitteeOptions): CreatedCommittee {
  const keyOpts = opts.allowInsecureSize ? { allowInsecureSize: true } : {};
  const signed = parseCommitteePublic(opts.publicJson, keyOpts);
  const old = signed.record.publicKey;
  assertInteger('parties', opts.parties, 1, 64);
  assertInteger('threshold', opts.threshold, 1, opts.parties);
  const valid: ThresholdPaillierKeyShare[] = [];
  const invalid: InvalidShare[] = [];
  const seen = new Set<number>();
  opts.shares.forEach((value, k) => {
    const index = peekIndex(value, k);
    if (seen.has(index)) return;
    seen.add(index);
    try {
      valid.push(parsePartyShare(value, signed).share);
    } catch (err) {
      invalid.push({ index, reason: `share file: ${(err as Error).message}` });
    }
  });
  if (valid.length < old.threshold) throw new InsufficientSharesError(valid.length, old.threshold, invalid);
  const ids = identitySecrets({ parties: opts.parties, ...(opts.identitySecretKeys ? { identitySecretKeys: opts.identitySecretKeys } : {}), ...(opts.rng ? { rng: opts.rng } : {}) });
  const key = reshareKey(valid, opts.parties, opts.threshold, {
    ...(opts.rng ? { rng: opts.rng } : {}),
    ...(opts.statisticalSecurity !== undefined ? { statisticalSecurity: opts.statisticalSecurity } : {}),
    ...keyOpts,
  });
  return assembleCommittee(key, {
    mode: 'reshare',
    epoch: signed.record.epoch + 1,
    createdAt: opts.createdAt ?? new Date().toISOString(),
    identitySecretKeys: ids.keys,
    writeIdentitySecrets: ids.generated,
  });
}

/** Options of {@link committeeDecrypt}. */
export interface CommitteeDecryptOptions {
  /** The committee's `public.json` (parsed JSON). */
  readonly publicJson: unknown;
  /** Share files (parsed JSON) of the parties taking part. */
  readonly shares: readonly unknown[];
  /** The ciphertext: a bigint, or hex (with or without `0x`). */
  readonly c: bigint | string;
  readonly rng?: RandomSource;
  /** Accept N below 2048 bits (tests and demos); see {@link CommitteeDecryptResult.proofs}. */
  readonly allowInsecureSize?: boolean;
}

/** Result of {@link committeeDecrypt}. */
export interface CommitteeDecryptResult {
  /** m ∈ [0, N). */
  readonly plaintext: bigint;
  /** Parties whose decryption shares verified (sorted). */
  readonly valid: readonly PartyIndex[];
  /** Parties excluded, with the reason (invalid share file or failed proof). */
  readonly invalid: readonly InvalidShare[];
  /**
   * `verified`: every decryption share carried a proof and was verified. `skipped-insecure-size`:
   * N is below 2048 bits (only with `allowInsecureSize`), where the proofs are refused; the shares
   * were checked against their verification keys instead.
   */
  readonly proofs: 'verified' | 'skipped-insecure-size';
}

function peekIndex(value: unknown, k: number): PartyIndex {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FieldTypeError(`shares[${k}]`, 'expected a share file object');
  return partyIndex((value as { index?: unknown }).index, `shares[${k}].index`);
}

/**
 * Threshold decryption from share files: checks `public.json` (format, key, every member's
 * signature), reads each share file (an invalid one is excluded and named), makes each party's
 * decryption share with its proof, verifies every proof, and combines T valid shares.
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError} if `public.json` or c is invalid.
 * @throws {EpochSignatureError} if the record's signatures do not all verify.
 * @throws {InsufficientSharesError} with `culprits` if fewer than T valid shares remain.
 */
export function committeeDecrypt(opts: CommitteeDecryptOptions): CommitteeDecryptResult {
  const keyOpts = opts.allowInsecureSize ? { allowInsecureSize: true } : {};
  const signed = parseCommitteePublic(opts.publicJson, keyOpts);
  const pk = signed.record.publicKey;
  const c = typeof opts.c === 'string' ? hexToBigInt(opts.c.trim(), 'c') : opts.c;
  const rng = opts.rng ?? systemRng();
  const invalid: InvalidShare[] = [];
  const files: ThresholdPaillierKeyShare[] = [];
  const seen = new Set<number>();
  opts.shares.forEach((value, k) => {
    const index = peekIndex(value, k);
    if (seen.has(index)) {
      invalid.push({ index, reason: 'duplicate: a second share file for this party' });
      return;
    }
    seen.add(index);
    try {
      files.push(parsePartyShare(value, signed).share);
    } catch (err) {
      invalid.push({ index, reason: `share file: ${(err as Error).message}` });
    }
  });
  if (pk.bits < THRESHOLD_PAILLIER_MIN_BITS) return decryptWithoutProofs(pk, c, files, invalid);
  const shares: DecryptionShare[] = files.map((s) => createDecryptionShare(s, c, new Uint8Array(0), rng));
  const res = verifyAndCombine(pk, c, shares, { alreadyInvalid: invalid });
  return { ...res, proofs: 'verified' };
}

function decryptWithoutProofs(pk: ThresholdPaillierPublicKey, c: bigint, files: readonly ThresholdPaillierKeyShare[], invalid: InvalidShare[]): CommitteeDecryptResult {
  invalid.sort((a, b) => a.index - b.index);
  if (files.length < pk.threshold) throw new InsufficientSharesError(files.length, pk.threshold, invalid);
  const shares = files.map((s) => ({ index: s.index, ci: decryptionShareValue(s, c) }));
  const plaintext = combineDecryptionShares(pk, shares);
  return { plaintext, valid: shares.map((s) => s.index).sort((a, b) => a - b), invalid, proofs: 'skipped-insecure-size' };
}

export { InsufficientSharesError };
export { EpochSignatureError } from './epoch.ts';
export { ReshareError } from './reshare.ts';
