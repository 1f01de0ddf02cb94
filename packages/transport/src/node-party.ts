/**
 * One party of a FROST ceremony run from Node (the `tessera party` command and the demo):
 * reads the signed invitation, connects to the signal server with the party's identity,
 * opens the room, and runs the DKG or the signing the invitation describes over the WebRTC
 * mesh (with mailbox fallback) or the mailbox only, keeping its runner records and nonce
 * ledger in a state directory so that a killed process resumes where it stopped.
 *
 * Invitation parameters (`params`, signed by the creator):
 * - DKG: `{ ceremony: "dkg", suite, threshold }`;
 * - signing: `{ ceremony: "sign", suite, groupKey, message, signers }` (hex group key as
 *   `publicKey(share)` prints it, hex message, signer indices).
 * @module
 */
import { join } from 'node:path';
import { FieldRangeError, FieldTypeError, assertInteger } from '@tessera/crypto/errors';
import { bytesToHex } from '@tessera/crypto/bytes';
import { expectArray, expectHex, expectObject, type Json } from '@tessera/protocols/engine/codec';
import { partyList, type PartyIndex } from '@tessera/protocols/engine/ids';
import type { DkgOutput } from '@tessera/protocols/frost/dkg';
import { publicKey, type KeyShare } from '@tessera/protocols/frost/keyshare';
import type { SignOutput } from '@tessera/protocols/frost/sign';
import { getSuite, type SuiteName } from '@tessera/protocols/frost/suite';
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
  | { readonly ceremony: 'sign'; readonly suite: SuiteName; readonly groupKey: string; readonly message: string; readonly signers: readonly PartyIndex[] };

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
  throw new FieldTypeError('params.ceremony', 'expected dkg or sign');
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
  /** The key share (signing only). */
  readonly keyShare?: KeyShare;
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
  | { readonly ceremony: 'sign'; readonly self: PartyIndex; readonly result: RunResult<SignOutput> };

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
