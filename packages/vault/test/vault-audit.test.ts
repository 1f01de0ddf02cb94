/**
 * The audit hash chain: it verifies when untouched, and an altered, deleted, reordered or
 * truncated entry — or a log rewritten consistently without the data key — is detected and
 * named.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { auditHash, nextAuditEntry, type AuditEntry, type AuditHead } from '../src/audit.ts';
import { VaultIntegrityError } from '../src/index.ts';
import { newVault, pass, raw } from './helpers.ts';

const PW = 'correct horse battery staple';

/** A vault with ≥ 5 audit entries. */
async function populated(tag: string) {
  const v = await newVault(tag);
  await v.vault.recordEvent('keygen', { share: 'frost:1', parties: 3 });
  await v.vault.recordEvent('sign', { keyId: 'k', message: 'ab'.repeat(32) });
  await v.vault.recordEvent('refresh', { share: 'frost:1', epoch: 2 });
  return v;
}

async function expectBroken(p: Promise<unknown>, record: string | RegExp): Promise<void> {
  const e = await p.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(VaultIntegrityError);
  expect((e as VaultIntegrityError).record).toMatch(record);
}

describe('vault audit chain', () => {
  it('verifies an untouched chain, including the keyed checkpoint', async () => {
    const { vault } = await populated('ok');
    const log = await vault.auditLog();
    expect(log.map((e) => e.kind)).toEqual(['vault-created', 'method-added', 'keygen', 'sign', 'refresh']);
    const r = await vault.verifyAuditChain();
    expect(r).toMatchObject({ length: 5, checkpoint: 5 });
    expect(r.head).toMatch(/^[0-9a-f]{64}$/);
    vault.lock();
    expect((await vault.verifyAuditChain()).checkpoint).toBe(0);
    vault.close();
  });

  it('refuses secrets-shaped details (non-scalar values, unknown kinds)', async () => {
    const { vault } = await newVault('details');
    await expect(vault.recordEvent('sign', { share: new Uint8Array(32) as unknown as string })).rejects.toThrow(TypeError);
    await expect(vault.recordEvent('exfiltrate' as 'sign', {})).rejects.toThrow(TypeError);
    await expect(vault.recordEvent('sign', { big: 'x'.repeat(300) })).rejects.toThrow(RangeError);
    vault.close();
  });

  it('detects an altered entry', async () => {
    const { vault, name } = await populated('alter');
    const db = await raw(name);
    const e = (await db.get('audit', 3)) as AuditEntry;
    await db.put('audit', { ...e, details: { share: 'frost:2', parties: 3 } }, 3);
    db.close();
    await expectBroken(vault.verifyAuditChain(), 'audit/3');
    vault.close();
  });

  it('detects a deleted middle entry', async () => {
    const { vault, name } = await populated('delete');
    const db = await raw(name);
    await db.delete('audit', 2);
    db.close();
    await expectBroken(vault.verifyAuditChain(), 'audit/2');
    vault.close();
  });

  it('detects reordered entries', async () => {
    const { vault, name } = await populated('reorder');
    const db = await raw(name);
    const a = await db.get('audit', 3);
    const b = await db.get('audit', 4);
    await db.put('audit', b, 3);
    await db.put('audit', a, 4);
    db.close();
    await expectBroken(vault.verifyAuditChain(), 'audit/3');
    vault.close();
  });

  it('detects a truncated tail', async () => {
    const { vault, name } = await populated('truncate');
    const db = await raw(name);
    await db.delete('audit', 5);
    db.close();
    await expectBroken(vault.verifyAuditChain(), 'meta/auditHead');
    vault.close();
  });

  it('detects a log truncated and re-headed consistently, via the keyed checkpoint', async () => {
    const { vault, name } = await populated('rehead');
    const db = await raw(name);
    await db.delete('audit', 5);
    await db.delete('audit', 4);
    const e3 = (await db.get('audit', 3)) as AuditEntry;
    await db.put('meta', { seq: 3, hash: e3.hash } satisfies AuditHead, 'auditHead');
    db.close();
    vault.lock();
    await expect(vault.verifyAuditChain()).resolves.toMatchObject({ length: 3 }); // without the key: consistent
    await vault.unlock(pass(PW));
    await expectBroken(vault.verifyAuditChain(), /^audit\/5$/);
    vault.close();
  });

  it('detects a log rewritten wholesale (recomputed hashes) via the keyed checkpoint', async () => {
    const { vault, name } = await populated('rewrite');
    const vaultId = vault.vaultId!;
    const db = await raw(name);
    const old = (await db.getAll('audit')) as AuditEntry[];
    let head: AuditHead | undefined;
    for (const e of old) {
      const details = e.kind === 'sign' ? { keyId: 'k', message: 'cd'.repeat(32) } : e.details;
      const n = nextAuditEntry(vaultId, head, e.time, e.kind, details);
      await db.put('audit', n, n.seq);
      head = { seq: n.seq, hash: n.hash };
    }
    await db.put('meta', head, 'auditHead');
    db.close();
    await expectBroken(vault.verifyAuditChain(), 'audit/5');
    vault.close();
  });

  it('detects an altered checkpoint', async () => {
    const { vault, name } = await populated('checkpoint');
    const db = await raw(name);
    const cp = (await db.get('meta', 'auditCheckpoint')) as { seq: number; hash: Uint8Array; mac: Uint8Array };
    await db.put('meta', { ...cp, seq: 2 }, 'auditCheckpoint');
    db.close();
    await expectBroken(vault.verifyAuditChain(), 'meta/auditCheckpoint');
    vault.close();
  });

  it('hashes bind the vault id and every field', () => {
    const z = new Uint8Array(32);
    const h = auditHash('v1', 1, 1000, 'sign', { a: 1 }, z);
    expect(auditHash('v2', 1, 1000, 'sign', { a: 1 }, z)).not.toEqual(h);
    expect(auditHash('v1', 2, 1000, 'sign', { a: 1 }, z)).not.toEqual(h);
    expect(auditHash('v1', 1, 1001, 'sign', { a: 1 }, z)).not.toEqual(h);
    expect(auditHash('v1', 1, 1000, 'keygen', { a: 1 }, z)).not.toEqual(h);
    expect(auditHash('v1', 1, 1000, 'sign', { a: 2 }, z)).not.toEqual(h);
    expect(auditHash('v1', 1, 1000, 'sign', { a: 1 }, new Uint8Array(32).fill(1))).not.toEqual(h);
  });
});
