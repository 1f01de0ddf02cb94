/**
 * The key generation of a new account once its lobby is complete: runs the scheme driver's
 * keygen over the DKG invitation's room (resumable: runner records live in the vault), then
 * saves the account record next to the share and drops the runner record (which held the
 * share too). Running it again after a crash finds the finished record and only completes
 * the bookkeeping.
 * @module
 */
import { bytesToHex } from '@tessera/crypto/bytes';
import type { PartyIndex } from '@tessera/protocols/engine/ids';
import { fingerprint } from '@tessera/transport/identity';
import { invitedIndex, parseInvitation } from '@tessera/transport/invitation';
import type { CeremonyProgress, SchemeDriver, SuiteName } from './api.ts';
import { openCeremonyTransport, runCeremony, runnerKey } from './ceremony.ts';
import type { WalletContext } from './context.ts';
import { WalletError } from './errors.ts';
import type { AccountRecord } from './records.ts';

/** Inputs of {@link runKeygen}. */
export interface KeygenInput {
  readonly lobbyId: string;
  readonly dkgInvitation: string;
  readonly groupInvitation: string;
  readonly selfIndex: number;
  /** Member labels by index. */
  readonly labels: Readonly<Record<string, string>>;
  readonly driver: SchemeDriver;
  readonly signal: AbortSignal;
  readonly onProgress: (p: CeremonyProgress) => void;
}

/**
 * Runs (or resumes) the DKG and stores the account.
 * @throws {WalletError} `not-invited` if the invitation does not list this device at its slot.
 * @throws {ProtocolAbort} @throws {TransportError} @throws {AbortError} as the ceremony.
 */
export async function runKeygen(ctx: WalletContext, k: KeygenInput): Promise<AccountRecord> {
  const dkg = parseInvitation(k.dkgInvitation, { now: null });
  const self = invitedIndex(dkg, ctx.identity.publicKey);
  if (self === undefined || self !== k.selfIndex) throw new WalletError('not-invited', 'this device is not listed at its slot', { field: 'dkg.parties' });
  const existing = await ctx.records.account(dkg.session);
  if (existing) {
    await ctx.vault.sessions.delete(runnerKey(dkg.session, self as PartyIndex));
    return existing;
  }
  const params = dkg.params as { scheme: string; suite: string; threshold: number; label: string };
  const rounds = k.driver.rounds.keygen;
  const progress = (p: CeremonyProgress, resumed?: boolean): void => {
    k.onProgress(p);
    ctx.events.emit({ type: 'progress', ceremony: 'keygen', id: k.lobbyId, progress: p, ...(resumed ? { resumed } : {}) });
  };
  const net = await ctx.net();
  const res = await k.driver.keygen({
    session: dkg.session,
    self,
    directory: dkg.parties,
    identity: ctx.identity,
    suite: params.suite,
    threshold: params.threshold,
    vault: ctx.vault,
    signal: k.signal,
    progress: (p) => progress(p),
    openTransport: () => openCeremonyTransport(net, dkg),
    store: ctx.vault.sessions,
    timeoutMs: net.timeoutMs,
    run: async (factory, output) =>
      (
        await runCeremony(net, {
          invitation: dkg,
          self,
          identity: ctx.identity,
          store: ctx.vault.sessions,
          factory,
          output,
          signal: k.signal,
          onEvent: (e) => {
            if (e.type === 'started' || e.type === 'resumed' || e.type === 'round') progress({ round: Math.max(1, e.round), rounds }, e.type === 'resumed');
            if (e.type === 'finished' && e.status === 'done') progress({ round: rounds, rounds, fraction: 1 });
          },
        })
      ).output,
  });
  const members = [...dkg.parties].map(([i, key]) => ({ index: i, publicKey: bytesToHex(key), fingerprint: fingerprint(key), label: k.labels[String(i)] ?? '' }));
  const account: AccountRecord = {
    id: dkg.session,
    label: params.label,
    scheme: params.scheme as AccountRecord['scheme'],
    suite: params.suite as SuiteName,
    threshold: params.threshold,
    parties: dkg.parties.size,
    selfIndex: self,
    groupKey: res.groupKey,
    epoch: 0,
    createdAt: ctx.now(),
    members,
    shareId: res.shareId,
    groupInvitation: k.groupInvitation,
    lobbyId: k.lobbyId,
  };
  await ctx.records.putAccount(account);
  await ctx.vault.sessions.delete(runnerKey(dkg.session, self as PartyIndex));
  return account;
}
