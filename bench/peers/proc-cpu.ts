import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`, 100 nearly everywhere): /proc's CPU unit. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** /proc's CPU resolution in µs (10,000 at 100 ticks per second). */
export function procTickMicros(): number {
  return 1_000_000 / clockTicksPerSecond();
}

/**
 * User + system CPU of a process and its live descendants, in µs, from `/proc/<pid>/stat` (Linux only), for
 * servers that are not our children and cannot answer `process.cpuUsage()` (Python, Mockoon's CLI). Whichever
 * process of the tree serves is counted.
 */
export async function processTreeCpuMicros(pid: number): Promise<number> {
  let ticks = 0;
  for (const member of await processTree(pid)) ticks += await ownTicks(member);
  return ticks * procTickMicros();
}

async function ownTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the file (utime, stime) are 12 and 13 after the name, counting from 3.
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

async function processTree(pid: number): Promise<number[]> {
  const tree = [pid];
  for (let index = 0; index < tree.length; index++) {
    const children = await readFile(`/proc/${tree[index]}/task/${tree[index]}/children`, 'utf8').catch(() => '');
    for (const child of children.split(' ')) if (child.trim()) tree.push(Number(child));
  }
  return tree;
}
