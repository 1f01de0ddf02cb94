/**
 * CGGMP21 threshold ECDSA ceremonies for the runner: session factories (create and restore)
 * for key generation, aux-info, refresh, presigning and signing of `@tessera/protocols/cggmp`,
 * with the party's transport identity as its engine identity; output codecs so a finished
 * phase's result survives a restart; and the two ceremonies a wallet runs, each a chain of
 * phases in ONE room (one invitation, one session id):
 * - {@link runCggmpKeygenCeremony}: key generation, then aux-info (two safe primes per party
 *   from a {@link PrimeSource}, normally the worker pool) → a complete {@link CggmpKeyShare};
 * - {@link runCggmpSignCeremony}: presigning, then signing of a 32-byte digest, optionally with
 *   a non-hardened BIP32 child of the key → a low-S ECDSA signature with its recovery id.
 *
 * Phases share the room's transport through {@link createPhasedTransport}: every envelope
 * names its protocol in its (signed) header, so the router hands it to the phase running now,
 * keeps an envelope of a later phase (a faster party is already there) in the runner store
 * until that phase starts — durably, before the transport acknowledges it, since a WebRTC
 * channel delivers once — and drops duplicates of finished phases.
 *
 * Presignatures are single-use: the signing phase records the presignature's id in the
 * {@link PresignatureLedger} before σᵢ exists (the protocol's own rule, sign/index.ts), so a
 * restored old state or a second signing with the same presignature fails closed with
 * `NonceReuseError`. A Node party keeps the ledger in its state directory
 * (`createFileNonceLedger`); once a signature is done, the presignature's record is deleted.
 * @module
 */
import { bytesToHex } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError, assertInteger } from '@tessera/crypto/errors';
import type { PoolProgress, WorkerPool } from '@tessera/crypto/pool';
import type { RandomSource } from '@tessera/crypto/rng';
import { canonicalJson, expectArray, expectHex, expectObject, parseCanonicalJson, type Json } from '@tessera/protocols/engine/codec';
import { partyList, type PartyIndex, type SessionId } from '@tessera/protocols/engine/ids';
import { AUX_PROTOCOL, createCggmpAuxSession, restoreCggmpAuxSession, type AuxOutput } from '@tessera/protocols/cggmp/aux';
import { deriveChildKeyShare, parsePath } from '@tessera/protocols/cggmp/bip32';
import { scalarBytes } from '@tessera/protocols/cggmp/curve';
import { verifyEcdsaDigest, type EcdsaSignature } from '@tessera/protocols/cggmp/ecdsa';
import { KEYGEN_PROTOCOL, createCggmpKeygenSession, restoreCggmpKeygenSession, type KeygenOutput } from '@tessera/protocols/cggmp/keygen';
import {
  encodeAuxInfo,
  encodeCoreShare,
  parseAuxInfo,
  parseCoreShare,
  validateKeyShare,
  type CggmpKeyShare,
  type CoreShare,
} from '@tessera/protocols/cggmp/keyshare';
import {
  PRESIGN_PROTOCOL,
  createCggmpPresignSession,
  encodePresignature,
  parsePresignature,
  restoreCggmpPresignSession,
  type PresignOutput,
  type Presignature,
} from '@tessera/protocols/cggmp/presign';
import type { PrimeSource } from '@tessera/protocols/cggmp/prime-source';
import { REFRESH_PROTOCOL, createCggmpRefreshSession, restoreCggmpRefreshSession } from '@tessera/protocols/cggmp/refresh';
import { SIGN_PROTOCOL, createCggmpSignSession, restoreCggmpSignSession, type PresignatureLedger, type SignOutput } from '@tessera/protocols/cggmp/sign';
import { poolProver, poolVerifier, type ZkProver, type ZkVerifier } from '@tessera/protocols/cggmp/wire';
import { parseWireEnvelope } from './envelope.ts';
import { engineAuth } from './frost.ts';
import type { IdentityKey } from './identity.ts';
import { runProtocol, type OutputCodec, type RunnerEvent, type SessionFactory } from './runner.ts';
import { createMemoryRunnerStore, type RunnerStore } from './runner-store.ts';
import type { Transport, TransportHandler } from './transport.ts';

