import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/server/support/package-root';

/** Another revision's engine child, to measure this tree's engine against (`BENCH_BASELINE`). */
export interface BaselineEngine {
  /** As given: `HEAD~1`, `main`, a commit. */
  revision: string;
  commit: string;
  /** How the report names it. */
  label: string;
  /** Its `bench/servers/engine-child.ts`, in a copy of its sources. */
  entry: string;
}

/** The paths of a revision the engine child is compiled from (its resources are this tree's: see docs). */
const SOURCES = ['src', 'bench', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.node.json'];
const ARCHIVE_MAX_BYTES = 512 * 1024 * 1024;

/**
 * `revision`'s sources, copied once per commit into the temp folder (`git archive`, so neither this checkout nor
 * its index is touched), for the bench to compile that revision's engine child beside this one's.
 */
export function baselineEngine(revision: string): BaselineEngine {
  const root = packageRoot();
  let commit: string;
  try {
    commit = git(root, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]).trim();
  } catch {
    throw new Error(`BENCH_BASELINE: ${revision} is not a commit of this repository`);
  }
  const copy = join(tmpdir(), `agui-mock-baseline-${commit}`);
  const entry = join(copy, 'bench', 'servers', 'engine-child.ts');
  if (!existsSync(entry)) {
    // Extracted aside, then renamed into place: an interrupted copy is never taken for a whole one.
    const partial = `${copy}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    const archive = execFileSync('git', ['archive', '--format=tar', commit, ...SOURCES], {
      cwd: root,
      maxBuffer: ARCHIVE_MAX_BYTES,
    });
    execFileSync('tar', ['-x', '-C', partial], { input: archive });
    rmSync(copy, { recursive: true, force: true });
    renameSync(partial, copy);
  }
  if (!existsSync(entry)) throw new Error(`BENCH_BASELINE: ${revision} has no bench/servers/engine-child.ts`);
  return { revision, commit, label: `engine at ${commit.slice(0, 7)}`, entry };
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
