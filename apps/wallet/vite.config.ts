/**
 * Vite build of the Tessera wallet PWA: root is this folder, output `dist/`, ES-module workers,
 * and the service worker (`src/sw.ts`) built as its own entry at `/sw.js` with the list of
 * app-shell files (every emitted asset) injected at build time so it can precache them.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));


/**
 * Prepends the precache list and a build id to sw.js (as `self.__TESSERA_SHELL__` and
 * `self.__TESSERA_BUILD__`): all emitted files except the service worker itself and source
 * maps, plus the static files copied from public/.
 */
function shellManifest(publicFiles: readonly string[]): Plugin {
  return {
    name: 'tessera-shell-manifest',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = new Set<string>(['/', ...publicFiles]);
      for (const name of Object.keys(bundle)) {
        if (name === 'sw.js' || name.endsWith('.map')) continue;
        files.add('/' + name);
      }
      const list = [...files].sort();
      let hash = 0x811c9dc5;
      for (const ch of list.join('\n')) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
      const sw = bundle['sw.js'];
      if (sw === undefined || sw.type !== 'chunk') throw new Error('sw.js entry missing from the bundle');
      const build = hash.toString(16).padStart(8, '0');
      sw.code = `self.__TESSERA_SHELL__=${JSON.stringify(list)};self.__TESSERA_BUILD__=${JSON.stringify(build)};\n` + sw.code;
    },
  };
}

/**
 * Content-Security-Policy of the built page (build only: the dev server injects inline styles).
 * `wasm-unsafe-eval` lets the crypto backends compile WebAssembly; `ws:`/`wss:` reach the signal
 * server (same origin by default, another one with `?signal=`); loopback HTTP origins reach a
 * PKCS#11 bridge (`tessera hsm-bridge`) on this machine. WebRTC is not governed by CSP.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss: http://127.0.0.1:* http://localhost:*",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'tessera-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

/** The wallet's build configuration (`pnpm --filter @tessera/wallet build`). */
export default defineConfig({
  root,
  base: '/',
  publicDir: 'public',
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      input: { main: `${root}index.html`, sw: `${root}src/sw.ts` },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  plugins: [contentSecurityPolicy(), shellManifest(['/index.html', '/manifest.webmanifest', '/icons/icon.svg', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/maskable-512.png'])],
});
