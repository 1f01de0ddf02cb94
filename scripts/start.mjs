#!/usr/bin/env node
// `npm start`: install what is missing, then run the main job. For now that is `tessera demo`
// (a 2048-bit Paillier key generated in the worker pool, then encrypt, add, multiply, decrypt).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ensure } from './ensure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
ensure();
const r = spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', 'demo', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
