/**
 * Protocol errors, split three ways (after cggmp21/round-based and ZF frost):
 * - {@link ProtocolAbort}: another party misbehaved; names the culprits and the evidence
 *   (ids of the offending messages), so a caller can report, exclude or retry without them;
 * - {@link TransportError}: input/output failed (a message could not be delivered, a peer went
 *   silent); nobody is provably at fault;
 * - {@link InternalError}: a local bug or a refused local operation (a nonce already consumed,
 *   a corrupted snapshot); never blames anyone else.
 * {@link culprits} maps every error kind to the parties it blames, ending in a `never` check
 * so a new kind forces a decision on blame.
 * @module
 */
import type { PartyIndex } from './ids.ts';

/** Why a message was rejected or recorded; see {@link Evidence}. */
export type EvidenceReason =
  | 'wrong-session'
  | 'wrong-protocol'
  | 'unknown-sender'
  | 'unexpected-sender'
  | 'misrouted'
  | 'wrong-kind'
  | 'wrong-round'
  | 'duplicate'
  | 'conflicting'
  | 'invalid-message'
  | 'equivocation'
  | 'false-echo'
  | 'invalid-share'
  | 'invalid-proof'
  | 'complaint'
  | 'failed-answer'
  | 'missing';

/** One recorded piece of evidence: which message, from whom, in which round, and why. */
export interface Evidence {
  /** Message id (hex digest of the canonical envelope), or '' when no message exists (silence). */
  readonly id: string;
  /** Round the message claimed. */
  readonly round: number;
  /** Claimed sender. */
  readonly from: number;
  readonly reason: EvidenceReason;
  /** Human-readable detail (never secret material). */
  readonly detail: string;
}

/** Why a session was aborted. */
export type AbortReason =
  | 'invalid-message'
  | 'conflicting-messages'
  | 'equivocation'
  | 'false-echo'
  | 'invalid-share'
  | 'invalid-proof'
  | 'invalid-signature-share'
  | 'disqualified'
  | 'too-few-qualified'
  | 'timeout';

/** A session ended because of other parties' misbehaviour. */
export class ProtocolAbort extends Error {
  readonly kind = 'abort' as const;
  readonly reason: AbortReason;
  /** Parties held responsible, sorted, without repetition. */
  readonly culprits: readonly PartyIndex[];
  /** The messages (or silences) that prove it. */
  readonly evidence: readonly Evidence[];
  constructor(reason: AbortReason, culprits: readonly PartyIndex[], evidence: readonly Evidence[], message?: string) {
    const sorted = [...new Set(culprits)].sort((a, b) => a - b);
    super(message ?? `protocol aborted (${reason}); culprits: ${sorted.join(', ') || 'none'}`);
    this.name = 'ProtocolAbort';
    this.reason = reason;
    this.culprits = Object.freeze(sorted);
    this.evidence = Object.freeze([...evidence]);
  }
}

/** Input/output failed; nobody is provably at fault. */
export class TransportError extends Error {
  readonly kind = 'transport' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportError';
  }
}

/** A local bug, invariant violation or refused local operation. */
export class InternalError extends Error {
  readonly kind = 'internal' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

/** A nonce was asked for a second time: signing fails closed (see the nonce ledger). */
export class NonceReuseError extends InternalError {
  constructor(message = 'signing nonce already consumed: refusing to sign twice with one nonce') {
    super(message);
    this.name = 'NonceReuseError';
  }
}

/** Every error a protocol session can end with. */
export type ProtocolError = ProtocolAbort | TransportError | InternalError;

/** The parties an error blames (empty for I/O and internal errors). */
export function culprits(e: ProtocolError): readonly PartyIndex[] {
  switch (e.kind) {
    case 'abort':
      return e.culprits;
    case 'transport':
    case 'internal':
      return [];
    default: {
      const unreachable: never = e;
      throw new InternalError(`unknown error kind: ${String(unreachable)}`);
    }
  }
}

/** True if `e` is one of the three protocol error kinds. */
export function isProtocolError(e: unknown): e is ProtocolError {
  return e instanceof ProtocolAbort || e instanceof TransportError || e instanceof InternalError;
}
