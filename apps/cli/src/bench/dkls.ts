/**
 * The peer anchor of the CGGMP21 benchmark: DKLs23 threshold ECDSA (secp256k1) in WebAssembly,
 * `@silencelaboratories/dkls-wasm-ll-node` (a dev dependency of this app), driven for t-of-n in
 * one process the way its README shows — every party's session in this thread, messages
 * routed by hand (broadcasts to everyone else, point-to-point by `to_id`).
 *
 * Measured per (t, n), each as wall time divided by the parties taking part:
 * - key generation among n parties (opposite CGGMP21 aux-info: both produce what signing needs);
 * - signing by the first t parties: its three presigning rounds plus the last round
 *   (opposite CGGMP21 presign + sign);
 * - the last round alone, `lastMessage(hash)` and `combine` (opposite CGGMP21's online signing).
 * Every signature is checked with @noble/curves (low-S not required: the library does not
 * normalize), so the anchor cannot silently do less than a signature.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { randomBytes } from '@tessera/crypto/rng';
import type { Keyshare, Message } from '@silencelaboratories/dkls-wasm-ll-node';

type Dkls = typeof import('@silencelaboratories/dkls-wasm-ll-node');

/** Per-party milliseconds of one (t, n) configuration, means over the runs. */
export interface DklsTimes {
  readonly keygenMs: number;
  readonly signMs: number;
  readonly onlineMs: number;
  readonly keygenRuns: number;
  readonly signRuns: number;
}

/** Thrown when the peer library's signature does not verify: the anchor would be meaningless. */
export class DklsAnchorError extends Error {
  constructor(message: string) {
    super(`DKLs23 anchor: ${message}`);
    this.name = 'DklsAnchorError';
  }
}

let lib: Promise<Dkls> | undefined;

/** The library, loaded on first use (it compiles a 600 kB WebAssembly module). */
function load(): Promise<Dkls> {
  lib ??= import('@silencelaboratories/dkls-wasm-ll-node');
  return lib;
}

/** Copies of the broadcasts from everyone but `party` (handleMessages consumes what it gets). */
function othersBroadcasts(msgs: readonly Message[], party: number): Message[] {
  return msgs.filter((m) => m.from_id !== party).map((m) => m.clone());
}

/** Copies of the point-to-point messages addressed to `party`. */
function addressedTo(msgs: readonly Message[], party: number): Message[] {
  return msgs.filter((m) => m.to_id === party).map((m) => m.clone());
}

function freeAll(msgs: readonly Message[]): void {
  for (const m of msgs) m.free();
}

/** One key generation among n parties with threshold t; returns each party's serialized share. */
function keygen(d: Dkls, t: number, n: number): Uint8Array[] {
  const parties = Array.from({ length: n }, (_, i) => new d.KeygenSession(n, t, i));
  const msg1 = parties.map((p) => p.createFirstMessage());
  const msg2 = parties.flatMap((p, i) => p.handleMessages(othersBroadcasts(msg1, i)));
  const commitments = parties.map((p) => p.calculateChainCodeCommitment());
  const msg3 = parties.flatMap((p, i) => p.handleMessages(addressedTo(msg2, i)));
  const msg4 = parties.flatMap((p, i) => p.handleMessages(addressedTo(msg3, i), commitments));
  parties.forEach((p, i) => freeAll(p.handleMessages(othersBroadcasts(msg4, i))));
  for (const batch of [msg1, msg2, msg3, msg4]) freeAll(batch);
  return parties.map((p) => {
    const share: Keyshare = p.keyshare();
    const bytes = share.toBytes();
    share.free();
    return bytes;
  });
}

/** One signature by the holders of `shares` (t of them); returns the times of both parts and (r, s). */
function sign(d: Dkls, shares: readonly Uint8Array[], digest: Uint8Array): { presignMs: number; onlineMs: number; r: Uint8Array; s: Uint8Array } {
  const t0 = performance.now();
  const parties = shares.map((b) => new d.SignSession(d.Keyshare.fromBytes(b), 'm'));
  const msg1 = parties.map((p) => p.createFirstMessage());
  const msg2 = parties.flatMap((p, i) => p.handleMessages(othersBroadcasts(msg1, i)));
  const msg3 = parties.flatMap((p, i) => p.handleMessages(addressedTo(msg2, i)));
  parties.forEach((p, i) => freeAll(p.handleMessages(addressedTo(msg3, i))));
  for (const batch of [msg1, msg2, msg3]) freeAll(batch);
  const t1 = performance.now();
  const last = parties.map((p) => p.lastMessage(digest));
  const sigs = parties.map((p, i) => p.combine(othersBroadcasts(last, i)) as [Uint8Array, Uint8Array]);
  const t2 = performance.now();
  freeAll(last);
  const [r, s] = sigs[0]!;
  return { presignMs: t1 - t0, onlineMs: t2 - t1, r, s };
}

function publicKeyOf(d: Dkls, share: Uint8Array): Uint8Array {
  const k = d.Keyshare.fromBytes(share);
  const pk = k.publicKey;
  k.free();
  return pk;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

let warmedUp = false;

/**
 * Measures DKLs23 key generation (`keygenRuns` times) and signing by parties 0..t−1
 * (`signRuns` times, after one untimed signature) for a t-of-n key. The first call warms the
 * library up with an untimed 2-of-2 key generation (a t-of-n one costs seconds per party).
 * @throws {DklsAnchorError} if a signature does not verify under the generated key.
 */
export async function measureDkls(t: number, n: number, keygenRuns: number, signRuns: number): Promise<DklsTimes> {
  const d = await load();
  if (!warmedUp) {
    keygen(d, 2, 2); // warm-up: instantiation and JIT
    warmedUp = true;
  }
  const keygenTimes: number[] = [];
  let shares: Uint8Array[] = [];
  for (let k = 0; k < keygenRuns; k++) {
    const t0 = performance.now();
    shares = keygen(d, t, n);
    keygenTimes.push((performance.now() - t0) / n);
  }
  const signers = shares.slice(0, t);
  const pk = publicKeyOf(d, shares[0]!);
  const signTimes: number[] = [];
  const onlineTimes: number[] = [];
  for (let k = 0; k <= signRuns; k++) {
    const digest = randomBytes(32);
    const { presignMs, onlineMs, r, s } = sign(d, signers, digest);
    const sig = new Uint8Array(64);
    sig.set(r, 0);
    sig.set(s, 32);
    if (!secp256k1.verify(sig, digest, pk, { prehash: false, lowS: false }))
      throw new DklsAnchorError(`the ${t}-of-${n} signature does not verify`);
    if (k === 0) continue; // warm-up
    signTimes.push((presignMs + onlineMs) / t);
    onlineTimes.push(onlineMs / t);
  }
  return { keygenMs: mean(keygenTimes), signMs: mean(signTimes), onlineMs: mean(onlineTimes), keygenRuns, signRuns };
}
