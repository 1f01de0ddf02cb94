/**
 * Server co-signer screens (2-of-2 ECDSA with a `tessera party` Node co-signer):
 * - `#/cosigner`: paste the co-signer's identity key → "Create invitation" → the signed key
 *   generation invitation (copy / download) and the exact command to run on the server, the
 *   key generation's progress (prime search, rounds), then the new account;
 * - `#/cosigner/<accountId>`: "Sign with co-signer" → the message (exactly these bytes, shown
 *   before anything is created) → the signing invitation + command → progress → the verified
 *   signature.
 * Every ceremony of the feature is listed with its state; unfinished ones continue when the
 * screen opens (their records are in the vault).
 * @module
 */
import type { CosignerCeremonyView, CosignerControl, CosignerHandle, WalletEvent } from '../../core/index.ts';
import type { AppContext, Screen } from '../app.ts';
import { busy, copyButton, errorAlert, field, formatTime, groupFingerprint, h, hexToBytesStrict, replaceChildren, screenHead, utf8 } from '../dom.ts';
import type { Route } from '../router.ts';

function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** A download link for `text` saved as `name` (a blob URL, revoked when the screen goes). */
function downloadLink(text: string, name: string, testid: string, urls: string[]): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  urls.push(url);
  return h('a', { class: 'button small', href: url, download: name, testid }, `Download ${name}`);
}

