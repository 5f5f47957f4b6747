import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { WORKSPACE_SCHEMA_FILE } from '../../shared/workspace';
import { packageRoot } from '../support/package-root';
import { rebasedPath } from '../support/rebased-path';

/** Where a project that installed us has the JSON Schema, from a folder of the project. */
const INSTALLED_SCHEMA = `node_modules/agui-mock/${WORKSPACE_SCHEMA_FILE}`;

/**
 * The `$schema` a new workspace file at `file` names: the JSON Schema of the agui-mock installed in its project (a
 * `node_modules/agui-mock` in its folder or one above, as Node resolves packages), relative to the file, or this
 * package's own when the file is inside it (a checkout's examples). Undefined anywhere else: the running copy (a
 * global install, npx's cache, a checkout used from another folder) is at a path of this machine only, which a
 * committed file must not carry.
 */
export function schemaReference(file: string): string | undefined {
  return schemaReferenceFrom(dirname(resolve(file)));
}

function schemaReferenceFrom(folder: string): string | undefined {
  const own = packageRoot();
  const target = installedSchema(folder) ?? (isInside(folder, own) ? join(own, WORKSPACE_SCHEMA_FILE) : undefined);
  return target === undefined ? undefined : relativeReference(folder, target);
}

/**
 * The `$schema` a workspace file at `file` would name once agui-mock is installed in its project: the nearest folder
 * up with a `package.json` (the file's own folder when there is none).
 */
export function suggestedSchemaReference(file: string): string {
  const folder = dirname(resolve(file));
  let project = folder;
  while (!isFile(join(project, 'package.json')) && dirname(project) !== project) project = dirname(project);
  const root = isFile(join(project, 'package.json')) ? project : folder;
  return relativeReference(folder, join(root, INSTALLED_SCHEMA));
}

/**
 * A workspace's `$schema` as its file moves from folder `from` to folder `to` (save as elsewhere): a reference to
 * agui-mock's schema (what `schemaReference` writes) is worked out again for the new place, so it stays portable or
 * goes; any other relative path is rebased to name the same file; a URL or an absolute path is the user's, kept.
 */
export function relocatedSchemaReference(schema: string, from: string, to: string): string | undefined {
  if (/^[a-z][a-z\d+.-]*:/i.test(schema) || isAbsolute(schema)) return schema;
  const target = resolve(from, schema);
  const ours =
    target.split(sep).join('/').endsWith(`/${INSTALLED_SCHEMA}`) ||
    target === join(packageRoot(), WORKSPACE_SCHEMA_FILE);
  return ours ? schemaReferenceFrom(to) : rebasedPath(schema, from, to);
}

/** The nearest `node_modules/agui-mock`'s schema file from `folder` up, if any. */
function installedSchema(folder: string): string | undefined {
  for (let dir = folder; ; dir = dirname(dir)) {
    const candidate = join(dir, INSTALLED_SCHEMA);
    if (isFile(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** `target` from `folder`, as editors read a relative `$schema` (`./` first, `/` between segments). */
function relativeReference(folder: string, target: string): string {
  const path = relative(folder, target).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false; // not reachable (a `node_modules` that is a file, a folder we may not read): not an install
  }
}

function isInside(folder: string, root: string): boolean {
  const path = relative(root, folder);
  const steps = path.split(sep);
  return !isAbsolute(path) && steps[0] !== '..' && !steps.includes('node_modules');
}
