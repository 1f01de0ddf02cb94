/**
 * Ceremony invitations of requests: what a finalizer signs (`tessera/frost/sign` or
 * `tessera/frost/refresh`, or the scheme driver's protocols) and what every member checks
 * before recording it or taking part.
 *
 * Parameters: `{ ceremony, scheme, suite, groupKey, account, request, signers, messageHash,
 * epoch }` — the message only by its SHA-256 (the signal server stores invitations in the
 * clear; the message itself travels encrypted in the request), the signer list equal to the
 * invited parties, and the key epoch: the current one for a signing, the next one for a refresh.
 * An ECDSA signing over Keccak-256 adds `hash: "keccak256"` (absent: SHA-256, as in
 * invitations of older wallets); every participant checks it equals the request's digest.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import type { RandomSource } from '@tessera/crypto/rng';
import { expectObject, type Json } from '@tessera/protocols/engine/codec';
import { newSessionId, type PartyIndex } from '@tessera/protocols/engine/ids';
import type { IdentityKey } from '@tessera/transport/identity';
import { createInvitation, parseInvitation, type Invitation } from '@tessera/transport/invitation';
import type { SchemeDriver } from './api.ts';
import { CEREMONY_TTL_MS } from './context.ts';
import { WalletError, errorInfo } from './errors.ts';
import type { AccountRecord, RequestRecord } from './records.ts';

/** SHA-256 (hex) of a request's message, or null for a refresh. */
export function messageHash(r: Pick<RequestRecord, 'message'>): string | null {
  return r.message === null ? null : bytesToHex(sha256(hexToBytes(r.message)));
}

/** Inputs of {@link createCeremonyInvitation}. */
export interface CreateCeremonyInvitation {
  readonly account: AccountRecord;
  readonly request: RequestRecord;
  readonly driver: SchemeDriver;
  /** The chosen participants (sorted). */
  readonly signers: readonly number[];
  /** The finalizer's device identity (one of the signers). */
  readonly identity: IdentityKey;
  readonly now: number;
  readonly rng?: RandomSource;
}

/**
 * Signs the ceremony invitation of a request for a fresh session.
 * @throws {WalletError} `unsupported-scheme` if the driver has no refresh.
 * @throws {FieldRangeError} if the finalizer is not among the signers.
 */
export function createCeremonyInvitation(o: CreateCeremonyInvitation): Invitation {
  const { account: a, request: r } = o;
  const protocol = r.kind === 'sign' ? o.driver.protocols.sign : o.driver.protocols.refresh;
  if (protocol === undefined) throw new WalletError('unsupported-scheme', `${a.scheme} has no refresh`, { field: 'scheme' });
  return createInvitation({
    session: newSessionId(o.rng),
    protocol,
    creator: o.identity,
    parties: o.signers.map((i) => [i, hexToBytes(a.members.find((m) => m.index === i)!.publicKey)] as const),
    params: { ceremony: r.kind, scheme: a.scheme, suite: a.suite, groupKey: a.groupKey, account: a.id, request: r.id, signers: [...o.signers], messageHash: messageHash(r), epoch: r.kind === 'refresh' ? a.epoch + 1 : a.epoch, ...(r.hash !== undefined ? { hash: r.hash } : {}) },
    ttlMs: CEREMONY_TTL_MS,
    now: o.now,
  });
}

/** Inputs of {@link checkCeremonyInvitation}. */
export interface CheckCeremonyInvitation {
  readonly account: AccountRecord;
  readonly request: RequestRecord;
  readonly driver: SchemeDriver;
  /** The member whose envelope carried it. */
  readonly from: number;
  readonly text: string;
  readonly now: number;
}

/**
 * Checks a ceremony invitation against the account and the request: signed by the member
 * who sent it, every party an account member with its key, the request's protocol and
 * parameters.
 * @returns the invitation, its participants, and the key epoch it names.
 * @throws {WalletError} `bad-signature` (field `invitation.sig` / `invitation.creator`),
 *   `expired`, `tampered` naming the field (`invitation.params.messageHash`,
 *   `invitation.params.hash`, …); `culprit` is
 *   the sender.
 */
