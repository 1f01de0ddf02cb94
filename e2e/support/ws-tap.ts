/**
 * A tap on a page's signal-server WebSocket (Playwright `routeWebSocket`): forwards every frame
 * both ways unchanged, records the page's `post` frames (session, recipients, envelope), and
 * can RE-SEND a recorded post over the page's own authenticated connection, as a buggy or
 * malicious client of that member would. The server's answer to a re-sent post is swallowed
 * (the page never asked for it) and returned to the test.
 * @module
 */
import type { Page, WebSocketRoute } from '@playwright/test';

/** A post frame sent by the page. */
export interface TappedPost {
  readonly session: string;
  readonly to: readonly number[] | null;
  readonly envelope: string;
  /** Order among all recorded posts (0-based). */
  readonly seq: number;
}

/** The tap of one page. */
export interface WsTap {
  /** Posts recorded so far, in order. */
  readonly posts: readonly TappedPost[];
  /**
   * Posts `post` again over the page's current connection; resolves with the server's answer.
   * @throws {Error} if the page has no open connection or the server refuses.
   */
  repost(post: TappedPost): Promise<unknown>;
}

/** Installs the tap; call before the page opens the wallet. */
export async function tapWebSockets(page: Page): Promise<WsTap> {
  const posts: TappedPost[] = [];
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let server: WebSocketRoute | undefined;
  let nextId = 900_000_000;
  await page.routeWebSocket(/^wss?:\/\//, (ws) => {
    const upstream = ws.connectToServer();
    server = upstream;
    ws.onMessage((message) => {
      if (typeof message === 'string') {
        try {
          const m = JSON.parse(message) as { t?: string; session?: string; to?: number[] | null; envelope?: string };
          if (m.t === 'post' && typeof m.session === 'string' && typeof m.envelope === 'string') posts.push({ session: m.session, to: m.to ?? null, envelope: m.envelope, seq: posts.length });
        } catch {
          // not JSON: forward as is
        }
      }
      upstream.send(message);
    });
    upstream.onMessage((message) => {
      if (typeof message === 'string') {
        try {
          const m = JSON.parse(message) as { t?: string; id?: number; ok?: boolean; message?: string; result?: unknown };
          const waiter = m.t === 'res' && typeof m.id === 'number' ? pending.get(m.id) : undefined;
          if (waiter) {
            pending.delete(m.id!);
            if (m.ok) waiter.resolve(m.result);
            else waiter.reject(new Error(`server refused the re-sent post: ${m.message ?? ''}`));
            return;
          }
        } catch {
          // not JSON: forward as is
        }
      }
      ws.send(message);
    });
  });
  return {
    posts,
    repost(post) {
      if (!server) return Promise.reject(new Error('the page has no signal connection'));
      const id = nextId++;
      const answer = new Promise<unknown>((resolve, reject) => pending.set(id, { resolve, reject }));
      server.send(JSON.stringify({ t: 'post', id, session: post.session, to: post.to, envelope: post.envelope }));
      return answer;
    },
  };
}
