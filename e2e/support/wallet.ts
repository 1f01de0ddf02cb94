/**
 * UI flows of the wallet driven through `data-testid`s, shared by the e2e specs: create or
 * unlock a vault, create a shared wallet and read its invite links, join from a link, request a
 * signature, approve and finalize, and read results. Every step waits on what the UI shows.
 * @module
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** Long ceremony steps (key generation and signing across contexts on a busy 2-core machine). */
export const CEREMONY_TIMEOUT = 90_000;

/**
 * Creates the vault with a passkey (the page's virtual PRF authenticator) and/or a passphrase;
 * waits for the screen `then` (default the accounts list).
 */
export async function createVault(page: Page, opts: { passkey?: boolean; passphrase?: string; then?: string }): Promise<void> {
  await expect(page.getByTestId('screen-welcome')).toBeVisible();
  const passkey = page.getByTestId('welcome-use-passkey');
  if (opts.passkey ?? true) await passkey.check();
  else await passkey.uncheck();
  const pass = page.getByTestId('welcome-use-passphrase');
  if (opts.passphrase !== undefined) {
    await pass.check();
    await page.getByTestId('welcome-passphrase').fill(opts.passphrase);
    await page.getByTestId('welcome-passphrase-confirm').fill(opts.passphrase);
  } else {
    await pass.uncheck();
  }
  await page.getByTestId('welcome-create').click();
  await expect(page.getByTestId(opts.then ?? 'screen-accounts')).toBeVisible({ timeout: 60_000 });
}

/** Unlocks with the passkey from the unlock screen. */
export async function unlockWithPasskey(page: Page): Promise<void> {
  await expect(page.getByTestId('screen-unlock')).toBeVisible();
  await page.getByTestId('unlock-passkey').click();
  await expect(page.getByTestId('screen-unlock')).toBeHidden({ timeout: 60_000 });
}

/** Unlocks with a passphrase (expects success). */
export async function unlockWithPassphrase(page: Page, passphrase: string): Promise<void> {
  await expect(page.getByTestId('screen-unlock')).toBeVisible();
  await page.getByTestId('unlock-passphrase').fill(passphrase);
  await page.getByTestId('unlock-passphrase').press('Enter');
  await expect(page.getByTestId('screen-unlock')).toBeHidden({ timeout: 60_000 });
}

/** Fills the create-wallet form and returns the invite links by slot (2..n). */
export async function createSharedWallet(
  page: Page,
  opts: { label: string; suite: 'taproot' | 'secp256k1' | 'ed25519' | 'ecdsa'; threshold: number; parties: number; memberLabel?: string; beforeSubmit?: () => Promise<void> },
): Promise<Map<number, string>> {
  await page.goto('/#/create');
  await expect(page.getByTestId('screen-create')).toBeVisible();
  await page.getByTestId('create-label').fill(opts.label);
  if (opts.memberLabel) await page.getByTestId('create-member-label').fill(opts.memberLabel);
  await page.getByTestId(`create-suite-${opts.suite}`).check();
  await page.getByTestId('create-threshold').fill(String(opts.threshold));
  await page.getByTestId('create-parties').fill(String(opts.parties));
  await opts.beforeSubmit?.();
  await page.getByTestId('create-submit').click();
  await expect(page.getByTestId('screen-lobby')).toBeVisible({ timeout: 30_000 });
  const links = new Map<number, string>();
  for (let i = 2; i <= opts.parties; i++) {
    const area = page.getByTestId(`invite-link-${i}`);
    await expect(area).toBeVisible();
    links.set(i, await area.inputValue());
  }
  return links;
}

/** Opens an invite link in a page that already has an unlocked vault and joins. */
export async function joinFromLink(page: Page, link: string, memberLabel: string): Promise<void> {
  const url = new URL(link);
  await page.goto(`/${url.hash}`);
  await expect(page.getByTestId('join-form')).toBeVisible();
  await page.getByTestId('join-member-label').fill(memberLabel);
  await page.getByTestId('join-confirm').click();
  await expect(page.getByTestId('screen-lobby')).toBeVisible({ timeout: 30_000 });
}

/** Waits until the lobby on `page` reports the wallet ready; returns the account id. */
export async function waitForAccount(page: Page, timeout = CEREMONY_TIMEOUT): Promise<string> {
  await expect(page.getByTestId('lobby-done')).toBeVisible({ timeout });
  const href = await page.getByTestId('lobby-open-account').getAttribute('href');
  const id = decodeURIComponent((href ?? '').replace('#/account/', ''));
  expect(id).not.toBe('');
  return id;
}

/** Opens an account page and returns its group key (hex). */
export async function openAccount(page: Page, accountId: string): Promise<string> {
  await page.goto(`/#/account/${encodeURIComponent(accountId)}`);
  const key = page.getByTestId('account-group-key');
  await expect(key).toBeVisible({ timeout: 30_000 });
  return ((await key.textContent()) ?? '').trim();
}

/** Posts a signing request from the open account page; returns the request id. */
export async function requestSignature(page: Page, message: { text?: string; hex?: string }, note: string, opts: { hash?: 'sha256' | 'keccak256' } = {}): Promise<string> {
  if (opts.hash !== undefined) await page.getByTestId('sign-hash').selectOption(opts.hash);
  if (message.hex !== undefined) {
    await page.getByTestId('sign-format').selectOption('hex');
    await page.getByTestId('sign-message').fill(message.hex);
  } else {
    await page.getByTestId('sign-format').selectOption('text');
    await page.getByTestId('sign-message').fill(message.text ?? '');
  }
  await page.getByTestId('sign-note').fill(note);
  await page.getByTestId('sign-submit').click();
  const card = page.getByTestId('request').filter({ hasText: note }).first();
  await expect(card).toBeVisible({ timeout: 30_000 });
  const id = await card.getAttribute('data-request-id');
  expect(id).toBeTruthy();
  return id!;
}

/** The request card with `id` on the current page. */
export function requestCard(page: Page, id: string): Locator {
  return page.locator(`[data-testid="request"][data-request-id="${id}"]`);
}

/** Opens the approvals inbox and waits for the request `id` to appear. */
export async function openInboxRequest(page: Page, id: string, timeout = 60_000): Promise<Locator> {
  await page.goto('/#/inbox');
  await expect(page.getByTestId('screen-inbox')).toBeVisible();
  const card = requestCard(page, id);
  await expect(card).toBeVisible({ timeout });
  return card;
}
