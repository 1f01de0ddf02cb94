/**
 * Accounts list (home) and one account's page: members with fingerprints and presence, the
 * group key, a signing-request form that previews EXACTLY the bytes to be signed before
 * posting (ECDSA accounts also choose the digest, SHA-256 or Keccak-256 for Ethereum, and see
 * it), and the account's requests.
 * @module
 */
import { previewMessage, type Account, type LobbyView, type RequestView, type SigningHash, type WalletEvent } from '../../core/index.ts';
import type { AppContext, Screen } from '../app.ts';
import { requestCard, type RequestCard } from '../components/request.ts';
import { busy, errorAlert, field, formatTime, groupFingerprint, h, hexToBytesStrict, replaceChildren, screenHead, shortHex, utf8 } from '../dom.ts';
import type { Route } from '../router.ts';

const SUITE_NAMES: Readonly<Record<string, string>> = {
  taproot: 'Bitcoin Taproot (BIP340 Schnorr)',
  secp256k1: 'FROST secp256k1 (Schnorr)',
  ed25519: 'Ed25519',
};

/** Human name of a scheme and suite (e.g. `Bitcoin Taproot (BIP340 Schnorr)`, `ECDSA secp256k1 (CGGMP21)`). */
export function schemeName(scheme: string, suite: string): string {
  if (scheme === 'cggmp') return `ECDSA ${suite} (CGGMP21)`;
  return SUITE_NAMES[suite] ?? suite;
}

const STAGE_TEXT: Readonly<Record<LobbyView['stage'], string>> = {
  enrolling: 'Waiting for members to join',
  'waiting-invitation': 'Joined — waiting for the creator',
  keygen: 'Generating the key',
  done: 'Done',
  failed: 'Failed',
};

/** Accounts list with running lobbies and the create / join entry points. */
export function accountsScreen(ctx: AppContext): Screen {
  const list = h('div', { class: 'grid', testid: 'accounts-list' });
  const lobbies = h('div', { testid: 'lobbies-list' });
  const errorBox = h('div');

  const renderLobbies = (): void => {
    const running = ctx.core.lobbies().map((l) => l.view()).filter((v) => v.stage !== 'done');
    replaceChildren(
      lobbies,
      running.length
        ? h(
            'div',
            { class: 'card' },
            h('h2', {}, 'In progress'),
            h(
              'ul',
              { class: 'list' },
              running.map((v) =>
                h(
                  'li',
                  { class: 'row between', testid: 'lobby-item', 'data-lobby-id': v.id },
                  h('span', {}, h('strong', {}, v.label), ` · ${v.threshold}-of-${v.parties} ${schemeName(v.scheme, v.suite)} · `, h('span', { class: `badge ${v.stage === 'failed' ? 'danger' : 'warn'}` }, STAGE_TEXT[v.stage])),
                  h('a', { class: 'button small', href: `#/lobby/${encodeURIComponent(v.id)}`, testid: 'lobby-open' }, 'Open'),
                ),
              ),
            ),
          )
        : null,
    );
  };

  const renderAccounts = async (): Promise<void> => {
    try {
      const accounts = await ctx.core.accounts();
      const waiting = new Map<string, number>();
      for (const r of await ctx.core.inbox().catch(() => [] as RequestView[])) if ((r.status === 'pending' || r.status === 'ready') && (r.mine === undefined || r.canFinalize)) waiting.set(r.accountId, (waiting.get(r.accountId) ?? 0) + 1);
      replaceChildren(
        list,
        accounts.length
          ? accounts.map((a) =>
              h(
                'article',
                { class: 'card account-card', testid: 'account-card', 'data-account-id': a.id, 'data-label': a.label },
                h('h3', {}, a.label, h('span', { class: 'badge accent' }, `${a.threshold} of ${a.parties}`)),
                h('dl', { class: 'facts small' }, h('dt', {}, 'Scheme'), h('dd', {}, schemeName(a.scheme, a.suite)), h('dt', {}, 'Group key'), h('dd', { class: 'mono', title: a.groupKey }, shortHex(a.groupKey)), h('dt', {}, 'You are'), h('dd', {}, `member #${a.selfIndex}`), h('dt', {}, 'Epoch'), h('dd', {}, String(a.epoch))),
                h(
                  'div',
                  { class: 'actions' },
                  h('a', { class: 'button primary', href: `#/account/${encodeURIComponent(a.id)}`, testid: 'account-open' }, 'Open'),
                  waiting.get(a.id) ? h('a', { class: 'button', href: '#/inbox', testid: 'account-waiting' }, `${waiting.get(a.id)} waiting for you`) : null,
                ),
              ),
            )
          : h('div', { class: 'card', testid: 'accounts-empty' }, h('h2', {}, 'No shared wallets yet'), h('p', { class: 'muted' }, 'Create a wallet and invite your other devices or co-signers, or join one with an invite link.')),
      );
    } catch (e) {
      replaceChildren(errorBox, errorAlert(e));
    }
  };

  const el = h(
    'section',
    { testid: 'screen-accounts' },
    screenHead('Accounts', 'Each account is one threshold key shared with other devices.', h('a', { class: 'button primary', href: '#/create', testid: 'create-wallet' }, 'Create wallet'), h('a', { class: 'button', href: '#/join', testid: 'join-wallet' }, 'Join with link'), h('a', { class: 'button', href: '#/cosigner', testid: 'cosigner-add' }, 'Add server co-signer')),
    errorBox,
    lobbies,
    list,
  );
  renderLobbies();
  void renderAccounts();
  return {
    el,
    title: 'Accounts',
    onEvent(e: WalletEvent) {
      if (e.type === 'lobby') renderLobbies();
      if (e.type === 'account' || e.type === 'request') {
        renderLobbies();
        void renderAccounts();
      }
    },
  };
}

