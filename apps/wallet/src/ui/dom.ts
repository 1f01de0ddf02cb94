/**
 * Small DOM toolkit of the wallet UI (no framework): an element builder, form fields, buttons
 * that show a busy state while their async action runs, progress bars, error alerts, copy
 * buttons and formatting helpers. Text is always set through `textContent`/text nodes, never
 * parsed as HTML, so nothing received from peers can inject markup.
 * @module
 */
import type { CeremonyProgress, WalletErrorInfo } from '../core/index.ts';

/** Attribute values accepted by {@link h}; `false`/`undefined` omit the attribute. */
export type AttrValue = string | number | boolean | undefined;

/** Attributes and event handlers of {@link h} (`on<event>` keys attach listeners). */
export type Attrs = Record<string, AttrValue | ((ev: Event) => void)>;

/** Children of {@link h}: nodes, strings (as text) or nothing. */
export type Child = Node | string | number | false | null | undefined | readonly Child[];

function append(el: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child as readonly Child[]) append(el, c);
    return;
  }
  el.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : (child as Node));
}

/**
 * Creates an element. `class` sets the class list, `testid` sets `data-testid`, keys starting
 * with `on` add event listeners, `true` booleans become empty attributes.
 * @throws {DOMException} on an invalid tag or attribute name.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (k === 'testid') {
      el.setAttribute('data-testid', String(v));
    } else if (k === 'value' && (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)) {
      el.value = String(v);
    } else if (k === 'checked' && el instanceof HTMLInputElement) {
      el.checked = v === true;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children) append(el, c);
  return el;
}

/** Replaces all children of `el`. */
export function replaceChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  for (const c of children) append(el, c);
}

let idCounter = 0;
/** A document-unique id for label/control pairs. */
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled form field wrapping `control` (its id is set if missing). */
export function field(label: string, control: HTMLElement, hint?: string): HTMLDivElement {
  if (!control.id) control.id = uid('f');
  const hintEl = hint === undefined ? undefined : h('div', { class: 'hint', id: `${control.id}-hint` }, hint);
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

/**
 * Runs `action` with `button` disabled and marked busy, restoring it afterwards; errors go to
 * `onError` (never thrown into the event loop).
 */
export async function busy(button: HTMLButtonElement, action: () => Promise<void>, onError: (e: unknown) => void): Promise<void> {
  if (button.disabled) return;
  const label = button.textContent ?? '';
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.replaceChildren(h('span', { class: 'spinner', 'aria-hidden': 'true' }), label);
  try {
    await action();
  } catch (e) {
    onError(e);
  } finally {
    if (button.isConnected) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
      button.replaceChildren(label);
    }
  }
}

/**
 * A progress bar for a ceremony (round k of n, or a fraction of local work); `unit` names the
 * counted thing (default `round`; empty for a plain `k of n`).
 */
export function progressBar(label: string, p: CeremonyProgress | undefined, testid?: string, unit = 'round'): HTMLDivElement {
  const max = p ? Math.max(1, p.rounds) : 1;
  const value = p ? (p.fraction !== undefined ? Math.min(max, p.round - 1 + p.fraction) : Math.min(max, p.round)) : 0;
  const pct = p?.fraction !== undefined ? ` · ${Math.round(p.fraction * 100)} %` : '';
  const text = p ? `${unit ? `${unit} ` : ''}${Math.min(p.round, p.rounds)} of ${p.rounds}${pct}` : 'starting…';
  const bar = h('progress', { max, 'aria-label': label, testid });
  if (p) bar.value = value;
  return h('div', { class: 'progress' }, h('div', { class: 'progress-label' }, h('span', {}, label), h('span', {}, text)), bar);
}

/** A readable message for any thrown value, with its code when it has one. */
export function describeError(e: unknown): { title: string; detail: string; code: string } {
  const err = e as { name?: string; message?: string; code?: string; reason?: string; record?: string; culprit?: number } | null;
  const name = err?.name ?? '';
  const message = err?.message ?? String(e);
  if (name === 'VaultUnlockError') {
    const reason = err?.reason ?? 'wrong-secret';
    const title = reason === 'wrong-secret' ? 'Wrong passphrase or passkey' : reason === 'unknown-method' ? 'Unknown unlock method' : 'No vault here';
    return { title, detail: 'The vault was not opened and nothing in it was changed.', code: `unlock:${reason}` };
  }
  if (name === 'VaultIntegrityError') {
    return { title: 'Tampered vault record detected', detail: `The record ${err?.record ?? ''} failed its integrity check. It was not used.`, code: 'tampered' };
  }
  if (name === 'VaultStateError') return { title: 'Not possible right now', detail: message, code: `vault:${err?.reason ?? 'state'}` };
  if (name === 'NotAllowedError') return { title: 'Passkey request cancelled or not allowed', detail: message, code: 'webauthn' };
  const info = err as Partial<WalletErrorInfo> | null;
  if (typeof info?.code === 'string') return describeInfo(info as WalletErrorInfo);
  return { title: 'Something went wrong', detail: message, code: 'internal' };
}