/** One ceremony card: invitation, command, progress, result. */
function ceremonyCard(v: CosignerCeremonyView, urls: string[], onResume: (() => void) | undefined): HTMLElement {
  const title = v.kind === 'keygen' ? `New 2-of-2 ECDSA account “${v.label}”` : `Signature with the co-signer — ${v.label}`;
  const stage = v.stage === 'done' ? { text: 'Done', cls: 'ok' } : v.stage === 'failed' ? { text: 'Failed', cls: 'danger' } : { text: v.kind === 'keygen' ? 'Generating the key' : 'Signing', cls: 'accent' };
  const invitation = h('textarea', { class: 'hex', rows: 4, readonly: true, spellcheck: 'false', testid: 'cosigner-invitation', 'aria-label': 'Signed invitation for the co-signer' }, v.invitation);
  invitation.value = v.invitation;
  const handover =
    v.stage === 'done'
      ? null
      : h(
          'div',
          { class: 'invite' },
          h('h4', {}, '1. Give this invitation to the co-signer’s operator'),
          h('p', { class: 'small muted' }, `Save it as ${v.fileName} on the server. It is signed by this device; any change makes the co-signer refuse it.`),
          invitation,
          h('div', { class: 'row' }, copyButton(() => v.invitation, 'cosigner-invitation-copy', invitation), downloadLink(v.invitation, v.fileName, 'cosigner-invitation-download', urls)),
          h('h4', {}, '2. Run this command on the server'),
          h('pre', { class: 'hex', testid: 'cosigner-command' }, v.command),
          h('div', { class: 'row' }, copyButton(() => v.command, 'cosigner-command-copy')),
          h(
            'p',
            { class: 'small muted' },
            v.kind === 'keygen'
              ? '--identity is the file made by “tessera party --identity FILE --new-identity”; the co-signer writes its key share to the --share file (keep it private: signings need it).'
              : 'Use the same --identity, --state and --share files as for the key generation.',
          ),
        );
  let what: HTMLElement | null = null;
  if (v.kind === 'sign' && v.message) {
    const m = v.message;
    what = h(
      'div',
      { class: 'signing-block', testid: 'cosigner-message' },
      h('h4', {}, `Exactly what ${v.stage === 'done' ? 'was' : 'is being'} signed (${m.length} byte${m.length === 1 ? '' : 's'})`),
      h('pre', { class: 'hex', testid: 'cosigner-message-hex' }, m.hex),
      m.utf8 !== undefined ? h('pre', { class: 'hex', testid: 'cosigner-message-utf8' }, m.utf8) : h('p', { class: 'small muted' }, 'Not printable text: compare the bytes.'),
      h('dl', { class: 'facts small' }, h('dt', {}, 'Digest signed'), h('dd', { class: 'mono', testid: 'cosigner-digest' }, `${v.hash ?? 'sha256'}: ${v.digest ?? ''}`), h('dt', {}, 'Signed as'), h('dd', {}, m.signedAs)),
    );
  }
  const waiting = v.stage === 'running' && (!v.progress || (v.progress.round <= 1 && v.progress.fraction === undefined));
  const progress =
    v.stage === 'running'
      ? h(
          'div',
          {},
          waiting ? h('p', { class: 'small muted', testid: 'cosigner-waiting' }, 'Waiting for the co-signer to join (run the command above)…') : null,
          h('div', { testid: 'cosigner-progress-box' }, progressBarOf(v)),
        )
      : null;
  let result: HTMLElement | null = null;
  if (v.stage === 'done' && v.kind === 'keygen' && v.accountId) {
    result = h(
      'div',
      { class: 'alert ok', testid: 'cosigner-account-done' },
      h('strong', {}, 'Account created. '),
      h('span', {}, 'Group public key: '),
      h('span', { class: 'mono', testid: 'cosigner-group-key' }, v.groupKey ?? ''),
      ' ',
      h('a', { href: `#/account/${encodeURIComponent(v.accountId)}`, testid: 'cosigner-account-link' }, 'Open account'),
      ' · ',
      h('a', { href: `#/cosigner/${encodeURIComponent(v.accountId)}`, testid: 'cosigner-sign-link' }, 'Sign with co-signer'),
    );
  } else if (v.stage === 'done' && v.signature) {
    result = h(
      'div',
      { class: 'signing-block' },
      h('h4', {}, 'Signature (r ‖ s ‖ recovery id)'),
      h('pre', { class: 'hex', testid: 'cosigner-signature' }, v.signature),
      h('div', { class: 'row' }, h('span', { class: `badge ${v.verified ? 'ok' : 'warn'}`, testid: 'cosigner-verified', 'data-verified': String(v.verified === true) }, v.verified ? 'Verified against the group key on this device' : 'Not verified'), copyButton(() => v.signature ?? '', 'cosigner-signature-copy')),
    );
  }
  const resume = onResume ? h('button', { type: 'button', testid: 'cosigner-resume' }, v.stage === 'failed' ? 'Try again' : 'Continue') : null;
  resume?.addEventListener('click', onResume!);
  return h(
    'article',
    { class: `request state-${v.stage === 'running' ? 'running' : v.stage}`, testid: 'cosigner-ceremony', 'data-id': v.id, 'data-kind': v.kind, 'data-stage': v.stage },
    h('div', { class: 'row between' }, h('h3', {}, title), h('span', { class: `badge ${stage.cls}`, testid: 'cosigner-stage', 'data-stage': v.stage }, stage.text)),
    h('p', { class: 'small muted' }, `Co-signer ${groupFingerprint(v.cosignerFingerprint)} · ${formatTime(v.createdAt)}`, h('span', { class: 'mono' }, ` · session ${v.id.slice(0, 12)}`)),
    what,
    handover,
    progress,
    result,
    v.error ? errorAlert(v.error, 'cosigner-error') : null,
    resume ? h('div', { class: 'actions' }, resume) : null,
  );
}

function progressBarOf(v: CosignerCeremonyView): HTMLElement {
  const p = v.progress;
  const label = v.kind === 'keygen' ? (p?.fraction !== undefined && p.fraction < 1 ? 'Searching safe primes (worker pool)' : 'Key generation + aux-info') : 'Presigning + signing';
  const max = p ? Math.max(1, p.rounds) : 1;
  const value = p ? (p.fraction !== undefined ? Math.min(max, p.round - 1 + p.fraction) : Math.min(max, p.round)) : 0;
  const text = p ? `round ${Math.min(p.round, p.rounds)} of ${p.rounds}${p.fraction !== undefined ? ` · ${Math.round(p.fraction * 100)} %` : ''}` : 'starting…';
  const bar = h('progress', { max, 'aria-label': label, testid: 'cosigner-progress' });
  if (p) bar.value = value;
  return h('div', { class: 'progress' }, h('div', { class: 'progress-label' }, h('span', {}, label), h('span', {}, text)), bar);
}

