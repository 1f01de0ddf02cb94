/**
 * Transport errors and rejection counters.
 *
 * A {@link TransportError} is the engine's I/O error kind (it blames nobody, see
 * `@tessera/protocols/engine/errors`) with a machine-readable {@link TransportErrorReason} and
 * the wire field at fault. Every input a transport drops (bad signature, replay, oversize,
 * wrong session, unknown sender, malformed) becomes one of these and is counted in a
 * {@link RejectionCounters}; a rejected input never reaches the protocol session, so it never
 * disturbs it.
 * @module
 */
import { TransportError as EngineTransportError } from '@tessera/protocols/engine/errors';

/** Why an input was rejected or an operation failed. */
export type TransportErrorReason =
  | 'malformed'
  | 'oversize'
  | 'unsupported-version'
  | 'wrong-session'
  | 'wrong-protocol'
  | 'unknown-sender'
  | 'misrouted'
  | 'bad-signature'
  | 'decrypt-failed'
  | 'replay'
  | 'stale'
  | 'unauthorized'
  | 'rate-limited'
  | 'limit'
  | 'closed'
  | 'unreachable'
  | 'timeout'
  | 'server';

/** Every reason, for counters and exhaustive checks. */
export const TRANSPORT_ERROR_REASONS: readonly TransportErrorReason[] = Object.freeze([
  'malformed',
  'oversize',
  'unsupported-version',
  'wrong-session',
  'wrong-protocol',
  'unknown-sender',
  'misrouted',
  'bad-signature',
  'decrypt-failed',
  'replay',
  'stale',
  'unauthorized',
  'rate-limited',
  'limit',
  'closed',
  'unreachable',
  'timeout',
  'server',
]);

/** An input/output failure or a rejected input; names the reason and the field at fault. */
export class TransportError extends EngineTransportError {
  readonly reason: TransportErrorReason;
  /** Wire field at fault (e.g. `envelope.sig`), or undefined when no single field is. */
  readonly field: string | undefined;
  constructor(reason: TransportErrorReason, message: string, field?: string, options?: { cause?: unknown }) {
    super(field === undefined ? `${reason}: ${message}` : `${reason}: ${field}: ${message}`, options);
    this.name = 'TransportError';
    this.reason = reason;
    this.field = field;
  }
}

/** Counts rejected inputs by reason. */
export interface RejectionCounters {
  /** Adds one rejection. */
  count(reason: TransportErrorReason): void;
  /** Rejections so far, by reason (reasons never seen are absent). */
  snapshot(): Readonly<Partial<Record<TransportErrorReason, number>>>;
  /** Sum over all reasons. */
  total(): number;
}

/** A new set of zeroed counters. */
export function createRejectionCounters(): RejectionCounters {
  const m = new Map<TransportErrorReason, number>();
  return {
    count(reason) {
      m.set(reason, (m.get(reason) ?? 0) + 1);
    },
    snapshot() {
      return Object.freeze(Object.fromEntries(m)) as Partial<Record<TransportErrorReason, number>>;
    },
    total() {
      let s = 0;
      for (const v of m.values()) s += v;
      return s;
    },
  };
}

/**
 * Wraps any failure as a {@link TransportError}: transport errors pass through, field
 * errors (`FieldTypeError`/`FieldRangeError`, which carry `.field`) become `malformed`.
 */
export function asTransportError(e: unknown, fallback: TransportErrorReason = 'malformed'): TransportError {
  if (e instanceof TransportError) return e;
  const field = e instanceof Error && typeof (e as { field?: unknown }).field === 'string' ? (e as unknown as { field: string }).field : undefined;
  const message = e instanceof Error ? e.message : String(e);
  const stripped = field !== undefined && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
  return new TransportError(fallback, stripped, field, { cause: e });
}
