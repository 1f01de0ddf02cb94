/**
 * The wallet UI shell: owns the {@link WalletCore}, renders one screen at a time from the hash
 * route, keeps the top navigation and connection indicator current, forwards core events to
 * the visible screen and shows toasts for notable ones.
 *
 * Lock-state guards render the welcome or unlock screen IN PLACE without changing the URL, so a
 * reload (or an invite link opened while locked) returns to the same place once unlocked.
 * @module
 */
import type { WalletCore, WalletEvent } from '../core/index.ts';
import { describeInfo, h, replaceChildren } from './dom.ts';
import { navigate, parseRoute, type Route, type RouteName } from './router.ts';
import { accountScreen, accountsScreen } from './screens/accounts.ts';
import { backupScreen, restoreScreen } from './screens/backup.ts';
import { cosignerScreen } from './screens/cosigner.ts';
import { createScreen } from './screens/create.ts';
import { inboxScreen } from './screens/inbox.ts';
import { joinScreen } from './screens/join.ts';
import { lobbyScreen, rememberLobby } from './screens/lobby.ts';
import { refreshScreen } from './screens/refresh.ts';
import { settingsScreen } from './screens/settings.ts';
import { statusScreen } from './screens/status.ts';
import { unlockScreen, welcomeScreen } from './screens/vault.ts';

/** What every screen gets. */
export interface AppContext {
  readonly core: WalletCore;
  /** URL of the signal server in use. */
  readonly signalUrl: string;
  /** Navigates to a route. */
  go(name: RouteName, param?: string, replace?: boolean): void;
  /** Re-renders the current route (after a lock-state change). */
  refresh(): void;
  /** A transient notification. */
  toast(message: string, kind?: 'info' | 'ok' | 'error'): void;
  /** Whether the signal server connection is up (last event). */
  readonly signalConnected: boolean;
}

/** A rendered screen. */
export interface Screen {
  readonly el: HTMLElement;
  /** Document title suffix. */
  readonly title: string;
  /** Core events while visible. */
  onEvent?(event: WalletEvent): void;
  /** Called when the screen is replaced. */
  dispose?(): void;
}

/** Builds a screen for a route. */
export type ScreenFactory = (ctx: AppContext, route: Route) => Screen;

const SCREENS: Readonly<Record<RouteName, ScreenFactory>> = {
  home: accountsScreen,
  accounts: accountsScreen,
  welcome: welcomeScreen,
  restore: restoreScreen,
  unlock: unlockScreen,
  create: createScreen,
  join: joinScreen,
  lobby: lobbyScreen,
  account: accountScreen,
  inbox: inboxScreen,
  status: statusScreen,
  backup: backupScreen,
  refresh: refreshScreen,
  settings: settingsScreen,
  cosigner: cosignerScreen,
};

const NAV: readonly { name: RouteName; label: string }[] = [
  { name: 'accounts', label: 'Accounts' },
  { name: 'inbox', label: 'Approvals' },
  { name: 'status', label: 'Status' },
  { name: 'backup', label: 'Backup' },
  { name: 'settings', label: 'Settings' },
];

