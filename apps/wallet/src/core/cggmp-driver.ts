/**
 * The CGGMP21 threshold ECDSA scheme driver (secp256k1): key generation + aux-info, presigning
 * + signing, and key refresh + new aux-info, each a chain of phases in ONE ceremony room
 * (`@tessera/transport/cggmp`, routed by `createPhasedTransport`), with the runner records
 * and the envelopes kept for later phases in the vault's sealed `sessions` store, so a wallet
 * closed mid-ceremony resumes where it stopped.
 *
 * - Shares: the complete key share (core share + aux-info) goes to the vault
 *   (`putCggmpKeyShare`, audited as keygen / refresh); the phase records that held xᵢ, p and q
 *   are deleted once it is stored.
 * - Presignatures are single-use: the signing phase consumes the presignature's id in the
 *   vault's durable nonce ledger before this party's signature share exists; a restored old
 *   state or a replayed session fails closed with `NonceReuseError` (the wallet reports it as
 *   `nonce-reused`).
 * - Prime search: two 1024-bit safe primes per party (N of 2048 bits) on the worker pool
 *   (`@tessera/crypto/pool`: Web Workers in browsers, worker_threads in Node), reported as
 *   progress with a fraction; received Π^mod / Π^fac / Π^prm and presigning proofs are
 *   verified on the pool too. Tests inject a fixed prime source instead.
 *
 * Signature encoding (what the wallet shows as the request's signature): 65 bytes
 * `r ‖ s ‖ v` — r and s as 32-byte big-endian integers, s low-S normalized (s ≤ q/2), and v the
 * recovery id (0..3: bit 0 = R.y odd, bit 1 = R.x ≥ q) as one byte. Ethereum's `v` is
 * 27 + v; the 64-byte `r ‖ s` prefix is the compact form noble and OpenSSL (as IEEE P1363)
 * verify.
 *
 * Message hashing: the ECDSA digest is SHA-256 of the message bytes by default, or
 * Keccak-256 (Ethereum) when the signing context carries `hash: 'keccak256'`.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { createWorkerPool, type PoolProgress, type WorkerPool } from '@tessera/crypto/pool';
import { messageDigest, type EcdsaHash } from '@tessera/protocols/cggmp/ecdsa';
import { parseSessionId, type PartyIndex, type SessionId } from '@tessera/protocols/engine/ids';
import {
  CGGMP_PROTOCOLS,
  cggmpPoolPrimeSource,
  cggmpRecordKey,
  poolVerifier,
  runCggmpKeygenCeremony,
  runCggmpRefreshCeremony,
  runCggmpSignCeremony,
  type CggmpCeremonyBase,
  type CggmpPhase,
  type EcdsaSignature,
  type PrimeSource,
} from '@tessera/transport/cggmp';
import type { RunnerEvent } from '@tessera/transport/runner';
import type { RunnerStore } from '@tessera/transport/runner-store';
import type { Transport } from '@tessera/transport/transport';
import type { CeremonyProgress, SchemeContext, SchemeDriver } from './api.ts';
import { WalletError } from './errors.ts';

export type { EcdsaHash } from '@tessera/protocols/cggmp/ecdsa';

/** Length of an encoded signature: r (32) ‖ s (32) ‖ v (1). */
export const CGGMP_SIGNATURE_BYTES = 65;

/** Rounds per phase (keygen, aux-info, refresh and presign have 3 each; signing has 1). */
const PHASE_ROUNDS: Readonly<Record<CggmpPhase, number>> = { keygen: 3, aux: 3, refresh: 3, presign: 3, sign: 1 };

