import type { Browser, Page } from 'playwright-core';

/**
 * The console page's main-thread work from a Chromium trace. On a shared machine (2 cores, other suites running)
 * a task's wall time includes the time the page waited for a CPU, so the page's own cost is judged on the CPU time
 * its tasks took, and a latency against its budget scaled by how much slower the tasks ran than their CPU time.
 */

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { functionName?: string } };
}

/** A task of the console's page: its wall and CPU time (ms), and what took over 2 ms in it, to say why it was long. */
export interface ConsoleTask {
  wall: number;
  cpu: number;
  inside: () => string;
}

/**
 * The console's main-thread tasks from a trace, wall and CPU milliseconds each: the page's renderer main
 * thread, without the tasks that ran this test's own scripts in the page (Playwright's evaluations).
 */
function consoleTasks(trace: { traceEvents: TraceEvent[] }): ConsoleTask[] {
  const events = trace.traceEvents;
  const mainThreads = new Set(
    events
      .filter((event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain')
      .map((event) => `${event.pid}:${event.tid}`),
  );
  const onMain = (event: TraceEvent) => mainThreads.has(`${event.pid}:${event.tid}`);
  const byThread = new Map<string, TraceEvent[]>();
  for (const event of events) {
    if (event.name !== 'ThreadControllerImpl::RunTask' || event.ph !== 'X' || !onMain(event)) continue;
    const thread = `${event.pid}:${event.tid}`;
    const tasks = byThread.get(thread);
    if (tasks) tasks.push(event);
    else byThread.set(thread, [event]);
  }
  // The console's page is the renderer that worked the most.
  const tasks = [...byThread.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  const evaluations = events.filter((event) => event.name === 'EvaluateScript' && onMain(event));
  const ranTestScript = (task: TraceEvent) =>
    evaluations.some((e) => e.pid === task.pid && e.ts >= task.ts && e.ts <= task.ts + (task.dur ?? 0));
  // What took a task's time: its longest inner events, then every inner event's time summed by name (a task made
  // of many short steps has no long one).
  const within = (task: TraceEvent) => () => {
    const inner = events.filter(
      (e) =>
        e !== task &&
        e.pid === task.pid &&
        e.tid === task.tid &&
        e.ts >= task.ts &&
        e.ts <= task.ts + (task.dur ?? 0) &&
        e.ph === 'X',
    );
    const long = inner
      .filter((e) => (e.dur ?? 0) > 2000)
      .map(
        (e) =>
          `${e.name}${e.args?.data?.functionName ? ` ${e.args.data.functionName}` : ''} ${Math.round((e.dur ?? 0) / 1000)} ms`,
      );
    const byName = new Map<string, { ms: number; count: number }>();
    for (const e of inner) {
      const sum = byName.get(e.name) ?? { ms: 0, count: 0 };
      sum.ms += (e.dur ?? 0) / 1000;
      sum.count++;
      byName.set(e.name, sum);
    }
    const summed = [...byName]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 6)
      .map(([name, { ms, count }]) => `${name} ×${count} ${ms.toFixed(1)} ms`);
    return `${long.join(', ') || 'nothing over 2 ms'}; by name: ${summed.join(', ') || 'no inner events'}`;
  };
  return tasks
    .filter((task) => !ranTestScript(task))
    .map((task) => ({
      wall: (task.dur ?? 0) / 1000,
      // A task's thread time can read above its wall time (seen: 8.6 ms of CPU in 3.1 ms); it cannot be.
      cpu: Math.min(task.tdur ?? 0, task.dur ?? 0) / 1000,
      inside: within(task),
    }));
}

/** The categories `consoleTasks` reads. */
const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline'];

/** How much slower the tasks ran than the CPU time they took (wall / CPU, at least 1). */
export function slowdown(tasks: readonly ConsoleTask[]): number {
  const cpu = tasks.reduce((sum, task) => sum + task.cpu, 0);
  const wall = tasks.reduce((sum, task) => sum + task.wall, 0);
  return Math.max(1, wall / Math.max(cpu, 1));
}

/** Runs `during` with the page traced, and gives its result with the console's tasks meanwhile. */
export async function traced<T>(
  browser: Browser,
  page: Page,
  during: () => Promise<T>,
): Promise<{ result: T; tasks: ConsoleTask[] }> {
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  let result: T;
  try {
    result = await during();
  } catch (error) {
    // Stopped, so the browser can be traced again.
    await browser.stopTracing();
    throw error;
  }
  const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
  return { result, tasks: consoleTasks(trace) };
}
