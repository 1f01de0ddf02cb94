/**
 * One party of a FROST or CGGMP21 ceremony run from Node (the `tessera party` command and
 * the demo): reads the signed invitation, connects to the signal server with the party's
 * identity, opens the room, and runs the ceremony the invitation describes over the WebRTC
 * mesh (with mailbox fallback) or the mailbox only, keeping its runner records and nonce /
 * presignature ledger in a state directory so that a killed process resumes where it stopped.
 *
 * Invitation parameters (`params`, signed by the creator) and protocol ids:
 * - FROST DKG (`tessera/frost/dkg`): `{ ceremony: "dkg", suite, threshold }`;
 * - FROST signing (`tessera/frost/sign`): `{ ceremony: "sign", suite, groupKey, message,
 *   signers }` (hex group key as `publicKey(share)` prints it, hex message, signer indices);
 * - CGGMP21 key generation + aux-info (`tessera/cggmp/keygen`): `{ ceremony: "cggmp-keygen",
 *   threshold }` — every invited party is in the committee; the result is a complete
 *   threshold ECDSA key share (2-of-2 is the "2PC wallet": a browser and a Node co-signer);
 * - CGGMP21 presigning + signing (`tessera/cggmp/sign`): `{ ceremony: "cggmp-sign", groupKey,
 *   message, hash, signers, derivation }` — `groupKey` the 33-byte compressed root key (hex),
 *   `message` hex, `hash` `"sha256"` or `"keccak256"` (the digest of `message` is signed) or
 *   `null` (`message` is the 32-byte digest itself), `derivation` a non-hardened BIP32 path
 *   as an index array (`[]`: the root key);
 * - CGGMP21 key refresh + new aux-info (`tessera/cggmp/refresh`): `{ ceremony: "cggmp-refresh",
 *   groupKey }` — every invited party is in the key's committee; new shares of the same key.
 * @module
 */
import { join } from 'node:path';
import { FieldRangeError, FieldTypeError, assertInteger } from '@tessera/crypto/errors';
import { bytesToHex } from '@tessera/crypto/bytes';
import type { PoolProgress, WorkerPool } from '@tessera/crypto/pool';
import { messageDigest } from '@tessera/protocols/cggmp/ecdsa';
import type { CggmpKeyShare } from '@tessera/protocols/cggmp/keyshare';
import type { PrimeSource } from '@tessera/protocols/cggmp/prime-source';
import { expectArray, expectHex, expectObject, type Json } from '@tessera/protocols/engine/codec';
import { partyList, type PartyIndex } from '@tessera/protocols/engine/ids';
import type { DkgOutput } from '@tessera/protocols/frost/dkg';
import { publicKey, type KeyShare } from '@tessera/protocols/frost/keyshare';
import type { SignOutput } from '@tessera/protocols/frost/sign';
import { getSuite, type SuiteName } from '@tessera/protocols/frost/suite';
import {
  CGGMP_PROTOCOLS,
  cggmpPoolPrimeSource,
  poolVerifier,
  readDerivation,
  runCggmpKeygenCeremony,
  runCggmpRefreshCeremony,
  runCggmpSignCeremony,
  type CggmpKeygenCeremonyResult,
  type CggmpPhase,
  type CggmpSignCeremonyResult,
} from './cggmp.ts';
import { createFileNonceLedger } from './file-nonce-ledger.ts';
import { createFileRunnerStore } from './file-runner-store.ts';
import { dkgOutputCodec, frostDkgFactory, frostSignFactory, signOutputCodec } from './frost.ts';
import { invitedIndex, parseInvitation, type Invitation } from './invitation.ts';
import type { IdentityKey } from './identity.ts';
import { createMailboxTransport } from './mailbox.ts';
import { loadRTCPeerConnection, releaseRtc } from './rtc.node.ts';
import { runProtocol, type RunnerEvent, type RunResult } from './runner.ts';
import { connectSignal } from './signal-client.ts';
import type { Transport } from './transport.ts';
import { createMeshTransport, type MeshEvent } from './webrtc.ts';

/** The ceremony an invitation describes. */
export type CeremonyParams =
  | { readonly ceremony: 'dkg'; readonly suite: SuiteName; readonly threshold: number }
  | { readonly ceremony: 'sign'; readonly suite: SuiteName; readonly groupKey: string; readonly message: string; readonly signers: readonly PartyIndex[] }
  | { readonly ceremony: 'cggmp-keygen'; readonly threshold: number }
  | { readonly ceremony: 'cggmp-refresh'; readonly groupKey: string }
  | {
      readonly ceremony: 'cggmp-sign';
      /** Compressed root public key, hex. */
      readonly groupKey: string;
      /** Hex message (or the digest itself when `hash` is null). */
      readonly message: string;
      readonly hash: 'sha256' | 'keccak256' | null;
      /** The 32-byte digest that is signed, hex. */
      readonly digest: string;
      readonly signers: readonly PartyIndex[];
      /** Non-hardened BIP32 path ([] = the root key). */
      readonly derivation: readonly number[];
    };