/** Starts the UI in `document` over `core`. */
export function startApp(core: WalletCore, signalUrl: string): void {
  const main = document.getElementById('main')!;
  const nav = document.getElementById('topnav')!;
  const status = document.getElementById('topbar-status')!;
  const toasts = document.getElementById('toasts')!;
  let current: Screen | undefined;
  let currentKey = '';
  let signalConnected = false;
  let pendingInbox = 0;

  const ctx: AppContext = {
    core,
    signalUrl,
    go: (name, param, replace) => navigate(name, param, replace),
    refresh: () => render(true),
    toast,
    get signalConnected() {
      return signalConnected;
    },
  };

  function toast(message: string, kind: 'info' | 'ok' | 'error' = 'info'): void {
    const t = h('div', { class: `toast ${kind}`, testid: `toast-${kind}` }, message);
    toasts.appendChild(t);
    while (toasts.childElementCount > 3) toasts.firstElementChild?.remove();
    setTimeout(() => t.remove(), kind === 'error' ? 9000 : 5000);
  }

  function effectiveRoute(): Route {
    const route = parseRoute(location.hash, location.href);
    if (core.state === 'no-vault') return route.name === 'restore' ? route : { name: 'welcome' };
    if (core.state === 'locked') return { name: 'unlock' };
    if (route.name === 'welcome' || route.name === 'unlock' || route.name === 'restore') return { name: 'accounts' };
    return route;
  }

  function renderNav(active: RouteName): void {
    if (core.state !== 'unlocked') {
      nav.replaceChildren();
      return;
    }
    const current = active === 'home' ? 'accounts' : active === 'account' || active === 'create' || active === 'join' || active === 'lobby' ? 'accounts' : active === 'refresh' ? 'status' : active;
    replaceChildren(
      nav,
      NAV.map((n) =>
        h(
          'a',
          { href: `#/${n.name}`, testid: `nav-${n.name}`, 'aria-current': n.name === current ? 'page' : undefined },
          n.label,
          n.name === 'inbox' && pendingInbox > 0 ? h('span', { class: 'badge accent', testid: 'inbox-count' }, String(pendingInbox)) : null,
        ),
      ),
    );
  }

  function renderStatus(): void {
    if (core.state !== 'unlocked') {
      replaceChildren(status, core.state === 'locked' ? h('span', { class: 'badge' }, 'Locked') : null);
      return;
    }
    const lock = h('button', { type: 'button', class: 'small', testid: 'lock' }, 'Lock');
    lock.addEventListener('click', () => {
      void core.lock().then(() => render(true), (e: unknown) => toast(String(e), 'error'));
    });
    replaceChildren(
      status,
      h('span', { class: 'row', testid: 'signal-indicator', 'data-connected': String(signalConnected), title: signalUrl }, h('span', { class: `dot ${signalConnected ? 'ok' : ''}`, 'aria-hidden': 'true' }), signalConnected ? 'Online' : 'Not connected'),
      lock,
    );
  }

  async function updateInboxCount(): Promise<void> {
    if (core.state !== 'unlocked') return;
    try {
      const list = await core.inbox();
      pendingInbox = list.filter((r) => (r.status === 'pending' || r.status === 'ready') && r.mine === undefined).length;
    } catch {
      pendingInbox = 0;
    }
    renderNav(effectiveRoute().name);
  }

  function render(force = false): void {
    const route = effectiveRoute();
    const key = `${route.name}|${route.param ?? ''}|${route.joinLink ?? ''}|${core.state}`;
    if (!force && key === currentKey) return;
    currentKey = key;
    current?.dispose?.();
    let screen: Screen;
    try {
      screen = SCREENS[route.name](ctx, route);
    } catch (e) {
      screen = { el: h('section', {}, h('h1', {}, 'Error'), h('p', {}, String(e))), title: 'Error' };
    }
    current = screen;
    screen.el.setAttribute('data-screen', route.name);
    replaceChildren(main, screen.el);
    document.title = `${screen.title} · Tessera Wallet`;
    renderNav(route.name);
    renderStatus();
    const focus = screen.el.querySelector<HTMLElement>('[autofocus]') ?? screen.el.querySelector<HTMLElement>('[data-autofocus]');
    focus?.focus();
    void updateInboxCount();
  }

  core.subscribe((event) => {
    switch (event.type) {
      case 'state':
        render(true);
        return;
      case 'lobby':
        rememberLobby(event.lobby);
        break;
      case 'signal':
        signalConnected = event.connected;
        renderStatus();
        break;
      case 'request':
        if (event.change === 'received' && event.request.mine === undefined) toast(`New ${event.request.kind === 'sign' ? 'signing' : 'refresh'} request: ${event.request.note || event.request.id.slice(0, 8)}`);
        if (event.change === 'signed') toast('Signature complete and verified', 'ok');
        void updateInboxCount();
        break;
      case 'error':
        {
          const d = describeInfo(event.error);
          toast(d.code === 'nonce-reused' || !d.detail ? d.title : `${d.title}: ${d.detail}`, 'error');
        }
        break;
      default:
        break;
    }
    try {
      current?.onEvent?.(event);
    } catch (e) {
      toast(String(e), 'error');
    }
  });

  window.addEventListener('hashchange', () => render());
  render(true);
}