const CODE_TITLES: Readonly<Record<string, string>> = {
  'malformed-link': 'This invite link is malformed',
  'bad-signature': 'Signature check failed',
  'not-invited': 'This device is not invited',
  expired: 'Expired',
  'unknown-account': 'Unknown account',
  'unknown-request': 'Unknown request',
  'unknown-lobby': 'Unknown lobby',
  locked: 'The wallet is locked',
  'no-vault': 'No vault on this device',
  'vault-exists': 'A vault already exists on this device',
  'bad-input': 'Check your input',
  'already-decided': 'Already decided',
  'not-enough-approvals': 'Not enough approvals yet',
  'nonce-reused': 'Nonce already used — refused',
  tampered: 'Tampered data detected',
  'protocol-abort': 'The ceremony was aborted',
  transport: 'Network problem',
  'unsupported-scheme': 'Unsupported scheme',
  'webauthn-unavailable': 'Passkeys with PRF are not available here',
  internal: 'Unexpected error',
};

/** Title and detail of a serialized wallet error. */
export function describeInfo(info: WalletErrorInfo): { title: string; detail: string; code: string } {
  const title = CODE_TITLES[info.code] ?? 'Error';
  const norm = (x: string): string => x.toLowerCase().replace(/^[a-z-]+: /, '').trim();
  const parts: string[] = [];
  if (info.code === 'nonce-reused') parts.push('This device already took part in this signing session and will not produce a second signature share (reusing a nonce would expose its key share). The refusal is in the audit log.');
  else if (norm(info.message) !== norm(title)) parts.push(info.message);
  if (info.field !== undefined) parts.push(`Field: ${info.field}.`);
  if (info.culprit !== undefined) parts.push(`Party blamed: #${info.culprit}.`);
  return { title, detail: parts.join(' '), code: info.code };
}

/** An error alert box (role=alert) for a thrown value or a serialized error. */
export function errorAlert(e: unknown, testid = 'error'): HTMLDivElement {
  const d = isInfo(e) ? describeInfo(e) : describeError(e);
  return h('div', { class: 'alert error', role: 'alert', testid, 'data-code': d.code }, h('strong', {}, d.title), h('span', {}, d.detail));
}

function isInfo(e: unknown): e is WalletErrorInfo {
  return typeof e === 'object' && e !== null && !(e instanceof Error) && typeof (e as { code?: unknown }).code === 'string' && typeof (e as { message?: unknown }).message === 'string';
}

/** A button copying `text()` to the clipboard (falls back to selecting `select` when denied). */
export function copyButton(text: () => string, testid: string, select?: HTMLInputElement | HTMLTextAreaElement): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'small', testid }, 'Copy');
  b.addEventListener('click', () => {
    void (async () => {
      try {
        await navigator.clipboard.writeText(text());
        b.textContent = 'Copied';
      } catch {
        select?.focus();
        select?.select();
        b.textContent = 'Selected — press Ctrl+C';
      }
      setTimeout(() => {
        if (b.isConnected) b.textContent = 'Copy';
      }, 2000);
    })();
  });
  return b;
}

/** Date and time in the user's locale. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** `abcd…wxyz` form of a long hex string for compact display (the full value goes in `title`). */
export function shortHex(hex: string, keep = 8): string {
  return hex.length <= keep * 2 + 1 ? hex : `${hex.slice(0, keep)}…${hex.slice(-keep)}`;
}

/** Groups a fingerprint in blocks of 4 for reading aloud. */
export function groupFingerprint(fp: string): string {
  return fp.replace(/(.{4})(?=.)/g, '$1 ');
}

/** Bytes of a UTF-8 string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Bytes of an even-length hex string (whitespace ignored). @throws {Error} if not hex. */
export function hexToBytesStrict(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '').replace(/^0x/i, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new Error('not an even-length hex string');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Page heading block with an optional subtitle and actions on the right. */
export function screenHead(title: string, subtitle?: string, ...actions: Child[]): HTMLDivElement {
  return h('div', { class: 'screen-head' }, h('div', {}, h('h1', { tabindex: '-1', 'data-autofocus': true }, title), subtitle ? h('p', {}, subtitle) : null), actions.length ? h('div', { class: 'row' }, ...actions) : null);
}
