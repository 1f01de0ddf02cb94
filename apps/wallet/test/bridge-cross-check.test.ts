/**
 * The status screen's three-way nonce cross-check (`checkNonceRecords`) on hand-made records,
 * without a bridge or a ceremony: the mailbox record counts only this wallet's finished
 * signing sessions that ANOTHER signer reported in the group room with a signature (its own
 * posts, refresh results, other sessions, undecryptable or forged items do not count); each
 * relation that fails is one mismatch; sessions without a mailbox record yet are tolerated for
 * consumed ≤ published but not beyond; an unreadable mailbox is unknown, not a mismatch; an
 * account whose share cannot be read fails the check naming the account.
 */
import { describe, expect, it } from 'vitest';
import { newSessionId } from '@tessera/protocols/engine/ids';
import { keyId } from '@tessera/protocols/frost/keyshare';
import { generateIdentity, type IdentityKey } from '@tessera/transport/identity';
import { createInvitation } from '@tessera/transport/invitation';
import type { Vault } from '@tessera/vault';
import { checkNonceRecords, type NonceCheckSources } from '../src/core/bridge.ts';
import { GROUP_PROTOCOL, sealAppMessage } from '../src/core/messages.ts';
import type { AccountRecord } from '../src/core/records.ts';

const me = generateIdentity();
const bob = generateIdentity();
const carol = generateIdentity();
const group = createInvitation({ session: newSessionId(), protocol: GROUP_PROTOCOL, creator: me, parties: [[1, me.publicKey], [2, bob.publicKey], [3, carol.publicKey]] });
const share = { suite: 'ed25519', index: 1, commitments: [new Uint8Array(32).fill(7)], signingShare: new Uint8Array(32).fill(1) };
const KEY_ID = keyId(share as never);

const account = (over: Partial<AccountRecord> = {}): AccountRecord =>
  ({ id: 'a'.repeat(64), label: 'Treasury', scheme: 'frost', suite: 'ed25519', threshold: 2, parties: 3, selfIndex: 1, groupKey: '00', epoch: 0, createdAt: 0, members: [], shareId: 'frost:1', groupInvitation: group.text, ...over }) as AccountRecord;

/** A vault answering the ledger statistics given (and the share, unless `broken`). */
function fakeVault(stats: { counter: bigint; consumed: number }, broken = false): Vault {
  return {
    async getFrostKeyShare() {
      if (broken) throw Object.assign(new Error('shares/frost:1: record altered'), { name: 'VaultIntegrityError', record: 'shares/frost:1' });
      return { ...share, signingShare: share.signingShare.slice() };
    },
    async nonceLedgerStats(k: string) {
      expect(k).toBe(KEY_ID);
      return stats;
    },
  } as unknown as Vault;
}

/** Group-room items as this wallet (party 1) reads them. */
async function item(cursor: number, from: IdentityKey, fromIndex: number, payload: Record<string, unknown>, to = 1): Promise<{ cursor: number; from: number; envelope: string }> {
  const route = { session: group.session, protocol: GROUP_PROTOCOL, self: fromIndex as never, identity: from, directory: group.parties, now: Date.now };
  return { cursor, from: fromIndex, envelope: await sealAppMessage(route, to as never, payload as never) };
}

const S1 = 'b'.repeat(64);
const S2 = 'c'.repeat(64);
const S3 = 'd'.repeat(64);

function sources(vault: Vault, items: { cursor: number; from: number; envelope: string }[] | Error, sessions = [S1, S2]): NonceCheckSources {
  return {
    vault,
    identity: me,
    now: Date.now,
    accounts: [account(), account({ id: 'e'.repeat(64), scheme: 'cggmp', label: 'ECDSA' })],
    sessions: [...sessions.map((session) => ({ accountId: 'a'.repeat(64), kind: 'sign', session })), { accountId: 'a'.repeat(64), kind: 'refresh', session: S3 }],
    // two pages, to check the cursor is followed
    read: async (s, after) => {
      expect(s).toBe(group.session);
      if (items instanceof Error) throw items;
      const rest = items.filter((x) => x.cursor > after);
      return { items: rest.slice(0, 2), more: rest.length > 2 };
    },
  };
}

