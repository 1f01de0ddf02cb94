/**
 * Global setup of the e2e run: starts the signal server in this process with the built wallet
 * (apps/wallet/dist) as its static directory, on a free port, with a file mailbox store in a
 * temporary directory, and publishes the origin as TESSERA_E2E_URL (http://localhost:PORT:
 * WebAuthn needs a secure context, which localhost is). The server's log goes to
 * e2e/artifacts/signal.log. Returns the teardown.
 * @module
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFileStore } from '@tessera/signal/file-store';
import { createLogger } from '@tessera/signal/log';
import { startSignalServer } from '@tessera/signal/server';

/** Directory of the built wallet. */
export const WALLET_DIST = fileURLToPath(new URL('../../apps/wallet/dist/', import.meta.url));

/** Where screenshots and the server log go (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

/**
 * Starts the server; Playwright calls the returned function after the run.
 * @throws {Error} if the wallet has not been built.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(join(WALLET_DIST, 'index.html'))) throw new Error(`the wallet is not built (${WALLET_DIST}index.html missing): run pnpm --filter @tessera/wallet build`);
  const dir = await mkdtemp(join(tmpdir(), 'tessera-e2e-'));
  await mkdir(ARTIFACTS, { recursive: true });
  const logFile = createWriteStream(join(ARTIFACTS, 'signal.log'), { flags: 'w' });
  const server = await startSignalServer({
    store: createFileStore({ dir: join(dir, 'mailbox') }),
    port: 0,
    host: '127.0.0.1',
    static: WALLET_DIST,
    logger: createLogger(logFile, 'info'),
  });
  process.env.TESSERA_E2E_URL = `http://localhost:${server.port}`;
  process.env.TESSERA_E2E_MAILBOX = join(dir, 'mailbox');
  return async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
    await new Promise<void>((resolve) => logFile.end(resolve));
  };
}
