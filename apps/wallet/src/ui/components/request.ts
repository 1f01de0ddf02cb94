/**
 * A request card of the approvals inbox: shows EXACTLY what would be signed (the message bytes
 * in hex, their UTF-8 text when printable, length, SHA-256 and how the suite signs them), who
 * asked, the approvals so far against the threshold, late approvals, and the ceremony's
 * progress and result. Approve / reject / finalize act through the core.
 * @module
 */
import type { Account, CeremonyProgress, RequestView } from '../../core/index.ts';
import type { AppContext } from '../app.ts';
import { busy, copyButton, errorAlert, formatTime, h, progressBar, replaceChildren } from '../dom.ts';

const STATUS_TEXT: Readonly<Record<RequestView['status'], { text: string; cls: string }>> = {
  pending: { text: 'Collecting approvals', cls: 'warn' },
  ready: { text: 'Ready to finalize', cls: 'accent' },
  running: { text: 'Signing', cls: 'accent' },
  done: { text: 'Done', cls: 'ok' },
  rejected: { text: 'Rejected', cls: 'danger' },
  failed: { text: 'Failed', cls: 'danger' },
};

/** A live request card; `update` re-renders it from a newer view. */
export interface RequestCard {
  readonly el: HTMLElement;
  readonly id: string;
  update(view: RequestView): void;
  /** A progress event; `resumed` when the ceremony continued from a saved record. */
  progress(p: CeremonyProgress, resumed?: boolean): void;
}

function memberName(account: Account | undefined, index: number): string {
  const m = account?.members.find((x) => x.index === index);
  const self = account?.selfIndex === index ? ' (this device)' : '';
  return m ? `#${index} ${m.label}${self}` : `#${index}${self}`;
}

