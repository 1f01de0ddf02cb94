/**
 * Vault screens: welcome (create the device vault with a passphrase and/or a passkey using the
 * WebAuthn PRF extension) and unlock (passphrase or passkey). A refused unlock shows the vault's
 * error as is and leaves everything untouched.
 * @module
 */
import type { AppContext, Screen } from '../app.ts';
import { busy, errorAlert, field, h, replaceChildren } from '../dom.ts';
import { hardwareKeyUnlockButton } from './hardware-key.ts';

/** Minimum passphrase length accepted by the forms. */
export const MIN_PASSPHRASE = 8;

/** Whether this browser offers WebAuthn at all (PRF support is only known when trying). */
export function webauthnAvailable(): boolean {
  return typeof PublicKeyCredential !== 'undefined' && typeof navigator.credentials?.create === 'function' && window.isSecureContext;
}

/** Welcome: explains the wallet and creates the vault. */
export function welcomeScreen(ctx: AppContext): Screen {
  const pass = h('input', { type: 'password', autocomplete: 'new-password', testid: 'welcome-passphrase', minlength: MIN_PASSPHRASE });
  const confirm = h('input', { type: 'password', autocomplete: 'new-password', testid: 'welcome-passphrase-confirm' });
  const usePasskey = h('input', { type: 'checkbox', testid: 'welcome-use-passkey', checked: webauthnAvailable(), disabled: !webauthnAvailable() });
  const usePass = h('input', { type: 'checkbox', testid: 'welcome-use-passphrase', checked: true });
  const errorBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'welcome-create' }, 'Create vault');
  const passFields = h('div', {}, field('Passphrase', pass, `At least ${MIN_PASSPHRASE} characters. It is stretched with Argon2id on this device and never leaves it.`), field('Repeat passphrase', confirm));

  const syncPassFields = (): void => {
    passFields.hidden = !usePass.checked;
  };
  usePass.addEventListener('change', syncPassFields);

  const form = h(
    'form',
    { class: 'card narrow', testid: 'welcome-form', novalidate: true },
    h('h2', {}, 'Create this device’s vault'),
    h('p', { class: 'muted' }, 'Your key shares are encrypted in this browser under a random data key. Choose how you unlock it; you can add or remove methods later.'),
    h('fieldset', {}, h('legend', { class: 'sr-only' }, 'Unlock methods'),
      h('label', { class: 'choice' }, usePasskey, h('span', {}, h('strong', {}, 'Passkey'), h('br'), h('span', { class: 'muted small' }, webauthnAvailable() ? 'Unlock with your device’s passkey (WebAuthn PRF).' : 'Not available in this browser or on an insecure origin.'))),
      h('label', { class: 'choice' }, usePass, h('span', {}, h('strong', {}, 'Passphrase'), h('br'), h('span', { class: 'muted small' }, 'Works everywhere; needed to restore backups.'))),
    ),
    passFields,
    errorBox,
    h('div', { class: 'actions' }, submit),
    h('p', { class: 'small muted' }, 'Moving from another device? ', h('a', { href: '#/restore', testid: 'welcome-restore' }, 'Restore a backup'), '.'),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(
      submit,
      async () => {
        replaceChildren(errorBox);
        if (!usePass.checked && !usePasskey.checked) throw { code: 'bad-input', message: 'Choose at least one unlock method.' };
        if (usePass.checked) {
          if (pass.value.length < MIN_PASSPHRASE) throw { code: 'bad-input', message: `The passphrase needs at least ${MIN_PASSPHRASE} characters.`, field: 'passphrase' };
          if (pass.value !== confirm.value) throw { code: 'bad-input', message: 'The two passphrases differ.', field: 'passphrase' };
        }
        replaceChildren(errorBox, h('p', { class: 'muted', role: 'status' }, usePasskey.checked ? 'Waiting for your passkey, then deriving keys…' : 'Deriving the key from your passphrase…'));
        await ctx.core.createVault({
          ...(usePass.checked ? { passphrase: pass.value } : {}),
          ...(usePasskey.checked ? { webauthn: { userName: 'Tessera wallet', label: 'Passkey' } } : {}),
        });
        pass.value = '';
        confirm.value = '';
        ctx.toast('Vault created', 'ok');
        ctx.refresh();
      },
      (e) => replaceChildren(errorBox, errorAlert(e, 'welcome-error')),
    );
  });

  const el = h(
    'section',
    { testid: 'screen-welcome' },
    h('div', { class: 'hero' }, h('img', { src: '/icons/icon.svg', alt: '' }), h('h1', { tabindex: '-1', 'data-autofocus': true }, 'Tessera Wallet'), h('p', {}, 'Threshold signatures across your devices: each device keeps one encrypted share, and any t of n devices sign together. No single device can sign alone.')),
    form,
  );
  return { el, title: 'Welcome' };
}

/** Unlock: passphrase or passkey. */
export function unlockScreen(ctx: AppContext): Screen {
  const pass = h('input', { type: 'password', autocomplete: 'current-password', testid: 'unlock-passphrase', autofocus: true });
  const errorBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'unlock-submit' }, 'Unlock');
  const passkey = h('button', { type: 'button', testid: 'unlock-passkey' }, 'Unlock with passkey');
  const passForm = h('form', { testid: 'unlock-form' }, field('Passphrase', pass), h('div', { class: 'actions' }, submit, passkey));
  const methodsNote = h('p', { class: 'small muted' });

  const done = (): void => {
    pass.value = '';
    ctx.toast('Unlocked', 'ok');
    ctx.refresh();
  };
  passForm.querySelector('.actions')?.append(hardwareKeyUnlockButton(ctx, errorBox, done));
  passForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(
      submit,
      async () => {
        replaceChildren(errorBox);
        await ctx.core.unlockWithPassphrase(pass.value);
        done();
      },
      (e) => {
        replaceChildren(errorBox, errorAlert(e, 'unlock-error'));
        pass.select();
      },
    );
  });
  passkey.addEventListener('click', () => {
    void busy(
      passkey,
      async () => {
        replaceChildren(errorBox);
        await ctx.core.unlockWithWebAuthn();
        done();
      },
      (e) => replaceChildren(errorBox, errorAlert(e, 'unlock-error')),
    );
  });

  void ctx.core.listMethods().then(
    (methods) => {
      const hasPass = methods.some((m) => m.kind === 'passphrase');
      const hasPrf = methods.some((m) => m.kind === 'webauthn-prf');
      passkey.hidden = !hasPrf;
      if (!hasPass) {
        pass.closest('.field')?.setAttribute('hidden', '');
        submit.hidden = true;
        passkey.classList.add('primary');
        passkey.focus();
      }
      methodsNote.textContent = `Enrolled: ${methods.map((m) => m.label || m.kind).join(', ')}.`;
    },
    () => undefined,
  );

  const el = h(
    'section',
    { testid: 'screen-unlock' },
    h('div', { class: 'hero' }, h('img', { src: '/icons/icon.svg', alt: '' }), h('h1', { tabindex: '-1', 'data-autofocus': true }, 'Unlock your vault')),
    h('div', { class: 'card narrow' }, h('p', { class: 'muted' }, 'Running ceremonies resume once the vault is unlocked.'), errorBox, passForm, methodsNote),
  );
  return { el, title: 'Unlock' };
}
