/**
 * Invite links: `<base>#join=<base64url(canonical JSON)>` carrying, in the URL FRAGMENT (which
 * browsers never send to servers), the creator-signed lobby invitation and the one-time
 * Ed25519 enrollment secret of one slot. A link is a BEARER CAPABILITY: whoever holds it can
 * take that slot (first come, first served), so it must travel over a channel the creator
 * trusts. The enrollment key only admits its holder to the lobby room; the account itself is
 * keyed by the device identity the joiner enrolls.
 *
 * Payload: `{ v: 1, lobby: <invitation text>, slot: <index>, key: <hex enrollment secret> }`.
 * @module
 */
import { bytesToHex } from '@tessera/crypto/bytes';
import { canonicalJson, expectHex, expectObject, parseCanonicalJson } from '@tessera/protocols/engine/codec';
import { fingerprint, identityFromSecret, type IdentityKey } from '@tessera/transport/identity';
import { parseInvitation, type Invitation } from '@tessera/transport/invitation';
import { fromBase64Url, toBase64Url } from '@tessera/vault/webauthn';
import type { LinkPreview, SchemeName } from './api.ts';
import { WalletError, errorInfo } from './errors.ts';

/** Protocol id of lobby invitations. */
export const LOBBY_PROTOCOL = 'tessera/wallet/lobby';
/** The fragment key of join links. */
export const JOIN_FRAGMENT = 'join=';
/** Largest link accepted (characters). */
export const MAX_LINK_CHARS = 96 * 1024;

/** Parameters of a lobby invitation (signed by the creator). */
export interface LobbyParams {
  readonly label: string;
  readonly scheme: SchemeName;
  readonly suite: string;
  readonly threshold: number;
  readonly parties: number;
}

/** A parsed, verified invite link. */
export interface InviteLink {
  readonly invitation: Invitation;
  readonly params: LobbyParams;
  readonly slot: number;
  /** The slot's enrollment key pair. Security: secret. */
  readonly enrollment: IdentityKey;
  /** The creator's identity public key (slot 1 of the lobby). */
  readonly creatorKey: Uint8Array;
}

/**
 * Reads and checks lobby parameters.
 * @throws {WalletError} `malformed-link` naming the field.
 */
export function parseLobbyParams(inv: Invitation, field = 'link.lobby.params'): LobbyParams {
  let o;
  try {
    o = expectObject(inv.params, field, ['label', 'scheme', 'suite', 'threshold', 'parties']);
  } catch (e) {
    throw new WalletError('malformed-link', errorInfo(e).message, { field: errorInfo(e).field ?? field, cause: e });
  }
  const bad = (f: string, m: string): never => {
    throw new WalletError('malformed-link', m, { field: `${field}.${f}` });
  };
  if (typeof o.label !== 'string' || o.label.length > 200) bad('label', 'expected a label of at most 200 characters');
  if (o.scheme !== 'frost' && o.scheme !== 'cggmp') bad('scheme', 'expected frost or cggmp');
  if (typeof o.suite !== 'string' || o.suite.length > 40) bad('suite', 'expected a suite name');
  if (typeof o.parties !== 'number' || !Number.isSafeInteger(o.parties) || o.parties !== inv.parties.size) bad('parties', 'must equal the number of slots');
  if (typeof o.threshold !== 'number' || !Number.isSafeInteger(o.threshold) || o.threshold < 2 || o.threshold > inv.parties.size) bad('threshold', 'expected 2..n');
  return { label: o.label as string, scheme: o.scheme as SchemeName, suite: o.suite as string, threshold: o.threshold as number, parties: o.parties as number };
}

/**
 * Builds the link of one slot.
 * Security: the result contains the slot's enrollment secret (a bearer capability).
 */
export function makeInviteLink(base: string, invitationText: string, slot: number, enrollmentSecret: Uint8Array): string {
  const payload = canonicalJson({ v: 1, lobby: invitationText, slot, key: bytesToHex(enrollmentSecret) });
  return `${base.split('#')[0]}#${JOIN_FRAGMENT}${toBase64Url(new TextEncoder().encode(payload))}`;
}

