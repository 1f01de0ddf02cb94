#!/usr/bin/env node
// `npm start`: install what is missing, build the wallet (apps/wallet, a Vite PWA), and serve it
// together with the signal server on ONE loopback origin (the wallet's files over HTTP and the
// signalling/mailbox WebSocket on the same port), then print the URL to open. Runs until Ctrl-C.
//
//   npm start                       wallet + signal server on http://localhost:8787/
//   npm start -- --port P           another port
//   npm start -- --no-hsm           without the PKCS#11 bridge (by default, when SoftHSM2 is installed, a
//                                   development token is initialized in .tessera/hsm on first run and
//                                   `tessera hsm-bridge` serves it on port P+1 for the wallet's origin)
//   npm start -- --demo             instead: the command-line demos (Paillier in the worker pool, then a
//                                   FROST 2-of-3 Taproot DKG and signing by three processes over WebRTC)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ensure } from './ensure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2).filter((a) => a !== '--');
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const port = opt('--port', '8787');

ensure();

function tessera(...cmd) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...cmd], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (args.includes('--demo')) {
  console.error('\n== Paillier in the worker pool ==');
  tessera('demo');
  console.error('\n== FROST 2-of-3 (Taproot) over WebRTC through the signal server ==');
  tessera('demo', '--transport', 'webrtc', '--parties', '3', '--threshold', '2', '--suite', 'taproot', '--message', Buffer.from('hello from tessera').toString('hex'));
  process.exit(0);
}

console.error('\n== building the wallet ==');
const build = spawnSync('pnpm', ['--filter', '@tessera/wallet', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const dist = path.join(root, 'apps', 'wallet', 'dist');
const server = spawn(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', 'signal', '--port', port, '--data', path.join(root, '.tessera', 'signal'), '--static', dist], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
let announced = false;
server.stdout.setEncoding('utf8');
server.stdout.on('data', (chunk) => {
  if (announced) return;
  const m = /ws:\/\/[^:\s]+:(\d+)/.exec(chunk);
  if (!m) return;
  announced = true;
  console.log(`\nTessera wallet: open http://localhost:${m[1]}/  (signal server ws://localhost:${m[1]}, same origin)`);
  console.log('Open it in several browser profiles or windows to co-sign; Ctrl-C stops the server.');
});
const children = [server];
const SOFTHSM = '/usr/lib/softhsm/libsofthsm2.so';
if (!args.includes('--no-hsm') && existsSync(SOFTHSM)) {
  const hsmPort = String(Number(port) + 1);
  const hsmDir = path.join(root, '.tessera', 'hsm');
  const origins = `http://localhost:${port},http://127.0.0.1:${port}`;
  const bridge = spawn(
    process.execPath,
    ['--import', 'tsx', 'apps/cli/src/main.ts', 'hsm-bridge', '--dev-softhsm', hsmDir, '--data', path.join(hsmDir, 'data'), '--port', hsmPort, '--origin', origins],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(bridge);
  bridge.stdout.setEncoding('utf8');
  bridge.stdout.once('data', (chunk) => {
    console.log(`PKCS#11 bridge (development SoftHSM2 token in .tessera/hsm): ${chunk.trim()}`);
    console.log(`  approve a wallet device: pnpm tessera hsm-bridge --approve <device id> --data ${path.relative(root, path.join(hsmDir, 'data'))}`);
  });
  bridge.on('exit', (code) => {
    if (code) console.error(`PKCS#11 bridge exited with code ${code}; the wallet still runs without it`);
  });
}
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => {
  for (const c of children) if (c !== server) c.kill('SIGTERM');
  process.exit(code ?? 0);
});
