import { readFileSync } from 'node:fs';

const TICK_MS = 10;

export interface LoopHoldUp {
  /** The longest the event loop was held up by its own thread's work (what the assertion is about). */
  busyMs: number;
  /** The longest gap between timer ticks, whatever the cause (as perf_hooks' monitorEventLoopDelay reports). */
  wallMs: number;
  /**
   * All the time the ticks came late, added up: how far behind a timeline the loop may have fallen. A process
   * starved in slices (a busy machine) falls behind by more than its longest gap.
   */
  behindMs: number;
}

/**
 * How long the event loop was held up while `action` ran: the longest late tick of a 10 ms timer, counted only
 * as far as the loop's own thread used CPU in that gap (`cpuMs`, in ticks of 10 ms on Linux). On a shared 2-core
 * machine the OS may leave the process waiting for a core for a while, which is no work of the engine's; a
 * synchronous step of the engine keeps a core busy for as long as it holds the loop, so it counts in full.
 */
export async function loopHoldUpDuring(action: () => Promise<void>): Promise<LoopHoldUp> {
  let busyMs = 0;
  let wallMs = 0;
  let behindMs = 0;
  let lastAt = performance.now();
  let lastCpu = cpuMs();
  const timer = setInterval(() => {
    const at = performance.now();
    const cpu = cpuMs();
    const late = at - lastAt - TICK_MS;
    wallMs = Math.max(wallMs, late);
    behindMs += Math.max(0, late);
    busyMs = Math.max(busyMs, Math.min(late, cpu - lastCpu));
    lastAt = at;
    lastCpu = cpu;
  }, TICK_MS);
  try {
    await action();
    // The tick that ends the last gap.
    await new Promise((resolve) => setTimeout(resolve, 2 * TICK_MS));
  } finally {
    clearInterval(timer);
  }
  return { busyMs, wallMs, behindMs };
}

/**
 * CPU time of the thread that runs the event loop, in ms. On Linux the main thread's alone (/proc, in ticks of 10 ms):
 * the libuv pool writing a file and V8's helper threads work beside the loop without holding it, and on a busy
 * machine their CPU in a gap the loop waited for a core counted as the engine's own work (a save of 72 MB read 250 to
 * 350 ms). Elsewhere the whole process's.
 */
function cpuMs(): number {
  if (process.platform === 'linux') {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
    // After the name in parentheses: state is field 3, utime and stime fields 14 and 15 (USER_HZ ticks of 10 ms).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
