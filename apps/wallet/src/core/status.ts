/**
 * The wallet's status report: signal connection and members' presence per account, each
 * account's share (decrypts and matches the group key), the nonce ledger (every ceremony
 * this wallet finished is marked in it, and no runner record of a finished ceremony is left
 * behind that could be replayed), the audit hash chain with its keyed checkpoint, and the
 * integrity of every sealed record.
 * @module
 */
import { bytesToHex } from '@tessera/crypto/bytes';
import { publicKey } from '@tessera/protocols/frost/keyshare';
import type { AccountStatus, CheckResult, WalletStatus } from './api.ts';
import { runnerKey } from './ceremony.ts';
import type { WalletContext } from './context.ts';
import { describeIdentity } from './device.ts';
import { errorInfo } from './errors.ts';
import { sessionLedgerKey, type Inbox } from './inbox.ts';
import { checkNonceRecords } from './bridge.ts';

async function check<T>(f: () => Promise<T>, ok: (v: T) => CheckResult): Promise<CheckResult & { value?: T }> {
  try {
    const v = await f();
    return { ...ok(v), value: v };
  } catch (e) {
    const error = errorInfo(e);
    return { ok: false, detail: error.message, error };
  }
}

/** Runs every check. Never throws: failures are reported in the result. */
export async function checkStatus(ctx: WalletContext, inbox: Inbox): Promise<WalletStatus> {
  let connected = false;
  try {
    connected = (await ctx.client()).connected;
  } catch {
    connected = false;
  }
  const accounts: AccountStatus[] = [];
  for (const a of inbox.accounts()) {
    let shareOk = false;
    try {
      if (a.scheme === 'frost') shareOk = bytesToHex(publicKey(await ctx.vault.getFrostKeyShare(a.shareId))) === a.groupKey;
      else if (a.scheme === 'cggmp') shareOk = bytesToHex((await ctx.vault.getCggmpKeyShare(a.shareId)).core.publicKey) === a.groupKey;
      else shareOk = (await ctx.vault.getShare(a.shareId)) !== undefined;
    } catch {
      shareOk = false;
    }
    accounts.push({ accountId: a.id, label: a.label, epoch: a.epoch, members: inbox.presence(a.id, connected), shareOk });
  }
  const ledger = await check(
    async () => {
      const sessions = inbox.finishedSessions();
      const problems: string[] = [];
      for (const s of sessions) {
        if (!(await ctx.vault.isNonceConsumed(sessionLedgerKey(s.accountId), `${s.kind}:${s.session}`))) problems.push(`session ${s.session.slice(0, 12)} not marked`);
        const left = await ctx.vault.sessions.load(runnerKey(s.session, s.self)).catch(() => undefined);
        if (left !== undefined && s.kind === 'sign' && left.includes('"status":"done"')) problems.push(`session ${s.session.slice(0, 12)} record kept`);
      }
      return { count: sessions.length, problems };
    },
    (v) => (v.problems.length === 0 ? { ok: true, detail: `${v.count} finished ceremonies marked in the ledger` } : { ok: false, detail: v.problems.join('; '), error: { code: 'tampered', message: v.problems.join('; '), field: 'nonces' } }),
  );
  const audit = await check(
    () => ctx.vault.verifyAuditChain(),
    (r) => ({ ok: true, detail: `${r.length} entries, checkpoint at ${r.checkpoint}` }),
  );
  const integrity = await check(
    () => ctx.vault.verifyIntegrity(),
    (n) => ({ ok: true, detail: `${n} sealed records verified` }),
  );
  const { value: av, ...auditRest } = audit;
  const { value: iv, ...integrityRest } = integrity;
  const { value: _lv, ...ledgerRest } = ledger;
  const nonceCrossCheck = await checkNonceRecords({ vault: ctx.vault, identity: ctx.identity, now: ctx.now, accounts: inbox.accounts(), sessions: inbox.finishedSessions(), read: async (s, after) => {
      // a disconnected client would wait for its reconnection: the mailbox record is then unknown
      const c = await ctx.client();
      if (!c.connected) throw new Error('the signal server is not connected');
      return c.read(s as never, after);
    } });
  return {
    state: 'unlocked',
    identity: describeIdentity(ctx.identity),
    signalConnected: connected,
    accounts,
    nonceLedger: ledgerRest,
    audit: { ...auditRest, length: av?.length ?? 0, head: av?.head ?? '' },
    integrity: { ...integrityRest, records: iv ?? 0 },
    nonceCrossCheck,
    checkedAt: ctx.now(),
  };
}
