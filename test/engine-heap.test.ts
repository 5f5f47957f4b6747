import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const ENGINE_HEAP = resolve('src/server/support/engine-heap.ts');

/**
 * A process that keeps a small set of strings live while it churns through many more, reporting the highest
 * heapUsed it saw: how far V8 let garbage pile up between full collections. By default V8's heap tops out (about
 * 160 MiB) near the 600,000th string before its first full collection brings it down, so 800,000 take it all in.
 */
const churn = (bound: boolean) => `
import { tuneEngineGc } from ${JSON.stringify(ENGINE_HEAP)};
if (${bound}) tuneEngineGc();
const ring = new Array(100_000);
let peak = 0;
for (let n = 0; n < 800_000; n++) {
  ring[n % ring.length] = \`\${'x'.repeat(300)}\${n}\`;
  if ((n & 0x3fff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
}
console.log(peak);
`;

async function peakHeap(dir: string, bound: boolean): Promise<number> {
  const file = join(dir, `churn-${bound}.ts`);
  await writeFile(file, churn(bound));
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', file], { timeout: 60_000 }, (error, out) =>
      error ? reject(error) : resolve(out),
    ),
  );
  return Number(stdout.trim());
}

test('an engine process lets its heap grow much less far past what it holds than V8 would by default', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'engine-heap-'));
  try {
    const [unbounded, bounded] = await Promise.all([peakHeap(dir, false), peakHeap(dir, true)]);
    // V8's default let this workload reach about twice the bounded peak (163 MiB against 79 MiB here).
    assert.ok(bounded < 0.75 * unbounded, `bounded peak ${bounded} B against ${unbounded} B by default`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
