import { dirname, isAbsolute } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import type { z } from 'zod';
import { counted } from '../../shared/counted-words';
import { issueWords, unknownKeysFirst } from '../../shared/issue-words';
import { MAX_JSON_DEPTH_SETTING } from '../../shared/settings';
import { unionIssueWords } from '../../shared/union-issue-words';
import { WORKSPACE_VERSION, type Workspace, WorkspaceSchema } from '../../shared/workspace';
import { SavedPayloads, SavedPayloadValidationError } from '../payloads/saved-payloads';
import { ScenarioCatalogue, ScenarioValidationError } from '../scenarios/scenario-catalogue';
import { jsonDepth } from '../support/json-depth';
import { isNonFinite, pathToNonFinite } from '../support/json-numbers';
import { pointerKeys } from '../support/json-pointer';
import { type DuplicateJsonKey, type JsonTextRefusal, scanJsonText } from '../support/json-text-scan';
import { prototypeKeyPointer } from '../support/prototype-key';
import type { CheckedWorld } from '../world/checked-world';
import { MountValidationError } from '../world/mount-validation-error';
import { World } from '../world/world';
import { jsonPieces } from './json-pieces';
import { locateJsonSyntaxError } from './json-syntax-error';
import { WorkspaceError } from './workspace-error';
import { fileDocument } from './workspace-file-document';
import { canMigrate, migrate, migrationSchema } from './workspace-migrations';
import { workspaceNameFor } from './workspace-name';

/**
 * How deep a workspace document may nest: any value the engine accepts (at most `maxJsonDepth`, itself at most
 * MAX_JSON_DEPTH_SETTING) plus the levels of the document around it, so whatever was stored loads again.
 */
export const WORKSPACE_MAX_DEPTH = MAX_JSON_DEPTH_SETTING + 16;

/**
 * Keys in any one object of a workspace document, at most: far more than a record, a set of headers or anyone's
 * preferences holds, far fewer than the millions that would keep the engine parsing for a minute.
 */
export const WORKSPACE_MAX_OBJECT_KEYS = 100_000;

/** What a workspace document's nesting problem reads as, found in its text or in a value. */
const TOO_DEEP = `objects and arrays nested deeper than ${WORKSPACE_MAX_DEPTH} levels: no workspace nests that deep`;

/** A workspace read from text or a JSON value: valid, at the current version. */
export interface DecodedWorkspace {
  workspace: Workspace;
  /** The version the document had when it was older than the current one. */
  migratedFrom?: number;
  /** Its world as the world that is to serve it checked it (`WorkspaceDecoding.servedBy`), for `World.replace`. */
  checked?: CheckedWorld;
}

/** How a workspace is decoded to be served: by the engine's world, which keeps the mounts its check compiles. */
export interface WorkspaceDecoding {
  /** The world it is checked for (`World.checkToServe`); without one it is checked on its own (`validate`). */
  servedBy?: Pick<World, 'checkToServe'>;
}

/** How `decodeWorkspaceText` reads a text that is not a file's (an import's body). */
interface WorkspaceTextSource extends WorkspaceDecoding {
  /** The folder the files its mounts name are served from (the file's own by default). */
  baseDir?: string;
  /** The error for text refused before it is parsed (too deep, too many keys in one object): a file's WorkspaceError by default. */
  refusedText?: (refusal: JsonTextRefusal) => Error;
}

/**
 * Parses, validates and (for older versions) migrates a workspace's text: a file's, or an import's body (`source`).
 * The text is looked through once (`scanJsonText`: its shape's limits and a key written twice) and parsed once.
 * Throws `WorkspaceError`, or what `source.refusedText` makes.
 */
