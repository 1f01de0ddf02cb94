/**
 * Structured logs of the signal server: one JSON object per line
 * `{ "ts": ISO time, "level", "event", …fields }`.
 *
 * Security: fields are restricted to numbers, booleans and short strings chosen by the server
 * code (key fingerprints, session id prefixes, reasons, sizes); envelopes, SDP, ICE data and
 * signatures are never passed to the logger, and any string field longer than 80 characters
 * is cut, so a payload cannot leak into the logs by mistake.
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

/** Longest string field written. */
export const MAX_LOG_STRING = 80;

/**
 * A logger writing JSON lines to `sink` (e.g. `process.stderr`), dropping lines below `level`.
 */
export function createLogger(sink: { write(text: string): unknown }, level: LogLevel = 'info'): Logger {
  return {
    log(lv, event, fields = {}) {
      if (ORDER[lv] < ORDER[level]) return;
      const out: Record<string, LogValue> = { ts: new Date().toISOString(), level: lv, event };
      for (const [k, v] of Object.entries(fields)) {
        if (k === 'ts' || k === 'level' || k === 'event') continue;
        out[k] = typeof v === 'string' && v.length > MAX_LOG_STRING ? `${v.slice(0, MAX_LOG_STRING)}…` : v;
      }
      sink.write(`${JSON.stringify(out)}\n`);
    },
  };
}

/** A logger that discards everything. */
export const silentLogger: Logger = { log() {} };

/** Short form of a session id for logs (first 16 hex digits). */
export function sessionTag(session: string): string {
  return session.slice(0, 16);
}
