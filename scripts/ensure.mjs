#!/usr/bin/env node
// Installs what is missing, so that on a fresh machine `npm start` and `npm test` need nothing else:
// pnpm (pinned; corepack does not work on these machines) and the workspace dependencies from the lockfile.
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

export function ensure({ quiet = false } = {}) {
  const log = (m) => quiet || console.error(`[setup] ${m}`);
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