/**
 * Parses and verifies an invite link (or just its `join=` fragment / payload).
 * @throws {WalletError} `malformed-link` (field named), `bad-signature` (the lobby invitation is
 *   not signed by its creator), `expired`.
 */
export function parseInviteLink(link: unknown, now: number = Date.now()): InviteLink {
  if (typeof link !== 'string' || link.length === 0) throw new WalletError('malformed-link', 'expected a link', { field: 'link' });
  if (link.length > MAX_LINK_CHARS) throw new WalletError('malformed-link', 'link too long', { field: 'link' });
  const hash = link.indexOf('#');
  const fragment = hash >= 0 ? link.slice(hash + 1) : link;
  const encoded = (fragment.startsWith(JOIN_FRAGMENT) ? fragment.slice(JOIN_FRAGMENT.length) : fragment).trim();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(encoded, 'link.payload'));
  } catch (e) {
    throw new WalletError('malformed-link', 'the link payload is not base64url text', { field: 'link.payload', cause: e });
  }
  let o;
  try {
    o = expectObject(parseCanonicalJson(text, 'link.payload'), 'link.payload', ['v', 'lobby', 'slot', 'key']);
  } catch (e) {
    throw new WalletError('malformed-link', errorInfo(e).message, { field: errorInfo(e).field ?? 'link.payload', cause: e });
  }
  if (o.v !== 1) throw new WalletError('malformed-link', 'unsupported link version', { field: 'link.payload.v' });
  let invitation: Invitation;
  try {
    invitation = parseInvitation(o.lobby, { now });
  } catch (e) {
    const i = errorInfo(e);
    const code = i.code === 'bad-signature' || i.code === 'expired' ? i.code : 'malformed-link';
    throw new WalletError(code, i.message, { field: `link.lobby${i.field ? `.${i.field.replace(/^invitation\.?/, '')}` : ''}`.replace(/\.$/, ''), cause: e });
  }
  if (invitation.protocol !== LOBBY_PROTOCOL) throw new WalletError('malformed-link', `not a ${LOBBY_PROTOCOL} invitation`, { field: 'link.lobby.protocol' });
  if (invitation.creator !== 1) throw new WalletError('malformed-link', 'the creator must hold slot 1', { field: 'link.lobby.creator' });
  const params = parseLobbyParams(invitation);
  const slot = o.slot;
  if (typeof slot !== 'number' || !Number.isSafeInteger(slot) || slot < 2 || !invitation.parties.has(slot as never)) throw new WalletError('malformed-link', 'not a joinable slot of the lobby', { field: 'link.payload.slot' });
  let enrollment: IdentityKey;
  try {
    enrollment = identityFromSecret(expectHex(o.key, 'link.payload.key', 32));
  } catch (e) {
    throw new WalletError('malformed-link', 'expected a 32-byte hex enrollment key', { field: 'link.payload.key', cause: e });
  }
  if (bytesToHex(enrollment.publicKey) !== bytesToHex(invitation.parties.get(slot as never)!)) {
    enrollment.secretKey.fill(0);
    throw new WalletError('malformed-link', 'the enrollment key does not belong to this slot', { field: 'link.payload.key' });
  }
  return { invitation, params, slot, enrollment, creatorKey: invitation.parties.get(invitation.creator)! };
}

/** The preview of a parsed link (public data only). */
export function previewOf(l: InviteLink): LinkPreview {
  return {
    lobbyId: l.invitation.session,
    label: l.params.label,
    scheme: l.params.scheme,
    suite: l.params.suite,
    threshold: l.params.threshold,
    parties: l.params.parties,
    slot: l.slot,
    creatorFingerprint: fingerprint(l.creatorKey),
    expiresAt: l.invitation.expiresAt,
  };
}