export function decodeWorkspaceText(text: string, file: string, source: WorkspaceTextSource = {}): DecodedWorkspace {
  if (text.trim() === '') {
    const problem = text === '' ? 'the file is empty' : 'the file holds no workspace, only white space';
    throw new WorkspaceError({ operation: 'load', file, problem });
  }
  // Before JSON.parse, which would build the whole value first, however deep or wide.
  const duplicate = scanWorkspaceText(text, file, source.refusedText);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const located = locateJsonSyntaxError(text);
    throw new WorkspaceError({
      operation: 'load',
      file,
      line: located?.line,
      column: located?.column,
      problem: `invalid JSON: ${located?.problem ?? (error as Error).message}`,
      cause: error,
    });
  }
  return decodeParsed(value, file, source.baseDir ?? dirname(file), text, duplicate, source.servedBy);
}

/**
 * Refuses a workspace's text nested too deep or with too many keys in one object (`scanJsonText`), at its place;
 * the first key written twice in one object, for after the text is known to parse. Throws `WorkspaceError`.
 */
function scanWorkspaceText(
  text: string,
  file: string,
  refusedText?: WorkspaceTextSource['refusedText'],
): DuplicateJsonKey | undefined {
  const { refusal, duplicate } = scanJsonText(text, {
    maxDepth: WORKSPACE_MAX_DEPTH,
    maxKeys: WORKSPACE_MAX_OBJECT_KEYS,
    duplicates: true,
  });
  if (refusal !== undefined && refusedText !== undefined) throw refusedText(refusal);
  if (refusal?.kind === 'too-deep') {
    throw new WorkspaceError({
      operation: 'load',
      file,
      line: refusal.line,
      column: refusal.column,
      path: '',
      problem: TOO_DEEP,
    });
  }
  if (refusal?.kind === 'too-many-keys') {
    throw new WorkspaceError({
      operation: 'load',
      file,
      line: refusal.line,
      column: refusal.column,
      path: refusal.path.map(String).join('.'),
      problem:
        `an object with more than ${WORKSPACE_MAX_OBJECT_KEYS.toLocaleString('en')} keys (this is the next one): ` +
        'no workspace needs that many in one object; remove keys, or split them over several objects',
    });
  }
  return duplicate;
}

/**
 * Validates (and migrates) a document made in code (routes merged into a file's, by `import-openapi --into`). Files
 * its mounts name are checked in `file`'s folder, the one the world will serve them from. Throws `WorkspaceError`.
 */
export function decodeWorkspaceValue(value: unknown, file: string): DecodedWorkspace {
  return decodeParsed(value, file, dirname(file), undefined, undefined, undefined);
}

/**
 * A parsed document validated (and migrated). `text`, the text `value` was parsed from when there is one, was looked
 * through (`scanWorkspaceText`): `duplicate` is the key it found written twice in one object; it also spares a
 * document without a `__proto__` key the walk looking for one. `servedBy`: the world that checks its mounts.
 */
