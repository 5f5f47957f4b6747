// Writes the library's type declarations (out/lib/types/, package.json "types"): those of src/lib/index.ts and of
// the files its declarations import, and no more — the public types name only the engine's public face and
// src/shared, never the engine's insides (Koa, ws, the world), whose types the package's users do not have.
// Relative imports get explicit `.js` extensions, so the declarations resolve under every moduleResolution
// (node16, nodenext, bundler). Fails when a declaration would import a package that is not a dependency.
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ENTRY = resolve('src/lib/index.ts');
const OUT = resolve('out/lib/types');
const dependencies = Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).dependencies ?? {});

const config = ts.getParsedCommandLineOfConfigFile(
  'tsconfig.node.json',
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => fail([diagnostic]),
  },
);
const options = {
  ...config.options,
  composite: false,
  incremental: false,
  declaration: true,
  emitDeclarationOnly: true,
  declarationMap: false,
  noEmit: false,
  rootDir: resolve('src'),
  outDir: OUT,
};
const program = ts.createProgram({ rootNames: [ENTRY], options });

function fail(diagnostics) {
  const host = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: ts.sys.getCurrentDirectory,
    getNewLine: () => '\n',
  };
  console.error(ts.formatDiagnostics(diagnostics, host));
  process.exit(1);
}

function failWith(message) {
  console.error(`build-declarations: ${message}`);
  process.exit(1);
}

/** `import`s of a bare package name: the package itself, not its subpath (`@ag-ui/core/schemas` → `@ag-ui/core`). */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The declaration text of one source file, its relative imports pointed at the declarations' .js names. */
function declarationOf(file, queue) {
  let text;
  const emitted = program.emit(program.getSourceFile(file), (_name, data) => (text = data), undefined, true);
  if (emitted.diagnostics.length > 0) fail(emitted.diagnostics);
  if (text === undefined) failWith(`no declarations were emitted for ${file}`);
  const { importedFiles, typeReferenceDirectives } = ts.preProcessFile(text, true, true);
  if (typeReferenceDirectives.length > 0)
    failWith(`${file}: its declarations reference types (${typeReferenceDirectives.map((r) => r.fileName)})`);
  let rewritten = '';
  let copied = 0;
  for (const { fileName: specifier, pos } of importedFiles) {
    if (!specifier.startsWith('.')) {
      const name = packageOf(specifier.replace(/^node:/, ''));
      if (specifier.startsWith('node:') || builtinModules.includes(name) || !dependencies.includes(name))
        failWith(`${file}: its declarations import '${specifier}', which the package's users may not have`);
      continue;
    }
    const target = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule?.resolvedFileName;
    if (!target?.endsWith('.ts')) failWith(`${file}: cannot resolve '${specifier}' to a source file`);
    queue.push(target);
    // preProcessFile gives where the string literal starts (its opening quote).
    const quote = text[pos];
    if (text.slice(pos, pos + specifier.length + 2) !== `${quote}${specifier}${quote}`)
      failWith(`${file}: '${specifier}' is not where TypeScript says it is`);
    const path = relative(dirname(file), target).split('\\').join('/').replace(/\.ts$/, '.js');
    rewritten += `${text.slice(copied, pos)}${quote}${path.startsWith('.') ? path : `./${path}`}${quote}`;
    copied = pos + specifier.length + 2;
  }
  return rewritten + text.slice(copied);
}

await rm(OUT, { recursive: true, force: true });
const queue = [ENTRY];
const done = new Set();
while (queue.length > 0) {
  const file = queue.shift();
  if (done.has(file)) continue;
  done.add(file);
  const target = join(OUT, relative(resolve('src'), file)).replace(/\.ts$/, '.d.ts');
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, declarationOf(file, queue));
}
