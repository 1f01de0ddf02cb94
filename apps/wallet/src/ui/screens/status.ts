/**
 * Status screen: this device's identity, the signal connection, per-account members online and
 * key epoch, and the vault checks (nonce ledger consistent, audit hash chain verified, every
 * sealed record intact), plus the audit log. A tampered record shows as a failed integrity
 * check naming the record.
 * @module
 */
import type { CheckResult, WalletEvent, WalletStatus } from '../../core/index.ts';
import type { AppContext, Screen } from '../app.ts';
import { busy, errorAlert, formatTime, groupFingerprint, h, replaceChildren, screenHead, shortHex } from '../dom.ts';
import { nonceCrossCheckCard } from './hardware-key.ts';

function check(name: string, testid: string, r: CheckResult): HTMLElement {
  return h(
    'li',
    { class: 'row between check', testid, 'data-ok': String(r.ok) },
    h('span', {}, h('strong', {}, name), h('br'), h('span', { class: 'small muted', testid: `${testid}-detail` }, r.detail)),
    h('span', { class: `badge ${r.ok ? 'ok' : 'danger'}` }, r.ok ? 'OK' : 'FAILED'),
  );
}

/** The status screen. */
export function statusScreen(ctx: AppContext): Screen {
  const body = h('div', { testid: 'status-body' }, h('p', { class: 'muted' }, 'Running checks…'));
  const auditBox = h('div');
  const rerun = h('button', { type: 'button', testid: 'status-rerun' }, 'Run checks again');

  function render(s: WalletStatus): void {
    const problems = [s.nonceLedger, s.audit, s.integrity].filter((c) => !c.ok);
    replaceChildren(
      body,
      problems.length ? h('div', { class: 'alert error', role: 'alert', testid: 'status-alert' }, h('strong', {}, 'Vault check failed'), problems.map((p) => p.error?.message ?? p.detail).join(' · ')) : h('div', { class: 'alert ok', testid: 'status-all-ok' }, 'All vault checks passed.'),
      h(
        'div',
        { class: 'grid' },
        h(
          'div',
          { class: 'card' },
          h('h2', {}, 'This device'),
          h(
            'dl',
            { class: 'facts small' },
            h('dt', {}, 'Fingerprint'),
            h('dd', { class: 'fingerprint', testid: 'status-fingerprint' }, s.identity ? groupFingerprint(s.identity.fingerprint) : '—'),
            h('dt', {}, 'Signal server'),
            h('dd', { testid: 'status-signal', 'data-connected': String(s.signalConnected) }, s.signalConnected ? 'connected' : 'not connected', h('br'), h('span', { class: 'mono muted' }, ctx.signalUrl)),
            h('dt', {}, 'Checked'),
            h('dd', {}, formatTime(s.checkedAt)),
          ),
        ),
        h('div', { class: 'card' }, h('h2', {}, 'Vault checks'), h('ul', { class: 'list' }, check('Nonce ledger consistent', 'status-nonce', s.nonceLedger), check(`Audit chain verified (${s.audit.length} entries)`, 'status-audit', s.audit), check(`Records intact (${s.integrity.records})`, 'status-integrity', s.integrity))),
      ),
      nonceCrossCheckCard(s.nonceCrossCheck),
      h('h2', {}, 'Accounts'),
      s.accounts.length
        ? s.accounts.map((a) =>
            h(
              'div',
              { class: 'card', testid: 'status-account', 'data-account-id': a.accountId },
              h('div', { class: 'row between' }, h('h3', {}, a.label), h('span', { class: 'row' }, h('span', { class: 'badge accent', testid: 'status-epoch' }, `epoch ${a.epoch}`), h('span', { class: `badge ${a.shareOk ? 'ok' : 'danger'}`, testid: 'status-share' }, a.shareOk ? 'share OK' : 'share FAILED'))),
              h(
                'ul',
                { class: 'list' },
                a.members.map((m) => h('li', { class: 'row between', testid: 'status-member', 'data-index': m.index, 'data-online': String(m.online) }, h('span', {}, `#${m.index} ${m.label}`, m.self ? h('span', { class: 'muted' }, ' (this device)') : null, ' · ', h('span', { class: 'fingerprint small' }, groupFingerprint(m.fingerprint))), h('span', { class: 'row small' }, h('span', { class: `dot ${m.online ? 'ok' : ''}`, 'aria-hidden': 'true' }), m.online ? 'online' : 'offline'))),
              ),
              h('a', { href: `#/account/${encodeURIComponent(a.accountId)}`, class: 'small' }, 'Open account'),
            ),
          )
        : h('p', { class: 'muted' }, 'No accounts yet.'),
    );
  }

  async function run(): Promise<void> {
    try {
      render(await ctx.core.status());
    } catch (e) {
      replaceChildren(body, errorAlert(e, 'status-error'));
    }
    try {
      const log = await ctx.core.auditLog();
      replaceChildren(
        auditBox,
        h(
          'table',
          { testid: 'audit-log' },
          h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'Time'), h('th', {}, 'Event'), h('th', {}, 'Details'))),
          h(
            'tbody',
            {},
            log
              .slice()
              .reverse()
              .slice(0, 100)
              .map((a) => h('tr', { testid: 'audit-entry', 'data-kind': a.kind }, h('td', {}, String(a.seq)), h('td', { class: 'nowrap' }, formatTime(a.time)), h('td', { class: 'nowrap' }, a.kind), h('td', { class: 'small mono' }, Object.entries(a.details).map(([k, v]) => `${k}=${typeof v === 'string' && v.length > 24 ? shortHex(v) : v}`).join(' ')))),
          ),
        ),
      );
    } catch (e) {
      replaceChildren(auditBox, errorAlert(e, 'audit-error'));
    }
  }

  let disposed = false;
  let queued = false;
  let running: Promise<void> | undefined;
  const schedule = (): void => {
    if (disposed) return;
    if (running) {
      queued = true;
      return;
    }
    running = run().finally(() => {
      running = undefined;
      if (queued && !disposed) {
        queued = false;
        schedule();
      }
    });
  };

  rerun.addEventListener('click', () => void busy(rerun, run, (e) => replaceChildren(body, errorAlert(e, 'status-error'))));
  const el = h('section', { testid: 'screen-status' }, screenHead('Status', 'Presence, key epochs and the vault’s own checks.', rerun, h('a', { class: 'button', href: '#/refresh' }, 'Refresh shares')), body, h('div', { class: 'card' }, h('h2', {}, 'Audit log'), h('p', { class: 'small muted' }, 'Hash-chained; holds events, never secrets.'), auditBox));
  schedule();
  return {
    el,
    title: 'Status',
    onEvent(e: WalletEvent) {
      // Presence and connection changes re-run the report (coalesced: one run at a time).
      if (e.type === 'presence' || e.type === 'signal' || e.type === 'account') schedule();
    },
    dispose() {
      disposed = true;
    },
  };
}
