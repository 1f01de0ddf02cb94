/**
 * Create a shared wallet: name, signature scheme (FROST secp256k1, Bitcoin Taproot BIP340, or
 * Ed25519) and t-of-n. Starting it opens the lobby screen with one invite link per other member.
 * @module
 */
import type { SchemeName, SuiteName } from '../../core/index.ts';
import type { AppContext, Screen } from '../app.ts';
import { busy, errorAlert, field, h, replaceChildren, screenHead } from '../dom.ts';

const SUITES: readonly { value: string; scheme: SchemeName; suite: SuiteName; title: string; detail: string }[] = [
  { value: 'taproot', scheme: 'frost', suite: 'taproot', title: 'Bitcoin Taproot', detail: 'BIP340 Schnorr signatures with an x-only key (FROST over secp256k1).' },
  { value: 'secp256k1', scheme: 'frost', suite: 'secp256k1', title: 'secp256k1 Schnorr', detail: 'FROST(secp256k1, SHA-256) as in RFC 9591.' },
  { value: 'ed25519', scheme: 'frost', suite: 'ed25519', title: 'Ed25519', detail: 'Standard Ed25519 signatures (FROST(Ed25519, SHA-512), RFC 9591).' },
  { value: 'ecdsa', scheme: 'cggmp', suite: 'secp256k1', title: 'ECDSA secp256k1', detail: 'Plain ECDSA signatures (CGGMP21). Setup searches for large primes in background workers: expect up to a minute.' },
];

/** The create-wallet form. */
export function createScreen(ctx: AppContext): Screen {
  const label = h('input', { type: 'text', testid: 'create-label', required: true, maxlength: 64, autofocus: true, placeholder: 'e.g. Family savings' });
  const memberLabel = h('input', { type: 'text', testid: 'create-member-label', maxlength: 64, placeholder: 'e.g. Alice laptop' });
  const threshold = h('input', { type: 'number', testid: 'create-threshold', min: 1, max: 16, value: 2, required: true });
  const parties = h('input', { type: 'number', testid: 'create-parties', min: 2, max: 16, value: 3, required: true });
  const errorBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'create-submit' }, 'Create and invite');
  const summary = h('p', { class: 'muted small', testid: 'create-summary', 'aria-live': 'polite' });

  const radios = SUITES.map((s, i) =>
    h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'suite', value: s.value, testid: `create-suite-${s.value}`, checked: i === 0 }), h('span', {}, h('strong', {}, s.title), h('br'), h('span', { class: 'muted small' }, s.detail))),
  );
  const updateSummary = (): void => {
    const t = Number(threshold.value);
    const n = Number(parties.value);
    summary.textContent = Number.isInteger(t) && Number.isInteger(n) && t >= 1 && n >= 2 && t <= n ? `${t === 1 ? `Each of the ${n} members can sign alone.` : `Any ${t} of the ${n} members can sign together; fewer cannot.`} You will send ${n - 1} invite link${n - 1 === 1 ? '' : 's'}.` : 'Choose 1 ≤ t ≤ n and 2 ≤ n ≤ 16.';
  };
  threshold.addEventListener('input', updateSummary);
  parties.addEventListener('input', updateSummary);
  updateSummary();

  const form = h(
    'form',
    { class: 'card', testid: 'create-form' },
    field('Wallet name', label, 'Shown to every member.'),
    field('Your name in this wallet', memberLabel, 'Helps co-signers recognise this device.'),
    h('fieldset', { class: 'field' }, h('legend', {}, 'Signature scheme'), ...radios),
    h('div', { class: 'inline-fields' }, field('Threshold t', threshold, 'Signatures needed'), field('Members n', parties, 'Including you')),
    summary,
    errorBox,
    h('div', { class: 'actions' }, submit, h('a', { class: 'button ghost', href: '#/accounts' }, 'Cancel')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(
      submit,
      async () => {
        replaceChildren(errorBox);
        const choice = SUITES.find((x) => x.value === form.querySelector<HTMLInputElement>('input[name="suite"]:checked')?.value) ?? SUITES[0]!;
        if (label.value.trim() === '') throw { code: 'bad-input', message: 'Give the wallet a name.', field: 'label' };
        const lobby = await ctx.core.startCreate({
          label: label.value.trim(),
          suite: choice.suite,
          scheme: choice.scheme,
          threshold: Number(threshold.value),
          parties: Number(parties.value),
          ...(memberLabel.value.trim() ? { memberLabel: memberLabel.value.trim() } : {}),
        });
        ctx.go('lobby', lobby.id);
      },
      (e) => replaceChildren(errorBox, errorAlert(e, 'create-error')),
    );
  });

  const el = h('section', { testid: 'screen-create' }, screenHead('Create a shared wallet', 'The key is generated jointly (distributed key generation): no device ever holds the whole key.'), form);
  return { el, title: 'Create wallet' };
}
