/**
 * The vault's audit log: a hash chain of events (keygen, sign, refresh, unlock, unlock
 * failures, methods added or removed, backups). Entry k holds
 * `hash_k = SHA-256(len-prefixed "tessera/vault/audit/v1", vault id, k, time, kind, details, hash_{k−1})`
 * with hash_0 = 32 zero bytes; the head (k, hash_k) is kept beside the log and, while the
 * vault is unlocked, a checkpoint of the head is tagged with HMAC under a key derived from the
 * data key. Walking the chain detects an altered, removed, inserted or reordered entry and a
 * truncated tail; the keyed checkpoint detects a log rewritten wholesale by someone without
 * the data key.
 * Details carry ids, indices and hashes only — never secrets (the vault's own events do so;
 * callers of `recordEvent` must too).
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { canonicalJson } from '@tessera/protocols/engine/codec';
import { lengthPrefixed } from '@tessera/protocols/engine/hash';
import { equalBytes } from './aead.ts';
import { VaultIntegrityError } from './errors.ts';

/** Kinds of audit events. */
export type AuditKind =
  | 'vault-created'
  | 'unlock'
  | 'unlock-failure'
  | 'integrity-failure'
  | 'method-added'
  | 'method-removed'
  | 'keygen'
  | 'sign'
  | 'refresh'
  | 'share-deleted'
  | 'backup-exported'
  | 'backup-imported';

const KINDS: ReadonlySet<string> = new Set<AuditKind>([
  'vault-created', 'unlock', 'unlock-failure', 'integrity-failure', 'method-added', 'method-removed',
  'keygen', 'sign', 'refresh', 'share-deleted', 'backup-exported', 'backup-imported',
]);

/** Public details of an event: short strings and safe integers only. */
export type AuditDetails = Readonly<Record<string, string | number>>;

/** One stored entry of the chain. */
export interface AuditEntry {
  readonly seq: number;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly kind: AuditKind;
  readonly details: AuditDetails;
  readonly prev: Uint8Array;
  readonly hash: Uint8Array;
}

/** The stored head of the chain. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: Uint8Array;
}

/** Zero hash before the first entry. */
export const AUDIT_GENESIS = new Uint8Array(32);

/**
 * Checks an event kind and its details.
 * @throws {FieldTypeError} on an unknown kind or a non-string/non-integer detail.
 * @throws {FieldRangeError} on too many or too long details.
 */
export function checkAuditEvent(kind: unknown, details: unknown): asserts kind is AuditKind {
  if (typeof kind !== 'string' || !KINDS.has(kind)) throw new FieldTypeError('kind', `unknown audit event kind ${String(kind)}`);
  if (typeof details !== 'object' || details === null || Object.getPrototypeOf(details) !== Object.prototype) throw new FieldTypeError('details', 'expected a plain object');
  const entries = Object.entries(details);
  if (entries.length > 16) throw new FieldRangeError('details', 'at most 16 fields');
  for (const [k, v] of entries) {
    if (k.length > 64) throw new FieldRangeError(`details.${k}`, 'field name too long');
    if (typeof v === 'string') {
      if (v.length > 256) throw new FieldRangeError(`details.${k}`, 'at most 256 characters');
    } else if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new FieldTypeError(`details.${k}`, 'expected a string or a safe integer');
  }
}

/** The chain hash of an entry. @throws {FieldTypeError} on malformed fields. */
export function auditHash(vaultId: string, seq: number, time: number, kind: string, details: AuditDetails, prev: Uint8Array): Uint8Array {
  return sha256(lengthPrefixed(['tessera/vault/audit/v1', vaultId, seq, String(time), kind, canonicalJson(details), prev]));
}

/** The next entry after `head` (undefined head = empty log). @throws as {@link checkAuditEvent}. */
export function nextAuditEntry(vaultId: string, head: AuditHead | undefined, time: number, kind: AuditKind, details: AuditDetails): AuditEntry {
  checkAuditEvent(kind, details);
  const seq = (head?.seq ?? 0) + 1;
  const prev = head?.hash ?? AUDIT_GENESIS;
  const d = { ...details };
  return { seq, time, kind, details: d, prev, hash: auditHash(vaultId, seq, time, kind, d, prev) };
}

/** The bytes a checkpoint's HMAC covers. */
export function checkpointMessage(vaultId: string, head: AuditHead): Uint8Array {
  return lengthPrefixed(['tessera/vault/audit-checkpoint/v1', vaultId, head.seq, head.hash]);
}

/**
 * Walks a chain given as (key, value) pairs in key order and compares it with the stored head.
 * @returns the last entry's head (or undefined for an empty log).
 * @throws {VaultIntegrityError} naming `audit/<seq>` for a broken entry or `meta/auditHead`
 *   when the tail was truncated or the head does not match.
 */
export function verifyAuditEntries(vaultId: string, pairs: readonly (readonly [unknown, unknown])[], head: unknown): AuditHead | undefined {
  let prev: Uint8Array = AUDIT_GENESIS;
  let k = 0;
  for (const [key, value] of pairs) {
    k++;
    const e = value as AuditEntry;
    const name = `audit/${k}`;
    if (key !== k || typeof e !== 'object' || e === null || e.seq !== k) throw new VaultIntegrityError(name, 'audit entry missing, inserted or out of order');
    if (!(e.prev instanceof Uint8Array) || !equalBytes(e.prev, prev)) throw new VaultIntegrityError(name, 'audit chain link broken');
    let h: Uint8Array;
    try {
      checkAuditEvent(e.kind, e.details);
      if (typeof e.time !== 'number' || !Number.isSafeInteger(e.time)) throw new FieldTypeError('time', 'expected an integer');
      h = auditHash(vaultId, e.seq, e.time, e.kind, e.details, e.prev);
    } catch {
      throw new VaultIntegrityError(name, 'malformed audit entry');
    }
    if (!(e.hash instanceof Uint8Array) || !equalBytes(h, e.hash)) throw new VaultIntegrityError(name, 'audit entry altered');
    prev = h;
  }
  const hd = head as AuditHead | undefined;
  if (k === 0 && hd === undefined) return undefined;
  if (typeof hd !== 'object' || hd === null || hd.seq !== k || !(hd.hash instanceof Uint8Array) || !equalBytes(hd.hash, prev))
    throw new VaultIntegrityError('meta/auditHead', 'audit log truncated or head altered');
  return { seq: k, hash: prev };
}