export { fixedPrimeSource, type PaillierPrimes, type PrimeSource } from '@tessera/protocols/cggmp/prime-source';
export { inlineProver, poolProver, poolVerifier, type ZkProver, type ZkVerifier } from '@tessera/protocols/cggmp/wire';
export { encodeKeyShare, parseKeyShare, type CggmpKeyShare } from '@tessera/protocols/cggmp/keyshare';
export type { PresignatureLedger } from '@tessera/protocols/cggmp/sign';
export type { EcdsaSignature } from '@tessera/protocols/cggmp/ecdsa';

/** Protocol ids of the CGGMP21 phases (as they appear in envelope headers). */
export const CGGMP_PROTOCOLS = Object.freeze({
  keygen: KEYGEN_PROTOCOL,
  aux: AUX_PROTOCOL,
  refresh: REFRESH_PROTOCOL,
  presign: PRESIGN_PROTOCOL,
  sign: SIGN_PROTOCOL,
});

/** A CGGMP21 phase. */
export type CggmpPhase = keyof typeof CGGMP_PROTOCOLS;

/** What every factory needs: the session, this party's identity and the room's directory. */
export interface CggmpPartyBase {
  readonly session: SessionId;
  readonly identity: IdentityKey;
  /** Identity public keys of every party (the invitation's). */
  readonly directory: ReadonlyMap<PartyIndex, Uint8Array>;
  readonly rng?: RandomSource;
}

/** Options of {@link cggmpKeygenFactory}. */
export interface CggmpKeygenPartyOptions extends CggmpPartyBase {
  readonly self: PartyIndex;
  /** The committee (sorted; indices are the Shamir evaluation points). */
  readonly parties: readonly PartyIndex[];
  readonly threshold: number;
}

/**
 * Creates or restores this party's CGGMP21 key generation session (`tessera/cggmp/keygen`).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed keys (the factory's methods throw as `createCggmpKeygenSession` / `restoreCggmpKeygenSession`).
 */
export function cggmpKeygenFactory(o: CggmpKeygenPartyOptions): SessionFactory<KeygenOutput> {
  const auth = engineAuth(o.identity, o.directory);
  const rng = o.rng ? { rng: o.rng } : {};
  return {
    create: () => createCggmpKeygenSession({ session: o.session, self: o.self, parties: o.parties, config: { threshold: o.threshold }, auth, ...rng }),
    restore: (snapshot) => restoreCggmpKeygenSession(snapshot, { auth, ...rng }),
  };
}

/** Options of {@link cggmpAuxFactory}. */
export interface CggmpAuxPartyOptions extends CggmpPartyBase {
  readonly self: PartyIndex;
  readonly parties: readonly PartyIndex[];
  /** This party's two safe primes: {@link cggmpPoolPrimeSource}, or `fixedPrimeSource` (tests). */
  readonly primeSource: PrimeSource;
  /** Where received Π^mod, Π^fac, Π^prm are verified (default: this thread). */
  readonly verifier?: ZkVerifier;
  /**
   * Where this party's own Π^prm, Π^mod, Π^fac are made (default: this thread); `poolProver(pool)`
   * moves them, witnesses included, to the same-process worker pool.
   */
  readonly prover?: ZkProver;
}

/**
 * Creates or restores this party's aux-info session (`tessera/cggmp/aux`). `start()` of a new
 * session awaits the prime source (the runner does so before it joins the room).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed keys.
 */
export function cggmpAuxFactory(o: CggmpAuxPartyOptions): SessionFactory<AuxOutput> {
  const auth = engineAuth(o.identity, o.directory);
  const rng = o.rng ? { rng: o.rng } : {};
  const verifier = { ...(o.verifier ? { verifier: o.verifier } : {}), ...(o.prover ? { prover: o.prover } : {}) };
  return {
    create: () => createCggmpAuxSession({ session: o.session, self: o.self, parties: o.parties, primeSource: o.primeSource, auth, ...verifier, ...rng }),
    restore: (snapshot) => restoreCggmpAuxSession(snapshot, { auth, ...verifier, ...rng }),
  };
}