describe('checkNonceRecords', () => {
  it('counts the sessions another signer reported, and agrees when consumed ≤ published ≤ counter', async () => {
    // S1: reported by Bob. S2: only this wallet's own post, a forged sender, garbage and a refresh result.
    const items = [
      await item(1, bob, 2, { t: 'result', id: '1'.repeat(32), session: S1, signature: 'ab' }),
      await item(2, bob, 2, { t: 'result', id: '6'.repeat(32), session: 'f'.repeat(64), signature: 'ab' }), // a session this wallet did not sign in
      await item(3, carol, 3, { t: 'result', id: '3'.repeat(32), session: S2, signature: null, epoch: 1 }), // no signature: not a signing
      await item(4, me, 1, { t: 'result', id: '4'.repeat(32), session: S2, signature: 'ab' }, 2), // own post: not the mailbox's word
      { cursor: 5, from: 2, envelope: 'garbage' },
      await item(6, generateIdentity(), 2, { t: 'result', id: '5'.repeat(32), session: S2, signature: 'ef' }), // forged sender
      await item(7, carol, 3, { t: 'approve', id: '2'.repeat(32) }),
    ];
    const x = await checkNonceRecords(sources(fakeVault({ counter: 3n, consumed: 1 }), items));
    expect(x).toMatchObject({ ok: true, hsm: false });
    expect(x.detail).toBe('1 key: IndexedDB ledger and mailbox agree');
    expect(x.accounts).toEqual([{ accountId: 'a'.repeat(64), label: 'Treasury', keyId: KEY_ID, ledgerCounter: '3', ledgerConsumed: 1, mailboxPublished: 1, mailboxUnrecorded: 1, mismatches: [] }]);
    // once Carol's result for S2 arrives, both sessions are recorded
    items.push(await item(8, carol, 3, { t: 'result', id: '2'.repeat(32), session: S2, signature: 'cd' }));
    const y = await checkNonceRecords(sources(fakeVault({ counter: 3n, consumed: 2 }), items));
    expect(y.accounts[0]).toMatchObject({ mailboxPublished: 2, mailboxUnrecorded: 0, mismatches: [] });
  });

  it('reports each relation that fails, with the sentence for the status screen', async () => {
    const items = [await item(1, bob, 2, { t: 'result', id: '1'.repeat(32), session: S1, signature: 'ab' }), await item(2, bob, 2, { t: 'result', id: '2'.repeat(32), session: S2, signature: 'cd' })];
    const x = await checkNonceRecords(sources(fakeVault({ counter: 1n, consumed: 2 }), items));
    expect(x.ok).toBe(false);
    expect(x.error).toMatchObject({ code: 'tampered', field: 'nonces' });
    expect(x.accounts[0]!.mismatches.map((m) => m.kind)).toEqual(['consumed-exceeds-counter', 'published-exceeds-counter']);
    expect(x.detail).toContain('Treasury: 2 nonces consumed but only 1 counter values drawn');
  });

  it('tolerates sessions the mailbox has not recorded yet, but no more nonces than sessions', async () => {
    const one = [await item(1, bob, 2, { t: 'result', id: '1'.repeat(32), session: S1, signature: 'ab' })];
    const waiting = await checkNonceRecords(sources(fakeVault({ counter: 2n, consumed: 2 }), one));
    expect(waiting.ok).toBe(true);
    expect(waiting.accounts[0]).toMatchObject({ mailboxPublished: 1, mailboxUnrecorded: 1 });
    const tooMany = await checkNonceRecords(sources(fakeVault({ counter: 3n, consumed: 3 }), one));
    expect(tooMany.ok).toBe(false);
    expect(tooMany.accounts[0]!.mismatches.map((m) => m.kind)).toEqual(['consumed-exceeds-published']);
  });

  it('an unreadable mailbox is unknown, not a mismatch; an unreadable share fails the check naming the account', async () => {
    const x = await checkNonceRecords(sources(fakeVault({ counter: 2n, consumed: 2 }), new Error('the signal server is not connected')));
    expect(x.ok).toBe(true);
    expect(x.accounts[0]).toMatchObject({ mailboxUnrecorded: 2, mailboxError: 'the signal server is not connected' });
    expect(x.accounts[0]!.mailboxPublished).toBeUndefined();
    // the key id of an account is remembered once read: a fresh vault object reads the share again
    const broken = await checkNonceRecords(sources(fakeVault({ counter: 0n, consumed: 0 }, true), []));
    expect(broken.ok).toBe(false);
    expect(broken.accounts).toEqual([]);
    expect(broken.error).toMatchObject({ code: 'tampered' });
    expect(broken.detail).toMatch(/^Treasury: .*record altered/);
  });
});
