#!/usr/bin/env node
// `npm test`: install what is missing, type-check, run every test suite, and end with one line
// `N passed, N failed` (counts summed over all suites; a failed type-check counts as one failure).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ensure } from './ensure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
ensure();

let passed = 0;
let failed = 0;

function step(name, cmd, args) {
  console.error(`\n[test] ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  return r.status === 0;
}

if (step('type-check', 'pnpm', ['exec', 'tsc', '-b'])) passed += 1;
else failed += 1;

const outDir = path.join(root, '.vitest-results');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const unitJson = path.join(outDir, 'unit.json');
const unitOk = step('unit tests', 'pnpm', ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitJson}`]);
try {
  const r = JSON.parse(readFileSync(unitJson, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  if (!unitOk && r.numFailedTests === 0) failed += 1; // a suite that failed to load
} catch {
  failed += 1; // the runner crashed before writing results
}

// End-to-end: the built wallet in Debian Chromium driven by Playwright (e2e/), counted with the rest.
if (existsSync(path.join(root, 'e2e', 'playwright.config.ts')) && !process.argv.includes('--no-e2e')) {
  if (!step('wallet build', 'pnpm', ['--filter', '@tessera/wallet', 'build'])) failed += 1;
  else {
    const e2eJson = path.join(outDir, 'e2e.json');
    console.error(`\n[test] e2e tests: pnpm exec playwright test -c e2e/playwright.config.ts`);
    const r = spawnSync('pnpm', ['exec', 'playwright', 'test', '-c', 'e2e/playwright.config.ts', '--reporter=list,json'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson },
    });
    try {
      const s = JSON.parse(readFileSync(e2eJson, 'utf8')).stats;
      passed += s.expected + s.flaky;
      failed += s.unexpected;
      if (r.status !== 0 && s.unexpected === 0) failed += 1; // set-up failed or no test ran
    } catch {
      failed += 1; // Playwright crashed before writing results
    }
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
