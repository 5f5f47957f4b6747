import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build } from 'esbuild';

// No module of ours imports itself through others. A cycle works or breaks by the order its modules happen to be
// loaded in: a `const` read before its module ran is a ReferenceError (PACK_TEMPLATES, once, when a test file loaded
// the engine through another door than the CLI does). Type-only imports are erased, so they may go round.

const ENTRIES = [
  'src/server/index.ts',
  'src/cli/agui-mock.ts',
  'src/main/index.ts',
  'src/preload/index.ts',
  'src/renderer/src/main.tsx',
];

/** Each of our modules and the modules of ours it imports at run time (dynamic imports aside: they load later). */
async function importGraph(): Promise<Map<string, string[]>> {
  const { metafile } = await build({
    entryPoints: ENTRIES,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir: 'import-graph',
    loader: { '.css': 'empty', '.svg': 'empty', '.png': 'empty' },
    logLevel: 'silent',
  });
  const graph = new Map<string, string[]>();
  for (const [file, input] of Object.entries(metafile.inputs))
    graph.set(
      file,
      input.imports.filter((edge) => !edge.external && edge.kind !== 'dynamic-import').map((edge) => edge.path),
    );
  return graph;
}

/** The strongly connected groups of more than one module (Tarjan's algorithm, iterative: no deep recursion). */
function cycles(graph: Map<string, string[]>): string[][] {
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  for (const root of graph.keys()) {
    if (order.has(root)) continue;
    const work: [string, number][] = [[root, 0]];
    while (work.length > 0) {
      const top = work[work.length - 1] as [string, number];
      const [node, next] = top;
      if (next === 0) {
        order.set(node, order.size);
        low.set(node, order.get(node) as number);
        stack.push(node);
        onStack.add(node);
      }
      const edges = graph.get(node) ?? [];
      if (next < edges.length) {
        top[1]++;
        const to = edges[next] as string;
        if (!order.has(to)) work.push([to, 0]);
        else if (onStack.has(to)) low.set(node, Math.min(low.get(node) as number, order.get(to) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0]) as number, low.get(node) as number));
      if (low.get(node) !== order.get(node)) continue;
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) found.push(group);
    }
  }
  return found;
}

test('no module of the engine, the CLI, the desktop shell or the console imports itself through others', async () => {
  const graph = await importGraph();
  assert.ok(graph.has('src/server/world/world.ts'), 'the graph holds the engine');
  const found = cycles(graph).map((group) => {
    const members = new Set(group);
    return group.flatMap((from) =>
      (graph.get(from) ?? []).filter((to) => members.has(to)).map((to) => `${from} -> ${to}`),
    );
  });
  assert.deepEqual(found, [], 'imports that go round (break one: a module of its own for what both need)');
});

test('the cycle finder finds a cycle', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a', 'd']],
    ['d', []],
  ]);
  assert.deepEqual(
    cycles(graph).map((group) => group.sort()),
    [['a', 'b', 'c']],
  );
});
