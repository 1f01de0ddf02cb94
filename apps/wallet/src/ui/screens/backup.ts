/**
 * Backup and restore: export the whole vault encrypted under a backup passphrase (Argon2id +
 * AES-GCM, by the vault) as text to save or download; restore such a backup into a device
 * that has no vault yet.
 * @module
 */
import type { AppContext, Screen } from '../app.ts';
import { busy, copyButton, errorAlert, field, h, replaceChildren, screenHead } from '../dom.ts';
import { MIN_PASSPHRASE } from './vault.ts';

/** Export screen (unlocked). */
export function backupScreen(ctx: AppContext): Screen {
  const pass = h('input', { type: 'password', autocomplete: 'new-password', testid: 'backup-passphrase' });
  const confirm = h('input', { type: 'password', autocomplete: 'new-password', testid: 'backup-passphrase-confirm' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'backup-export' }, 'Create encrypted backup');
  const out = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'card', testid: 'backup-form' },
    h('h2', {}, 'Export'),
    h('p', { class: 'small muted' }, 'The backup holds this device’s encrypted shares, nonce ledger, audit log and unlock records. Whoever has the backup and its passphrase holds this device’s shares: keep it offline.'),
    field('Backup passphrase', pass, `At least ${MIN_PASSPHRASE} characters; needed to restore.`),
    field('Repeat backup passphrase', confirm),
    out,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(
      submit,
      async () => {
        replaceChildren(out);
        if (pass.value.length < MIN_PASSPHRASE) throw { code: 'bad-input', message: `The backup passphrase needs at least ${MIN_PASSPHRASE} characters.`, field: 'passphrase' };
        if (pass.value !== confirm.value) throw { code: 'bad-input', message: 'The two passphrases differ.', field: 'passphrase' };
        replaceChildren(out, h('p', { class: 'muted', role: 'status' }, 'Encrypting…'));
        const text = await ctx.core.exportBackup(pass.value);
        pass.value = '';
        confirm.value = '';
        const area = h('textarea', { readonly: true, rows: 6, testid: 'backup-text', 'aria-label': 'Encrypted backup' });
        area.value = text;
        const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
        const download = h('a', { class: 'button', href: url, download: `tessera-backup-${new Date().toISOString().slice(0, 10)}.json`, testid: 'backup-download' }, 'Download');
        replaceChildren(out, h('div', { class: 'alert ok' }, 'Backup created.'), area, h('div', { class: 'actions' }, copyButton(() => text, 'backup-copy', area), download));
      },
      (e) => replaceChildren(out, errorAlert(e, 'backup-error')),
    );
  });
  const el = h('section', { testid: 'screen-backup' }, screenHead('Backup', 'An encrypted copy of this device’s vault.'), form);
  return { el, title: 'Backup' };
}

/** Restore screen (only on a device without a vault). */
export function restoreScreen(ctx: AppContext): Screen {
  const text = h('textarea', { rows: 6, testid: 'restore-text', spellcheck: 'false', autofocus: true });
  const file = h('input', { type: 'file', accept: '.json,application/json,text/plain', testid: 'restore-file' });
  const pass = h('input', { type: 'password', autocomplete: 'current-password', testid: 'restore-passphrase' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'restore-submit' }, 'Restore');
  const errorBox = h('div', { 'aria-live': 'assertive' });
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (f) void f.text().then((t) => (text.value = t));
  });
  const form = h(
    'form',
    { class: 'card narrow', testid: 'restore-form' },
    field('Backup text', text, 'Paste it, or choose the file below.'),
    field('Backup file', file),
    field('Backup passphrase', pass),
    errorBox,
    h('div', { class: 'actions' }, submit, h('a', { class: 'button ghost', href: '#/welcome' }, 'Back')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(
      submit,
      async () => {
        replaceChildren(errorBox, h('p', { class: 'muted', role: 'status' }, 'Decrypting and checking the backup…'));
        await ctx.core.importBackup(text.value.trim(), pass.value);
        pass.value = '';
        ctx.toast('Backup restored', 'ok');
        ctx.go('accounts', undefined, true);
        ctx.refresh();
      },
      (e) => replaceChildren(errorBox, errorAlert(e, 'restore-error')),
    );
  });
  const el = h('section', { testid: 'screen-restore' }, screenHead('Restore a backup', 'Recreates this device’s vault from an encrypted backup.'), form);
  return { el, title: 'Restore' };
}