/** Options of {@link createCggmpDriver}. */
export interface CggmpDriverOptions {
  /**
   * Where this party's two safe primes come from (tests: `fixedPrimeSource` with fixture
   * primes). Default: a search on a worker pool started for the ceremony and ended after it.
   */
  readonly primeSource?: (ctx: SchemeContext) => PrimeSource;
  /** Workers of the default pool (default: the pool's own default, the number of cores). */
  readonly poolSize?: number;
  /**
   * Pool factory (default `createWorkerPool` of `@tessera/crypto/pool`). The driver starts one
   * pool per key generation / refresh / signing and terminates it afterwards.
   */
  readonly createPool?: (size: number | undefined) => WorkerPool;
  /** Verify received proofs on the pool (default true; in-thread when false). */
  readonly verifyOnPool?: boolean;
}

/** The signing context of {@link SchemeDriver.sign}, with the optional ECDSA message hash. */
export type CggmpSignContext = SchemeContext & {
  readonly shareId: string;
  readonly message: Uint8Array;
  readonly signers: readonly PartyIndex[];
  /** Digest of the message (default `sha256`). */
  readonly hash?: EcdsaHash;
};

/**
 * Encodes a signature as 65 bytes `r ‖ s ‖ v` (see the module comment).
 * @throws {FieldRangeError} if r or s is not in [1, q) or v not in 0..3.
 */
export function encodeEcdsaSignature(sig: EcdsaSignature): Uint8Array {
  const q = secp256k1.Point.Fn.ORDER;
  if (sig.r <= 0n || sig.r >= q) throw new FieldRangeError('signature.r', 'out of range');
  if (sig.s <= 0n || sig.s >= q) throw new FieldRangeError('signature.s', 'out of range');
  if (!Number.isInteger(sig.v) || sig.v < 0 || sig.v > 3) throw new FieldRangeError('signature.v', 'expected 0..3');
  const out = new Uint8Array(CGGMP_SIGNATURE_BYTES);
  out.set(hexToBytes(sig.r.toString(16).padStart(64, '0')), 0);
  out.set(hexToBytes(sig.s.toString(16).padStart(64, '0')), 32);
  out[64] = sig.v;
  return out;
}

/**
 * Decodes a 65-byte `r ‖ s ‖ v` signature (range checks only; see {@link verifyCggmpSignature}).
 * @throws {FieldTypeError} if it is not 65 bytes. @throws {FieldRangeError} on out-of-range parts.
 */
export function decodeEcdsaSignature(bytes: Uint8Array): EcdsaSignature {
  if (!(bytes instanceof Uint8Array) || bytes.length !== CGGMP_SIGNATURE_BYTES) throw new FieldTypeError('signature', `expected ${CGGMP_SIGNATURE_BYTES} bytes (r ‖ s ‖ v)`);
  const r = BigInt(`0x${bytesToHex(bytes.subarray(0, 32))}`);
  const s = BigInt(`0x${bytesToHex(bytes.subarray(32, 64))}`);
  const sig = { r, s, v: bytes[64]! };
  encodeEcdsaSignature(sig);
  return sig;
}

/**
 * The ECDSA digest of a message: SHA-256 (default) or Keccak-256 of the message bytes.
 * @throws {FieldRangeError} on an unknown hash. @throws {FieldTypeError} if message is not bytes.
 */
export function cggmpDigest(message: Uint8Array, hash: EcdsaHash = 'sha256'): Uint8Array {
  return messageDigest(message, hash);
}

/**
 * Verifies an encoded signature of `message` under the compressed group key: low-S ECDSA over
 * the digest (noble, no re-hashing), and the recovery id must recover the same key. Never throws.
 */
export function verifyCggmpSignature(groupKey: Uint8Array, message: Uint8Array, signature: Uint8Array, hash: EcdsaHash = 'sha256'): boolean {
  try {
    const sig = decodeEcdsaSignature(signature);
    const digest = cggmpDigest(message, hash);
    if (!secp256k1.verify(signature.subarray(0, 64), digest, groupKey, { prehash: false, lowS: true, format: 'compact' })) return false;
    const recovered = new secp256k1.Signature(sig.r, sig.s).addRecoveryBit(sig.v).recoverPublicKey(digest);
    return bytesToHex(recovered.toBytes(true)) === bytesToHex(groupKey);
  } catch {
    return false;
  }
}