/** Protocol id an invitation names for each CGGMP21 ceremony. */
export const CGGMP_CEREMONY_PROTOCOLS = Object.freeze({ 'cggmp-keygen': CGGMP_PROTOCOLS.keygen, 'cggmp-sign': CGGMP_PROTOCOLS.sign, 'cggmp-refresh': CGGMP_PROTOCOLS.refresh });

/**
 * Reads and checks an invitation's ceremony parameters.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function parseCeremonyParams(inv: Invitation): CeremonyParams {
  const p = inv.params as { ceremony?: Json };
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new FieldTypeError('params', 'expected an object');
  if (p.ceremony === 'dkg') {
    const o = expectObject(p, 'params', ['ceremony', 'suite', 'threshold']);
    const suite = getSuite(o.suite).name;
    assertInteger('params.threshold', o.threshold, 2, inv.parties.size);
    if (inv.protocol !== 'tessera/frost/dkg') throw new FieldRangeError('protocol', 'a DKG invitation must name tessera/frost/dkg');
    return { ceremony: 'dkg', suite, threshold: o.threshold };
  }
  if (p.ceremony === 'sign') {
    const o = expectObject(p, 'params', ['ceremony', 'suite', 'groupKey', 'message', 'signers']);
    const suite = getSuite(o.suite).name;
    expectHex(o.groupKey, 'params.groupKey');
    expectHex(o.message, 'params.message');
    const signers = partyList(expectArray(o.signers, 'params.signers', 2), 'params.signers', 2);
    for (const s of signers) if (!inv.parties.has(s)) throw new FieldRangeError('params.signers', `party ${s} is not invited`);
    if (inv.protocol !== 'tessera/frost/sign') throw new FieldRangeError('protocol', 'a signing invitation must name tessera/frost/sign');
    return { ceremony: 'sign', suite, groupKey: o.groupKey as string, message: o.message as string, signers };
  }
  if (p.ceremony === 'cggmp-keygen') {
    const o = expectObject(p, 'params', ['ceremony', 'threshold']);
    assertInteger('params.threshold', o.threshold, 2, inv.parties.size);
    if (inv.protocol !== CGGMP_CEREMONY_PROTOCOLS['cggmp-keygen']) throw new FieldRangeError('protocol', 'a CGGMP key generation invitation must name tessera/cggmp/keygen');
    return { ceremony: 'cggmp-keygen', threshold: o.threshold };
  }
  if (p.ceremony === 'cggmp-refresh') {
    const o = expectObject(p, 'params', ['ceremony', 'groupKey']);
    expectHex(o.groupKey, 'params.groupKey', 33);
    if (inv.protocol !== CGGMP_CEREMONY_PROTOCOLS['cggmp-refresh']) throw new FieldRangeError('protocol', 'a CGGMP refresh invitation must name tessera/cggmp/refresh');
    return { ceremony: 'cggmp-refresh', groupKey: o.groupKey as string };
  }
  if (p.ceremony === 'cggmp-sign') {
    const o = expectObject(p, 'params', ['ceremony', 'groupKey', 'message', 'hash', 'signers', 'derivation']);
    expectHex(o.groupKey, 'params.groupKey', 33);
    const message = expectHex(o.message, 'params.message');
    if (o.hash !== null && o.hash !== 'sha256' && o.hash !== 'keccak256') throw new FieldTypeError('params.hash', 'expected sha256, keccak256 or null');
    if (o.hash === null && message.length !== 32) throw new FieldRangeError('params.message', 'without a hash, the message is the 32-byte digest');
    const digest = o.hash === null ? message : messageDigest(message, o.hash);
    const signers = partyList(expectArray(o.signers, 'params.signers', 2), 'params.signers', 2);
    for (const s of signers) if (!inv.parties.has(s)) throw new FieldRangeError('params.signers', `party ${s} is not invited`);
    const derivation = readDerivation(o.derivation, 'params.derivation');
    if (inv.protocol !== CGGMP_CEREMONY_PROTOCOLS['cggmp-sign']) throw new FieldRangeError('protocol', 'a CGGMP signing invitation must name tessera/cggmp/sign');
    return { ceremony: 'cggmp-sign', groupKey: o.groupKey as string, message: o.message as string, hash: o.hash, digest: bytesToHex(digest), signers, derivation };
  }
  throw new FieldTypeError('params.ceremony', 'expected dkg, sign, cggmp-keygen, cggmp-sign or cggmp-refresh');
}

/** Options of {@link runNodeParty}. */
export interface NodePartyOptions {
  /** `ws://host:port` of the signal server. */
  readonly signal: string;
  readonly identity: IdentityKey;
  /** Canonical text of the signed invitation. */
  readonly invitation: string;
  /** Directory for runner records and the nonce ledger (resumption). */
  readonly stateDir: string;
  /** The key share (FROST signing only). */
  readonly keyShare?: KeyShare;
  /** The CGGMP21 key share (`cggmp-sign`, `cggmp-refresh`). */
  readonly cggmpKeyShare?: CggmpKeyShare;
  /**
   * `cggmp-keygen`, `cggmp-refresh`: this party's two safe primes (tests, fixtures). Default: searched on
   * `pool` (or on a two-worker pool started for the ceremony).
   */
  readonly primeSource?: PrimeSource;
  /** Worker pool for the prime search and proof verification (not terminated here). */
  readonly pool?: WorkerPool;
  /** Progress of the safe-prime search on the pool (`cggmp-keygen`, `cggmp-refresh`). */
  readonly onPrimeProgress?: (p: PoolProgress) => void;
  /** Called when a CGGMP21 phase (keygen, aux, presign, sign) reports a runner event. */
  readonly onPhaseEvent?: (phase: CggmpPhase, e: RunnerEvent) => void;
  /** `webrtc` (default: mesh with mailbox fallback) or `mailbox`. */
  readonly transport?: 'webrtc' | 'mailbox';
  /** Silence timeout of the session (default 120 s). */
  readonly timeoutMs?: number;
  /** Stops the run (the records stay: run again to resume). */
  readonly abort?: AbortSignal;
  /** Leave libdatachannel running at the end (when other parties share the process). */
  readonly keepRtc?: boolean;
  readonly onEvent?: (e: RunnerEvent) => void;
  /** WebRTC mesh events (channels opening, fallbacks to the mailbox). */
  readonly onMeshEvent?: (e: MeshEvent) => void;
}

