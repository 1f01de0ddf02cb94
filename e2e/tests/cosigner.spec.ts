/**
 * Server co-signer e2e (2PC wallet): one browser context and a `tessera party` child process
 * (`node --import tsx apps/cli/src/main.ts party …`) against the e2e signal server. The user
 * pastes the co-signer's identity key (made with `tessera party --new-identity`), the wallet
 * shows the signed cggmp-keygen invitation and the command; the test saves the invitation to a
 * file, reloads the tab (the unlocked wallet continues the ceremony) and runs the party with it
 * (fixture safe primes via --primes-file; the browser searches its own primes in its worker pool). Both end with the same group key; then "Sign with
 * co-signer" → the cggmp-sign invitation → the party signs with its share → the wallet shows
 * the verified signature, which the test verifies with noble and compares with the party's
 * own output. A tampered invitation (message changed after signing) is refused by the party.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/curves/utils.js';
import { expect, test } from '../support/fixtures.ts';
import { createVault, unlockWithPasskey } from '../support/wallet.ts';

test.setTimeout(420_000);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRIMES = fileURLToPath(new URL('../../vectors/paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json', import.meta.url));

/** Result of a `tessera party` run. */
interface PartyRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tessera party …` from the repository root (the CLI through tsx). */
function tesseraParty(args: readonly string[], timeoutMs = 300_000): Promise<PartyRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', 'party', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Two pairs of fixture safe primes as a --primes-file (party i takes entry i). */
async function writePrimesFile(path: string): Promise<void> {
  const json = JSON.parse(await readFile(PRIMES, 'utf8')) as { constants: { hex: string }[] };
  const primes = [...new Set(json.constants.filter((c) => c.hex.length === 256).map((c) => c.hex))];
  await writeFile(path, JSON.stringify([{ p: primes[0], q: primes[1] }, { p: primes[2], q: primes[3] }]));
}

test('a browser wallet and a tessera party co-signer create a 2-of-2 ECDSA account and sign; the signature verifies', async ({ newParty, baseUrl, shot }, testInfo) => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-e2e-cosigner-'));
  const identity = join(dir, 'cosigner-identity.json');
  const state = join(dir, 'state');
  const share = join(dir, 'cosigner-share.json');
  const primes = join(dir, 'primes.json');
  // the server listens on 127.0.0.1; the page reaches it as localhost (secure context)
  const signal = `ws://127.0.0.1:${new URL(baseUrl).port}`;
  try {
    await writePrimesFile(primes);
    const made = await tesseraParty(['--identity', identity, '--new-identity']);
    expect(made.code, made.stderr).toBe(0);
    const cosignerKey = made.stdout.trim();
    expect(cosignerKey).toMatch(/^[0-9a-f]{64}$/);

    const alice = await newParty('alice');
    await createVault(alice.page, { passkey: true });
    const page = alice.page;
    await page.getByTestId('cosigner-add').click();
    await expect(page.getByTestId('screen-cosigner')).toBeVisible();
    // a key that is not an Ed25519 point is refused, naming the field
    await page.getByTestId('cosigner-key').fill(`02${'00'.repeat(31)}`);
    await page.getByTestId('cosigner-create').click();
    await expect(page.getByTestId('cosigner-create-error')).toContainText('cosignerKey');

    await page.getByTestId('cosigner-label').fill('Server 2PC');
    await page.getByTestId('cosigner-key').fill(cosignerKey);
    await page.getByTestId('cosigner-create').click();
    const card = page.getByTestId('cosigner-ceremony').first();
    await expect(card).toHaveAttribute('data-kind', 'keygen');
    const invitation = await card.getByTestId('cosigner-invitation').inputValue();
    const command = (await card.getByTestId('cosigner-command').textContent()) ?? '';
    expect(command).toContain(`tessera party --signal ws://localhost:${new URL(baseUrl).port} --identity`);
    expect(command).toContain('--invitation tessera-cggmp-keygen-');
    await expect(card.getByTestId('cosigner-invitation-download')).toHaveAttribute('download', /\.json$/);
    await shot(page, 'cosigner-invitation');
    const kgFile = join(dir, 'keygen.json');
    await writeFile(kgFile, invitation);
    // a reload while the wallet waits for the co-signer: once unlocked, the screen continues the ceremony
    await page.reload();
    await unlockWithPasskey(page);
    await expect(page.getByTestId('screen-cosigner')).toBeVisible();
    await expect(card).toHaveAttribute('data-stage', 'running');
    await expect(card.getByTestId('cosigner-invitation')).toHaveValue(invitation);

    const started = Date.now();
    const kg = await tesseraParty(['--signal', signal, '--identity', identity, '--invitation', kgFile, '--state', state, '--share', share, '--primes-file', primes, '--json']);
    expect(kg.code, kg.stderr).toBe(0);
    const kgOut = JSON.parse(kg.stdout.trim().split('\n').pop()!) as { ceremony: string; party: number; publicKey: string; threshold: number; parties: number };
    expect(kgOut).toMatchObject({ ceremony: 'cggmp-keygen', party: 2, threshold: 2, parties: 2 });
    await expect(card.getByTestId('cosigner-account-done')).toBeVisible({ timeout: 120_000 });
    testInfo.annotations.push({ type: 'cosigner-keygen-ms', description: String(Date.now() - started) });
    const groupKey = ((await card.getByTestId('cosigner-group-key').textContent()) ?? '').trim();
    expect(groupKey).toBe(kgOut.publicKey);
    expect(groupKey).toMatch(/^0[23][0-9a-f]{64}$/);
    await shot(page, 'cosigner-account-created');

    // the account page: members this device + co-signer, and its "Sign with co-signer" button
    await card.getByTestId('cosigner-account-link').click();
    await expect(page.getByTestId('screen-account')).toBeVisible();
    await expect(page.getByTestId('account-group-key')).toHaveText(groupKey);
    await expect(page.getByTestId('member').filter({ hasText: 'co-signer' })).toHaveCount(1);
    await page.getByTestId('account-cosigner-sign').click();
    await expect(page.getByTestId('screen-cosigner-sign')).toBeVisible();
    const text = 'co-signer: send 0.05 BTC to bc1qe2e';
    await page.getByTestId('cosigner-sign-message').fill(text);
    await expect(page.getByTestId('cosigner-sign-preview-hex')).toHaveText(bytesToHex(new TextEncoder().encode(text)));
    await page.getByTestId('cosigner-sign-submit').click();
    const sc = page.getByTestId('cosigner-ceremony').first();
    await expect(sc).toHaveAttribute('data-kind', 'sign');
    await expect(sc.getByTestId('cosigner-message-utf8')).toHaveText(text);
    const signInv = await sc.getByTestId('cosigner-invitation').inputValue();

    // the operator's copy altered after the wallet signed it: the party refuses it
    const forgedFile = join(dir, 'forged.json');
    await writeFile(forgedFile, signInv.replace(bytesToHex(new TextEncoder().encode(text)), bytesToHex(new TextEncoder().encode(text.replace('0.05', '9.99')))));
    const forged = await tesseraParty(['--signal', signal, '--identity', identity, '--invitation', forgedFile, '--state', state, '--share', share, '--json'], 60_000);
    expect(forged.code).not.toBe(0);
    expect(forged.stderr).toMatch(/signature/i);

    const signFile = join(dir, 'sign.json');
    await writeFile(signFile, signInv);
    const sg = await tesseraParty(['--signal', signal, '--identity', identity, '--invitation', signFile, '--state', state, '--share', share, '--json']);
    expect(sg.code, sg.stderr).toBe(0);
    const sgOut = JSON.parse(sg.stdout.trim().split('\n').pop()!) as { ceremony: string; publicKey: string; signature: { r: string; s: string; v: number } };
    expect(sgOut.ceremony).toBe('cggmp-sign');
    expect(sgOut.publicKey).toBe(groupKey);
    await expect(sc).toHaveAttribute('data-stage', 'done', { timeout: 120_000 });
    await expect(sc.getByTestId('cosigner-verified')).toHaveAttribute('data-verified', 'true');
    const sig = hexToBytes(((await sc.getByTestId('cosigner-signature').textContent()) ?? '').trim());
    expect(sig.length).toBe(65);
    const digest = sha256(new TextEncoder().encode(text));
    expect(secp256k1.verify(sig.subarray(0, 64), digest, hexToBytes(groupKey), { prehash: false, lowS: true, format: 'compact' })).toBe(true);
    expect(secp256k1.verify(sig.subarray(0, 64), sha256(new TextEncoder().encode(`${text}!`)), hexToBytes(groupKey), { prehash: false, lowS: true, format: 'compact' })).toBe(false);
    expect(bytesToHex(sig.subarray(0, 64))).toBe(sgOut.signature.r + sgOut.signature.s);
    await shot(page, 'cosigner-signed');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
