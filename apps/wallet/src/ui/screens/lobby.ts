/**
 * Lobby screen of a wallet being created: the creator sees one invite link per slot (with a
 * copy button and the warning that a link is a bearer capability), who joined with which
 * fingerprint, then the key generation's progress; a joiner sees the creator's fingerprint and
 * the same progress. Finished lobbies link to the new account.
 * @module
 */
import type { LobbyHandle, LobbyView, WalletEvent } from '../../core/index.ts';
import type { AppContext, Screen } from '../app.ts';
import { copyButton, errorAlert, formatTime, groupFingerprint, h, progressBar, replaceChildren, screenHead } from '../dom.ts';
import type { Route } from '../router.ts';
import { schemeName } from './accounts.ts';

const lastViews = new Map<string, LobbyView>();

/** Remembers the latest view of a lobby (finished lobbies leave `core.lobbies()`). */
export function rememberLobby(view: LobbyView): void {
  lastViews.set(view.id, view);
}

const STAGE: Readonly<Record<LobbyView['stage'], { text: string; cls: string }>> = {
  enrolling: { text: 'Waiting for members', cls: 'warn' },
  'waiting-invitation': { text: 'Waiting for the creator to start', cls: 'warn' },
  keygen: { text: 'Generating the key', cls: 'accent' },
  done: { text: 'Wallet ready', cls: 'ok' },
  failed: { text: 'Failed', cls: 'danger' },
};

