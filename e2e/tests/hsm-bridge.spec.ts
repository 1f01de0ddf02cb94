/**
 * Hardware key (PKCS#11 bridge, issue 9): a real `tessera hsm-bridge --dev-softhsm` process
 * (a SoftHSM2 token initialized in a temporary directory) allowing the wallet's origin. Alice's
 * tab registers with the bridge and shows its fingerprint and the operator command; the test
 * runs that command (as the operator, with the bridge's registry directory); the tab enrolls
 * the hardware key, locks, is refused with a clear error while the bridge is down (still
 * locked, nothing lost), unlocks through the bridge once it is back, and signs a 2-of-2 Taproot
 * FROST request with Bob's tab. The BIP340 signature is verified with noble, and the status
 * screen's nonce cross-check shows the IndexedDB ledger, the HSM counter and the mailbox
 * agreeing, then the mismatch once the IndexedDB counter is rolled back. A bridge outside the
 * page's CSP (not on loopback) is reported as blocked by the CSP.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/curves/utils.js';
import { expect, test } from '../support/fixtures.ts';
import { CEREMONY_TIMEOUT, createSharedWallet, createVault, joinFromLink, openAccount, openInboxRequest, requestCard, requestSignature, waitForAccount } from '../support/wallet.ts';

test.setTimeout(300_000);

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CLI_MAIN = fileURLToPath(new URL('../../apps/cli/src/main.ts', import.meta.url));
const PASSPHRASE = 'alice hardware key test';

let dir = '';
let port = 0;
let bridgeUrl = '';
let proc: ChildProcess | undefined;

/** Starts `tessera hsm-bridge --dev-softhsm DIR` allowing the wallet's origin; resolves with its URL. */
function startBridge(origin: string): Promise<string> {
  const p = spawn(process.execPath, ['--import', TSX_LOADER, CLI_MAIN, 'hsm-bridge', '--dev-softhsm', dir, '--port', String(port), '--origin', origin, '--log-level', 'error'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  proc = p;
  return new Promise((resolve, reject) => {
    let buf = '';
    p.stdout!.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl).trim());
    });
    p.once('close', (code) => reject(new Error(`hsm-bridge exited with ${code}`)));
  });
}

async function stopBridge(): Promise<void> {
  const p = proc;
  proc = undefined;
  if (!p || p.exitCode !== null) return;
  const closed = new Promise((r) => p.once('close', r));
  p.kill('SIGTERM');
  await closed;
}

