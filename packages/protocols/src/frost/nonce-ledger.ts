/**
 * Nonce safety for FROST signing.
 *
 * A {@link NonceLedger} remembers, durably and per key, every signing nonce that has been
 * consumed: a signing round records the nonce's id *before* its signature share leaves the
 * party, and refuses (fails closed with {@link NonceReuseError}) if the id is already there.
 * Because the ledger lives outside session snapshots, restoring an old snapshot that still
 * holds a nonce cannot produce a second share with it. The ledger also hands out a monotonic
 * counter per key for hedged deterministic nonces ({@link hedgedNonceSource}).
 * The in-memory ledger here serves tests, the simulator and the Node party; the wallet
 * implements the same interface over IndexedDB.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { FieldRangeError, assertBytes } from '@tessera/crypto/errors';
import { randomBytes, type RandomSource } from '@tessera/crypto/rng';
import { NonceReuseError } from '../engine/errors.ts';
import { sessionHash } from '../engine/hash.ts';
import type { PartyIndex, SessionId } from '../engine/ids.ts';
import { lengthPrefixed } from '../engine/hash.ts';

/** Durable record of consumed nonces and a monotonic counter, per key. */
export interface NonceLedger {
  /**
   * Records nonce `nonceId` of key `keyId` as consumed. Resolves only once the record is durable.
   * @throws {NonceReuseError} if it was consumed before.
   */
  consume(keyId: string, nonceId: string): Promise<void>;
  /** A counter value for `keyId` strictly greater than every value returned before (durable). */
  nextCounter(keyId: string): Promise<bigint>;
}

/** In-memory {@link NonceLedger}; `consumed` exposes the record for inspection. */
export interface MemoryNonceLedger extends NonceLedger {
  consumed(keyId: string): ReadonlySet<string>;
}

/** A new, empty in-memory ledger. */
export function createMemoryNonceLedger(): MemoryNonceLedger {
  const used = new Map<string, Set<string>>();
  const counters = new Map<string, bigint>();
  return {
    async consume(keyId, nonceId) {
      let set = used.get(keyId);
      if (!set) used.set(keyId, (set = new Set()));
      if (set.has(nonceId)) throw new NonceReuseError();
      set.add(nonceId);
    },
    async nextCounter(keyId) {
      const c = (counters.get(keyId) ?? 0n) + 1n;
      counters.set(keyId, c);
      return c;
    },
    consumed: (keyId) => new Set(used.get(keyId) ?? []),
  };
}

/** The id under which a nonce pair is recorded: hex SHA-256 of its two commitments. */
export function nonceIdOf(hiding: Uint8Array, binding: Uint8Array): string {
  const h = sha256(lengthPrefixed(['tessera/frost/nonce-id', hiding, binding]));
  let s = '';
  for (const b of h) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Inputs of a hedged nonce derivation. */
export interface HedgedNonceInput {
  /** Security: a secret 32-byte nonce seed kept with the key share. */
  readonly seed: Uint8Array;
  /** Fresh value from {@link NonceLedger.nextCounter}. */
  readonly counter: bigint;
  readonly session: SessionId;
  readonly party: PartyIndex;
  readonly message: Uint8Array;
  /** Source of the fresh randomness mixed in. */
  readonly rng?: RandomSource;
}

/**
 * A byte source for noble's `commit()` that hedges the nonce: each 32-byte output is
 * `H(tag, session, seed, counter, H(message), party, fresh randomness, call index)`, and noble
 * then hashes it with the secret share (RFC 9591 nonce_generate). A broken RNG alone does not
 * repeat a nonce (the counter and message differ), and a leaked seed alone does not reveal
 * one (fresh randomness and the share are mixed in).
 * @throws {FieldRangeError} if the seed is not 32 bytes or the counter is not positive.
 */
export function hedgedNonceSource(input: HedgedNonceInput): (bytesLength?: number) => Uint8Array {
  assertBytes('seed', input.seed, 32);
  if (typeof input.counter !== 'bigint' || input.counter <= 0n || input.counter >= 1n << 64n)
    throw new FieldRangeError('counter', 'expected 1 ≤ counter < 2^64');
  const counter = new Uint8Array(8);
  new DataView(counter.buffer).setBigUint64(0, input.counter);
  const msgHash = sha256(input.message);
  let call = 0;
  return (bytesLength = 32) => {
    if (bytesLength !== 32) throw new FieldRangeError('bytesLength', 'hedged nonce source yields 32 bytes');
    const fresh = randomBytes(32, input.rng);
    return sessionHash('tessera/frost/hedged-nonce', input.session, input.seed, counter, msgHash, input.party, fresh, call++);
  };
}
