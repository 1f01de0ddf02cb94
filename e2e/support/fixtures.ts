/**
 * Playwright fixtures of the wallet e2e tests.
 *
 * - `baseUrl`: the origin served by the global setup (http://localhost:PORT).
 * - `newParty(name)`: a fresh browser CONTEXT (own IndexedDB, own storage) with one page that
 *   has its own CDP virtual WebAuthn authenticator with the PRF extension (ctap2, internal,
 *   resident keys, user verification, automatic presence), opened on the wallet. Every party
 *   is closed at the end of the test. The page's console errors and uncaught exceptions are
 *   collected in `party.errors` and attached to the test output when a test fails.
 * - `shot(page, name)`: saves a full-page screenshot to e2e/artifacts/<name>.png.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { test as base, type BrowserContext, type CDPSession, type Page } from '@playwright/test';

/** Where screenshots go (git-ignored). */
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

/** One wallet user: a browser context with its own vault and passkey authenticator. */
export interface Party {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly cdp: CDPSession;
  /** Id of the page's virtual authenticator. */
  readonly authenticatorId: string;
  /** Console errors and page errors seen so far. */
  readonly errors: string[];
}

/** Options of `newParty`. */
export interface PartyOptions {
  /** Path and fragment to open (default `/`). */
  readonly path?: string;
  /** Give the page a virtual PRF authenticator (default true). */
  readonly authenticator?: boolean;
  /** Runs before the wallet is opened (e.g. to route the page's WebSockets). */
  readonly beforeGoto?: (page: Page) => Promise<unknown>;
}

/**
 * Adds a CDP virtual authenticator with PRF to `page` (PLATFORM.md settings).
 * @throws {Error} if the browser refuses the CDP commands.
 */
export async function addPrfAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      hasPrf: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

interface Fixtures {
  baseUrl: string;
  newParty: (name: string, opts?: PartyOptions) => Promise<Party>;
  shot: (page: Page, name: string) => Promise<void>;
}

/** Playwright's `test` with the wallet fixtures (`baseUrl`, `newParty`, `shot`). */
export const test = base.extend<Fixtures>({
  baseUrl: async ({}, use) => {
    const url = process.env.TESSERA_E2E_URL;
    if (!url) throw new Error('TESSERA_E2E_URL is not set: the global setup did not run');
    await use(url);
  },
  newParty: async ({ browser, baseUrl }, use, testInfo) => {
    const parties: Party[] = [];
    await use(async (name, opts = {}) => {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1100, height: 900 }, colorScheme: parties.length % 2 === 0 ? 'light' : 'dark' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`[${name}] console: ${msg.text()}`);
      });
      page.on('pageerror', (err) => errors.push(`[${name}] pageerror: ${err.message}`));
      let cdp: CDPSession;
      let authenticatorId = '';
      if (opts.authenticator === false) cdp = await context.newCDPSession(page);
      else ({ cdp, authenticatorId } = await addPrfAuthenticator(page));
      const party: Party = { name, context, page, cdp, authenticatorId, errors };
      parties.push(party);
      if (opts.beforeGoto) await opts.beforeGoto(page);
      await page.goto(opts.path ?? '/');
      return party;
    });
    if (testInfo.status !== testInfo.expectedStatus) {
      const lines = parties.flatMap((p) => p.errors);
      if (lines.length) await testInfo.attach('browser-errors', { body: lines.join('\n'), contentType: 'text/plain' });
    }
    for (const p of parties) await p.context.close().catch(() => undefined);
  },
  shot: async ({}, use) => {
    await mkdir(ARTIFACTS, { recursive: true });
    await use(async (page, name) => {
      await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
    });
  },
});

/** Playwright's `expect`, re-exported so specs import everything from here. */
export { expect } from '@playwright/test';
