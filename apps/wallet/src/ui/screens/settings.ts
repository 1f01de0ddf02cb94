/**
 * Settings: the vault's unlock methods (list, add a passphrase or a passkey — authorized by an
 * existing method —, remove; the data key is re-wrapped, shares are untouched), this device's
 * identity fingerprint, the signal server in use, and locking.
 * @module
 */
import type { UnlockSecret } from '../../core/index.ts';
import type { AppContext, Screen } from '../app.ts';
import { busy, errorAlert, field, formatTime, groupFingerprint, h, replaceChildren, screenHead } from '../dom.ts';
import { MIN_PASSPHRASE, webauthnAvailable } from './vault.ts';
import { hardwareKeyCard } from './hardware-key.ts';

/** The settings screen. */
export function settingsScreen(ctx: AppContext): Screen {
  const methodsBox = h('div', { testid: 'methods' });
  const errorBox = h('div', { 'aria-live': 'assertive' });

  async function loadMethods(): Promise<void> {
    try {
      const methods = await ctx.core.listMethods();
      const hasPass = methods.some((m) => m.kind === 'passphrase');
      const hasKey = methods.some((m) => m.kind === 'webauthn-prf');
      for (const o of Array.from(authKind.options)) o.disabled = o.value === 'passphrase' ? !hasPass : !hasKey;
      if (authKind.selectedOptions[0]?.disabled) {
        authKind.value = hasPass ? 'passphrase' : 'webauthn';
        authPassField.hidden = authKind.value !== 'passphrase';
      }
      replaceChildren(
        methodsBox,
        h(
          'ul',
          { class: 'list' },
          methods.map((m) => {
            const remove = h('button', { type: 'button', class: 'danger small', testid: 'method-remove', disabled: methods.length < 2 }, 'Remove');
            remove.addEventListener('click', () =>
              void busy(
                remove,
                async () => {
                  await ctx.core.removeMethod(m.id);
                  ctx.toast('Unlock method removed', 'ok');
                  await loadMethods();
                },
                (e) => replaceChildren(errorBox, errorAlert(e, 'settings-error')),
              ),
            );
            return h('li', { class: 'row between', testid: 'method', 'data-kind': m.kind }, h('span', {}, h('strong', {}, m.label || m.kind), h('br'), h('span', { class: 'small muted' }, `${m.kind === 'passphrase' ? 'Passphrase (Argon2id)' : m.kind === 'pkcs11' ? 'Hardware key (PKCS#11 bridge)' : 'Passkey (WebAuthn PRF)'} · added ${formatTime(m.created)}`)), remove);
          }),
        ),
      );
    } catch (e) {
      replaceChildren(methodsBox, errorAlert(e));
    }
  }

  // authorization with an existing method
  const authKind = h('select', { testid: 'auth-kind' }, h('option', { value: 'passphrase' }, 'Current passphrase'), h('option', { value: 'webauthn' }, 'Current passkey'));
  const authPass = h('input', { type: 'password', autocomplete: 'current-password', testid: 'auth-passphrase' });
  const authPassField = field('Current passphrase', authPass);
  authKind.addEventListener('change', () => {
    authPassField.hidden = authKind.value !== 'passphrase';
  });
  const existing = (): UnlockSecret => (authKind.value === 'passphrase' ? { kind: 'passphrase', passphrase: authPass.value } : { kind: 'webauthn' });

  const newPass = h('input', { type: 'password', autocomplete: 'new-password', testid: 'new-passphrase' });
  const addPass = h('button', { type: 'submit', testid: 'add-passphrase' }, 'Add passphrase');
  const addKey = h('button', { type: 'button', testid: 'add-passkey', disabled: !webauthnAvailable() }, 'Add passkey');
  const addForm = h('form', { class: 'card', testid: 'add-method-form' }, h('h2', {}, 'Add an unlock method'), h('p', { class: 'small muted' }, 'Prove you can unlock with an existing method first.'), h('div', { class: 'inline-fields' }, field('Authorize with', authKind), authPassField), field('New passphrase', newPass, `At least ${MIN_PASSPHRASE} characters.`), h('div', { class: 'actions' }, addPass, addKey));
  addForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(
      addPass,
      async () => {
        replaceChildren(errorBox);
        if (newPass.value.length < MIN_PASSPHRASE) throw { code: 'bad-input', message: `The passphrase needs at least ${MIN_PASSPHRASE} characters.`, field: 'passphrase' };
        await ctx.core.addMethod(existing(), { kind: 'passphrase', passphrase: newPass.value, label: 'Passphrase' });
        newPass.value = '';
        authPass.value = '';
        ctx.toast('Passphrase added', 'ok');
        await loadMethods();
      },
      (e) => replaceChildren(errorBox, errorAlert(e, 'settings-error')),
    );
  });
  addKey.addEventListener('click', () =>
    void busy(
      addKey,
      async () => {
        replaceChildren(errorBox);
        await ctx.core.addMethod(existing(), { kind: 'webauthn', label: 'Passkey' });
        authPass.value = '';
        ctx.toast('Passkey added', 'ok');
        await loadMethods();
      },
      (e) => replaceChildren(errorBox, errorAlert(e, 'settings-error')),
    ),
  );

  let fingerprint = '—';
  try {
    fingerprint = groupFingerprint(ctx.core.identity().fingerprint);
  } catch {
    // locked: the guard re-renders
  }
  const lock = h('button', { type: 'button', testid: 'settings-lock' }, 'Lock now');
  lock.addEventListener('click', () => void busy(lock, async () => ctx.core.lock(), (e) => replaceChildren(errorBox, errorAlert(e))));

  const el = h(
    'section',
    { testid: 'screen-settings' },
    screenHead('Settings'),
    errorBox,
    h('div', { class: 'card' }, h('h2', {}, 'Unlock methods'), methodsBox),
    addForm,
    hardwareKeyCard(ctx),
    h(
      'div',
      { class: 'card' },
      h('h2', {}, 'This device'),
      h('dl', { class: 'facts' }, h('dt', {}, 'Identity fingerprint'), h('dd', { class: 'fingerprint', testid: 'settings-fingerprint' }, fingerprint), h('dt', {}, 'Signal server'), h('dd', { class: 'mono' }, ctx.signalUrl)),
      h('p', { class: 'small muted' }, 'To use another signal server, open the wallet with ?signal=wss://host:port in the address.'),
      h('div', { class: 'actions' }, lock),
    ),
  );
  void loadMethods();
  return { el, title: 'Settings' };
}