/** Record keys of a ceremony this party ran (phase records and later-phase envelope buffers). */
function ceremonyKeys(session: SessionId, self: PartyIndex, phases: readonly CggmpPhase[]): string[] {
  return phases.flatMap((ph) => [cggmpRecordKey(session, self, ph), `tessera/cggmp-kept/${session}/${self}/${CGGMP_PROTOCOLS[ph]}`]);
}

async function dropKeys(store: RunnerStore, keys: readonly string[]): Promise<void> {
  for (const k of keys) await store.delete(k);
}

function need<T>(v: T | undefined, field: string): T {
  if (v === undefined) throw new WalletError('unsupported-scheme', `the wallet core does not give the CGGMP21 driver ${field}`, { field });
  return v;
}

/** Creates the CGGMP21 ECDSA {@link SchemeDriver} (scheme `cggmp`, suite `secp256k1`). */
export function createCggmpDriver(opts: CggmpDriverOptions = {}): SchemeDriver {
  const makePool = opts.createPool ?? ((size: number | undefined) => createWorkerPool(size !== undefined ? { size } : {}));

  /** Runs `body` with the room's transport, the record store and (when needed) a pool; closes them. */
  async function withRoom<T>(
    ctx: SchemeContext,
    phases: readonly CggmpPhase[],
    wantPool: boolean,
    body: (base: CggmpCeremonyBase, pool: WorkerPool | undefined) => Promise<T>,
  ): Promise<T> {
    const openTransport = need(ctx.openTransport?.bind(ctx), 'openTransport');
    const store = need(ctx.store, 'store');
    const session = parseSessionId(ctx.session);
    const self = ctx.self as PartyIndex;
    const rounds = phases.reduce((a, ph) => a + PHASE_ROUNDS[ph], 0);
    const offset = (ph: CggmpPhase): number => phases.slice(0, phases.indexOf(ph)).reduce((a, p) => a + PHASE_ROUNDS[p], 0);
    const pool = wantPool ? makePool(opts.poolSize) : undefined;
    let transport: Transport | undefined;
    try {
      transport = await openTransport();
      const base: CggmpCeremonyBase = {
        session,
        self,
        identity: ctx.identity,
        directory: ctx.directory as ReadonlyMap<PartyIndex, Uint8Array>,
        transport,
        store,
        ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
        signal: ctx.signal,
        onEvent: (ph: CggmpPhase, e: RunnerEvent) => {
          if (e.type === 'started' || e.type === 'resumed' || e.type === 'round') ctx.progress({ round: offset(ph) + Math.max(1, e.round), rounds });
          else if (e.type === 'finished' && e.status === 'done' && phases.indexOf(ph) === phases.length - 1) ctx.progress({ round: rounds, rounds, fraction: 1 });
        },
        ...(pool && opts.verifyOnPool !== false ? { verifier: poolVerifier(pool) } : {}),
        ...(pool ? { pool } : {}),
      };
      return await body(base, pool);
    } finally {
      await transport?.close().catch(() => undefined);
      await pool?.terminate().catch(() => undefined);
    }
  }

  /** The prime source of a key generation or refresh: injected, or a search on the pool with progress. */
  function primes(ctx: SchemeContext, pool: WorkerPool | undefined, phases: readonly CggmpPhase[]): PrimeSource {
    if (opts.primeSource) return opts.primeSource(ctx);
    const rounds = phases.reduce((a, ph) => a + PHASE_ROUNDS[ph], 0);
    const round = PHASE_ROUNDS[phases[0]!] + 1;
    let last = -1;
    const onProgress = (p: PoolProgress): void => {
      const fraction = Math.min(0.99, p.expected > 0 ? p.candidates / p.expected : 0);
      // at most one report per percent
      if (Math.floor(fraction * 100) === last) return;
      last = Math.floor(fraction * 100);
      const progress: CeremonyProgress = { round, rounds, fraction };
      ctx.progress(progress);
    };
    return cggmpPoolPrimeSource(pool!, { onProgress, signal: ctx.signal });
  }

  const driver: SchemeDriver & { sign(ctx: CggmpSignContext): Promise<Uint8Array> } = {
    scheme: 'cggmp',
    suites: ['secp256k1'],
    protocols: { keygen: CGGMP_PROTOCOLS.keygen, sign: CGGMP_PROTOCOLS.sign, refresh: CGGMP_PROTOCOLS.refresh },
    rounds: { keygen: PHASE_ROUNDS.keygen + PHASE_ROUNDS.aux, sign: PHASE_ROUNDS.presign + PHASE_ROUNDS.sign, refresh: PHASE_ROUNDS.refresh + PHASE_ROUNDS.aux },
    hashes: ['sha256', 'keccak256'],

    async keygen(ctx) {
      if (ctx.suite !== 'secp256k1') throw new WalletError('unsupported-scheme', `cggmp does not support suite ${ctx.suite}`, { field: 'suite' });
      const phases: CggmpPhase[] = ['keygen', 'aux'];
      const parties = [...ctx.directory.keys()].sort((a, b) => a - b) as PartyIndex[];
      const result = await withRoom(ctx, phases, !opts.primeSource, (base, pool) =>
        runCggmpKeygenCeremony({ ...base, parties, threshold: ctx.threshold, primeSource: primes(ctx, pool, phases) }),
      );
      const shareId = await ctx.vault.putCggmpKeyShare(result.keyShare, 'keygen');
      // the phase records held xᵢ, p and q: the sealed share is the only copy from now on
      await dropKeys(ctx.store!, ceremonyKeys(parseSessionId(ctx.session), ctx.self as PartyIndex, phases));
      return { shareId, groupKey: bytesToHex(result.keyShare.core.publicKey) };
    },

    async sign(ctx: CggmpSignContext) {
      const keyShare = await ctx.vault.getCggmpKeyShare(ctx.shareId);
      const digest = cggmpDigest(ctx.message, ctx.hash ?? 'sha256');
      const wantPool = opts.verifyOnPool !== false && !opts.primeSource;
      const result = await withRoom(ctx, ['presign', 'sign'], wantPool, (base) =>
        runCggmpSignCeremony({ ...base, keyShare, digest, signers: [...ctx.signers].sort((a, b) => a - b) as PartyIndex[], ledger: ctx.vault.nonceLedger }),
      );
      if (bytesToHex(result.publicKey) !== bytesToHex(keyShare.core.publicKey)) throw new WalletError('tampered', 'the signature is for another key', { field: 'signature' });
      // the presignature record is gone (the ceremony deleted it); the signing record keeps
      // public values only (r, s, v, key, digest), so a restart after this point gets them back
      return encodeEcdsaSignature(result.signature);
    },

    verify(suite, groupKey, message, signature, hash) {
      return suite === 'secp256k1' && (hash === undefined || hash === 'sha256' || hash === 'keccak256') && verifyCggmpSignature(groupKey, message, signature, hash ?? 'sha256');
    },

    async refresh(ctx) {
      const keyShare = await ctx.vault.getCggmpKeyShare(ctx.shareId);
      const phases: CggmpPhase[] = ['refresh', 'aux'];
      const result = await withRoom(ctx, phases, !opts.primeSource, (base, pool) => runCggmpRefreshCeremony({ ...base, keyShare, primeSource: primes(ctx, pool, phases) }));
      if (bytesToHex(result.keyShare.core.publicKey) !== bytesToHex(keyShare.core.publicKey)) throw new WalletError('tampered', 'the refreshed share has another group key', { field: 'refresh' });
      const shareId = await ctx.vault.putCggmpKeyShare(result.keyShare, 'refresh');
      await dropKeys(ctx.store!, ceremonyKeys(parseSessionId(ctx.session), ctx.self as PartyIndex, phases));
      return { shareId };
    },
  };
  return driver;
}

/** The default CGGMP21 driver (prime search and proof checks on a worker pool). */
export const cggmpDriver: SchemeDriver = createCggmpDriver();
