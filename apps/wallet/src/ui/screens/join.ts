/**
 * Join a shared wallet from an invite link: opened directly (`#join=…` routes here) or pasted.
 * The link is previewed first (nothing is sent): wallet name, scheme, t-of-n, the seat it
 * grants and the creator's fingerprint to compare out of band. Joining enrolls this device and
 * moves to the lobby screen, dropping the link from the browser history.
 * @module
 */
import type { LinkPreview } from '../../core/index.ts';
import type { AppContext, Screen } from '../app.ts';
import { busy, errorAlert, field, formatTime, groupFingerprint, h, replaceChildren, screenHead } from '../dom.ts';
import type { Route } from '../router.ts';
import { schemeName } from './accounts.ts';

/** The join screen. */
export function joinScreen(ctx: AppContext, route: Route): Screen {
  const body = h('div');
  const el = h('section', { testid: 'screen-join' }, screenHead('Join a shared wallet', 'Open or paste the invite link you received.'), body);

  function showPaste(error?: unknown): void {
    const input = h('textarea', { testid: 'join-link-input', rows: 3, spellcheck: 'false', autofocus: true, placeholder: 'https://…#join=…' });
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'join-preview' }, 'Continue');
    const form = h('form', { class: 'card', testid: 'join-paste-form' }, error ? errorAlert(error, 'join-error') : null, field('Invite link', input, 'The link carries a one-time seat key in its #fragment, which is never sent to any server.'), h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      showPreview(input.value.trim());
    });
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey) {
        ev.preventDefault();
        form.requestSubmit();
      }
    });
    replaceChildren(body, form);
    input.focus();
  }

  function showPreview(link: string): void {
    let p: LinkPreview;
    try {
      p = ctx.core.previewLink(link);
    } catch (e) {
      showPaste(e);
      return;
    }
    const memberLabel = h('input', { type: 'text', testid: 'join-member-label', maxlength: 64, placeholder: `Member ${p.slot}`, autofocus: true });
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'join-confirm' }, 'Join this wallet');
    const errorBox = h('div', { 'aria-live': 'assertive' });
    const form = h(
      'form',
      { class: 'card', testid: 'join-form' },
      h('h2', {}, p.label),
      h(
        'dl',
        { class: 'facts', testid: 'join-details' },
        h('dt', {}, 'Scheme'),
        h('dd', {}, schemeName(p.scheme, p.suite)),
        h('dt', {}, 'Threshold'),
        h('dd', {}, `${p.threshold} of ${p.parties}`),
        h('dt', {}, 'Your seat'),
        h('dd', { testid: 'join-slot' }, `member #${p.slot}`),
        h('dt', {}, 'Creator fingerprint'),
        h('dd', { class: 'fingerprint', testid: 'join-creator-fingerprint' }, groupFingerprint(p.creatorFingerprint)),
        h('dt', {}, 'Expires'),
        h('dd', {}, formatTime(p.expiresAt)),
      ),
      h('p', { class: 'alert info small' }, 'Check the creator fingerprint with the person who sent the link before joining.'),
      field('Your name in this wallet', memberLabel, 'Shown to the other members.'),
      errorBox,
      h('div', { class: 'actions' }, submit, h('a', { class: 'button ghost', href: '#/accounts' }, 'Cancel')),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void busy(
        submit,
        async () => {
          replaceChildren(errorBox);
          const handle = await ctx.core.joinFromLink(link, memberLabel.value.trim() ? { memberLabel: memberLabel.value.trim() } : {});
          ctx.go('lobby', handle.id, true);
        },
        (e) => replaceChildren(errorBox, errorAlert(e, 'join-error')),
      );
    });
    replaceChildren(body, form);
    memberLabel.focus();
  }

  if (route.joinLink) showPreview(route.joinLink);
  else showPaste();
  return { el, title: 'Join wallet' };
}
