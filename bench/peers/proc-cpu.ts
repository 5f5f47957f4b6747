import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/**
 * Where a peer's CPU is read. `schedstat` is each thread's run time in ns (the scheduler's own count, the one
 * `process.cpuUsage()` reports for our children); kernels without it leave `stat`'s user + system time, in
 * clock ticks (`getconf CLK_TCK`, 100 per second: 10 ms). None without /proc (not Linux).
 */
export const PROC_CPU_SOURCE: 'schedstat' | 'stat' | undefined = existsSync('/proc/self/schedstat')
  ? 'schedstat'
  : existsSync('/proc/self/stat')
    ? 'stat'
    : undefined;

let tickMicros: number | undefined;

/** /proc/<pid>/stat's CPU unit in µs (10,000 at 100 ticks per second). */
export function procTickMicros(): number {
  if (tickMicros === undefined) {
    let ticksPerSecond = 100;
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {}
    tickMicros = 1_000_000 / ticksPerSecond;
  }
  return tickMicros;
}

/**
 * CPU of a process and its live descendants so far, in µs, from /proc (Linux only), for servers that are not
 * our children and cannot answer `process.cpuUsage()` (Python, Mockoon's CLI). Whichever process of the tree
 * serves is counted.
 */
export async function processTreeCpuMicros(pid: number): Promise<number> {
  let micros = 0;
  for (const member of await processTree(pid)) {
    micros += PROC_CPU_SOURCE === 'schedstat' ? await threadsRunMicros(member) : await statMicros(member);
  }
  return micros;
}

/** The sum of the process's live threads' run time (first field of each schedstat, ns). */
async function threadsRunMicros(pid: number): Promise<number> {
  let nanos = 0;
  for (const thread of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const schedstat = await readFile(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').catch(() => '0');
    nanos += Number(schedstat.split(' ')[0]) || 0;
  }
  return nanos / 1000;
}

async function statMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the file (utime, stime) are 12 and 13 after the name, counting from 3.
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * procTickMicros();
}

async function processTree(pid: number): Promise<number[]> {
  const tree = [pid];
  for (let index = 0; index < tree.length; index++) {
    const children = await readFile(`/proc/${tree[index]}/task/${tree[index]}/children`, 'utf8').catch(() => '');
    for (const child of children.split(' ')) if (child.trim()) tree.push(Number(child));
  }
  return tree;
}
