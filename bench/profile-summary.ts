import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
// Where an engine child's CPU went (BENCH_CPU_PROF=1 writes the profiles): self and inclusive time per
// function, and self time per file, as shares of the busy (non-idle) time.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)']);
/** Loading code (tsx compiles on import) happens before any measured round: kept out of the shares. */
const STARTUP = /^node:internal\/modules\/|node_modules\/tsx\//;
const root = fileURLToPath(new URL('..', import.meta.url));

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

const selfMicros = new Map<number, number>();
// A sample's delta is the time until the next sample: attribute it to the sample's node.
profile.samples.forEach((id, index) => {
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index + 1] ?? 0));
});

const where = (node: ProfileNode) => {
  const { url, lineNumber } = node.callFrame;
  const path = url.startsWith('file://') ? relative(root, fileURLToPath(url)) : url || '(native)';
  return { path, key: `${node.callFrame.functionName || '(anonymous)'} ${path}:${lineNumber + 1}` };
};

/** Whether a sample was taken while loading modules: any frame on its stack is module loading. */
const loading = (id: number) => {
  for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
    const node = nodes.get(current);
    if (node && STARTUP.test(node.callFrame.url)) return true;
  }
  return false;
};

let busy = 0;
let startup = 0;
const selfByFunction = new Map<string, number>();
const selfByFile = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const node = nodes.get(id);
  if (!node || IDLE.has(node.callFrame.functionName)) continue;
  if (loading(id)) {
    startup += micros;
    continue;
  }
  busy += micros;
  const { path, key } = where(node);
  selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + micros);
  selfByFile.set(path, (selfByFile.get(path) ?? 0) + micros);
  // Every distinct function on the stack gets the sample once (recursion is not counted twice).
  const seen = new Set<string>();
  for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
    const frame = nodes.get(current);
    if (!frame) break;
    const frameKey = where(frame).key;
    if (seen.has(frameKey)) continue;
    seen.add(frameKey);
    inclusive.set(frameKey, (inclusive.get(frameKey) ?? 0) + micros);
  }
}

const print = (title: string, values: Map<string, number>, filter: (key: string) => boolean = () => true) => {
  console.log(`\n${title}`);
  const rows = [...values].filter(([key]) => filter(key)).sort((a, b) => b[1] - a[1]);
  for (const [key, micros] of rows.slice(0, top)) {
    console.log(
      `${((100 * micros) / busy).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${key}`,
    );
  }
};

console.log(`${file}: ${(busy / 1000).toFixed(0)} ms busy, besides ${(startup / 1000).toFixed(0)} ms loading modules`);
print('self time by file', selfByFile);
print('self time by function', selfByFunction);
print('inclusive time, engine code (src/)', inclusive, (key) => key.includes(' src/'));
