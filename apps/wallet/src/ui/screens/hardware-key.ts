/**
 * The hardware key (PKCS#11 bridge) in the UI: the settings card (bridge URL, register this
 * device, its fingerprint and the operator's exact `--approve` command, waiting for the
 * approval, enrolling the method with an existing passphrase or passkey, removing it), the
 * "Unlock with hardware key" button of the unlock screen, and the status card of the
 * three-way nonce cross-check (IndexedDB ledger, HSM counter, mailbox) with its mismatches.
 * Bridge refusals are shown with what they mean and that nothing in the vault changed.
 * @module
 */
import type { AccountNonceRecords, HardwareKeyState, NonceCrossCheck, UnlockSecret } from '../../core/index.ts';
import type { AppContext } from '../app.ts';
import { busy, copyButton, errorAlert, field, groupFingerprint, h, replaceChildren, shortHex } from '../dom.ts';

const BRIDGE_TITLES: Readonly<Record<string, string>> = {
  unreachable: 'The hardware key bridge cannot be reached',
  'hsm-unavailable': 'The HSM behind the bridge is unavailable',
  'device-not-approved': 'This device is not approved at the bridge yet',
  'unknown-device': 'This device is not registered at the bridge',
  'origin-not-allowed': 'The bridge does not allow this wallet’s origin',
  'rate-limited': 'The bridge asks to slow down',
  'stale-timestamp': 'This device’s clock differs from the bridge’s',
  'bad-signature': 'The bridge refused this device’s signature',
  'no-wrapping-key': 'The HSM holds no key for this device',
};

/** Origins whose requests this page's Content Security Policy blocked (`connect-src`), most recent last. */
const cspBlocked = new Set<string>();
if (typeof document !== 'undefined') {
  document.addEventListener('securitypolicyviolation', (ev) => {
    if (!ev.effectiveDirective.startsWith('connect-src')) return;
    try {
      cspBlocked.add(new URL(ev.blockedURI).origin);
    } catch {
      // not a URL (e.g. 'inline'): not a bridge request
    }
  });
}

/** The origin named in a bridge error message (`cannot reach http://host:port (…)`), if any. */
function originIn(message: string): string | undefined {
  const m = /https?:\/\/[^\s/()]+/.exec(message);
  if (!m) return undefined;
  try {
    return new URL(m[0]).origin;
  } catch {
    return undefined;
  }
}

/** Whether `e` is a refusal of the PKCS#11 bridge (`BridgeError`). */
function isBridgeError(e: unknown): e is { name: string; code: string; message: string; status: number } {
  return (e as { name?: unknown } | null)?.name === 'BridgeError' && typeof (e as { code?: unknown }).code === 'string';
}

