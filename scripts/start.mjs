#!/usr/bin/env node
// `npm start`: install what is missing, then run the main jobs:
//   1. `tessera demo` — a 2048-bit Paillier key generated in the worker pool, then encrypt, add,
//      multiply and decrypt;
//   2. `tessera demo --transport webrtc` — a signal server on a free loopback port and three party
//      processes that run a FROST 2-of-3 Taproot DKG and signing over WebRTC (mailbox fallback).
// `npm start -- --serve [--port P]` then keeps a signal server running on 127.0.0.1:P (default 8787)
// with its mailbox in .tessera/signal, until Ctrl-C.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ensure } from './ensure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2).filter((a) => a !== '--');
const serve = args.includes('--serve');
const portIdx = args.indexOf('--port');
const port = portIdx >= 0 ? args[portIdx + 1] : '8787';

ensure();

function tessera(...cmd) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...cmd], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

console.error('\n== Paillier in the worker pool ==');
tessera('demo');
console.error('\n== FROST 2-of-3 (Taproot) over WebRTC through the signal server ==');
tessera('demo', '--transport', 'webrtc', '--parties', '3', '--threshold', '2', '--suite', 'taproot', '--message', Buffer.from('hello from tessera').toString('hex'));
if (serve) {
  console.error(`\n== signal server on ws://127.0.0.1:${port} (Ctrl-C to stop) ==`);
  tessera('signal', '--port', port, '--data', path.join(root, '.tessera', 'signal'));
}
