/**
 * Runs one ceremony (DKG, signing, refresh) for this wallet: opens the room of its signed
 * invitation with the device's signal connection, builds the transport (WebRTC mesh with
 * mailbox fallback when an RTCPeerConnection is available, else the mailbox), and drives the
 * session with `runProtocol` keeping its records in the vault's sealed `sessions` store, so a
 * wallet closed mid-ceremony resumes where it stopped once unlocked again.
 * @module
 */
import type { RandomSource } from '@tessera/crypto/rng';
import type { PartyIndex } from '@tessera/protocols/engine/ids';
import type { IdentityKey } from '@tessera/transport/identity';
import type { Invitation } from '@tessera/transport/invitation';
import { createMailboxTransport } from '@tessera/transport/mailbox';
import { runProtocol, type OutputCodec, type RunnerEvent, type SessionFactory } from '@tessera/transport/runner';
import type { RunnerStore } from '@tessera/transport/runner-store';
import type { SignalClient } from '@tessera/transport/signal-client';
import type { Transport } from '@tessera/transport/transport';
import { createMeshTransport, type MeshEvent, type PeerConnectionFactory } from '@tessera/transport/webrtc';

/** How ceremonies reach the other parties. */
export interface CeremonyNet {
  readonly client: SignalClient;
  /** Resolves the RTCPeerConnection constructor, or undefined for mailbox only. */
  readonly rtc: () => Promise<PeerConnectionFactory | undefined>;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly rng?: RandomSource;
  readonly onMesh?: (session: string, e: MeshEvent) => void;
}

/** One run. */
export interface CeremonyRun<O> {
  readonly invitation: Invitation;
  readonly self: PartyIndex;
  readonly identity: IdentityKey;
  readonly store: RunnerStore;
  readonly factory: SessionFactory<O>;
  readonly output: OutputCodec<O>;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: RunnerEvent) => void;
}

/** The runner record key of `self` in `session` (as `runProtocol` names it). */
export function runnerKey(session: string, self: number): string {
  return `tessera/runner/${session}/${self}`;
}

/**
 * Runs (or resumes) the ceremony to its output.
 * @throws {ProtocolAbort} naming culprits (a `timeout` names the silent parties).
 * @throws {TransportError} if the room cannot be opened. @throws {AbortError} if stopped (records kept).
 * @throws {InternalError} on a corrupt record; {@link NonceReuseError} from the signing ledger.
 */
export async function runCeremony<O>(net: CeremonyNet, r: CeremonyRun<O>): Promise<{ output: O; resumed: boolean }> {
  const session = r.invitation.session;
  const transport = await openCeremonyTransport(net, r.invitation);
  try {
    const res = await runProtocol({
      session,
      self: r.self,
      transport,
      identity: r.identity,
      directory: r.invitation.parties,
      factory: r.factory,
      store: r.store,
      output: r.output,
      timeoutMs: net.timeoutMs,
      now: net.now,
      ...(net.rng ? { rng: net.rng } : {}),
      ...(r.signal ? { signal: r.signal } : {}),
      ...(r.onEvent ? { onEvent: r.onEvent } : {}),
    });
    return { output: res.output, resumed: res.resumed };
  } finally {
    await transport.close().catch(() => undefined);
  }
}

/**
 * Opens the room of `invitation` with the device connection and returns its transport, NOT
 * started (WebRTC mesh with mailbox fallback when an RTCPeerConnection is available, else the
 * mailbox): for multi-phase ceremonies (CGGMP21) that run several protocols over one room.
 * The caller closes it.
 * @throws {TransportError} if the room cannot be opened.
 */
export async function openCeremonyTransport(net: CeremonyNet, invitation: Invitation): Promise<Transport> {
  const session = invitation.session;
  await net.client.create(invitation.text);
  const RTC = await net.rtc();
  const onMesh = net.onMesh;
  return RTC
    ? createMeshTransport({ client: net.client, session, RTCPeerConnection: RTC, waitForOnlineMs: 3000, ...(onMesh ? { onEvent: (e: MeshEvent) => onMesh(session, e) } : {}) })
    : createMailboxTransport({ client: net.client, session });
}
