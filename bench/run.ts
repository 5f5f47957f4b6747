import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configFromEnv } from './config';
import { formatReport } from './report';
import { runPhases } from './run-phases';
import { killAllServerChildren } from './server-child';

const resultsDir = fileURLToPath(new URL('results/', import.meta.url));
const config = configFromEnv();
const started = performance.now();
const deadline = setTimeout(() => {
  console.error(`bench: over its ${config.deadlineMs / 1000} s deadline, stopping`);
  killAllServerChildren();
  process.exit(1);
}, config.deadlineMs);

const machine = {
  nproc: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  /** Other load on the machine when the bench started: the ratios are only as good as this is quiet. */
  loadAverage: loadavg().map((value) => Number(value.toFixed(2))),
};
// A profile per engine child, written when it exits; see bench/profile-summary.ts.
const engineFlags = [
  ...(config.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${resultsDir}profiles`] : []),
  ...config.engineFlags,
];

const progress = (message: string) =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

try {
  console.error(
    `bench${config.quick ? ' (quick)' : ''}: ${machine.nproc} CPUs, node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
  );
  const { results, verdicts } = await runPhases(config, engineFlags, progress);
  const durationS = Math.round((performance.now() - started) / 1000);
  progress('done');
  console.log(`\n${formatReport(results, verdicts)}\n`);
  console.log(
    `${new Date().toISOString()} · ${machine.nproc} × ${machine.cpu} · node ${machine.node} · ${durationS} s`,
  );
  await mkdir(resultsDir, { recursive: true });
  const file = `${resultsDir}latest.json`;
  await writeFile(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), durationS, quick: config.quick, machine, results, verdicts }, null, 2)}\n`,
  );
  console.log(`results: ${file}`);
} catch (error) {
  console.error('bench failed:', error);
  killAllServerChildren();
  process.exitCode = 1;
} finally {
  clearTimeout(deadline);
}
