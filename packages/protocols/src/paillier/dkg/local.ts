/**
 * Runs the dealer-less key generation for a whole committee inside one process, through the
 * engine's in-memory simulator (what `tessera committee create --mode dkg` does: every party's
 * session runs the real rounds; only the network is simulated).
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { FieldRangeError, assertBytes, assertInteger } from '@tessera/crypto/errors';
import { randomBytes, systemRng, type RandomSource } from '@tessera/crypto/rng';
import { createEd25519Auth } from '../../engine/auth.ts';
import { isProtocolError, type ProtocolError } from '../../engine/errors.ts';
import { newSessionId, partyRange, type PartyIndex } from '../../engine/ids.ts';
import { runSimulation, type Fault } from '../../engine/simulator.ts';
import { MAX_COMMITTEE_SIZE } from '../math.ts';
import { checkCreatedAt } from '../epoch.ts';
import { createPaillierDkgSession, storedConfig } from './index.ts';
import type { DkgOutput, DkgProgress, DkgSessionConfig } from './types.ts';

/** Options of {@link runDkgInMemory}. */
export interface LocalDkgOptions {
  /** n: parties 1..n. */
  readonly parties: number;
  /** The shared configuration, without the identity keys (derived from `identitySecretKeys`). */
  readonly config: Omit<DkgSessionConfig, 'identityKeys'>;
  /** Security: Ed25519 identity secret keys of parties 1..n. */
  readonly identitySecretKeys: readonly Uint8Array[];
  readonly rng?: RandomSource;
  /** Progress as party 1 sees it. */
  readonly onProgress?: (p: DkgProgress) => void;
  readonly signal?: AbortSignal;
  /** Simulator faults (tests). */
  readonly faults?: readonly Fault[];
}

/** A run in which some party did not finish: the first error, by party. */
export class LocalDkgError extends Error {
  readonly errors: ReadonlyMap<PartyIndex, ProtocolError | undefined>;
  constructor(errors: ReadonlyMap<PartyIndex, ProtocolError | undefined>) {
    const first = [...errors].find(([, e]) => e !== undefined);
    super(first ? `key generation failed at party ${first[0]}: ${first[1]!.message}` : 'key generation did not finish');
    this.name = 'LocalDkgError';
    this.errors = errors;
  }
}

/**
 * Runs every party's session to completion.
 * @returns each party's output (same N and signed record for all).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed options or configuration (naming the field).
 * @throws {LocalDkgError} if any party aborts (its error says why and whom it blames).
 */
export async function runDkgInMemory(opts: LocalDkgOptions): Promise<ReadonlyMap<PartyIndex, DkgOutput>> {
  assertInteger('parties', opts.parties, 3, MAX_COMMITTEE_SIZE);
  if (!Array.isArray(opts.identitySecretKeys) || opts.identitySecretKeys.length !== opts.parties)
    throw new FieldRangeError('identitySecretKeys', `expected ${opts.parties} identity secret keys`);
  opts.identitySecretKeys.forEach((k, i) => assertBytes(`identitySecretKeys[${i}]`, k, 32));
  const rng = opts.rng ?? systemRng();
  const parties = partyRange(opts.parties);
  const pubs = new Map(parties.map((p) => [p, ed25519.getPublicKey(opts.identitySecretKeys[p - 1]!)]));
  const config: DkgSessionConfig = { ...opts.config, identityKeys: parties.map((p) => pubs.get(p)!) };
  // Refuse a bad configuration here, with the field named, rather than as every session's abort.
  storedConfig(config, opts.parties);
  checkCreatedAt(config.createdAt, 'config.createdAt');
  const session = newSessionId(rng);
  const sessions = parties.map((p) =>
    createPaillierDkgSession({
      session,
      self: p,
      parties,
      config,
      identitySecretKey: opts.identitySecretKeys[p - 1]!,
      auth: createEd25519Auth(opts.identitySecretKeys[p - 1]!, pubs),
      rng,
      ...(p === 1 && opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    }),
  );
  const identities = {
    keys: new Map(parties.map((p) => [p, { secretKey: opts.identitySecretKeys[p - 1]!, publicKey: pubs.get(p)! }])),
    auth: new Map(parties.map((p) => [p, createEd25519Auth(opts.identitySecretKeys[p - 1]!, pubs)])),
  };
  const res = await runSimulation<DkgOutput>(sessions, { identities, rng, faults: opts.faults ?? [] });
  const outputs = new Map<PartyIndex, DkgOutput>();
  const errors = new Map<PartyIndex, ProtocolError | undefined>();
  for (const [p, o] of res.outcomes) {
    if (o.status === 'done' && o.output) outputs.set(p, o.output);
    else errors.set(p, o.error && isProtocolError(o.error) ? o.error : undefined);
  }
  if (errors.size > 0) throw new LocalDkgError(errors);
  return outputs;
}

/** Fresh identity secret keys for n parties. */
export function freshIdentitySecretKeys(n: number, rng?: RandomSource): Uint8Array[] {
  return Array.from({ length: n }, () => randomBytes(32, rng ?? systemRng()));
}