/** What {@link runNodeParty} returns. */
export type NodePartyResult =
  | { readonly ceremony: 'dkg'; readonly self: PartyIndex; readonly result: RunResult<DkgOutput> }
  | { readonly ceremony: 'sign'; readonly self: PartyIndex; readonly result: RunResult<SignOutput> }
  | { readonly ceremony: 'cggmp-keygen'; readonly self: PartyIndex; readonly result: CggmpKeygenCeremonyResult }
  | { readonly ceremony: 'cggmp-refresh'; readonly self: PartyIndex; readonly result: CggmpKeygenCeremonyResult }
  | { readonly ceremony: 'cggmp-sign'; readonly self: PartyIndex; readonly result: CggmpSignCeremonyResult };

/** Starts the two-worker pool of a CGGMP21 ceremony (loaded only when needed). */
async function startPool(): Promise<WorkerPool> {
  const { createWorkerPool } = await import('@tessera/crypto/pool');
  return createWorkerPool({ size: 2 });
}

/**
 * Runs this party's part of the invited ceremony to the end.
 * @throws {TransportError} if the invitation is invalid or the server unreachable.
 * @throws {FieldRangeError} if this identity is not invited, or the key share does not fit.
 * @throws {ProtocolAbort} @throws {InternalError} as {@link runProtocol}.
 */