export function checkCeremonyInvitation(o: CheckCeremonyInvitation): { inv: Invitation; signers: number[]; epoch: number } {
  const { account: a, request: r, from } = o;
  let inv: Invitation;
  try {
    inv = parseInvitation(o.text, { now: o.now });
  } catch (e) {
    const i = errorInfo(e);
    throw new WalletError(i.code === 'bad-signature' || i.code === 'expired' ? i.code : 'tampered', i.message, { field: `invitation${i.field ? `.${i.field.replace(/^invitation\.?/, '')}` : ''}`.replace(/\.$/, ''), culprit: from, cause: e });
  }
  const key = (i: number): string | undefined => a.members.find((m) => m.index === i)?.publicKey;
  if (inv.creator !== from || key(inv.creator) !== bytesToHex(inv.parties.get(inv.creator)!)) throw new WalletError('bad-signature', 'the invitation is not signed by the member who sent it', { field: 'invitation.creator', culprit: from });
  for (const [i, k] of inv.parties) if (key(i) !== bytesToHex(k)) throw new WalletError('tampered', `party ${i} is not the account's member`, { field: 'invitation.parties', culprit: from });
  const protocol = r.kind === 'sign' ? o.driver.protocols.sign : o.driver.protocols.refresh;
  if (inv.protocol !== protocol) throw new WalletError('tampered', `expected ${String(protocol)}`, { field: 'invitation.protocol', culprit: from });
  let p;
  try {
    p = expectObject(inv.params, 'invitation.params', ['ceremony', 'scheme', 'suite', 'groupKey', 'account', 'request', 'signers', 'messageHash', 'epoch'], ['hash']);
  } catch (e) {
    throw new WalletError('tampered', errorInfo(e).message, { field: errorInfo(e).field ?? 'invitation.params', culprit: from, cause: e });
  }
  const bad = (f: string, msg: string): never => {
    throw new WalletError('tampered', msg, { field: `invitation.params.${f}`, culprit: from });
  };
  if (p.ceremony !== r.kind) bad('ceremony', `expected ${r.kind}`);
  if (p.scheme !== a.scheme) bad('scheme', 'not the account scheme');
  if (p.suite !== a.suite) bad('suite', 'not the account suite');
  if (p.groupKey !== a.groupKey) bad('groupKey', 'not the account group key');
  if (p.account !== a.id) bad('account', 'another account');
  if (p.request !== r.id) bad('request', 'another request');
  if (p.messageHash !== messageHash(r)) bad('messageHash', 'not the requested message');
  // the digest the signers sign: the request's (an absent field on either side means SHA-256)
  if ((p.hash === undefined ? 'sha256' : p.hash) !== (r.hash ?? 'sha256')) bad('hash', `the request signs its ${r.hash ?? 'sha256'} digest`);
  const signers = Array.isArray(p.signers) ? (p.signers as Json[]) : bad('signers', 'expected a list');
  const listed = [...inv.parties.keys()];
  if (signers.length !== listed.length || signers.some((s, k) => s !== listed[k])) bad('signers', 'must list exactly the invited parties');
  if (!listed.includes(r.requester as PartyIndex)) bad('signers', 'the requester must take part');
  if (r.kind === 'sign' && listed.length !== a.threshold) bad('signers', `a signing takes exactly ${a.threshold} parties`);
  if (r.kind === 'refresh' && listed.length !== a.parties) bad('signers', 'a refresh takes every party');
  if (r.kind === 'refresh' && p.epoch !== a.epoch + 1) bad('epoch', `expected epoch ${a.epoch + 1}`);
  if (typeof p.epoch !== 'number' || !Number.isSafeInteger(p.epoch) || p.epoch < 0) bad('epoch', 'expected the key epoch');
  return { inv, signers: listed, epoch: p.epoch as number };
}
