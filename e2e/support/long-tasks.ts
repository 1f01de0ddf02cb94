/**
 * Main-thread long tasks of a page (Chromium's Long Tasks API): an init script installs a
 * buffered `PerformanceObserver` for `longtask` entries (tasks of 50 ms or more on the page's
 * main thread; Web Workers are not observed) before any wallet script runs, and the helpers
 * read them back for a time window. Specs attach the figures as test annotations: they are
 * measurements on a shared machine, never assertions.
 * @module
 */
import type { Page } from '@playwright/test';

/** One recorded long task (milliseconds on the page's `performance.now()` clock). */
export interface LongTask {
  readonly start: number;
  readonly duration: number;
}

/** Long tasks of a window: how many, the longest, when it started, and their sum (ms, rounded). */
export interface LongTaskSummary {
  readonly count: number;
  readonly maxMs: number;
  /** Start of the longest task, milliseconds after the window's mark (0 without tasks). */
  readonly maxAtMs: number;
  readonly totalMs: number;
}

/** The page-side recorder (runs in the page before its own scripts). */
function recordLongTasks(): void {
  const w = window as unknown as { __tesseraLongTasks?: { start: number; duration: number }[] };
  if (w.__tesseraLongTasks) return;
  const list: { start: number; duration: number }[] = [];
  w.__tesseraLongTasks = list;
  try {
    new PerformanceObserver((entries) => {
      for (const e of entries.getEntries()) list.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // a browser without the Long Tasks API records nothing (the summary then says 0 tasks)
  }
}

/**
 * Installs the long-task recorder on `page` for every document it loads from now on (call
 * before `page.goto`, e.g. from `newParty`'s `beforeGoto`).
 * @throws {Error} if Playwright cannot add the init script.
 */
export async function installLongTaskRecorder(page: Page): Promise<void> {
  await page.addInitScript(recordLongTasks);
}

/**
 * The start of a measurement window: the page's wall-clock time in milliseconds
 * (`performance.timeOrigin + performance.now()`), so a window stays right across documents.
 * @throws {Error} if the page is closed.
 */
export function longTaskMark(page: Page): Promise<number> {
  return page.evaluate(() => performance.timeOrigin + performance.now());
}

/**
 * Long tasks of the current document that started at or after `since` (a {@link longTaskMark});
 * a document loaded in between counts from its own start (the earlier one's tasks are gone).
 * @throws {Error} if the page is closed.
 */
export async function longTasksSince(page: Page, since: number): Promise<LongTaskSummary> {
  const tasks = await page.evaluate(
    (t) =>
      ((window as unknown as { __tesseraLongTasks?: LongTask[] }).__tesseraLongTasks ?? [])
        .map((e) => ({ start: performance.timeOrigin + e.start - t, duration: e.duration }))
        .filter((e) => e.start >= 0),
    since,
  );
  const longest = tasks.reduce<LongTask | undefined>((m, e) => (m === undefined || e.duration > m.duration ? e : m), undefined);
  return {
    count: tasks.length,
    maxMs: Math.round(longest?.duration ?? 0),
    maxAtMs: Math.round(longest?.start ?? 0),
    totalMs: Math.round(tasks.reduce((s, e) => s + e.duration, 0)),
  };
}

/** `max 123 ms at +4.2 s (4 tasks ≥ 50 ms, 310 ms in total)`: the annotation text of a summary. */
export function describeLongTasks(s: LongTaskSummary): string {
  return `max ${s.maxMs} ms at +${(s.maxAtMs / 1000).toFixed(1)} s (${s.count} task${s.count === 1 ? '' : 's'} ≥ 50 ms, ${s.totalMs} ms in total)`;
}