/** Options of {@link cggmpRefreshFactory}. */
export interface CggmpRefreshPartyOptions extends CggmpPartyBase {
  /** The share to refresh (its committee runs the refresh). */
  readonly keyShare: CoreShare;
}

/**
 * Creates or restores this party's key refresh session (`tessera/cggmp/refresh`): new shares
 * of the same public key and chain code (run aux-info again for fresh Paillier keys).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed keys.
 */
export function cggmpRefreshFactory(o: CggmpRefreshPartyOptions): SessionFactory<KeygenOutput> {
  const auth = engineAuth(o.identity, o.directory);
  const rng = o.rng ? { rng: o.rng } : {};
  return {
    create: () => createCggmpRefreshSession({ session: o.session, keyShare: o.keyShare, auth, ...rng }),
    restore: (snapshot) => restoreCggmpRefreshSession(snapshot, { auth, ...rng }),
  };
}

/** Options of {@link cggmpPresignFactory}. */
export interface CggmpPresignPartyOptions extends CggmpPartyBase {
  /** The key share presigning is for (a BIP32 child's, if the signature is for a child key). */
  readonly keyShare: CggmpKeyShare;
  /** The signing set (sorted, at least t, including this party). */
  readonly signers: readonly PartyIndex[];
  /** Where received proofs are verified (default: this thread). */
  readonly verifier?: ZkVerifier;
  /**
   * Where this party's own Π^enc, Π^aff-g, Π^log* (and blame proofs) are made (default: this
   * thread); `poolProver(pool)` moves them, witnesses included, to the same-process worker pool.
   */
  readonly prover?: ZkProver;
}

/**
 * Creates or restores this party's presigning session (`tessera/cggmp/presign`).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed keys.
 */
export function cggmpPresignFactory(o: CggmpPresignPartyOptions): SessionFactory<PresignOutput> {
  const auth = engineAuth(o.identity, o.directory);
  const rng = o.rng ? { rng: o.rng } : {};
  const verifier = { ...(o.verifier ? { verifier: o.verifier } : {}), ...(o.prover ? { prover: o.prover } : {}) };
  return {
    create: () => createCggmpPresignSession({ session: o.session, keyShare: o.keyShare, request: { signers: o.signers }, auth, ...verifier, ...rng }),
    restore: (snapshot) => restoreCggmpPresignSession(snapshot, { keyShare: o.keyShare, auth, ...verifier, ...rng }),
  };
}

/** Options of {@link cggmpSignFactory}. */
export interface CggmpSignPartyOptions extends CggmpPartyBase {
  /** The key share the presignature was made with. */
  readonly keyShare: CggmpKeyShare;
  /**
   * The presignature (needed to create the session; a restored session does not use it, and
   * `undefined` there makes `create` throw).
   */
  readonly presignature: Presignature | undefined;
  /** Security: durable; must outlive restarts so a presignature can never sign twice. */
  readonly ledger: PresignatureLedger;
  /** The 32-byte message digest. */
  readonly digest: Uint8Array;
}

/**
 * Creates or restores this party's signing session (`tessera/cggmp/sign`). Creating it
 * consumes the presignature in the ledger before the signature share exists.
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed keys; `create` throws
 *   {@link FieldTypeError} without a presignature.
 */
export function cggmpSignFactory(o: CggmpSignPartyOptions): SessionFactory<SignOutput> {
  const auth = engineAuth(o.identity, o.directory);
  const rng = o.rng ? { rng: o.rng } : {};
  return {
    create: () => {
      if (!o.presignature) throw new FieldTypeError('presignature', 'a new signing session needs a presignature');
      return createCggmpSignSession({ session: o.session, keyShare: o.keyShare, presignature: o.presignature, ledger: o.ledger, request: { digest: o.digest }, auth, ...rng });
    },
    restore: (snapshot) => restoreCggmpSignSession(snapshot, { keyShare: o.keyShare, auth, ...rng }),
  };
}

/** Options of {@link cggmpPoolPrimeSource}. */
export interface PoolPrimeSourceOptions {
  /** Bits per prime (default 1024: N of 2048 bits). */
  readonly bits?: number;
  /** Progress of the search, summed over the pool's workers. */
  readonly onProgress?: (p: PoolProgress) => void;
  /** Stops the search (the pool rejects with AbortError). */
  readonly signal?: AbortSignal;
}