/** An alert for any error, with bridge refusals explained (and that nothing was changed). */
export function hardwareKeyError(e: unknown, testid: string): HTMLElement {
  if (!isBridgeError(e)) return errorAlert(e, testid);
  const origin = e.code === 'unreachable' ? originIn(e.message) : undefined;
  if (origin !== undefined && cspBlocked.has(origin))
    return h(
      'div',
      { class: 'alert error', role: 'alert', testid, 'data-code': 'bridge:csp-blocked' },
      h('strong', {}, 'This page’s Content Security Policy blocks the bridge'),
      h('span', {}, `The browser refused to connect to ${origin}: the served page’s connect-src does not name it. The server hosting the wallet must allow the bridge’s origin. Nothing in the vault was changed.`),
    );
  const title = BRIDGE_TITLES[e.code] ?? 'The hardware key bridge refused the request';
  const said = e.message.replace(/^PKCS#11 bridge: /, '');
  const detail = `${said.charAt(0).toUpperCase()}${said.slice(1)}. Nothing in the vault was changed${e.code === 'unreachable' || e.code === 'hsm-unavailable' ? '; try again once it is back, or unlock with another method' : ''}.`;
  return h('div', { class: 'alert error', role: 'alert', testid, 'data-code': `bridge:${e.code}` }, h('strong', {}, title), h('span', {}, detail));
}

/**
 * Shows `e` in `box`; an unreachable bridge is shown again a moment later, because the
 * browser reports a CSP block (`securitypolicyviolation`) only after the fetch failed.
 */
function showError(box: HTMLElement, e: unknown, testid: string): void {
  const first = hardwareKeyError(e, testid);
  replaceChildren(box, first);
  if (isBridgeError(e) && e.code === 'unreachable')
    setTimeout(() => {
      if (first.isConnected) first.replaceWith(hardwareKeyError(e, testid));
    }, 200);
}

/** The default bridge URL: `npm start` runs the bridge on the wallet's port + 1. */
function defaultBridgeUrl(): string {
  const port = Number(location.port || (location.protocol === 'https:' ? 443 : 80));
  return `${location.protocol}//${location.hostname}:${port + 1}`;
}

/** The settings card of the hardware key. */
export function hardwareKeyCard(ctx: AppContext): HTMLElement {
  const hk = ctx.core.hardwareKey;
  const errorBox = h('div', { 'aria-live': 'assertive' });
  const stateBox = h('div', { testid: 'hk-state' });
  const url = h('input', { type: 'url', testid: 'hk-url', value: defaultBridgeUrl(), autocomplete: 'off', spellcheck: 'false' });
  const register = h('button', { type: 'submit', class: 'primary', testid: 'hk-register' }, 'Register this device');
  const form = h('form', { testid: 'hk-form' }, field('Bridge URL', url, 'The PKCS#11 bridge (tessera hsm-bridge) that holds this device’s key in the HSM.'), h('div', { class: 'actions' }, register));
  const card = h(
    'div',
    { class: 'card', testid: 'hardware-key' },
    h('h2', {}, 'Hardware key (PKCS#11 bridge)'),
    h('p', { class: 'small muted' }, 'The vault’s data key is sealed by a key that never leaves the HSM; this device signs its requests with a key the page cannot read. Once enrolled, the nonce ledger also takes its counter from the HSM.'),
    errorBox,
    stateBox,
    form,
  );
  if (!hk) {
    replaceChildren(stateBox, h('p', { class: 'muted' }, 'Not available in this build.'));
    form.hidden = true;
    return card;
  }
  let waiting: AbortController | undefined;
  const fail = (e: unknown): void => showError(errorBox, e, 'hk-error');

  function wait(): void {
    if (waiting) return;
    waiting = new AbortController();
    const ctl = waiting;
    // stops once the card leaves the page
    const gone = setInterval(() => {
      if (!card.isConnected) ctl.abort();
    }, 1000);
    hk!
      .waitForApproval({ signal: ctl.signal, intervalMs: 2000 })
      .then(
        (s) => {
          ctx.toast('The bridge approved this device', 'ok');
          show(s);
        },
        (e: unknown) => {
          if (!ctl.signal.aborted) fail(e);
        },
      )
      .finally(() => {
        clearInterval(gone);
        waiting = undefined;
      });
  }

  function show(s: HardwareKeyState): void {
    if (s.url) url.value = s.url;
    register.textContent = s.configured ? 'Register again' : 'Register this device';
    form.hidden = s.enrolled;
    if (!s.configured) {
      replaceChildren(stateBox, h('p', { class: 'muted', testid: 'hk-unconfigured' }, 'Not set up. Enter the bridge URL and register this device; an operator then approves it on the bridge’s machine.'));
      return;
    }
    const badge = s.enrolled ? h('span', { class: 'badge ok' }, 'enrolled') : s.registration === 'approved' ? h('span', { class: 'badge ok' }, 'approved') : s.registration === 'pending' ? h('span', { class: 'badge warn' }, 'waiting for approval') : h('span', { class: 'badge' }, 'not registered');
    const command = h('input', { type: 'text', readonly: true, class: 'mono', testid: 'hk-approve-command', value: s.approveCommand ?? '', 'data-device-id': s.deviceId ?? '' });
    const check = h('button', { type: 'button', testid: 'hk-check' }, 'Check approval');
    check.addEventListener('click', () => void busy(check, async () => {
      replaceChildren(errorBox);
      show(await hk!.checkApproval());
    }, fail));
    const facts = h(
      'dl',
      { class: 'facts small' },
      h('dt', {}, 'State'),
      h('dd', { testid: 'hk-registration', 'data-registration': s.registration, 'data-enrolled': String(s.enrolled) }, badge),
      h('dt', {}, 'Bridge'),
      h('dd', { class: 'mono' }, s.url ?? ''),
      h('dt', {}, 'Device id'),
      h('dd', { class: 'mono', testid: 'hk-device-id' }, s.deviceId ?? ''),
      h('dt', {}, 'Device key fingerprint'),
      h('dd', { class: 'fingerprint', testid: 'hk-fingerprint' }, groupFingerprint(s.fingerprint ?? '')),
      h('dt', {}, 'Nonce counter'),
      h('dd', { testid: 'hk-counter' }, s.counter ? 'HSM counter (the IndexedDB ledger follows it)' : 'IndexedDB ledger only'),
    );
    const parts: HTMLElement[] = [facts];
    if (s.registration === 'pending') {
      parts.push(
        h(
          'div',
          { class: 'alert info', testid: 'hk-pending' },
          h('strong', {}, 'Ask the bridge operator to approve this device'),
          h('span', {}, 'They compare the fingerprint above with the one the bridge lists (tessera hsm-bridge --list-devices --data DIR), then run (DIR is the bridge’s --data directory; npm start uses .tessera/hsm/data):'),
        ),
        h('div', { class: 'row' }, command, copyButton(() => command.value, 'hk-copy-command', command), check),
      );
      wait();
    }
    if (s.registration === 'approved' && !s.enrolled) parts.push(enrollForm());
    if (s.enrolled) {
      const remove = h('button', { type: 'button', class: 'danger small', testid: 'hk-remove' }, 'Remove hardware key');
      remove.addEventListener('click', () => void busy(remove, async () => {
        replaceChildren(errorBox);
        await hk!.remove();
        ctx.toast('Hardware key removed', 'ok');
        show(await hk!.state());
      }, fail));
      parts.push(h('p', { class: 'small muted' }, 'Unlock with it on the unlock screen. Removing it keeps your other methods.'), h('div', { class: 'actions' }, remove));
    }
    replaceChildren(stateBox, parts);
  }

  function enrollForm(): HTMLElement {
    const kind = h('select', { testid: 'hk-auth-kind' }, h('option', { value: 'passphrase' }, 'Current passphrase'), h('option', { value: 'webauthn' }, 'Current passkey'));
    const pass = h('input', { type: 'password', autocomplete: 'current-password', testid: 'hk-auth-passphrase' });
    const passField = field('Current passphrase', pass);
    kind.addEventListener('change', () => {
      passField.hidden = kind.value !== 'passphrase';
    });
    const enroll = h('button', { type: 'submit', class: 'primary', testid: 'hk-enroll' }, 'Enroll hardware key');
    const f = h('form', { testid: 'hk-enroll-form' }, h('p', {}, 'The bridge approved this device. Enroll the hardware key as an unlock method (prove an existing method first):'), h('div', { class: 'inline-fields' }, field('Authorize with', kind), passField), h('div', { class: 'actions' }, enroll));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void busy(enroll, async () => {
        replaceChildren(errorBox);
        const existing: UnlockSecret = kind.value === 'passphrase' ? { kind: 'passphrase', passphrase: pass.value } : { kind: 'webauthn' };
        await hk!.enroll(existing);
        pass.value = '';
        ctx.toast('Hardware key enrolled', 'ok');
        show(await hk!.state());
        card.dispatchEvent(new CustomEvent('hardware-key-changed', { bubbles: true }));
      }, fail);
    });
    return f;
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(register, async () => {
      replaceChildren(errorBox);
      const s = await hk.configure({ url: url.value.trim() });
      ctx.toast(s.registration === 'approved' ? 'Registered and approved' : 'Registered: waiting for the operator', 'ok');
      show(s);
    }, fail);
  });
  void hk.state().then(show, fail);
  return card;
}