function decodeParsed(
  value: unknown,
  file: string,
  baseDir: string,
  text: string | undefined,
  duplicate: DuplicateJsonKey | undefined,
  servedBy: WorkspaceDecoding['servedBy'],
): DecodedWorkspace {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WorkspaceError({ operation: 'load', file, path: '', problem: 'a workspace is a JSON object' });
  }
  let nonFinite = false;
  const depth = jsonDepth(value, WORKSPACE_MAX_DEPTH, (scalar) => {
    if (isNonFinite(scalar)) nonFinite = true;
  });
  if (depth > WORKSPACE_MAX_DEPTH) {
    throw new WorkspaceError({
      operation: 'load',
      file,
      path: '',
      problem: TOO_DEEP,
    });
  }
  // 1e400 reads as Infinity, which the schema would call "not a number" and JSON would write back as null.
  if (nonFinite) {
    throw new WorkspaceError({
      operation: 'load',
      file,
      path: pathToNonFinite(value),
      problem: 'a number too large for JSON (it reads as Infinity): numbers in a workspace are at most about ±1.8e308',
    });
  }
  // JSON.parse keeps the last of a key written twice in one object without a word: the first copy would be dropped
  // from what is served, and from the file at the next save. Only the text shows it (a file's, an import's body).
  if (duplicate !== undefined) {
    const { line, column } = duplicate.first;
    throw new WorkspaceError({
      operation: 'load',
      file,
      line: duplicate.line,
      column: duplicate.column,
      path: duplicate.path.map(String).join('.'),
      problem:
        `the key ${shownKey(duplicate.key)} is written twice in one object (first at line ${line}, column ${column}): ` +
        'only the last would be read, and the other lost at the next save; keep one of them',
    });
  }
  // Refused as in any JSON the engine is sent: the schema (and every copy after it) would drop such a key, and the
  // next save would erase it from the file.
  const prototypeKey = prototypeKeyPointer(text, value);
  if (prototypeKey !== undefined) {
    throw new WorkspaceError({
      operation: 'load',
      file,
      path: pointerKeys(prototypeKey).join('.'),
      problem: 'a key named "__proto__" is not accepted in a workspace (it would be lost): rename the key',
    });
  }
  const version = documentVersion(value as Record<string, unknown>, file);
  let migratedFrom: number | undefined;
  let current: unknown = value;
  if (version !== WORKSPACE_VERSION) {
    const schema = migrationSchema(version);
    if (schema) schemaCheck(schema as z.ZodType, value, file, `version ${version} `);
    current = migrate(value, version, workspaceNameFor(file));
    migratedFrom = version;
  }
  const workspace = schemaCheck(WorkspaceSchema, current, file, '') as Workspace;
  const checked = checkWorld(workspace, file, baseDir, servedBy);
  return { workspace, ...(migratedFrom !== undefined && { migratedFrom }), ...(checked && { checked }) };
}

/**
 * How deep a document is opened when written in pieces: down to single history messages (document, packs, a pack,
 * its data, sessions, a session, its history), collections' records and scenarios' steps.
 */
const PIECE_LEVELS = 7;
/** Pieces are gathered into chunks of about this many characters: few writes, each quick to produce. */
const CHUNK_CHARS = 64 * 1024;

/** The file's text: stable key order, two-space indent, final newline (diff-friendly when committed). */
export function encodeWorkspace(workspace: Workspace): string {
  return [...encodeWorkspaceChunks(workspace)].join('');
}

/**
 * `encodeWorkspace` in chunks, each a few milliseconds' work, so a big workspace is written without holding up
 * the engine (the caller yields between chunks). The values are read as the chunks are made: pass a snapshot.
 */
