/**
 * Structured logs of the bridge: one JSON object per line `{ ts, level, event, …fields }`.
 *
 * Security: callers pass only ids, fingerprints, routes, status codes and error codes. The
 * PIN, data keys, wrapped keys, request bodies and signatures are never given to the logger,
 * and string fields are cut at 80 characters so a payload cannot slip in by mistake.
 * @module
 */

/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Values a log field may hold. */
export type LogValue = string | number | boolean | null;

/** Writes structured log lines. */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Readonly<Record<string, LogValue>>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** The log levels, least severe first. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** A logger writing JSON lines to `sink` (e.g. `process.stderr`), dropping lines below `level`. */
export function createLogger(sink: { write(text: string): unknown }, level: LogLevel = 'info'): Logger {
  return {
    log(lv, event, fields = {}) {
      if (ORDER[lv] < ORDER[level]) return;
      const out: Record<string, LogValue> = { ts: new Date().toISOString(), level: lv, event };
      for (const [k, v] of Object.entries(fields)) {
        if (k === 'ts' || k === 'level' || k === 'event') continue;
        out[k] = typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…` : v;
      }
      sink.write(`${JSON.stringify(out)}\n`);
    },
  };
}

/** A logger that discards everything. */
export const silentLogger: Logger = { log() {} };