/**
 * The unlock screen's "Unlock with hardware key" button: hidden unless the vault has the
 * hardware key enrolled; errors go to `errorBox`, success calls `done`.
 */
export function hardwareKeyUnlockButton(ctx: AppContext, errorBox: HTMLElement, done: () => void): HTMLButtonElement {
  const b = h('button', { type: 'button', testid: 'unlock-hardware-key', hidden: true }, 'Unlock with hardware key');
  const hk = ctx.core.hardwareKey;
  if (!hk || !ctx.core.unlockWithHardwareKey) return b;
  void hk.state().then(
    (s) => {
      b.hidden = !s.enrolled;
    },
    () => undefined,
  );
  b.addEventListener('click', () => void busy(b, async () => {
    replaceChildren(errorBox, h('p', { class: 'muted', role: 'status' }, 'Asking the hardware key bridge…'));
    await ctx.core.unlockWithHardwareKey!();
    replaceChildren(errorBox);
    done();
  }, (e) => showError(errorBox, e, 'unlock-error')));
  return b;
}

function row(a: AccountNonceRecords): HTMLElement {
  const ok = a.mismatches.length === 0;
  return h(
    'tr',
    { testid: 'nonce-xcheck-account', 'data-account-id': a.accountId, 'data-ok': String(ok) },
    h('td', {}, a.label, h('br'), h('span', { class: 'small muted mono', title: a.keyId, testid: 'nonce-xcheck-key-id', 'data-key-id': a.keyId }, shortHex(a.keyId))),
    h('td', { testid: 'nonce-xcheck-ledger' }, `${a.ledgerCounter} / ${a.ledgerConsumed}`),
    h('td', { testid: 'nonce-xcheck-hsm' }, a.hsmCounter ?? '—'),
    h('td', { testid: 'nonce-xcheck-mailbox', title: a.mailboxError ?? '' }, a.mailboxPublished === undefined ? 'unknown' : String(a.mailboxPublished), a.mailboxUnrecorded > 0 ? h('span', { class: 'small muted' }, ` (+${a.mailboxUnrecorded} not yet recorded)`) : null),
    h('td', {}, ok ? h('span', { class: 'badge ok' }, 'agree') : h('ul', { class: 'small', testid: 'nonce-xcheck-mismatches' }, a.mismatches.map((m) => h('li', { testid: 'nonce-xcheck-mismatch', 'data-kind': m.kind }, m.message)))),
  );
}

