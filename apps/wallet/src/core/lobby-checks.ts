/**
 * The checks of enrollment: `startCreate` options, and what a joiner verifies in the creator's
 * start message (the DKG and group-room invitations) before it takes part in the key
 * generation. Every failure is a typed error naming the field.
 * @module
 */
import { bytesToHex } from '@tessera/crypto/bytes';
import { expectObject, type Json } from '@tessera/protocols/engine/codec';
import type { PartyIndex } from '@tessera/protocols/engine/ids';
import { parseInvitation, type Invitation } from '@tessera/transport/invitation';
import type { CreateAccountOptions, SchemeDriver } from './api.ts';
import type { WalletContext } from './context.ts';
import { WalletError, errorInfo } from './errors.ts';
import type { LobbyParams } from './link.ts';
import { GROUP_PROTOCOL } from './messages.ts';

/** Most parties of an account. */
export const MAX_PARTIES = 16;

/**
 * Checks `startCreate` options.
 * @throws {WalletError} `bad-input` naming the field, `unsupported-scheme`.
 */
export function checkCreateOptions(ctx: WalletContext, o: CreateAccountOptions): { driver: SchemeDriver; label: string; memberLabel: string } {
  if (o === null || typeof o !== 'object') throw new WalletError('bad-input', 'expected options', { field: 'opts' });
  if (typeof o.label !== 'string' || o.label.trim().length === 0 || o.label.length > 100) throw new WalletError('bad-input', 'expected a label of 1..100 characters', { field: 'label' });
  const driver = ctx.driver(o.scheme ?? 'frost', o.suite);
  if (typeof o.parties !== 'number' || !Number.isSafeInteger(o.parties) || o.parties < 2 || o.parties > MAX_PARTIES) throw new WalletError('bad-input', `expected 2..${MAX_PARTIES} parties`, { field: 'parties' });
  if (typeof o.threshold !== 'number' || !Number.isSafeInteger(o.threshold) || o.threshold < 2 || o.threshold > o.parties) throw new WalletError('bad-input', 'expected a threshold of 2..parties', { field: 'threshold' });
  const memberLabel = o.memberLabel ?? 'Member 1';
  if (typeof memberLabel !== 'string' || memberLabel.length > 100) throw new WalletError('bad-input', 'expected a label of at most 100 characters', { field: 'memberLabel' });
  return { driver, label: o.label.trim(), memberLabel };
}

/** The checked contents of a creator's `start` message. */
export interface CheckedStart {
  readonly dkg: Invitation;
  readonly group: Invitation;
}

function invitationError(e: unknown, field: string): WalletError {
  const i = errorInfo(e);
  const code = i.code === 'bad-signature' || i.code === 'expired' ? i.code : 'tampered';
  return new WalletError(code, i.message, { field: `${field}${i.field ? `.${i.field.replace(/^invitation\.?/, '')}` : ''}`.replace(/\.$/, ''), cause: e });
}

/**
 * Checks the DKG and group invitations a joiner receives: both signed by the lobby creator's
 * key (from the link), both listing the same keys, this device's key at its slot, and the
 * lobby's scheme, suite, threshold and size.
 * @throws {WalletError} `bad-signature` (not signed by the creator: field `dkg.creator` /
 *   `group.creator`, or a broken signature: `dkg.sig`), `not-invited` (`dkg.parties`),
 *   `tampered` (parameters, naming the field), `expired`.
 */
export function checkStart(o: { lobby: Invitation; params: LobbyParams; slot: number; deviceKey: Uint8Array; driver: SchemeDriver; dkg: string; group: string; now: number }): CheckedStart {
  let dkg: Invitation;
  try {
    dkg = parseInvitation(o.dkg, { now: o.now });
  } catch (e) {
    throw invitationError(e, 'dkg');
  }
  const creatorKey = bytesToHex(o.lobby.parties.get(o.lobby.creator)!);
  if (bytesToHex(dkg.parties.get(dkg.creator)!) !== creatorKey) throw new WalletError('bad-signature', 'the DKG invitation is not signed by the lobby creator', { field: 'dkg.creator' });
  if (dkg.protocol !== o.driver.protocols.keygen) throw new WalletError('tampered', `expected ${o.driver.protocols.keygen}`, { field: 'dkg.protocol' });
  if (dkg.parties.size !== o.params.parties) throw new WalletError('tampered', 'wrong number of parties', { field: 'dkg.parties' });
  if (bytesToHex(dkg.parties.get(o.slot as PartyIndex) ?? new Uint8Array()) !== bytesToHex(o.deviceKey)) throw new WalletError('not-invited', `this device's key is not listed at slot ${o.slot}`, { field: 'dkg.parties' });
  let p;
  try {
    p = expectObject(dkg.params, 'dkg.params', ['ceremony', 'scheme', 'suite', 'threshold', 'lobby', 'label']);
  } catch (e) {
    throw invitationError(e, 'dkg.params');
  }
  if (p.ceremony !== 'dkg') throw new WalletError('tampered', 'expected dkg', { field: 'dkg.params.ceremony' });
  if (p.scheme !== o.params.scheme) throw new WalletError('tampered', 'scheme differs from the lobby', { field: 'dkg.params.scheme' });
  if (p.suite !== o.params.suite) throw new WalletError('tampered', 'suite differs from the lobby', { field: 'dkg.params.suite' });
  if (p.threshold !== o.params.threshold) throw new WalletError('tampered', 'threshold differs from the lobby', { field: 'dkg.params.threshold' });
  if (p.lobby !== o.lobby.session) throw new WalletError('tampered', 'names another lobby', { field: 'dkg.params.lobby' });
  let group: Invitation;
  try {
    group = parseInvitation(o.group, { now: o.now });
  } catch (e) {
    throw invitationError(e, 'group');
  }
  if (bytesToHex(group.parties.get(group.creator)!) !== creatorKey) throw new WalletError('bad-signature', 'the group invitation is not signed by the lobby creator', { field: 'group.creator' });
  if (group.protocol !== GROUP_PROTOCOL) throw new WalletError('tampered', `expected ${GROUP_PROTOCOL}`, { field: 'group.protocol' });
  if (group.parties.size !== dkg.parties.size || [...dkg.parties].some(([i, k]) => bytesToHex(group.parties.get(i) ?? new Uint8Array()) !== bytesToHex(k)))
    throw new WalletError('tampered', 'lists other keys than the DKG invitation', { field: 'group.parties' });
  const g = group.params as { account?: Json } | null;
  if (g === null || typeof g !== 'object' || g.account !== dkg.session) throw new WalletError('tampered', 'names another account', { field: 'group.params.account' });
  return { dkg, group };
}