/** The co-signer screen (create: no param; sign: the account id as param). */
export function cosignerScreen(ctx: AppContext, route: Route): Screen {
  const accountId = route.param;
  const el = h('section', { testid: accountId ? 'screen-cosigner-sign' : 'screen-cosigner' });
  const list = h('div', { testid: 'cosigner-ceremonies', 'aria-live': 'polite' });
  const urls: string[] = [];
  const handles = new Map<string, CosignerHandle>();
  let disposed = false;
  const cs: CosignerControl | undefined = ctx.core.cosigner;

  /** Stored ceremonies of this screen, newest first. */
  let views: CosignerCeremonyView[] = [];
  const renderList = (): void => {
    for (const u of urls.splice(0)) URL.revokeObjectURL(u);
    const shown = views.map((v) => handles.get(v.id)?.view() ?? v);
    replaceChildren(
      list,
      shown.length
        ? shown.map((v) => ceremonyCard(v, urls, (v.stage === 'failed' && v.error?.code === 'transport') || (v.stage === 'running' && !handles.has(v.id)) ? () => follow(v.id) : undefined))
        : h('p', { class: 'muted', testid: 'cosigner-empty' }, accountId ? 'No signatures with the co-signer yet.' : 'No co-signer accounts created on this device yet.'),
    );
  };
  const reload = async (): Promise<void> => {
    if (!cs) return;
    views = await cs.ceremonies(accountId);
    views = views.filter((v) => v.kind === (accountId ? 'sign' : 'keygen'));
    if (!disposed) renderList();
  };
  /** Follows a ceremony's handle (resuming it when asked) until it ends. */
  function follow(id: string, given?: CosignerHandle): void {
    if (!cs) return;
    void (async () => {
      try {
        const handle = given ?? (await cs.resume(id));
        handles.set(id, handle);
        await reload();
        const v = await handle.done.then(
          (x) => x,
          () => handle.view(),
        );
        if (v.stage === 'done') ctx.toast(v.kind === 'keygen' ? 'Account with the co-signer created' : 'Signature complete and verified', 'ok');
      } catch (e) {
        if (!disposed) ctx.toast(String((e as Error).message ?? e), 'error');
      } finally {
        handles.delete(id);
        await reload().catch(() => undefined);
      }
    })();
  }

  const formError = h('div', { 'aria-live': 'assertive' });
  let form: HTMLFormElement;
  if (!accountId) {
    const label = h('input', { type: 'text', testid: 'cosigner-label', maxlength: 64, required: true, value: 'Server 2PC wallet', autocomplete: 'off' });
    const key = h('input', { type: 'text', testid: 'cosigner-key', maxlength: 80, required: true, spellcheck: 'false', autocomplete: 'off', class: 'mono', placeholder: '64 hex characters', autofocus: true });
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'cosigner-create' }, 'Create invitation');
    form = h(
      'form',
      { class: 'card', testid: 'cosigner-form' },
      h('h2', {}, 'Add a server co-signer'),
      h('p', { class: 'small muted' }, 'A 2-of-2 ECDSA (secp256k1) account: every signature needs this device AND the co-signer. On the server, create its identity once with “tessera party --identity cosigner-identity.json --new-identity” and paste the public key it prints.'),
      field('Account name', label),
      field('Co-signer identity public key', key, 'Ed25519 public key in hex; compare it with the operator over another channel.'),
      formError,
      h('div', { class: 'actions' }, submit),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void busy(
        submit,
        async () => {
          replaceChildren(formError);
          if (!cs) throw { code: 'unsupported-scheme', message: 'this wallet core has no co-signer support' };
          const handle = await cs.createAccount({ label: label.value, cosignerKey: key.value });
          key.value = '';
          follow(handle.id, handle);
        },
        (e) => replaceChildren(formError, errorAlert(e, 'cosigner-create-error')),
      );
    });
  } else {
    const format = h('select', { testid: 'cosigner-sign-format' }, h('option', { value: 'text' }, 'Text (UTF-8)'), h('option', { value: 'hex' }, 'Hex bytes'));
    const hash = h('select', { testid: 'cosigner-sign-hash' }, h('option', { value: 'sha256' }, 'SHA-256'), h('option', { value: 'keccak256' }, 'Keccak-256 (Ethereum)'));
    const message = h('textarea', { testid: 'cosigner-sign-message', rows: 3, spellcheck: 'false', autofocus: true });
    const preview = h('div', { testid: 'cosigner-sign-preview', 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'cosigner-sign-submit' }, 'Create signing invitation');
    const bytesOf = (): Uint8Array => (format.value === 'hex' ? hexToBytesStrict(message.value) : utf8(message.value));
    const updatePreview = (): void => {
      try {
        const b = bytesOf();
        replaceChildren(preview, h('div', { class: 'signing-block' }, h('h4', {}, `Bytes to sign (${b.length})`), h('pre', { class: 'hex', testid: 'cosigner-sign-preview-hex' }, toHex(b) || '(empty)')));
      } catch (e) {
        replaceChildren(preview, h('p', { class: 'alert warn small' }, String((e as Error).message)));
      }
    };
    format.addEventListener('change', updatePreview);
    message.addEventListener('input', updatePreview);
    form = h(
      'form',
      { class: 'card', testid: 'cosigner-sign-form' },
      h('h2', {}, 'Sign with the co-signer'),
      h('p', { class: 'small muted' }, 'This device signs an invitation naming exactly these bytes; hand it to the co-signer’s operator. The signal server sees the message (it is in the invitation).'),
      h('div', { class: 'inline-fields' }, field('Message format', format), field('Digest', hash)),
      field('Message', message),
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
          if (!cs) throw { code: 'unsupported-scheme', message: 'this wallet core has no co-signer support' };
          let bytes: Uint8Array;
          try {
            bytes = bytesOf();
          } catch (e) {
            throw { code: 'bad-input', message: (e as Error).message, field: 'message' };
          }
          const handle = await cs.sign(accountId, bytes, { hash: hash.value === 'keccak256' ? 'keccak256' : 'sha256' });
          message.value = '';
          updatePreview();
          follow(handle.id, handle);
        },
        (e) => replaceChildren(formError, errorAlert(e, 'cosigner-sign-error')),
      );
    });
    message.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) form.requestSubmit();
    });
    updatePreview();
  }

  void (async () => {
    let subtitle = 'A 2-of-2 ECDSA wallet with a tessera party co-signer on a server.';
    if (accountId) {
      try {
        const a = await ctx.core.account(accountId);
        subtitle = `${a.label} · 2 of 2 · ECDSA secp256k1 (CGGMP21) · group key ${a.groupKey.slice(0, 16)}…`;
        if (cs && !cs.isCosignerAccount(a)) subtitle += ' · the other member is not labelled co-signer: its holder must run tessera party';
      } catch (e) {
        replaceChildren(el, screenHead('Sign with co-signer'), errorAlert(e, 'cosigner-account-error'), h('a', { href: '#/accounts' }, 'Back to accounts'));
        return;
      }
    }
    replaceChildren(
      el,
      screenHead(accountId ? 'Sign with co-signer' : 'Server co-signer', subtitle, accountId ? h('a', { class: 'button', href: `#/account/${encodeURIComponent(accountId)}` }, 'Account') : h('a', { class: 'button', href: '#/accounts' }, 'Accounts')),
      cs ? form : errorAlert({ code: 'unsupported-scheme', message: 'this wallet core has no co-signer support' }, 'cosigner-unavailable'),
      h('h2', {}, accountId ? 'Signatures with the co-signer' : 'Co-signer accounts'),
      list,
    );
    (el.querySelector<HTMLElement>('[autofocus]') ?? null)?.focus();
    try {
      await reload();
      // unfinished ceremonies continue (their records are in the vault)
      for (const v of views) if (v.stage === 'running' && !handles.has(v.id)) follow(v.id);
    } catch (e) {
      replaceChildren(list, errorAlert(e, 'cosigner-list-error'));
    }
  })();

  return {
    el,
    title: accountId ? 'Sign with co-signer' : 'Server co-signer',
    onEvent(e: WalletEvent) {
      if (e.type === 'progress' && handles.has(e.id)) renderList();
    },
    dispose() {
      disposed = true;
      for (const u of urls.splice(0)) URL.revokeObjectURL(u);
    },
  };
}