/**
 * The aux-info prime source on a worker pool: two safe primes of `bits` bits, searched in
 * parallel on every worker, with progress reports.
 * @throws {FieldRangeError} if bits < 1024 (the source rejects as `WorkerPool.findPrimes`).
 */
export function cggmpPoolPrimeSource(pool: Pick<WorkerPool, 'findPrimes'>, opts: PoolPrimeSourceOptions = {}): PrimeSource {
  const bits = opts.bits ?? 1024;
  assertInteger('bits', bits, 1024, 8192);
  return async () => {
    const [p, q] = await pool.findPrimes(2, {
      bits,
      kind: 'safe',
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return { p: p!, q: q! };
  };
}

/** Keeps a key generation (or refresh) output. Security: it holds xᵢ. `decode` throws as `parseCoreShare` (FieldTypeError, FieldRangeError, CryptoError). */
export const cggmpKeygenOutputCodec: OutputCodec<KeygenOutput> = {
  encode: (o) => encodeCoreShare(o.share),
  decode: (text) => ({ share: parseCoreShare(text) }),
};

/** Keeps an aux-info output. Security: it holds p and q. `decode` throws as `parseAuxInfo`. */
export const cggmpAuxOutputCodec: OutputCodec<AuxOutput> = {
  encode: (o) => encodeAuxInfo(o.aux),
  decode: (text) => ({ aux: parseAuxInfo(text) }),
};

/** Keeps a presigning output. Security: it holds kᵢ and χᵢ. `decode` throws as `parsePresignature`. */
export const cggmpPresignOutputCodec: OutputCodec<PresignOutput> = {
  encode: (o) => encodePresignature(o.presignature),
  decode: (text) => ({ presignature: parsePresignature(text) }),
};

/**
 * Keeps a signing output (public values only).
 * `decode` throws {@link FieldTypeError} / {@link FieldRangeError} on malformed fields or a
 * signature that does not verify.
 */
export const cggmpSignOutputCodec: OutputCodec<SignOutput> = {
  encode: (o) =>
    canonicalJson({
      r: bytesToHex(scalarBytes(o.signature.r)),
      s: bytesToHex(scalarBytes(o.signature.s)),
      v: o.signature.v,
      publicKey: bytesToHex(o.publicKey),
      digest: bytesToHex(o.digest),
      signers: [...o.signers],
    }),
  decode(text) {
    const o = expectObject(parseCanonicalJson(text, 'signOutput'), 'signOutput', ['r', 's', 'v', 'publicKey', 'digest', 'signers']);
    assertInteger('signOutput.v', o.v, 0, 3);
    const signature: EcdsaSignature = {
      r: BigInt(`0x${bytesToHex(expectHex(o.r, 'signOutput.r', 32))}`),
      s: BigInt(`0x${bytesToHex(expectHex(o.s, 'signOutput.s', 32))}`),
      v: o.v,
    };
    const publicKey = expectHex(o.publicKey, 'signOutput.publicKey', 33);
    const digest = expectHex(o.digest, 'signOutput.digest', 32);
    if (!verifyEcdsaDigest(publicKey, digest, signature)) throw new FieldRangeError('signOutput', 'the kept signature does not verify');
    return { signature, publicKey, digest, signers: partyList(o.signers, 'signOutput.signers', 2) };
  },
};

/** Largest number of envelopes kept for one later phase (beyond it they are dropped). */
export const MAX_BUFFERED_PER_PHASE = 1024;

/** Options of {@link createPhasedTransport}. */
export interface PhasedTransportOptions {
  /** The room's transport (not started yet; started by the first phase). */
  readonly transport: Transport;
  /** Protocol ids of the phases, in the order they run. */
  readonly protocols: readonly string[];
  /** Where envelopes of later phases wait (default: memory, i.e. lost on a restart). */
  readonly store?: RunnerStore;
  /** Store key prefix of the waiting envelopes (one key per phase under it). */
  readonly key: string;
}

/** A room transport shared by consecutive phases. */
export interface PhasedTransport {
  /**
   * The transport of one phase for `runProtocol`: its `start` makes it the running phase
   * (earlier phases are over: their envelopes are dropped from then on) and first delivers
   * the envelopes kept for it; its `close` ends the phase.
   * @throws {FieldRangeError} for a protocol not among the phases.
   */
  phase(protocol: string): Transport;
  /** Closes the room's transport. */
  close(): Promise<void>;
}

/**
 * Routes one room's envelopes to consecutive phases by the protocol in their header.
 * Envelopes whose header cannot be read go to the running phase (whose runner rejects and
 * counts them), or are dropped between phases.
 * @throws {FieldRangeError} if `protocols` is empty or has duplicates.
 */
export function createPhasedTransport(o: PhasedTransportOptions): PhasedTransport {
  const protocols = [...o.protocols];
  if (protocols.length === 0 || new Set(protocols).size !== protocols.length) throw new FieldRangeError('protocols', 'expected distinct protocol ids');
  const store = o.store ?? createMemoryRunnerStore();
  const bufferKey = (k: number): string => `${o.key}/${protocols[k]}`;
  /** Index of the running phase, or of the next one between phases. */
  let position = 0;
  let active: { index: number; handler: TransportHandler } | undefined;
  let started: Promise<void> | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = chain.then(f);
    chain = p.catch(() => undefined);
    return p;
  };
  const readBuffer = async (k: number): Promise<string[]> => {
    const text = await store.load(bufferKey(k));
    if (text === undefined) return [];
    const list = JSON.parse(text) as unknown;
    return Array.isArray(list) ? list.filter((t): t is string => typeof t === 'string') : [];
  };

  async function dispatch(text: string): Promise<void> {
    let k = -1;
    try {
      k = protocols.indexOf(parseWireEnvelope(text).protocol);
    } catch {
      k = -1;
    }
    const cur = active;
    if (cur && (k === cur.index || k < 0)) return cur.handler(text);
    if (k > position || (k === position && !cur)) {
      // a later phase: keep it durably before the transport acknowledges it
      await serial(async () => {
        const list = await readBuffer(k);
        if (list.length >= MAX_BUFFERED_PER_PHASE || list.includes(text)) return;
        list.push(text);
        await store.save(bufferKey(k), JSON.stringify(list));
      });
    }
    // else: a finished phase's duplicate, or unreadable between phases: acknowledged, dropped
  }

  return {
    phase(protocol) {
      const index = protocols.indexOf(protocol);
      if (index < 0) throw new FieldRangeError('protocol', `${protocol} is not a phase of this room`);
      let closed = false;
      return {
        async start(handler) {
          if (closed) throw new FieldRangeError('phase', `${protocol} has ended`);
          if (index < position) throw new FieldRangeError('phase', `${protocol} comes before the running phase`);
          position = index;
          active = { index, handler };
          // deliver what was kept for this phase (writes still in flight finish first)
          const kept = await serial(() => readBuffer(index));
          for (const text of kept) await handler(text);
          if (kept.length > 0) await serial(() => store.delete(bufferKey(index)));
          started ??= o.transport.start(dispatch);
          await started;
        },
        send: (to, text) => o.transport.send(to, text),
        async close() {
          if (closed) return;
          closed = true;
          if (active?.index === index) active = undefined;
          if (position === index) position = index + 1;
        },
      };
    },
    close: () => o.transport.close(),
  };
}

/** What both ceremonies take. */
export interface CggmpCeremonyBase {
  readonly session: SessionId;
  readonly self: PartyIndex;
  readonly identity: IdentityKey;
  /** Identity public keys of every party of the room (the invitation's). */
  readonly directory: ReadonlyMap<PartyIndex, Uint8Array>;
  /** The room's transport, not started (mailbox, or the WebRTC mesh); closed by the caller. */
  readonly transport: Transport;
  /** Runner records and the envelopes kept for later phases (resumption; secret). */
  readonly store?: RunnerStore;
  /** Silence after which a phase ends naming the silent parties (default 120 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Runner events, with the phase they belong to. */
  readonly onEvent?: (phase: CggmpPhase, e: RunnerEvent) => void;
  /** Where received proofs are verified (e.g. `poolVerifier(pool)`; default: this thread). */
  readonly verifier?: ZkVerifier;
  /**
   * Where this party's own proofs are made (aux-info's Π^prm, Π^mod, Π^fac; presigning's Π^enc,
   * Π^aff-g, Π^log* and blame proofs). Default: `poolProver(pool)` when `pool` can prove, else
   * this thread (which then blocks for up to seconds per round).
   */
  readonly prover?: ZkProver;
  /**
   * The same-process worker pool (`@tessera/crypto/pool`): when given and no `prover` is, this
   * party's proofs are made on it. It does not change where received proofs are verified
   * (`verifier`). SECURITY: the witnesses cross to its workers — same process, same trust.
   */
  readonly pool?: Pick<WorkerPool, 'proveZkJobs'>;
  readonly rng?: RandomSource;
}

/** The prover of a ceremony: `o.prover`, else the pool's when it can prove, else none (in-thread). */
function ceremonyProver(o: CggmpCeremonyBase): { prover?: ZkProver } {
  if (o.prover) return { prover: o.prover };
  return o.pool?.proveZkJobs ? { prover: poolProver(o.pool) } : {};
}

/** Record key of one phase's runner (never throws). */
export function cggmpRecordKey(session: SessionId, self: PartyIndex, phase: CggmpPhase): string {
  return `tessera/cggmp/${session}/${self}/${phase}`;
}

interface PhaseRun<O> {
  readonly phase: CggmpPhase;
  readonly factory: SessionFactory<O>;
  readonly output: OutputCodec<O>;
}

async function runPhase<O>(c: CggmpCeremonyBase, router: PhasedTransport, store: RunnerStore, p: PhaseRun<O>): Promise<{ output: O; resumed: boolean; rejections: number }> {
  const transport = router.phase(CGGMP_PROTOCOLS[p.phase]);
  try {
    const r = await runProtocol({
      session: c.session,
      self: c.self,
      transport,
      identity: c.identity,
      directory: c.directory,
      factory: p.factory,
      store,
      key: cggmpRecordKey(c.session, c.self, p.phase),
      output: p.output,
      timeoutMs: c.timeoutMs ?? 120_000,
      ...(c.signal ? { signal: c.signal } : {}),
      ...(c.onEvent ? { onEvent: (e: RunnerEvent) => c.onEvent!(p.phase, e) } : {}),
      ...(c.rng ? { rng: c.rng } : {}),
    });
    return { output: r.output, resumed: r.resumed, rejections: Object.values(r.rejections).reduce((a, b) => a + (b ?? 0), 0) };
  } finally {
    await transport.close();
  }
}

/** Options of {@link runCggmpKeygenCeremony}. */
export interface CggmpKeygenCeremonyOptions extends CggmpCeremonyBase {
  /** The committee (every party of the room). */
  readonly parties: readonly PartyIndex[];
  readonly threshold: number;
  /** This party's safe primes for aux-info. */
  readonly primeSource: PrimeSource;
}

/** What {@link runCggmpKeygenCeremony} returns. */
export interface CggmpKeygenCeremonyResult {
  /** Security: secret (xᵢ, p, q); store it encrypted or in a private file. */
  readonly keyShare: CggmpKeyShare;
  /** Which phases continued from a saved record. */
  readonly resumed: { readonly keygen: boolean; readonly aux: boolean };
  /** Envelopes the runners rejected (forged, replayed, misrouted…). */
  readonly rejections: number;
}

/**
 * Runs (or resumes) this party's key generation and aux-info in one room.
 * @throws {FieldRangeError} on a bad threshold or committee.
 * @throws {ProtocolAbort} naming the culprits if a phase aborts (`timeout`: the silent ones).
 * @throws {InternalError} @throws {TransportError} @throws {AbortError} as `runProtocol`.
 */
export async function runCggmpKeygenCeremony(o: CggmpKeygenCeremonyOptions): Promise<CggmpKeygenCeremonyResult> {
  const parties = partyList(o.parties, 'parties', 2);
  assertInteger('threshold', o.threshold, 2, parties.length);
  if (!parties.includes(o.self)) throw new FieldRangeError('self', 'not one of the parties');
  const store = o.store ?? createMemoryRunnerStore();
  const router = createPhasedTransport({ transport: o.transport, protocols: [KEYGEN_PROTOCOL, AUX_PROTOCOL], store, key: `tessera/cggmp-kept/${o.session}/${o.self}` });
  const base = { session: o.session, self: o.self, parties, identity: o.identity, directory: o.directory, ...(o.rng ? { rng: o.rng } : {}) };
  const keygen = await runPhase(o, router, store, { phase: 'keygen', factory: cggmpKeygenFactory({ ...base, threshold: o.threshold }), output: cggmpKeygenOutputCodec });
  const aux = await runPhase(o, router, store, {
    phase: 'aux',
    factory: cggmpAuxFactory({ ...base, primeSource: o.primeSource, ...(o.verifier ? { verifier: o.verifier } : {}), ...ceremonyProver(o) }),
    output: cggmpAuxOutputCodec,
  });
  return {
    keyShare: validateKeyShare(keygen.output.share, aux.output.aux),
    resumed: { keygen: keygen.resumed, aux: aux.resumed },
    rejections: keygen.rejections + aux.rejections,
  };
}

/** Options of {@link runCggmpSignCeremony}. */
export interface CggmpSignCeremonyOptions extends CggmpCeremonyBase {
  /** This party's key share (of the root key). */
  readonly keyShare: CggmpKeyShare;
  /** The 32-byte digest to sign (`messageDigest(message, 'sha256' | 'keccak256')`). */
  readonly digest: Uint8Array;
  /** The signing set (sorted, at least t, including this party). */
  readonly signers: readonly PartyIndex[];
  /** Non-hardened BIP32 path: sign with that child of the key (default: the key itself). */
  readonly derivation?: readonly number[];
  /** Security: durable; consumed presignatures (e.g. `createFileNonceLedger(path)`). */
  readonly ledger: PresignatureLedger;
}

/** What {@link runCggmpSignCeremony} returns. */
export interface CggmpSignCeremonyResult {
  /** Low-S (r, s) with the recovery id v. */
  readonly signature: EcdsaSignature;
  /** The (child) public key it verifies under, compressed. */
  readonly publicKey: Uint8Array;
  readonly digest: Uint8Array;
  readonly signers: readonly PartyIndex[];
  readonly resumed: { readonly presign: boolean; readonly sign: boolean };
  readonly rejections: number;
}

/**
 * Runs (or resumes) this party's presigning and signing in one room. Once signing has
 * started (its record exists) presigning is not run again; once it is done, the
 * presignature's record is deleted.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a bad digest, signing set or path.
 * @throws {NonceReuseError} if the presignature was already consumed (fail closed).
 * @throws {ProtocolAbort} naming the culprits if a phase aborts (`invalid-signature-share`,
 *   failed proofs, `timeout`).
 * @throws {InternalError} @throws {TransportError} @throws {AbortError} as `runProtocol`.
 */
export async function runCggmpSignCeremony(o: CggmpSignCeremonyOptions): Promise<CggmpSignCeremonyResult> {
  if (!(o.digest instanceof Uint8Array) || o.digest.length !== 32) throw new FieldTypeError('digest', 'expected 32 bytes');
  const signers = partyList(o.signers, 'signers', 2);
  if (!signers.includes(o.self)) throw new FieldRangeError('signers', 'this party is not a signer');
  if (o.keyShare.core.index !== o.self) throw new FieldRangeError('keyShare', `the share is party ${o.keyShare.core.index}'s, not party ${o.self}'s`);
  if (signers.length < o.keyShare.core.threshold) throw new FieldRangeError('signers', `at least ${o.keyShare.core.threshold} signers needed`);
  for (const s of signers) if (!o.keyShare.core.parties.includes(s)) throw new FieldRangeError('signers', `party ${s} is not in the committee`);
  const share = o.derivation && o.derivation.length > 0 ? deriveChildKeyShare(o.keyShare, parsePath(o.derivation)) : o.keyShare;
  const store = o.store ?? createMemoryRunnerStore();
  const router = createPhasedTransport({ transport: o.transport, protocols: [PRESIGN_PROTOCOL, SIGN_PROTOCOL], store, key: `tessera/cggmp-kept/${o.session}/${o.self}` });
  const base = { session: o.session, identity: o.identity, directory: o.directory, ...(o.rng ? { rng: o.rng } : {}) };
  const presignKey = cggmpRecordKey(o.session, o.self, 'presign');
  const signing = (await store.load(cggmpRecordKey(o.session, o.self, 'sign'))) !== undefined;
  let presignature: Presignature | undefined;
  let presignResumed = true;
  let rejections = 0;
  if (!signing) {
    const r = await runPhase(o, router, store, {
      phase: 'presign',
      factory: cggmpPresignFactory({ ...base, keyShare: share, signers, ...(o.verifier ? { verifier: o.verifier } : {}), ...ceremonyProver(o) }),
      output: cggmpPresignOutputCodec,
    });
    presignature = r.output.presignature;
    presignResumed = r.resumed;
    rejections += r.rejections;
  }
  const sign = await runPhase(o, router, store, {
    phase: 'sign',
    factory: cggmpSignFactory({ ...base, keyShare: share, presignature, ledger: o.ledger, digest: o.digest }),
    output: cggmpSignOutputCodec,
  });
  // the presignature is spent (and recorded so): its secrets go
  await store.delete(presignKey);
  const out = sign.output;
  if (bytesToHex(out.digest) !== bytesToHex(o.digest)) throw new FieldRangeError('digest', 'the kept signature is of another digest');
  return {
    signature: out.signature,
    publicKey: out.publicKey,
    digest: out.digest,
    signers: out.signers,
    resumed: { presign: presignResumed, sign: sign.resumed },
    rejections: rejections + sign.rejections,
  };
}

/** Options of {@link runCggmpRefreshCeremony}. */
export interface CggmpRefreshCeremonyOptions extends CggmpCeremonyBase {
  /** This party's current key share; its committee runs the refresh. */
  readonly keyShare: CggmpKeyShare;
  /** Fresh safe primes for the new aux-info. */
  readonly primeSource: PrimeSource;
}

/**
 * Runs (or resumes) a key refresh and a new aux-info in one room: new shares of the same key,
 * with new Paillier keys (the old share and its presignatures become useless).
 * @throws as {@link runCggmpKeygenCeremony}.
 */
export async function runCggmpRefreshCeremony(o: CggmpRefreshCeremonyOptions): Promise<CggmpKeygenCeremonyResult> {
  const core = o.keyShare.core;
  if (core.index !== o.self) throw new FieldRangeError('keyShare', `the share is party ${core.index}'s, not party ${o.self}'s`);
  const store = o.store ?? createMemoryRunnerStore();
  const router = createPhasedTransport({ transport: o.transport, protocols: [REFRESH_PROTOCOL, AUX_PROTOCOL], store, key: `tessera/cggmp-kept/${o.session}/${o.self}` });
  const base = { session: o.session, identity: o.identity, directory: o.directory, ...(o.rng ? { rng: o.rng } : {}) };
  const refresh = await runPhase(o, router, store, { phase: 'refresh', factory: cggmpRefreshFactory({ ...base, keyShare: core }), output: cggmpKeygenOutputCodec });
  const aux = await runPhase(o, router, store, {
    phase: 'aux',
    factory: cggmpAuxFactory({ ...base, self: o.self, parties: core.parties, primeSource: o.primeSource, ...(o.verifier ? { verifier: o.verifier } : {}), ...ceremonyProver(o) }),
    output: cggmpAuxOutputCodec,
  });
  if (bytesToHex(refresh.output.share.publicKey) !== bytesToHex(core.publicKey)) throw new FieldRangeError('keyShare', 'the refreshed share is of another key');
  return {
    keyShare: validateKeyShare(refresh.output.share, aux.output.aux),
    resumed: { keygen: refresh.resumed, aux: aux.resumed },
    rejections: refresh.rejections + aux.rejections,
  };
}

/**
 * Reads a non-hardened BIP32 path from ceremony parameters (absent: the key itself).
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function readDerivation(v: Json | undefined, field: string): number[] {
  if (v === undefined) return [];
  try {
    return parsePath(expectArray(v, field, 0, 255) as number[]);
  } catch (e) {
    if (e instanceof FieldRangeError) throw new FieldRangeError(field, e.message);
    if (e instanceof FieldTypeError) throw new FieldTypeError(field, e.message);
    throw e;
  }
}
