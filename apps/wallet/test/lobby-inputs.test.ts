/**
 * Bad inputs around enrollment, each refused with a typed error naming the field: malformed,
 * tampered, expired and mismatched invite links; DKG/group invitations not signed by the lobby
 * creator or not listing this device; bad create options; a start message from a party that
 * is not the creator; a link used by a second device.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '@tessera/crypto/bytes';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { newSessionId } from '@tessera/protocols/engine/ids';
import { generateIdentity, type IdentityKey } from '@tessera/transport/identity';
import { createInvitation, type Invitation } from '@tessera/transport/invitation';
import { connectSignal } from '@tessera/transport/signal-client';
import { fromBase64Url, toBase64Url } from '@tessera/vault/webauthn';
import { parseInviteLink, WalletError } from '../src/core/index.ts';
import { frostDriver } from '../src/core/frost-driver.ts';
import { checkStart } from '../src/core/lobby-checks.ts';
import { LOBBY_PROTOCOL, makeInviteLink, parseLobbyParams } from '../src/core/link.ts';
import { GROUP_PROTOCOL, sealAppMessage } from '../src/core/messages.ts';
import { PASS, links, startTestSignal, testCore, until, type TestSignal } from './helpers.ts';

const rng = createSeededRng('wallet-lobby-inputs');
let signal: TestSignal;
beforeAll(async () => {
  signal = await startTestSignal();
});
afterAll(async () => {
  await signal.stop();
});

function lobbyOf(creator: IdentityKey, enroll: IdentityKey[], params = { label: 'Team', scheme: 'frost', suite: 'taproot', threshold: 2, parties: enroll.length + 1 }): Invitation {
  return createInvitation({ session: newSessionId(rng), protocol: LOBBY_PROTOCOL, creator, parties: [[1, creator.publicKey], ...enroll.map((k, i) => [i + 2, k.publicKey] as [number, Uint8Array])], params, ttlMs: 3600_000 });
}

function payloadOf(link: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(fromBase64Url(link.split('#join=')[1]!))) as Record<string, unknown>;
}

function linkWith(p: Record<string, unknown>): string {
  const keys = Object.keys(p).sort();
  const text = JSON.stringify(Object.fromEntries(keys.map((k) => [k, p[k]])));
  return `http://x/#join=${toBase64Url(new TextEncoder().encode(text))}`;
}

describe('invite links', () => {
  const creator = generateIdentity(rng);
  const e2 = generateIdentity(rng);
  const e3 = generateIdentity(rng);
  const lobby = lobbyOf(creator, [e2, e3]);
  const good = makeInviteLink('http://localhost:5173/', lobby.text, 2, e2.secretKey);

  it('round-trips a link (URL or bare payload) and names the slot and creator', () => {
    const l = parseInviteLink(good);
    expect(l.slot).toBe(2);
    expect(bytesToHex(l.enrollment.publicKey)).toBe(bytesToHex(e2.publicKey));
    expect(bytesToHex(l.creatorKey)).toBe(bytesToHex(creator.publicKey));
    expect(parseInviteLink(good.split('#join=')[1]!).slot).toBe(2);
    const withQuery = makeInviteLink('http://localhost:5173/?signal=ws://127.0.0.1:9&rejoin=1', lobby.text, 3, e3.secretKey);
    expect(withQuery.startsWith('http://localhost:5173/?signal=ws://127.0.0.1:9&rejoin=1#join=')).toBe(true);
    expect(parseInviteLink(withQuery).slot).toBe(3);
    expect(good.startsWith('http://localhost:5173/#join=')).toBe(true);
  });

  it.each([
    ['empty', '', 'malformed-link', 'link'],
    ['not base64url', 'http://x/#join=%%%', 'malformed-link', 'link.payload'],
    ['not JSON', `http://x/#join=${toBase64Url(new TextEncoder().encode('hello'))}`, 'malformed-link', 'link.payload'],
  ])('refuses a link that is %s', (_n, link, code, field) => {
    expect(() => parseInviteLink(link)).toThrow(expect.objectContaining({ code, field }));
  });

  it('refuses payloads with a bad field, naming it', () => {
    const p = payloadOf(good);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...p, v: 2 }, 'malformed-link', 'link.payload.v'],
      [{ ...p, extra: 1 }, 'malformed-link', 'link.payload.extra'],
      [{ ...p, slot: 1 }, 'malformed-link', 'link.payload.slot'],
      [{ ...p, slot: 9 }, 'malformed-link', 'link.payload.slot'],
      [{ ...p, key: bytesToHex(e3.secretKey) }, 'malformed-link', 'link.payload.key'],
      [{ ...p, key: 'zz' }, 'malformed-link', 'link.payload.key'],
    ];
    for (const [payload, code, field] of cases) expect(() => parseInviteLink(linkWith(payload)), field).toThrow(expect.objectContaining({ code, field }));
  });

  it('refuses a lobby invitation whose creator signature was tampered with, or that expired', () => {
    const p = payloadOf(good);
    const inv = JSON.parse(p.lobby as string) as { sig: string; params: { label: string } };
    const sig = inv.sig.slice(0, -2) + (inv.sig.endsWith('00') ? '01' : '00');
    const tamperedSig = (p.lobby as string).replace(inv.sig, sig);
    expect(() => parseInviteLink(linkWith({ ...p, lobby: tamperedSig }))).toThrow(expect.objectContaining({ code: 'bad-signature', field: 'link.lobby.sig' }));
    const relabeled = (p.lobby as string).replace('"label":"Team"', '"label":"Evil"');
    expect(() => parseInviteLink(linkWith({ ...p, lobby: relabeled }))).toThrow(expect.objectContaining({ code: 'bad-signature', field: 'link.lobby.sig' }));
    expect(() => parseInviteLink(good, lobby.expiresAt + 1)).toThrow(expect.objectContaining({ code: 'expired', field: 'link.lobby.expiresAt' }));
    const other = createInvitation({ session: newSessionId(rng), protocol: 'tessera/frost/dkg', creator, parties: [[1, creator.publicKey], [2, e2.publicKey]], params: null });
    expect(() => parseInviteLink(makeInviteLink('http://x/', other.text, 2, e2.secretKey))).toThrow(expect.objectContaining({ code: 'malformed-link', field: 'link.lobby.protocol' }));
  });
});

describe('DKG start checks (joiner side)', () => {
  const creator = generateIdentity(rng);
  const device2 = generateIdentity(rng);
  const device3 = generateIdentity(rng);
  const lobby = lobbyOf(creator, [generateIdentity(rng), generateIdentity(rng)]);
  const params = parseLobbyParams(lobby);
  const parties = [[1, creator.publicKey], [2, device2.publicKey], [3, device3.publicKey]] as [number, Uint8Array][];
  const dkgSession = newSessionId(rng);
  const dkg = (by: IdentityKey, over: Partial<Record<string, unknown>> = {}, ps = parties) =>
    createInvitation({ session: dkgSession, protocol: 'tessera/frost/dkg', creator: by, parties: by === creator || ps.some(([, k]) => k === by.publicKey) ? ps : [...ps.slice(0, 2), [3, by.publicKey]], params: { ceremony: 'dkg', scheme: 'frost', suite: 'taproot', threshold: 2, lobby: lobby.session, label: 'Team', ...over } as never }).text;
  const group = (by: IdentityKey, ps = parties) => createInvitation({ session: newSessionId(rng), protocol: GROUP_PROTOCOL, creator: by, parties: ps, params: { account: dkgSession, label: 'Team', scheme: 'frost', suite: 'taproot', threshold: 2 } }).text;
  const check = (d: string, g: string, deviceKey = device2.publicKey) => checkStart({ lobby, params, slot: 2, deviceKey, driver: frostDriver, dkg: d, group: g, now: Date.now() });

  it('accepts invitations signed by the lobby creator listing this device', () => {
    const r = check(dkg(creator), group(creator));
    expect(r.dkg.session).toBe(dkgSession);
  });

  it('refuses a DKG invitation signed by another key, naming dkg.creator', () => {
    expect(() => check(dkg(device3), group(creator))).toThrow(expect.objectContaining({ code: 'bad-signature', field: 'dkg.creator' }));
  });

  it('refuses a tampered DKG invitation (signature broken), naming dkg.sig', () => {
    const t = dkg(creator).replace('"threshold":2', '"threshold":3');
    expect(() => check(t, group(creator))).toThrow(expect.objectContaining({ code: 'bad-signature', field: 'dkg.sig' }));
  });

  it('refuses a DKG invitation that does not list this device at its slot', () => {
    const other = generateIdentity(rng);
    expect(() => check(dkg(creator), group(creator), other.publicKey)).toThrow(expect.objectContaining({ code: 'not-invited', field: 'dkg.parties' }));
  });

  it('refuses parameters that differ from the lobby, naming the field', () => {
    expect(() => check(dkg(creator, { threshold: 3 }), group(creator))).toThrow(expect.objectContaining({ code: 'tampered', field: 'dkg.params.threshold' }));
    expect(() => check(dkg(creator, { suite: 'ed25519' }), group(creator))).toThrow(expect.objectContaining({ code: 'tampered', field: 'dkg.params.suite' }));
    expect(() => check(dkg(creator, { lobby: newSessionId(rng) }), group(creator))).toThrow(expect.objectContaining({ code: 'tampered', field: 'dkg.params.lobby' }));
  });

  it('refuses a group invitation not by the creator or with other keys', () => {
    expect(() => check(dkg(creator), group(device2))).toThrow(expect.objectContaining({ code: 'bad-signature', field: 'group.creator' }));
    const swapped = [parties[0]!, parties[1]!, [3, generateIdentity(rng).publicKey]] as [number, Uint8Array][];
    expect(() => check(dkg(creator), group(creator, swapped))).toThrow(expect.objectContaining({ code: 'tampered', field: 'group.parties' }));
  });
});

describe('lobby over the signal server', () => {
  it('refuses bad create options, joining its own lobby, a forged start, and a second use of a link', async () => {
    const a = await testCore(signal, 'neg-a');
    const b = await testCore(signal, 'neg-b');
    const c = await testCore(signal, 'neg-c');
    try {
      for (const t of [a, b, c]) await t.core.createVault({ passphrase: PASS });
      await expect(a.core.startCreate({ label: 'x', suite: 'taproot', threshold: 1, parties: 3 })).rejects.toMatchObject({ code: 'bad-input', field: 'threshold' });
      await expect(a.core.startCreate({ label: 'x', suite: 'taproot', threshold: 2, parties: 17 })).rejects.toMatchObject({ code: 'bad-input', field: 'parties' });
      await expect(a.core.startCreate({ label: '', suite: 'taproot', threshold: 2, parties: 3 })).rejects.toMatchObject({ code: 'bad-input', field: 'label' });
      await expect(a.core.startCreate({ label: 'x', suite: 'p256' as never, threshold: 2, parties: 3 })).rejects.toMatchObject({ code: 'unsupported-scheme', field: 'suite' });
      await expect(a.core.startCreate({ label: 'x', suite: 'taproot', threshold: 2, parties: 3, scheme: 'cggmp' })).rejects.toMatchObject({ code: 'unsupported-scheme', field: 'suite' });
      await expect(a.core.joinFromLink('not a link')).rejects.toBeInstanceOf(WalletError);

      const lobby = await a.core.startCreate({ label: 'Neg', suite: 'ed25519', threshold: 2, parties: 3 });
      const ls = links(lobby);
      await expect(a.core.joinFromLink(ls.get(2)!)).rejects.toMatchObject({ code: 'bad-input', field: 'link' });
      expect(b.core.previewLink(ls.get(2)!)).toMatchObject({ slot: 2, parties: 3, threshold: 2, suite: 'ed25519', creatorFingerprint: a.core.identity().fingerprint });
      const jb = await b.core.joinFromLink(ls.get(2)!);
      expect(await b.core.joinFromLink(ls.get(2)!)).toBe(jb); // a reload that routes #join= again gets the same lobby
      await until(() => lobby.view().slots[1]!.joined, 20_000, 'slot 2 enrolled');
      expect(lobby.view().slots[1]!.member!.fingerprint).toBe(b.core.identity().fingerprint);

      // the holder of link 3 (its enrollment key) posts a fake "start" to slot 2: refused, named
      const l3 = parseInviteLink(ls.get(3)!);
      const client = await connectSignal({ url: signal.url, identity: l3.enrollment });
      await client.join(l3.invitation.session);
      const route = { session: l3.invitation.session, protocol: LOBBY_PROTOCOL, self: 3 as never, identity: l3.enrollment, directory: l3.invitation.parties, now: Date.now };
      await client.post(l3.invitation.session, [2 as never], await sealAppMessage(route, 2 as never, { t: 'start', dkg: 'x', group: 'y', labels: [] }));
      await until(() => b.events.some((e) => e.type === 'error' && e.error.field === 'envelope.from'), 20_000, 'forged start reported');
      expect(b.events.find((e) => e.type === 'error' && e.error.field === 'envelope.from')).toMatchObject({ error: { code: 'bad-signature' }, context: lobby.id });
      expect(jb.view().stage).toBe('waiting-invitation');
      await client.close();

      // c takes slot 3 legitimately; a second device using link 2 again is refused by the creator
      const d = await testCore(signal, 'neg-d');
      await d.core.createVault({ passphrase: PASS });
      await d.core.joinFromLink(ls.get(2)!);
      await until(() => a.events.some((e) => e.type === 'error' && e.error.code === 'already-decided' && e.error.field === 'slot'), 20_000, 'second use of link 2 refused');
      const jc = await c.core.joinFromLink(ls.get(3)!);
      const [acc] = await Promise.all([lobby.done, jb.done, jc.done]);
      expect(acc.members[1]!.fingerprint).toBe(b.core.identity().fingerprint);
      await expect(b.core.joinFromLink(ls.get(2)!)).rejects.toMatchObject({ code: 'already-decided', field: 'link' });
      await d.core.close();
    } finally {
      for (const t of [a, b, c]) await t.core.close();
    }
  });

  it('a DKG whose member goes silent fails naming it; the failed lobby stays listed until cancelled', async () => {
    const cs = [] as Awaited<ReturnType<typeof testCore>>[];
    try {
      for (let i = 1; i <= 3; i++) {
        const t = await testCore(signal, `silent-${i}`, { timeoutMs: 2000 });
        await t.core.createVault({ passphrase: PASS });
        cs.push(t);
      }
      const [a, b, c] = cs as [(typeof cs)[0], (typeof cs)[0], (typeof cs)[0]];
      // party 3 locks the moment it receives the DKG invitation: it never sends a DKG message
      c.core.subscribe((e) => {
        if (e.type === 'lobby' && e.lobby.stage === 'keygen' && c.core.state === 'unlocked') void c.core.lock();
      });
      const lobby = await a.core.startCreate({ label: 'Silent', suite: 'secp256k1', threshold: 2, parties: 3 });
      const ls = links(lobby);
      const jb = await b.core.joinFromLink(ls.get(2)!);
      await c.core.joinFromLink(ls.get(3)!);
      await expect(lobby.done).rejects.toMatchObject({ code: 'protocol-abort', culprit: 3 });
      await expect(jb.done).rejects.toMatchObject({ code: 'protocol-abort', culprit: 3 });
      expect(lobby.view()).toMatchObject({ stage: 'failed', error: { code: 'protocol-abort', culprit: 3 } });
      expect(a.core.lobbies().map((l) => l.id)).toEqual([lobby.id]);
      const again = await a.reopen();
      await again.unlockWithPassphrase(PASS);
      const listed = again.lobbies();
      expect(listed.map((l) => l.view().stage)).toEqual(['failed']);
      await expect(listed[0]!.done).rejects.toMatchObject({ code: 'protocol-abort' });
      await listed[0]!.cancel();
      expect(again.lobbies()).toEqual([]);
      expect(await again.accounts()).toEqual([]);
    } finally {
      for (const t of cs) await t.core.close();
    }
  });
});
