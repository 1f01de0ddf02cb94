/**
 * The signal server's static file serving (static-files.ts): the built wallet and the
 * WebSocket endpoint on one origin, path confinement, SPA fallback, caching and security
 * headers, and /health still answering.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { resolveStaticPath } from '../src/static-files.ts';
import { startSignalServer, type SignalServer } from '../src/server.ts';
import { createMemoryStore } from '../src/store.ts';

let dir: string;
let secretDir: string;
let server: SignalServer;
let port: number;

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(pathname: string, method = 'GET'): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: pathname, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'tessera-static-'));
  dir = join(base, 'dist');
  secretDir = base;
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>wallet</title>');
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"Tessera"}');
  writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'outside the root');
  server = await startSignalServer({ store: createMemoryStore(), port: 0, static: dir });
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  await server.close();
  rmSync(secretDir, { recursive: true, force: true });
});

describe('static files next to the signal endpoint', () => {
  it('serves index.html at / with no-cache and the security headers', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>wallet</title>');
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(String(r.headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('serves hashed assets as immutable, the service worker and manifest as no-cache, with their types', async () => {
    const a = await get('/assets/app-1234.js');
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(a.headers['cache-control']).toContain('immutable');
    const sw = await get('/sw.js');
    expect(sw.headers['cache-control']).toBe('no-cache');
    const m = await get('/manifest.webmanifest');
    expect(m.headers['content-type']).toBe('application/manifest+json');
    expect(m.headers['cache-control']).toBe('no-cache');
  });

  it('falls back to index.html for client routes, but 404s a missing file with an extension', async () => {
    expect((await get('/accounts/abc')).body).toContain('<title>wallet</title>');
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('refuses paths that leave the root, however encoded', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00index.html', '/..%5csecret.txt', '/%E0%A4%A']) {
      const r = await get(p);
      expect(r.body, p).not.toContain('outside the root');
      expect([400, 404], p).toContain(r.status);
    }
    expect(resolveStaticPath('/srv/app', '/../etc/passwd')).toBeUndefined();
    expect(resolveStaticPath('/srv/app', '/a/../../etc')).toBeUndefined();
    expect(resolveStaticPath('/srv/app', '/a/b.js')).toBe('/srv/app/a/b.js');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const h = await get('/', 'HEAD');
    expect(h.status).toBe(200);
    expect(h.body).toBe('');
    const p = await get('/', 'POST');
    expect(p.status).toBe(405);
  });

  it('keeps /health and the WebSocket endpoint on the same port', async () => {
    const h = await get('/health');
    expect(h.status).toBe(200);
    expect(JSON.parse(h.body).status).toBe('ok');
    const ws = new WebSocket(server.url);
    const first = await new Promise<string>((resolve, reject) => {
      ws.on('message', (d) => resolve(String(d)));
      ws.on('error', reject);
    });
    ws.close();
    expect(JSON.parse(first)).toHaveProperty('t');
  });

  it('without the option, other paths stay 404', async () => {
    const plain = await startSignalServer({ store: createMemoryStore(), port: 0 });
    try {
      const savedPort = port;
      port = Number(new URL(plain.url).port);
      const r = await get('/');
      port = savedPort;
      expect(r.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe('content security policy sources', () => {
  it('allows loopback HTTP (a local PKCS#11 bridge) by default and extra sources when configured', async () => {
    const { staticCsp, STATIC_CSP } = await import('../src/static-files.ts');
    expect(STATIC_CSP).toContain("connect-src 'self' ws: wss: http://localhost:* http://127.0.0.1:*");
    expect(staticCsp(['https://hsm.example.com'])).toContain("connect-src 'self' https://hsm.example.com;");
  });

  it('refuses a source that would inject another directive', async () => {
    const { staticCsp } = await import('../src/static-files.ts');
    expect(() => staticCsp(["https://x.example; script-src 'unsafe-inline'"])).toThrow(/connectSrc/);
    expect(() => staticCsp(['https://a.example https://b.example'])).toThrow(/connectSrc/);
  });
});