/** The status card of the three-way nonce cross-check. */
export function nonceCrossCheckCard(x: NonceCrossCheck | undefined): HTMLElement | null {
  if (!x) return null;
  return h(
    'div',
    { class: 'card', testid: 'nonce-xcheck', 'data-ok': String(x.ok), 'data-hsm': String(x.hsm) },
    h('div', { class: 'row between' }, h('h2', {}, 'Nonce records cross-check'), h('span', { class: `badge ${x.ok ? 'ok' : 'danger'}` }, x.ok ? 'OK' : 'MISMATCH')),
    h('p', { class: 'small muted' }, `Each signing draws one counter value before publishing its commitment and consumes its nonce after, so consumed ≤ published ≤ counter, and the ledger’s counter equals the HSM’s. ${x.hsm ? 'The HSM counter takes part (hardware key enrolled).' : 'No hardware key enrolled: the HSM counter is not checked.'}`),
    x.ok ? null : h('div', { class: 'alert error', role: 'alert', testid: 'nonce-xcheck-alert' }, h('strong', {}, 'The records of nonce use disagree'), h('span', {}, x.detail)),
    x.accounts.length
      ? h(
          'table',
          { testid: 'nonce-xcheck-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Account'), h('th', {}, 'IndexedDB ledger (counter / consumed)'), h('th', {}, 'HSM counter'), h('th', {}, 'Mailbox (sessions published)'), h('th', {}, 'Result'))),
          h('tbody', {}, x.accounts.map(row)),
        )
      : h('p', { class: 'muted small' }, 'No FROST accounts yet.'),
  );
}
