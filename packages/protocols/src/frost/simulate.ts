/**
 * `simulateFrost`: a whole FROST key lifecycle in the in-memory simulator, through the real
 * rounds: DKG among parties 1..n, then optionally a proactive refresh and/or a resharing to
 * (t′, n′) (parties 1..n′: parties above n′ leave, indices above n join), then a signing by
 * the first t (or t′) parties of the final committee. The result is what
 * `tessera simulate frost … --json` prints: byte strings as lower-case hex (Taproot: 32-byte
 * x-only key and 64-byte BIP340 signature; Ed25519: 32-byte key and 64-byte RFC 8032
 * signature; secp256k1: 33-byte compressed key and 65-byte RFC 9591 signature).
 * @module
 */
import { FieldRangeError, FieldTypeError, assertInteger } from '@tessera/crypto/errors';
import { systemRng, type RandomSource } from '@tessera/crypto/rng';
import { hex } from '../engine/codec.ts';
import { InternalError, type ProtocolError } from '../engine/errors.ts';
import { newSessionId, partyRange, type PartyIndex } from '../engine/ids.ts';
import { createIdentities, runSimulation, type SimulationResult } from '../engine/simulator.ts';
import { createFrostDkgSession } from './dkg/index.ts';
import { publicKey, type KeyShare } from './keyshare.ts';
import { createMemoryNonceLedger } from './nonce-ledger.ts';
import { createFrostRefreshSession } from './refresh/index.ts';
import { createFrostReshareSession, reshareConfigFor, reshareParties } from './reshare/index.ts';
import { createFrostSignSession } from './sign/index.ts';
import { getSuite, type SuiteName } from './suite.ts';

/** Largest committee `simulateFrost` accepts. */
export const MAX_SIMULATED_PARTIES = 255;

/** Options of {@link simulateFrost}. */
export interface SimulateFrostOptions {
  readonly suite: SuiteName;
  readonly threshold: number;
  readonly parties: number;
  /** Message as hex (either case) or bytes. */
  readonly message: string | Uint8Array;
  /** Run a proactive refresh after the DKG. */
  readonly refresh?: boolean;
  /** Reshare to a new threshold and committee size after the DKG (and refresh). */
  readonly reshare?: { readonly threshold: number; readonly parties: number };
  /** Randomness (default: the system RNG). */
  readonly rng?: RandomSource;
}

/** Result of {@link simulateFrost} (all byte strings lower-case hex). */
export interface SimulateFrostResult {
  readonly suite: SuiteName;
  /** Threshold of the key that signed (t′ after resharing). */
  readonly threshold: number;
  /** Committee size of the key that signed (n′ after resharing). */
  readonly parties: number;
  readonly publicKey: string;
  readonly message: string;
  readonly signature: string;
  /** Indices of the parties that signed. */
  readonly signers: readonly number[];
}

function parseMessage(m: string | Uint8Array): Uint8Array {
  if (m instanceof Uint8Array) return m.slice();
  if (typeof m !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(m)) throw new FieldTypeError('message', 'expected hex');
  return Uint8Array.from(m.match(/../g) ?? [], (b) => parseInt(b, 16));
}

function collect<O>(res: SimulationResult<O>, what: string): O[] {
  const out: O[] = [];
  for (const o of res.outcomes.values()) {
    if (o.status !== 'done') throw (o.error as ProtocolError | undefined) ?? new InternalError(`${what}: party ${o.party} did not finish`);
    out.push(o.output!);
  }
  return out;
}

/**
 * Runs DKG → [refresh] → [reshare] → sign in the simulator and returns the signature.
 * @throws {FieldTypeError} @throws {FieldRangeError} on bad options.
 * @throws {ProtocolAbort} @throws {InternalError} if a protocol fails (it should not: no faults are injected).
 * @example
 * await simulateFrost({ suite: 'taproot', threshold: 2, parties: 3, message: '68656c6c6f', reshare: { threshold: 3, parties: 4 } });
 */
export async function simulateFrost(opts: SimulateFrostOptions): Promise<SimulateFrostResult> {
  const suite = getSuite(opts.suite);
  assertInteger('parties', opts.parties, 2, MAX_SIMULATED_PARTIES);
  assertInteger('threshold', opts.threshold, 2, opts.parties);
  if (opts.reshare !== undefined) {
    assertInteger('reshare.parties', opts.reshare.parties, 2, MAX_SIMULATED_PARTIES);
    assertInteger('reshare.threshold', opts.reshare.threshold, 2, opts.reshare.parties);
  }
  const message = parseMessage(opts.message);
  const rng = opts.rng ?? systemRng();

  const n = opts.parties;
  const dkgParties = partyRange(n);
  const everyone = partyRange(Math.max(n, opts.reshare?.parties ?? 0));
  const ids = createIdentities(everyone, rng);
  const auth = (p: PartyIndex) => ids.auth.get(p)!;

  let dkgSession = newSessionId(rng);
  const dkg = collect(
    await runSimulation(dkgParties.map((p) => createFrostDkgSession({ session: dkgSession, self: p, parties: dkgParties, config: { suite: suite.name, threshold: opts.threshold }, auth: auth(p), rng })), { identities: ids, rng }),
    'DKG',
  );
  let shares: KeyShare[] = dkg.map((o) => o.keyShare);

  if (opts.refresh) {
    const session = newSessionId(rng);
    shares = collect(await runSimulation(shares.map((s) => createFrostRefreshSession({ session, keyShare: s, auth: auth(s.index), rng })), { identities: ids, rng }), 'refresh').map((o) => o.keyShare);
  }

  if (opts.reshare) {
    const session = newSessionId(rng);
    const config = reshareConfigFor(shares[0]!, { dealers: shares.map((s) => s.index), threshold: opts.reshare.threshold, parties: partyRange(opts.reshare.parties) });
    const all = reshareParties(config);
    const byIndex = new Map(shares.map((s) => [s.index, s]));
    const outs = collect(
      await runSimulation(all.map((p) => createFrostReshareSession({ session, self: p, config, auth: auth(p), rng, ...(byIndex.has(p) ? { keyShare: byIndex.get(p)! } : {}) })), { identities: ids, rng }),
      'reshare',
    );
    shares = outs.map((o) => o.keyShare).filter((s): s is KeyShare => s !== null);
  }

  const final = shares[0]!;
  const signers = final.parties.slice(0, final.threshold);
  dkgSession = newSessionId(rng);
  const signing = collect(
    await runSimulation(
      shares
        .filter((s) => signers.includes(s.index))
        .map((s) => createFrostSignSession({ session: dkgSession, keyShare: s, request: { message, signers }, ledger: createMemoryNonceLedger(), auth: auth(s.index), rng })),
      { identities: ids, rng },
    ),
    'signing',
  );
  const sig = signing[0]!;
  if (!suite.verify(sig.signature, message, final.commitments[0]!)) throw new InternalError('final signature does not verify');
  if (final.parties.length < 2) throw new FieldRangeError('parties', 'committee too small');
  return {
    suite: suite.name,
    threshold: final.threshold,
    parties: final.parties.length,
    publicKey: hex(publicKey(final)),
    message: hex(message),
    signature: hex(sig.signature),
    signers: [...signers],
  };
}
