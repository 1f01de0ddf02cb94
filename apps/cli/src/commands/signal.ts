/**
 * `tessera signal --port P --data DIR`: runs the signalling and mailbox server (apps/signal)
 * with its append-only file store in DIR until interrupted, then shuts down gracefully.
 * Prints `ws://host:port` on stdout once listening; structured logs go to stderr.
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createFileStore } from '@tessera/signal/file-store';
import { createLogger, type LogLevel } from '@tessera/signal/log';
import { startSignalServer } from '@tessera/signal/server';
import { staticCsp } from '@tessera/signal/static-files';
import { UsageError, parseCommandArgs, parseIntArg, required, shorten } from '../args.ts';
import type { CliContext, Command } from '../command.ts';

const options = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  'max-rooms': { type: 'string' },
  'max-bytes': { type: 'string' },
  'log-level': { type: 'string' },
  static: { type: 'string' },
  'connect-src': { type: 'string' },
} as const;

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** The `signal` command. */
export const signalCommand: Command = {
  name: 'signal',
  summary: 'run the signalling and mailbox server (WebSocket rooms, SDP/ICE relay, durable mailbox)',
  help: `usage: tessera signal --port P --data DIR [--host H] [--max-rooms N] [--max-bytes B]
                      [--log-level debug|info|warn|error] [--static DIR [--connect-src S,…]]

Runs the signal server: rooms per session created from signed invitations, identity-key
authentication, SDP/ICE relay for the WebRTC mesh, and a store-and-forward mailbox for
parties that are offline, kept in an fsync'd append-only log in DIR that survives restarts.
GET /health reports status. Prints ws://H:P on stdout once listening; logs (JSON lines,
never payloads) go to stderr. Ctrl-C or SIGTERM shuts down gracefully.

  --port P        TCP port (0 = any free port)
  --data DIR      directory of the mailbox log (created if missing)
  --host H        interface to bind (default 127.0.0.1)
  --max-rooms N   most live rooms (default 10000)
  --max-bytes B   most bytes of live mailbox data (default 268435456)
  --log-level L   least severe level logged (default info)
  --static DIR    also serve the files of DIR (e.g. the built wallet, apps/wallet/dist) over
                  HTTP on the same port, so the app and the WebSocket share one origin
  --connect-src S CSP connect-src sources the served app may reach besides its own origin,
                  comma-separated (default ws:,wss:,http://localhost:*,http://127.0.0.1:* —
                  add the origin of a remote PKCS#11 bridge, e.g. https://hsm.example.com)`,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values } = parseCommandArgs(args, options);
    const port = parseIntArg('--port', required('--port', values.port), 0, 65535);
    const dir = required('--data', values.data);
    if (dir.trim() === '') throw new UsageError('--data', 'expected a directory');
    const host = values.host ?? '127.0.0.1';
    const level = (values['log-level'] ?? 'info') as LogLevel;
    if (!LEVELS.includes(level)) throw new UsageError('--log-level', `expected one of ${LEVELS.join(', ')} (got ${JSON.stringify(shorten(level))})`);
    const limits = {
      ...(values['max-rooms'] !== undefined ? { maxRooms: parseIntArg('--max-rooms', values['max-rooms'], 1, 10_000_000) } : {}),
      ...(values['max-bytes'] !== undefined ? { maxBytes: parseIntArg('--max-bytes', values['max-bytes'], 1024, Number.MAX_SAFE_INTEGER) } : {}),
    };
    const staticDir = values.static;
    if (staticDir !== undefined && (staticDir.trim() === '' || !existsSync(join(staticDir, 'index.html')))) throw new UsageError('--static', `expected a directory holding index.html (got ${JSON.stringify(shorten(staticDir))})`);
    let connectSrc: string[] | undefined;
    if (values['connect-src'] !== undefined) {
      if (staticDir === undefined) throw new UsageError('--connect-src', 'only applies with --static');
      connectSrc = values['connect-src'].split(',').map((x) => x.trim()).filter((x) => x !== '');
      try {
        staticCsp(connectSrc);
      } catch (e) {
        throw new UsageError('--connect-src', e instanceof Error ? e.message.replace(/^connectSrc: /, '') : 'invalid');
      }
    }
    const logger = createLogger(ctx.stderr, level);
    const server = await startSignalServer({ store: createFileStore({ dir, ...limits, onEvent: (event, fields) => logger.log('info', event, fields) }), port, host, logger, ...(staticDir !== undefined ? { static: staticDir } : {}), ...(connectSrc ? { connectSrc } : {}) });
    ctx.stdout.write(`${server.url}\n`);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await server.close();
    return 0;
  },
};
