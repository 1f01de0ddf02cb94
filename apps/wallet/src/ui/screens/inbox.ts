/**
 * Approvals inbox: every request of every account, grouped into "waiting for you", "in
 * progress" and "finished", each card showing exactly what would be signed. Live: core events
 * update the cards in place (no polling).
 * @module
 */
import type { Account, RequestView, WalletEvent } from '../../core/index.ts';
import type { AppContext, Screen } from '../app.ts';
import { requestCard, type RequestCard } from '../components/request.ts';
import { errorAlert, h, replaceChildren, screenHead } from '../dom.ts';

function group(r: RequestView): 'waiting' | 'progress' | 'finished' {
  if ((r.status === 'pending' || r.status === 'ready') && (r.mine === undefined || r.canFinalize)) return 'waiting';
  if (r.status === 'pending' || r.status === 'ready' || r.status === 'running') return 'progress';
  return 'finished';
}

/** The approvals inbox. */
export function inboxScreen(ctx: AppContext): Screen {
  const cards = new Map<string, RequestCard>();
  const accounts = new Map<string, Account>();
  const waiting = h('div', { testid: 'inbox-waiting' });
  const progress = h('div', { testid: 'inbox-progress' });
  const finished = h('div', { testid: 'inbox-finished' });
  const errorBox = h('div');
  const emptyNote = h('p', { class: 'muted', testid: 'inbox-empty', hidden: true }, 'No requests. Open an account to request a signature.');

  const section = (title: string, box: HTMLElement, nodes: HTMLElement[]): HTMLElement | null => (nodes.length ? h('section', {}, h('h2', {}, title, h('span', { class: 'badge' }, String(nodes.length))), box) : null);
  const sections = h('div');

  async function load(): Promise<void> {
    try {
      if (accounts.size === 0) for (const a of await ctx.core.accounts()) accounts.set(a.id, a);
      const list = await ctx.core.inbox();
      const by = { waiting: [] as HTMLElement[], progress: [] as HTMLElement[], finished: [] as HTMLElement[] };
      const seen = new Set<string>();
      for (const r of list) {
        seen.add(r.id);
        let card = cards.get(r.id);
        if (card) card.update(r);
        else {
          card = requestCard(ctx, r, accounts.get(r.accountId));
          cards.set(r.id, card);
        }
        by[group(r)].push(card.el);
      }
      for (const k of [...cards.keys()]) if (!seen.has(k)) cards.delete(k);
      replaceChildren(waiting, by.waiting);
      replaceChildren(progress, by.progress);
      replaceChildren(finished, by.finished);
      emptyNote.hidden = list.length > 0;
      replaceChildren(sections, section('Waiting for you', waiting, by.waiting), section('In progress', progress, by.progress), section('Finished', finished, by.finished));
    } catch (e) {
      replaceChildren(errorBox, errorAlert(e, 'inbox-error'));
    }
  }

  const el = h('section', { testid: 'screen-inbox' }, screenHead('Approvals', 'Requests from the members of your accounts. Check the bytes before you approve.'), errorBox, emptyNote, sections);
  void load();
  return {
    el,
    title: 'Approvals',
    onEvent(e: WalletEvent) {
      if (e.type === 'request') {
        const card = cards.get(e.request.id);
        const before = card ? card.el.closest('[data-testid^="inbox-"]')?.getAttribute('data-testid') : undefined;
        if (card && before === `inbox-${group(e.request)}`) card.update(e.request);
        else void load();
      } else if (e.type === 'progress' && e.ceremony !== 'keygen') {
        cards.get(e.id)?.progress(e.progress, e.resumed);
      } else if (e.type === 'account') {
        accounts.clear();
        void load();
      }
    },
  };
}