export async function runNodeParty(o: NodePartyOptions): Promise<NodePartyResult> {
  const inv = parseInvitation(o.invitation);
  const params = parseCeremonyParams(inv);
  const self = invitedIndex(inv, o.identity.publicKey);
  if (self === undefined) throw new FieldRangeError('identity', 'this identity is not invited to the session');
  const parties = [...inv.parties.keys()];
  const client = await connectSignal({ url: o.signal, identity: o.identity });
  let transport: Transport | undefined;
  try {
    await client.create(inv.text);
    if ((o.transport ?? 'webrtc') === 'webrtc') {
      transport = createMeshTransport({ client, session: inv.session, RTCPeerConnection: await loadRTCPeerConnection(), waitForOnlineMs: 5000, ...(o.onMeshEvent ? { onEvent: o.onMeshEvent } : {}) });
    } else {
      transport = createMailboxTransport({ client, session: inv.session });
    }
    const store = createFileRunnerStore(join(o.stateDir, 'sessions'));
    const common = {
      session: inv.session,
      self,
      transport,
      identity: o.identity,
      directory: inv.parties,
      store,
      timeoutMs: o.timeoutMs ?? 120_000,
      ...(o.abort ? { signal: o.abort } : {}),
      ...(o.onEvent ? { onEvent: o.onEvent } : {}),
    };
    if (params.ceremony === 'cggmp-keygen' || params.ceremony === 'cggmp-sign' || params.ceremony === 'cggmp-refresh') {
      const cggmp = {
        session: inv.session,
        self,
        identity: o.identity,
        directory: inv.parties,
        transport,
        store,
        timeoutMs: common.timeoutMs,
        ...(o.abort ? { signal: o.abort } : {}),
        onEvent: (phase: CggmpPhase, e: RunnerEvent) => {
          o.onPhaseEvent?.(phase, e);
          o.onEvent?.(e);
        },
      };
      const share = o.cggmpKeyShare;
      if (params.ceremony !== 'cggmp-keygen') {
        if (!share) throw new FieldTypeError('keyShare', 'a CGGMP signing or refresh ceremony needs this party’s CGGMP key share');
        if (share.core.index !== self) throw new FieldRangeError('keyShare', `the share is party ${share.core.index}'s, the invitation lists this identity as party ${self}`);
        if (bytesToHex(share.core.publicKey) !== params.groupKey) throw new FieldRangeError('keyShare', 'the share is not of the invited group key');
      }
      if (params.ceremony === 'cggmp-refresh' && (share!.core.parties.length !== parties.length || share!.core.parties.some((p, k) => parties[k] !== p)))
        throw new FieldRangeError('keyShare', 'a refresh runs among exactly the key’s committee: the invitation lists other parties');
      if (params.ceremony === 'cggmp-sign') {
        if (!params.signers.includes(self)) throw new FieldRangeError('params.signers', 'this party is not a signer');
        const result = await runCggmpSignCeremony({
          ...cggmp,
          keyShare: share!,
          digest: expectHex(params.digest, 'params.digest', 32),
          signers: params.signers,
          derivation: params.derivation,
          ledger: createFileNonceLedger(join(o.stateDir, 'presignature-ledger.json')),
          ...(o.pool ? { verifier: poolVerifier(o.pool) } : {}),
        });
        return { ceremony: 'cggmp-sign', self, result };
      }
      const ownPool = o.pool || o.primeSource ? undefined : await startPool();
      try {
        const pool = o.pool ?? ownPool;
        const primeSource = o.primeSource ?? cggmpPoolPrimeSource(pool!, { ...(o.onPrimeProgress ? { onProgress: o.onPrimeProgress } : {}), ...(o.abort ? { signal: o.abort } : {}) });
        const verifier = pool ? { verifier: poolVerifier(pool) } : {};
        if (params.ceremony === 'cggmp-refresh') {
          const result = await runCggmpRefreshCeremony({ ...cggmp, keyShare: share!, primeSource, ...verifier });
          return { ceremony: 'cggmp-refresh', self, result };
        }
        const result = await runCggmpKeygenCeremony({ ...cggmp, parties, threshold: params.threshold, primeSource, ...verifier });
        return { ceremony: 'cggmp-keygen', self, result };
      } finally {
        await ownPool?.terminate();
      }
    }
    if (params.ceremony === 'dkg') {
      const result = await runProtocol({
        ...common,
        factory: frostDkgFactory({ session: inv.session, self, parties, suite: params.suite, threshold: params.threshold, identity: o.identity, directory: inv.parties }),
        output: dkgOutputCodec,
      });
      return { ceremony: 'dkg', self, result };
    }
    const share = o.keyShare;
    if (!share) throw new FieldTypeError('keyShare', 'a signing ceremony needs this party’s key share');
    if (share.index !== self) throw new FieldRangeError('keyShare', `the share is party ${share.index}'s, the invitation lists this identity as party ${self}`);
    if (share.suite !== params.suite || bytesToHex(publicKey(share)) !== params.groupKey) throw new FieldRangeError('keyShare', 'the share is not of the invited group key');
    if (!params.signers.includes(self)) throw new FieldRangeError('params.signers', 'this party is not a signer');
    const message = expectHex(params.message, 'params.message');
    const result = await runProtocol({
      ...common,
      factory: frostSignFactory({
        session: inv.session,
        keyShare: share,
        message,
        signers: params.signers,
        ledger: createFileNonceLedger(join(o.stateDir, 'nonce-ledger.json')),
        identity: o.identity,
        directory: inv.parties,
      }),
      output: signOutputCodec,
    });
    return { ceremony: 'sign', self, result };
  } finally {
    await transport?.close().catch(() => undefined);
    await client.close();
    if (!o.keepRtc) await releaseRtc();
  }
}
