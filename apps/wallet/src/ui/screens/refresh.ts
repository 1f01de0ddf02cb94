/**
 * Refresh screen: per account, the key epoch and a button posting a refresh request (FROST
 * share refresh among all n members: same group key, new shares, epoch + 1). The request then
 * runs through the approvals inbox like a signing request; its cards are shown here too.
 * @module
 */
import type { Account, WalletEvent } from '../../core/index.ts';
import type { AppContext, Screen } from '../app.ts';
import { requestCard, type RequestCard } from '../components/request.ts';
import { busy, errorAlert, h, replaceChildren, screenHead } from '../dom.ts';
import { schemeName } from './accounts.ts';

/** The refresh screen. */
export function refreshScreen(ctx: AppContext): Screen {
  const body = h('div');
  const cards = new Map<string, RequestCard>();

  async function load(): Promise<void> {
    try {
      const accounts = await ctx.core.accounts();
      const requests = (await ctx.core.inbox()).filter((r) => r.kind === 'refresh');
      if (!accounts.length) {
        replaceChildren(body, h('p', { class: 'muted' }, 'No accounts yet.'));
        return;
      }
      replaceChildren(
        body,
        accounts.map((a: Account) => {
          const err = h('div');
          const button = h('button', { type: 'button', class: 'primary', testid: 'refresh-request' }, 'Request refresh');
          button.addEventListener('click', () =>
            void busy(
              button,
              async () => {
                await ctx.core.requestRefresh(a.id, 'Scheduled share refresh');
                ctx.toast('Refresh request posted: every member must approve', 'ok');
                await load();
              },
              (e) => replaceChildren(err, errorAlert(e, 'refresh-error')),
            ),
          );
          const mine = requests.filter((r) => r.accountId === a.id);
          return h(
            'div',
            { class: 'card', testid: 'refresh-account', 'data-account-id': a.id },
            h('div', { class: 'row between' }, h('h2', {}, a.label), h('span', { class: 'badge accent', testid: 'refresh-epoch' }, `epoch ${a.epoch}`)),
            h('p', { class: 'small muted' }, `${a.threshold} of ${a.parties} · ${schemeName(a.scheme, a.suite)} · all ${a.parties} members take part.`),
            err,
            h('div', { class: 'actions' }, button),
            mine.map((r) => {
              let card = cards.get(r.id);
              if (card) card.update(r);
              else {
                card = requestCard(ctx, r, a);
                cards.set(r.id, card);
              }
              return card.el;
            }),
          );
        }),
      );
    } catch (e) {
      replaceChildren(body, errorAlert(e));
    }
  }

  const el = h('section', { testid: 'screen-refresh' }, screenHead('Refresh shares', 'Proactive refresh: new shares for the same key, so old or leaked shares become useless.'), body);
  void load();
  return {
    el,
    title: 'Refresh',
    onEvent(e: WalletEvent) {
      if (e.type === 'request' && e.request.kind === 'refresh') {
        const c = cards.get(e.request.id);
        if (c) c.update(e.request);
        else void load();
      } else if (e.type === 'progress' && e.ceremony === 'refresh') {
        cards.get(e.id)?.progress(e.progress, e.resumed);
      } else if (e.type === 'account' && e.change === 'refreshed') {
        void load();
      }
    },
  };
}
