/**
 * Static file serving for the signal server's HTTP side, so that a built web app (the wallet)
 * and the WebSocket endpoint share one origin (`ws://host:port` next to `http://host:port/`).
 *
 * - Only GET and HEAD; only files under the configured root (the decoded path is resolved and
 *   must stay inside it: `..`, encoded separators, NUL bytes and absolute paths are refused).
 * - An unknown path without a file extension falls back to `index.html` (client-side routes);
 *   an unknown path with an extension is a 404.
 * - Content types from a fixed table; `index.html`, `sw.js` and `*.webmanifest` are sent with
 *   `cache-control: no-cache` (an installed PWA must see updates), hashed assets under
 *   `assets/` as immutable.
 * - Security headers on every response: `x-content-type-options: nosniff`, `referrer-policy:
 *   no-referrer` (invite links carry their secret in the fragment, which browsers never send,
 *   and no page URL leaks to other origins), `cross-origin-opener-policy: same-origin`, and a
 *   content security policy allowing only this origin (and its WebSocket) for scripts,
 *   workers and connections.
 * @module
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** Origins pages may connect to besides their own: WebSockets, and a PKCS#11 bridge on loopback. */
export const DEFAULT_CONNECT_SRC: readonly string[] = ['ws:', 'wss:', 'http://localhost:*', 'http://127.0.0.1:*'];

/**
 * The content security policy of served pages: scripts, workers and styles from this origin
 * only; connections to this origin, WebSockets, and `connectSrc` (default
 * {@link DEFAULT_CONNECT_SRC}; add e.g. an HTTPS bridge origin).
 */
export function staticCsp(connectSrc: readonly string[] = DEFAULT_CONNECT_SRC): string {
  for (const o of connectSrc) if (!/^[a-z][a-z0-9+.-]*:(\/\/[^\s;,'"]+)?$/i.test(o)) throw new RangeError(`connectSrc: not a CSP source expression: ${JSON.stringify(o)}`);
  return `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self' ${connectSrc.join(' ')}; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'`;
}

/** The default policy ({@link staticCsp} with the default sources). */
export const STATIC_CSP = staticCsp();

function securityHeaders(csp: string): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'content-security-policy': csp,
  };
}

/**
 * Maps a request path to a file under `root`, or undefined if the path is not acceptable.
 * Exported for tests.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return undefined;
  if (decoded.split('/').includes('..')) return undefined;
  const rel = path.posix.normalize(decoded);
  const full = path.resolve(root, '.' + rel);
  const base = path.resolve(root);
  if (full !== base && !full.startsWith(base + path.sep)) return undefined;
  return full;
}

async function isFile(p: string): Promise<number | undefined> {
  try {
    const s = await stat(p);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

/** A request handler serving `root`; answers 404/405 itself. */
export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Creates the handler for files under `root` (an absolute or relative directory path);
 * `connectSrc` as in {@link staticCsp}. The handler never throws: I/O errors become a 404
 * (missing) or 500 (read failure) response.
 * @throws {RangeError} if a `connectSrc` entry is not a source expression.
 */
export function createStaticHandler(root: string, connectSrc?: readonly string[]): StaticHandler {
  const base = path.resolve(root);
  const csp = staticCsp(connectSrc);
  return (req, res) => {
    void (async () => {
      const headers = securityHeaders(csp);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed');
        return;
      }
      const urlPath = (req.url ?? '/').split(/[?#]/)[0] ?? '/';
      let file = resolveStaticPath(base, urlPath === '/' ? '/index.html' : urlPath);
      if (file === undefined) {
        res.writeHead(400, { ...headers, 'content-type': 'text/plain' }).end('bad path');
        return;
      }
      let size = await isFile(file);
      if (size === undefined && path.extname(file) === '') {
        file = path.join(base, 'index.html');
        size = await isFile(file);
      }
      if (size === undefined) {
        res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const ext = path.extname(file).toLowerCase();
      const name = path.basename(file);
      const rel = path.relative(base, file).split(path.sep).join('/');
      const cache = name === 'index.html' || name === 'sw.js' || ext === '.webmanifest' ? 'no-cache' : rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
      res.writeHead(200, { ...headers, 'content-type': TYPES[ext] ?? 'application/octet-stream', 'content-length': String(size), 'cache-control': cache });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const stream = createReadStream(file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end();
    });
  };
}