/** The lobby of `route.param`. */
export function lobbyScreen(ctx: AppContext, route: Route): Screen {
  const id = route.param ?? '';
  const el = h('section', { testid: 'screen-lobby', 'data-lobby-id': id });
  let handle: LobbyHandle | undefined = ctx.core.lobbies().find((l) => l.id === id);
  let view: LobbyView | undefined = handle?.view() ?? lastViews.get(id);
  const cancelError = h('div');
  let resumed = false;

  function slotRow(v: LobbyView, s: LobbyView['slots'][number]): HTMLElement {
    const isSelf = s.index === v.selfIndex;
    const joinedBadge = s.joined || isSelf ? h('span', { class: 'badge ok', testid: 'slot-joined' }, isSelf ? 'You' : 'Joined') : h('span', { class: 'badge warn' }, 'Invited');
    // Lobby presence is best effort and only meaningful while members gather in the lobby room.
    const presence = !isSelf && s.joined && s.online !== undefined && v.stage === 'enrolling' ? h('span', { class: `badge ${s.online ? 'ok' : ''}`, testid: 'slot-online', 'data-online': String(s.online) }, s.online ? 'online' : 'offline') : null;
    const status = h('span', { class: 'row' }, presence, joinedBadge);
    const who = s.member ? h('div', { class: 'small' }, h('strong', {}, s.member.label || `Member ${s.index}`), ' · fingerprint ', h('span', { class: 'fingerprint', testid: 'slot-fingerprint' }, groupFingerprint(s.member.fingerprint))) : null;
    let link: HTMLElement | null = null;
    if (v.role === 'creator' && s.link && !s.joined && !isSelf && v.stage === 'enrolling') {
      const area = h('textarea', { readonly: true, rows: 3, testid: `invite-link-${s.index}`, class: 'invite-link', 'aria-label': `Invite link for member ${s.index}`, spellcheck: 'false' });
      area.value = s.link;
      link = h('div', { class: 'stack' }, area, h('div', { class: 'row' }, copyButton(() => s.link ?? '', `invite-copy-${s.index}`, area), h('span', { class: 'small muted' }, 'Send it privately: whoever opens it takes this seat.')));
    }
    return h('div', { class: 'invite', testid: 'lobby-slot', 'data-index': s.index, 'data-joined': String(s.joined || isSelf) }, h('div', { class: 'row between' }, h('strong', {}, `Member #${s.index}`), status), who, link);
  }

  function render(): void {
    if (!view) {
      replaceChildren(el, screenHead('Wallet setup'), h('div', { class: 'card' }, h('p', {}, 'This setup is not running on this device (it may have finished).'), h('a', { href: '#/accounts', class: 'button' }, 'Go to accounts')));
      return;
    }
    const v = view;
    const st = STAGE[v.stage];
    const joined = v.slots.filter((s) => s.joined || s.index === v.selfIndex).length;
    const cancel = h('button', { type: 'button', class: 'danger', testid: 'lobby-cancel' }, 'Cancel setup');
    cancel.addEventListener('click', () => {
      if (!handle) return;
      void handle.cancel().then(
        () => ctx.go('accounts'),
        (e: unknown) => replaceChildren(cancelError, errorAlert(e)),
      );
    });
    replaceChildren(
      el,
      screenHead(v.label, `${v.threshold} of ${v.parties} · ${schemeName(v.scheme, v.suite)} · you are member #${v.selfIndex}`),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'row between' }, h('h2', {}, v.stage === 'keygen' ? 'Generating the shared key' : v.stage === 'done' ? 'Wallet ready' : v.stage === 'failed' ? 'Setup failed' : v.role === 'creator' ? 'Invite your co-signers' : 'Joining'), h('span', { class: `badge ${st.cls}`, testid: 'lobby-stage', 'data-stage': v.stage }, st.text)),
        h('p', { class: 'small muted' }, 'Creator fingerprint: ', h('span', { class: 'fingerprint', testid: 'lobby-creator-fingerprint' }, groupFingerprint(v.creatorFingerprint)), ` · invites expire ${formatTime(v.expiresAt)}`),
        v.stage === 'enrolling' || v.stage === 'waiting-invitation' ? progressBar('Members joined', { round: joined, rounds: v.parties }, 'lobby-joined-progress', '') : null,
        v.stage === 'keygen' ? progressBar('Key generation', v.progress, 'lobby-keygen-progress') : null,
        v.stage === 'keygen' && resumed ? h('p', { class: 'small muted', testid: 'lobby-resumed' }, 'Resumed where it left off (saved progress in this device’s vault).') : null,
        v.stage === 'done' && v.accountId ? h('div', { class: 'alert ok', testid: 'lobby-done' }, h('strong', {}, 'The wallet is ready.'), h('a', { href: `#/account/${encodeURIComponent(v.accountId)}`, testid: 'lobby-open-account' }, 'Open the account')) : null,
        v.error ? errorAlert(v.error, 'lobby-error') : null,
      ),
      h('div', { class: 'card', testid: 'lobby-slots' }, h('h2', {}, 'Members'), v.slots.map((s) => slotRow(v, s))),
      cancelError,
      v.stage !== 'done' && v.stage !== 'failed' && handle ? h('div', { class: 'actions' }, cancel) : null,
    );
  }

  render();
  let disposed = false;
  const watch = (hd: LobbyHandle): void => {
    hd.done.then(
      (account) => {
        if (disposed) return;
        view = { ...(view ?? hd.view()), stage: 'done', accountId: account.id };
        rememberLobby(view);
        render();
      },
      () => {
        if (disposed) return;
        view = hd.view();
        render();
      },
    );
  };
  if (handle) watch(handle);
  return {
    el,
    title: 'Wallet setup',
    dispose() {
      disposed = true;
    },
    onEvent(e: WalletEvent) {
      if (e.type === 'lobby' && e.lobby.id === id) {
        view = e.lobby;
        if (!handle) {
          handle = ctx.core.lobbies().find((l) => l.id === id);
          if (handle) watch(handle);
        }
        render();
      } else if (e.type === 'progress' && e.ceremony === 'keygen' && e.id === id && view) {
        if (e.resumed) resumed = true;
        view = { ...view, stage: 'keygen', progress: e.progress };
        render();
      }
    },
  };
}