/** The operator's command line on the bridge's machine. */
function operator(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', TSX_LOADER, CLI_MAIN, 'hsm-bridge', ...args], { cwd: dir, encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

test.beforeAll(async () => {
  const origin = process.env.TESSERA_E2E_URL;
  if (!origin) throw new Error('TESSERA_E2E_URL is not set: the global setup did not run');
  dir = mkdtempSync(join(tmpdir(), 'tessera-e2e-hsm-'));
  bridgeUrl = await startBridge(origin);
  port = Number(new URL(bridgeUrl).port);
});

test.afterAll(async () => {
  await stopBridge();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a tab registers with the PKCS#11 bridge, is approved, unlocks through it and signs; bridge down is refused', async ({ newParty, shot, baseUrl }) => {
  const alice = await newParty('alice');
  const bob = await newParty('bob');
  await createVault(alice.page, { passkey: false, passphrase: PASSPHRASE });
  await createVault(bob.page, { passkey: true });

  // a 2-of-2 Taproot wallet
  const links = await createSharedWallet(alice.page, { label: 'Custody', suite: 'taproot', threshold: 2, parties: 2, memberLabel: 'Alice' });
  await joinFromLink(bob.page, links.get(2)!, 'Bob');
  const [idA, idB] = await Promise.all([waitForAccount(alice.page), waitForAccount(bob.page)]);
  expect(idB).toBe(idA);

  // the served CSP lets the page reach loopback bridges only: another origin is blocked by the browser and the card says why
  await bob.page.goto('/#/settings');
  const bobHk = bob.page.getByTestId('hardware-key');
  await bobHk.getByTestId('hk-url').fill('http://bridge.example:8788');
  await bobHk.getByTestId('hk-register').click();
  await expect(bobHk.getByTestId('hk-error')).toHaveAttribute('data-code', 'bridge:csp-blocked');
  await expect(bobHk.getByTestId('hk-error')).toContainText('Content Security Policy');

  // Alice registers this device with the bridge
  await alice.page.goto('/#/settings');
  const card = alice.page.getByTestId('hardware-key');
  await expect(card).toBeVisible();
  await expect(card.getByTestId('hk-unconfigured')).toBeVisible();
  // the browser reaches the loopback bridge as localhost (the e2e Chromium resolves no other name)
  await card.getByTestId('hk-url').fill(`http://localhost:${port}`);
  await card.getByTestId('hk-register').click();
  await expect(card.getByTestId('hk-registration')).toHaveAttribute('data-registration', 'pending');
  const command = card.getByTestId('hk-approve-command');
  const deviceId = (await command.getAttribute('data-device-id')) ?? '';
  expect(deviceId).toMatch(/^wallet-[0-9a-f]{16}$/);
  await expect(command).toHaveValue(`tessera hsm-bridge --approve ${deviceId} --data .tessera/hsm/data`);
  const fingerprint = ((await card.getByTestId('hk-fingerprint').textContent()) ?? '').replace(/\s+/g, '');
  expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
  await shot(alice.page, 'hardware-key-pending');

  // the operator compares the fingerprint and approves (the same command, with this bridge's --data)
  const dataDir = join(dir, 'data');
  expect(await operator(['--list-devices', '--data', dataDir])).toMatch(new RegExp(`${deviceId}\\s+pending\\s+${fingerprint}`));
  expect(await operator(['--approve', deviceId, '--data', dataDir])).toContain(`approved ${deviceId} (key fingerprint ${fingerprint})`);

  // the tab notices the approval by itself and enrolls the method with the current passphrase
  await expect(card.getByTestId('hk-enroll-form')).toBeVisible({ timeout: 30_000 });
  await card.getByTestId('hk-auth-passphrase').fill(PASSPHRASE);
  await card.getByTestId('hk-enroll').click();
  await expect(card.getByTestId('hk-registration')).toHaveAttribute('data-enrolled', 'true', { timeout: 30_000 });
  await expect(card.getByTestId('hk-counter')).toContainText('HSM counter');
  await alice.page.goto('/#/accounts');
  await alice.page.goto('/#/settings');
  await expect(alice.page.locator('[data-testid="method"][data-kind="pkcs11"]')).toBeVisible({ timeout: 30_000 });
  await shot(alice.page, 'hardware-key-enrolled');

  // lock; the bridge goes down: a clear refusal, still locked, nothing lost
  await alice.page.getByTestId('lock').click();
  await expect(alice.page.getByTestId('screen-unlock')).toBeVisible();
  const hwButton = alice.page.getByTestId('unlock-hardware-key');
  await expect(hwButton).toBeVisible();
  await stopBridge();
  await hwButton.click();
  const err = alice.page.getByTestId('unlock-error');
  await expect(err).toHaveAttribute('data-code', 'bridge:unreachable', { timeout: 30_000 });
  await expect(err).toContainText('cannot be reached');
  await expect(err).toContainText('Nothing in the vault was changed');
  await expect(alice.page.getByTestId('screen-unlock')).toBeVisible();
  await shot(alice.page, 'unlock-hardware-key-bridge-down');

  // the bridge is back: unlock through it
  await startBridge(baseUrl);
  await hwButton.click();
  await expect(alice.page.getByTestId('screen-unlock')).toBeHidden({ timeout: 60_000 });

  // sign with Bob: request, approve, finalize; the counter comes from the HSM
  const keyA = await openAccount(alice.page, idA);
  const text = 'Release 1 BTC from cold storage, ticket 9';
  const requestId = await requestSignature(alice.page, { text }, 'Ticket 9');
  const bobCard = await openInboxRequest(bob.page, requestId);
  await bobCard.getByTestId('request-approve').click();
  const aliceCard = requestCard(alice.page, requestId);
  await expect(aliceCard.getByTestId('request-finalize')).toBeVisible({ timeout: 60_000 });
  await aliceCard.getByTestId('request-finalize').click();
  await expect(aliceCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });
  const sigHex = ((await aliceCard.getByTestId('request-signature').textContent()) ?? '').trim();
  expect(schnorr.verify(hexToBytes(sigHex), new TextEncoder().encode(text), hexToBytes(keyA))).toBe(true);
  await expect(bobCard).toHaveAttribute('data-status', 'done', { timeout: CEREMONY_TIMEOUT });

  // status: IndexedDB ledger, HSM counter and mailbox agree (1 signing)
  await alice.page.goto('/#/status');
  const xcheck = alice.page.getByTestId('nonce-xcheck');
  await expect(xcheck).toHaveAttribute('data-hsm', 'true', { timeout: 30_000 });
  await expect
    .poll(
      async () => {
        await alice.page.getByTestId('status-rerun').click();
        return xcheck.getAttribute('data-ok');
      },
      { timeout: 60_000, intervals: [1000, 2000] },
    )
    .toBe('true');
  const row = xcheck.getByTestId('nonce-xcheck-account');
  await expect(row.getByTestId('nonce-xcheck-ledger')).toHaveText('1 / 1');
  await expect(row.getByTestId('nonce-xcheck-hsm')).toHaveText('1');
  await expect(row.getByTestId('nonce-xcheck-mailbox')).toHaveText('1');
  await shot(alice.page, 'status-nonce-cross-check');

  // an old copy of the IndexedDB counter is restored (rolled back): the status shows the mismatch
  const keyId = (await row.getByTestId('nonce-xcheck-key-id').getAttribute('data-key-id')) ?? '';
  expect(keyId).toMatch(/^[0-9a-f]{64}$/);
  await alice.page.evaluate(
    (key) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('tessera-wallet');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('counters', 'readwrite');
          tx.objectStore('counters').put(0n, key);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    keyId,
  );
  await alice.page.getByTestId('status-rerun').click();
  await expect(xcheck).toHaveAttribute('data-ok', 'false');
  await expect(xcheck.getByTestId('nonce-xcheck-alert')).toContainText('IndexedDB ledger counter 0 is below the HSM');
  await expect(row.getByTestId('nonce-xcheck-mismatch')).toHaveAttribute('data-kind', 'ledger-behind-hsm');
  await shot(alice.page, 'status-nonce-mismatch');
});
