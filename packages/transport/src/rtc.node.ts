/**
 * `RTCPeerConnection` for Node: the polyfill of `node-datachannel` (libdatachannel), loaded on
 * first use so that code paths without WebRTC never load the native module.
 * Native handles keep the process alive: close every peer connection (the mesh transport's
 * `close()` does) and call {@link releaseRtc} before exit.
 * @module
 */
import { TransportError } from './errors.ts';
import type { PeerConnectionFactory } from './webrtc.ts';

let loaded: Promise<{ RTCPeerConnection: PeerConnectionFactory; cleanup: () => void }> | undefined;

function load(): Promise<{ RTCPeerConnection: PeerConnectionFactory; cleanup: () => void }> {
  loaded ??= Promise.all([import('node-datachannel/polyfill'), import('node-datachannel')]).then(
    ([poly, lib]) => ({
      RTCPeerConnection: poly.RTCPeerConnection as unknown as PeerConnectionFactory,
      cleanup: () => (lib.cleanup ?? lib.default?.cleanup)?.(),
    }),
    (e: unknown) => {
      loaded = undefined;
      throw new TransportError('unreachable', 'node-datachannel is not available', undefined, { cause: e });
    },
  );
  return loaded;
}

/**
 * The `RTCPeerConnection` constructor of this platform.
 * @throws {TransportError} `unreachable` if node-datachannel cannot be loaded.
 */
export async function loadRTCPeerConnection(): Promise<PeerConnectionFactory> {
  return (await load()).RTCPeerConnection;
}

/** Frees libdatachannel's global resources (threads, sockets); call once all peers are closed. */
export async function releaseRtc(): Promise<void> {
  if (loaded) (await loaded).cleanup();
}