/** Creates the card for `view`; `account` names members (optional). */
export function requestCard(ctx: AppContext, initial: RequestView, account: Account | undefined): RequestCard {
  const el = h('article', { class: 'request', testid: 'request', 'data-request-id': initial.id });
  let view = initial;
  let lastProgress: CeremonyProgress | undefined = initial.progress;
  let resumed = false;
  const errorBox = h('div', { 'aria-live': 'assertive' });

  const act = (button: HTMLButtonElement, action: () => Promise<RequestView>): void => {
    void busy(
      button,
      async () => {
        replaceChildren(errorBox);
        render(await action());
      },
      (e) => replaceChildren(errorBox, errorAlert(e, 'request-action-error')),
    );
  };

  function render(v: RequestView): void {
    view = v;
    if (v.progress) lastProgress = v.progress;
    el.className = `request state-${v.status}${v.error?.code === 'nonce-reused' ? ' state-refused' : ''}`;
    el.setAttribute('data-status', v.status);
    const st = STATUS_TEXT[v.status];
    const title = v.kind === 'sign' ? 'Signature request' : 'Key refresh request';

    const head = h(
      'div',
      { class: 'row between' },
      h('h3', {}, title, v.note ? h('span', { class: 'muted' }, ` — ${v.note}`) : null),
      h('span', { class: `badge ${st.cls}`, testid: 'request-status', 'data-status': v.status }, st.text),
    );
    const meta = h(
      'p',
      { class: 'small muted' },
      `From ${memberName(account, v.requester)} · ${formatTime(v.createdAt)}`,
      account ? ` · ${account.label}` : '',
      h('span', { class: 'mono' }, ` · id ${v.id.slice(0, 12)}`),
    );

    let what: HTMLElement | null = null;
    if (v.kind === 'sign' && v.message) {
      const m = v.message;
      what = h(
        'div',
        { class: 'signing-block', testid: 'request-message' },
        h('h4', {}, `Exactly what ${v.status === 'done' ? 'was' : 'will be'} signed (${m.length} byte${m.length === 1 ? '' : 's'})`),
        h('pre', { class: 'hex', testid: 'request-hex', 'aria-label': 'Message bytes in hexadecimal' }, m.hex || '(empty)'),
        m.utf8 !== undefined ? h('div', {}, h('h4', {}, 'As text (UTF-8)'), h('pre', { class: 'hex', testid: 'request-utf8' }, m.utf8)) : h('p', { class: 'small muted' }, 'Not printable text: compare the bytes.'),
        h(
          'dl',
          { class: 'facts small' },
          h('dt', {}, 'SHA-256'),
          h('dd', { class: 'mono', testid: 'request-sha256' }, m.sha256),
          // ECDSA: the digest the signature is over (Keccak-256 for Ethereum requests)
          m.hash === 'keccak256' && m.digest !== undefined ? [h('dt', {}, 'Keccak-256'), h('dd', { class: 'mono', testid: 'request-digest', 'data-hash': m.hash }, m.digest)] : null,
          h('dt', {}, 'Signed as'),
          h('dd', { testid: 'request-signed-as' }, m.signedAs),
        ),
      );
    } else if (v.kind === 'refresh') {
      what = h('p', { class: 'small' }, 'All members re-randomize their shares: the group key and addresses stay the same, old shares become useless. Every member must approve.');
    }

    const approvals = h(
      'div',
      { class: 'small' },
      h('strong', { testid: 'request-approvals', 'data-count': v.approvals.length, 'data-needed': v.needed }, `${Math.min(v.approvals.length, v.needed)} of ${v.needed} approvals`),
      v.approvals.length ? ` — ${v.approvals.map((d) => memberName(account, d.party)).join(', ')}` : '',
      v.rejections.length ? h('div', { class: 'muted' }, `Rejected by ${v.rejections.map((d) => memberName(account, d.party) + (d.reason ? ` (“${d.reason}”)` : '')).join(', ')}`) : null,
      v.lateApprovals.length ? h('div', { class: 'muted', testid: 'request-late' }, `Late approvals (not needed): ${v.lateApprovals.map((d) => memberName(account, d.party)).join(', ')}`) : null,
      v.signers ? h('div', { class: 'muted', testid: 'request-signers' }, `${v.kind === 'sign' ? 'Signers' : 'Participants'}: ${v.signers.map((i) => memberName(account, i)).join(', ')}${v.participating === false ? ' — this device does not take part' : ''}`) : null,
    );

    const progress =
      v.status === 'running'
        ? h('div', {}, progressBar(v.kind === 'sign' ? 'Signing ceremony' : 'Refresh ceremony', lastProgress, 'request-progress'), resumed ? h('p', { class: 'small muted', testid: 'request-resumed' }, 'Resumed where it left off (saved progress in this device’s vault).') : null)
        : null;

    let result: HTMLElement | null = null;
    if (v.status === 'done' && v.signature) {
      result = h(
        'div',
        { class: 'signing-block' },
        h('h4', {}, 'Signature'),
        h('pre', { class: 'hex', testid: 'request-signature' }, v.signature),
        h('div', { class: 'row' }, h('span', { class: `badge ${v.verified ? 'ok' : 'warn'}`, testid: 'request-verified', 'data-verified': String(v.verified === true) }, v.verified ? 'Verified against the group key on this device' : 'Not verified on this device'), copyButton(() => v.signature ?? '', 'request-signature-copy')),
      );
    } else if (v.status === 'done' && v.kind === 'refresh') {
      result = h('p', { class: 'alert ok', testid: 'request-refreshed' }, `Shares refreshed — key epoch ${v.epoch ?? '?'}.`);
    }
    const err = v.error ? errorAlert(v.error, v.error.code === 'nonce-reused' ? 'request-nonce-refused' : 'request-error') : null;

    const buttons: HTMLButtonElement[] = [];
    const open = v.status === 'pending' || v.status === 'ready';
    if (v.mine === undefined && (open || v.status === 'running' || v.status === 'done')) {
      const approve = h('button', { type: 'button', class: open ? 'primary' : '', testid: 'request-approve' }, open ? 'Approve' : 'Approve (late)');
      approve.addEventListener('click', () => act(approve, () => ctx.core.approve(v.id)));
      buttons.push(approve);
    }
    if (v.mine === undefined && open) {
      const reject = h('button', { type: 'button', class: 'danger', testid: 'request-reject' }, 'Reject');
      reject.addEventListener('click', () => act(reject, () => ctx.core.reject(v.id)));
      buttons.push(reject);
    }
    if (v.canFinalize) {
      const fin = h('button', { type: 'button', class: 'primary', testid: 'request-finalize' }, v.kind === 'sign' ? 'Finalize and sign' : 'Finalize and refresh');
      fin.addEventListener('click', () => act(fin, () => ctx.core.finalize(v.id)));
      buttons.push(fin);
    }
    if (account !== undefined && v.requester === account.selfIndex && v.signers !== undefined && (v.status === 'running' || v.status === 'done' || v.status === 'failed')) {
      const resend = h('button', { type: 'button', testid: 'request-resend', title: 'Sends the ceremony invitation again to members that missed it. Anyone who already took part refuses to do so twice.' }, 'Re-send invitation');
      resend.addEventListener('click', () => act(resend, () => ctx.core.resendFinalize(v.id)));
      buttons.push(resend);
    }
    const lateMine = account !== undefined && v.lateApprovals.some((d) => d.party === account.selfIndex);
    const mine = v.mine ? h('span', { class: `badge ${v.mine === 'approved' ? 'ok' : 'danger'}`, testid: 'request-mine', 'data-late': String(lateMine) }, v.mine === 'approved' ? (lateMine ? 'You approved late (not needed)' : 'You approved') : 'You rejected') : null;

    const focused = el.contains(document.activeElement) ? document.activeElement?.getAttribute('data-testid') : null;
    replaceChildren(el, head, meta, what, approvals, progress, result, err, errorBox, buttons.length || mine ? h('div', { class: 'actions' }, mine, ...buttons) : null);
    if (focused) (el.querySelector<HTMLElement>(`[data-testid="${focused}"]`) ?? el.querySelector<HTMLElement>('button'))?.focus();
  }

  render(initial);
  return {
    el,
    id: initial.id,
    update: render,
    progress(p, wasResumed) {
      lastProgress = p;
      if (wasResumed) resumed = true;
      if (view.status === 'running') render(view);
    },
  };
}