/** Parses the request form's message in the chosen encoding. @throws {Error} on bad hex. */
function messageBytes(format: string, text: string): Uint8Array {
  return format === 'hex' ? hexToBytesStrict(text) : utf8(text);
}

function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** One account: facts, members, request form and its requests. */
export function accountScreen(ctx: AppContext, route: Route): Screen {
  const id = route.param ?? '';
  const el = h('section', { testid: 'screen-account', 'data-account-id': id });
  const cards = new Map<string, RequestCard>();
  const requestsBox = h('div', { testid: 'account-requests' });
  const membersBox = h('div');
  let account: Account | undefined;
  const online = new Map<number, boolean>();

  const renderMembers = (): void => {
    if (!account) return;
    const a = account;
    replaceChildren(
      membersBox,
      h(
        'table',
        { testid: 'members' },
        h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'Member'), h('th', {}, 'Fingerprint'), h('th', {}, 'Presence'))),
        h(
          'tbody',
          {},
          a.members.map((m) => {
            const self = m.index === a.selfIndex;
            const on = self ? ctx.signalConnected : online.get(m.index);
            return h(
              'tr',
              { testid: 'member', 'data-index': m.index },
              h('td', {}, String(m.index)),
              h('td', {}, m.label, self ? h('span', { class: 'muted' }, ' (this device)') : null),
              h('td', { class: 'fingerprint' }, groupFingerprint(m.fingerprint)),
              h('td', {}, on === undefined ? h('span', { class: 'badge' }, 'unknown') : h('span', { class: `badge ${on ? 'ok' : ''}` }, on ? 'online' : 'offline')),
            );
          }),
        ),
      ),
    );
  };

  const renderRequests = async (): Promise<void> => {
    const list: RequestView[] = await ctx.core.inbox(id);
    const seen = new Set<string>();
    const nodes: HTMLElement[] = [];
    for (const r of list) {
      seen.add(r.id);
      let card = cards.get(r.id);
      if (card) card.update(r);
      else {
        card = requestCard(ctx, r, account);
        cards.set(r.id, card);
      }
      nodes.push(card.el);
    }
    for (const k of [...cards.keys()]) if (!seen.has(k)) cards.delete(k);
    replaceChildren(requestsBox, nodes.length ? nodes : h('p', { class: 'muted', testid: 'requests-empty' }, 'No requests yet.'));
  };

  // request form
  const format = h('select', { testid: 'sign-format' }, h('option', { value: 'text' }, 'Text (UTF-8)'), h('option', { value: 'hex' }, 'Hex bytes'));
  const message = h('textarea', { testid: 'sign-message', rows: 3, spellcheck: 'false' });
  const note = h('input', { type: 'text', testid: 'sign-note', maxlength: 200, placeholder: 'What is this for?' });
  // ECDSA accounts only (shown once the account is known to be one): the digest that is signed
  const digest = h('select', { testid: 'sign-hash' }, h('option', { value: 'sha256' }, 'SHA-256'), h('option', { value: 'keccak256' }, 'Keccak-256 (Ethereum)'));
  const digestField = field('Digest to sign', digest);
  digestField.hidden = true;
  const chosenHash = (): SigningHash | undefined => (account?.scheme !== 'cggmp' ? undefined : digest.value === 'keccak256' ? 'keccak256' : 'sha256');
  const preview = h('div', { testid: 'sign-preview', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'sign-submit' }, 'Request signature');
  const formError = h('div');
  const updatePreview = (): void => {
    try {
      const bytes = messageBytes(format.value, message.value);
      const hash = chosenHash();
      const signed = hash !== undefined && bytes.length > 0 ? previewMessage(bytes, account!.suite, account!.scheme, hash) : undefined;
      replaceChildren(
        preview,
        h(
          'div',
          { class: 'signing-block' },
          h('h4', {}, `Bytes to sign (${bytes.length})`),
          h('pre', { class: 'hex', testid: 'sign-preview-hex' }, toHex(bytes) || '(empty)'),
          signed ? h('dl', { class: 'facts small' }, h('dt', {}, hash === 'keccak256' ? 'Keccak-256' : 'SHA-256'), h('dd', { class: 'mono', testid: 'sign-preview-digest' }, signed.digest ?? '')) : null,
        ),
      );
    } catch (e) {
      replaceChildren(preview, h('p', { class: 'alert warn small' }, String((e as Error).message)));
    }
  };
  format.addEventListener('change', updatePreview);
  digest.addEventListener('change', updatePreview);
  message.addEventListener('input', updatePreview);
  const form = h(
    'form',
    { class: 'card', testid: 'sign-form' },
    h('h2', {}, 'Request a signature'),
    h('p', { class: 'small muted' }, 'The request goes to every member’s approvals inbox. Your request counts as your approval.'),
    h('div', { class: 'inline-fields' }, field('Message format', format), digestField, field('Note for co-signers', note)),
    field('Message', message, 'Exactly these bytes are signed; co-signers see them before approving.'),
    preview,
    formError,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(
      submit,
      async () => {
        replaceChildren(formError);
        let bytes: Uint8Array;
        try {
          bytes = messageBytes(format.value, message.value);
        } catch (e) {
          throw { code: 'bad-input', message: (e as Error).message, field: 'message' };
        }
        const hash = chosenHash();
        const r = await ctx.core.requestSignature(id, bytes, note.value.trim(), hash !== undefined ? { hash } : undefined);
        message.value = '';
        note.value = '';
        updatePreview();
        ctx.toast('Request posted', 'ok');
        await renderRequests();
        cards.get(r.id)?.el.scrollIntoView({ block: 'nearest' });
      },
      (e) => replaceChildren(formError, errorAlert(e, 'sign-error')),
    );
  });
  // Enter submits from the note field; Ctrl/Cmd+Enter from the message box.
  message.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) form.requestSubmit();
  });

  void (async () => {
    try {
      account = await ctx.core.account(id);
    } catch (e) {
      replaceChildren(el, screenHead('Account'), errorAlert(e, 'account-error'), h('a', { href: '#/accounts' }, 'Back to accounts'));
      return;
    }
    const a = account;
    // A server co-signer never reads the group room: its account signs through invitations
    // handed to `tessera party` (screens/cosigner.ts), not through requests and approvals.
    const cosigned = ctx.core.cosigner?.isCosignerAccount(a) === true;
    const cosignerNote = h(
      'div',
      { class: 'card', testid: 'cosigner-account-note' },
      h('h2', {}, 'Signing'),
      h('p', {}, 'This account is shared with a server co-signer. Each signature is a ceremony you start here and the co-signer joins with the invitation you hand it; there are no approvals to collect.'),
      h('a', { class: 'button primary', href: `#/cosigner/${encodeURIComponent(a.id)}` }, 'Sign with co-signer'),
    );
    replaceChildren(
      el,
      screenHead(a.label, `${a.threshold} of ${a.parties} · ${schemeName(a.scheme, a.suite)} · created ${formatTime(a.createdAt)}`, cosigned ? null : h('a', { class: 'button', href: '#/refresh', testid: 'account-refresh' }, 'Refresh shares'), cosigned ? h('a', { class: 'button primary', href: `#/cosigner/${encodeURIComponent(a.id)}`, testid: 'account-cosigner-sign' }, 'Sign with co-signer') : null),
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Key'),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Group public key'),
          h('dd', {}, h('pre', { class: 'hex', testid: 'account-group-key' }, a.groupKey)),
          h('dt', {}, 'This device'),
          h('dd', { testid: 'account-self-index' }, `member #${a.selfIndex}`),
          h('dt', {}, 'Key epoch'),
          h('dd', { testid: 'account-epoch' }, String(a.epoch)),
        ),
      ),
      h('div', { class: 'card' }, h('h2', {}, 'Members'), h('p', { class: 'small muted' }, 'Compare fingerprints with your co-signers over another channel.'), membersBox),
      cosigned ? cosignerNote : form,
      cosigned ? null : h('h2', {}, 'Requests'),
      cosigned ? null : requestsBox,
    );
    digestField.hidden = a.scheme !== 'cggmp';
    renderMembers();
    updatePreview();
    try {
      const st = await ctx.core.status();
      for (const s of st.accounts) if (s.accountId === id) for (const m of s.members) online.set(m.index, m.online);
      renderMembers();
    } catch {
      // presence is best effort; the status screen reports failures
    }
    await renderRequests().catch((e: unknown) => replaceChildren(requestsBox, errorAlert(e)));
  })();

  return {
    el,
    title: 'Account',
    onEvent(e: WalletEvent) {
      if (e.type === 'request' && e.request.accountId === id) {
        const card = cards.get(e.request.id);
        if (card) card.update(e.request);
        else void renderRequests();
      } else if (e.type === 'progress' && e.ceremony !== 'keygen') {
        cards.get(e.id)?.progress(e.progress, e.resumed);
      } else if (e.type === 'presence' && e.accountId === id) {
        online.set(e.party, e.online);
        renderMembers();
      } else if (e.type === 'signal') {
        renderMembers();
      } else if (e.type === 'account' && e.account.id === id) {
        ctx.refresh();
      }
    },
  };
}
