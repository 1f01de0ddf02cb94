#!/usr/bin/env node
// Installs what is missing, so that on a fresh machine `npm start` and `npm test` need nothing else:
// system packages (Debian Chromium for the Playwright tests, SoftHSM2 for the PKCS#11 bridge; apt-get, only
// when missing), pnpm (pinned; corepack does not work on these machines) and the workspace dependencies
// from the lockfile.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = '12.21.0';

function run(cmd, opts = {}) {
  execSync(cmd, { stdio: ['ignore', 'inherit', 'inherit'], cwd: root, ...opts });
}

function has(cmd) {
  try {
    execSync(`${cmd} --version`, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Debian packages the tests need, with the file that shows each is installed. */
const SYSTEM_PACKAGES = [
  { pkg: 'chromium', file: '/usr/bin/chromium' },
  { pkg: 'softhsm2', file: '/usr/lib/softhsm/libsofthsm2.so' },
];

function ensureSystemPackages(log) {
  const missing = SYSTEM_PACKAGES.filter((p) => !existsSync(p.file)).map((p) => p.pkg);
  if (missing.length === 0) return;
  if (process.platform !== 'linux' || !has('apt-get')) {
    log(`missing system packages (${missing.join(', ')}) and no apt-get: install them by hand`);
    return;
  }
  const sudo = typeof process.getuid === 'function' && process.getuid() !== 0 ? 'sudo ' : '';
  log(`installing system packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run(`${sudo}apt-get -o DPkg::Lock::Timeout=300 update -qq`, { env });
  run(`${sudo}apt-get -o DPkg::Lock::Timeout=300 install -y -qq ${missing.join(' ')}`, { env });
}

export function ensure({ quiet = false, system = true } = {}) {
  const log = (m) => quiet || console.error(`[setup] ${m}`);
  if (system) ensureSystemPackages(log);
  if (!has('pnpm')) {
    log(`installing pnpm@${PNPM_VERSION}`);
    run(`npm install -g pnpm@${PNPM_VERSION}`);
  }
  const env = { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr' };
  const frozen = existsSync(path.join(root, 'pnpm-lock.yaml')) ? '--frozen-lockfile' : '';
  log('installing workspace dependencies');
  run(`pnpm install ${frozen} --reporter=silent`, { env });
  run('node packages/crypto/scripts/build-wasm.mjs'); // WebAssembly Montgomery backend (skips when up to date)
}

if (import.meta.url === `file://${process.argv[1]}`) ensure();