export function* encodeWorkspaceChunks(workspace: Workspace): Generator<string> {
  let chunk = '';
  for (const piece of jsonPieces(fileDocument(workspace), PIECE_LEVELS)) {
    chunk += piece;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}\n`;
}

/**
 * `encodeWorkspaceChunks` one chunk per turn of the event loop (an export download), so however big the workspace,
 * the engine keeps serving in between.
 */
export async function* pacedWorkspaceChunks(workspace: Workspace): AsyncGenerator<string> {
  for (const chunk of encodeWorkspaceChunks(workspace)) {
    yield chunk;
    await setImmediate();
  }
}

function documentVersion(document: Record<string, unknown>, file: string): number {
  const version = document.version;
  // The Python-mock layout carries no version: users at the top level mark it as version 0.
  if (version === undefined) return 'users' in document ? 0 : WORKSPACE_VERSION;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new WorkspaceError({
      operation: 'load',
      file,
      path: 'version',
      // A number as the file reads (JSON would write 1e400 as null); -1 is a whole number, just not a version.
      problem: `version must be a whole number from 0 to ${WORKSPACE_VERSION} (got ${typeof version === 'number' ? String(version) : JSON.stringify(version)})`,
    });
  }
  if (version > WORKSPACE_VERSION) {
    throw new WorkspaceError({
      operation: 'load',
      file,
      path: 'version',
      problem:
        `the file is workspace version ${version}, written by a newer agui-mock; this one reads versions up to ` +
        `${WORKSPACE_VERSION}. Upgrade agui-mock to open it (the file was left as it is).`,
    });
  }
  if (version !== WORKSPACE_VERSION && !canMigrate(version)) {
    throw new WorkspaceError({
      operation: 'load',
      file,
      path: 'version',
      problem: `unknown workspace version ${version}`,
    });
  }
  return version;
}

/** Schema problems listed one by one beyond the first (a file broken throughout is summed up after these). */
const MAX_OTHER_PROBLEMS = 50;

function schemaCheck(schema: z.ZodType, value: unknown, file: string, prefix: string): unknown {
  const result = schema.safeParse(value, { error: unionIssueWords });
  if (result.success) return result.data;
  const [first, ...rest] = unknownKeysFirst(result.error.issues);
  const path = (first?.path ?? []).map(String).join('.');
  throw new WorkspaceError({
    operation: 'load',
    file,
    path,
    problem: `${prefix ? `${prefix}schema: ` : ''}${describeIssue(first)}${moreProblems(rest.length)}`,
    otherProblems: rest.slice(0, MAX_OTHER_PROBLEMS).map((issue) => ({
      path: issue.path.map(String).join('.'),
      problem: describeIssue(issue),
    })),
  });
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  return issue ? issueWords(issue) : 'invalid';
}

/**
 * What the schema cannot see: scenarios that compile (templates, valid events), mounts that compile (paths,
 * templates, schemas, regexes) and packs' data that is consistent. Every problem of the mounts is listed. The world
 * as `servedBy` checked it, when one did.
 */
function checkWorld(
  workspace: Workspace,
  file: string,
  baseDir: string,
  servedBy: WorkspaceDecoding['servedBy'],
): CheckedWorld | undefined {
  const issues: { path: string; message: string }[] = [];
  workspace.scenarios.forEach((scenario, index) => {
    try {
      new ScenarioCatalogue([scenario]);
    } catch (error) {
      if (!(error instanceof ScenarioValidationError)) throw error;
      for (const issue of error.issues)
        issues.push({ ...issue, path: ['scenarios', index, issue.path].filter((part) => part !== '').join('.') });
    }
  });
  // A route naming the workspace file itself is refused, as serving it would be (an import's `file` is no path).
  const workspaceFile = isAbsolute(file) ? file : null;
  const scenarioIds = new Set(workspace.scenarios.map((scenario) => scenario.id));
  let checked: CheckedWorld | undefined;
  try {
    if (servedBy) checked = servedBy.checkToServe(workspace, baseDir, scenarioIds, workspaceFile);
    else
      World.check(
        workspace,
        { baseDir, settings: () => workspace.settings, workspaceFile: () => workspaceFile },
        scenarioIds,
      );
  } catch (error) {
    if (!(error instanceof MountValidationError)) throw error;
    issues.push(...error.issues);
  }
  try {
    // As the engine takes them on loading (`load`): what validate passes, serve loads.
    new SavedPayloads({ maxJsonDepth: () => workspace.settings.maxJsonDepth }).load(workspace.payloads);
  } catch (error) {
    if (!(error instanceof SavedPayloadValidationError)) throw error;
    for (const issue of error.problems())
      issues.push({ path: ['payloads', ...issue.path].join('.'), message: issue.message });
  }
  const [first, ...rest] = issues;
  if (!first) return checked;
  throw new WorkspaceError({
    operation: 'load',
    file,
    path: first.path,
    problem: `${first.message}${moreProblems(rest.length)}`,
    otherProblems: rest.slice(0, MAX_OTHER_PROBLEMS).map((issue) => ({ path: issue.path, problem: issue.message })),
  });
}

/** A key as a message shows it: quoted, a long one shortened. */
function shownKey(key: string): string {
  return JSON.stringify(key.length > 80 ? `${key.slice(0, 77)}…` : key);
}

function moreProblems(count: number): string {
  return count > 0 ? ` (and ${counted(count, 'more problem')})` : '';
}
