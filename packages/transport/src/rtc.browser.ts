/**
 * `RTCPeerConnection` in browsers: the native constructor, normalized across browsers by
 * `webrtc-adapter` (imported for its side effect of shimming the global).
 * @module
 */
import 'webrtc-adapter';
import { TransportError } from './errors.ts';
import type { PeerConnectionFactory } from './webrtc.ts';

/**
 * The `RTCPeerConnection` constructor of this platform.
 * @throws {TransportError} `unreachable` if the browser has no WebRTC.
 */
export async function loadRTCPeerConnection(): Promise<PeerConnectionFactory> {
  const ctor = (globalThis as { RTCPeerConnection?: PeerConnectionFactory }).RTCPeerConnection;
  if (!ctor) throw new TransportError('unreachable', 'this browser has no RTCPeerConnection');
  return ctor;
}

/** Nothing to release in browsers. */
export async function releaseRtc(): Promise<void> {}
