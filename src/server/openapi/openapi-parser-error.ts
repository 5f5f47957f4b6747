import { dirname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pointerSegment } from '../support/json-pointer';
import { OpenApiImportError } from './openapi-import-error';
import { isParserFilePath, parserFilePath } from './parser-file-path';

/** The problems shown of a document that does not follow the OpenAPI schema; the count of the others is said. */
const SHOWN_PROBLEMS = 3;
/** The allowed values an `enum` problem lists. */
const SHOWN_VALUES = 10;

/** One of ajv's errors, as swagger-parser keeps them (`details` of its validation error). */
interface SchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params?: Record<string, unknown>;
  message?: string;
}

/**
 * swagger-parser's errors, as one line that says what and where: the schema problems without the validator's
 * noise, and a `$ref` that points nowhere at the place that holds it (a JSON pointer into the document as written).
 * `fileNamed` tells which file beside the document an error is about (see LocalRefResolver).
 */
export function describeParserError(
  error: unknown,
  source: string | undefined,
  asWritten: unknown,
  documentFile: string | undefined,
  fileNamed?: (source: string) => string | undefined,
): OpenApiImportError {
  if (error instanceof OpenApiImportError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines[0]?.startsWith('Swagger schema validation failed')) {
    const details = (error as { details?: unknown }).details;
    const problems = Array.isArray(details) ? schemaProblems(details as SchemaError[]) : lines.slice(1);
    const shown = problems.slice(0, SHOWN_PROBLEMS).join('; ');
    const more = problems.length > SHOWN_PROBLEMS ? ` (and ${problems.length - SHOWN_PROBLEMS} more)` : '';
    return new OpenApiImportError(`the document does not follow the OpenAPI schema: ${shown}${more}`, source, {
      cause: error,
    });
  }
  const base = documentFile === undefined ? `${process.cwd()}/` : documentFile;
  const pointer = /Missing \$ref pointer "([^"]*)"/.exec(message);
  if (pointer) {
    const hash = pointer[1] ?? '';
    // In another file than the document (only when importing from a file): that file, as the `$ref` names it.
    const targetSource = (error as { source?: unknown }).source;
    const document = documentFile === undefined ? undefined : resolve(documentFile);
    const targetFile = typeof targetSource === 'string' ? fileNamed?.(targetSource) : undefined;
    const other = targetFile !== undefined && targetFile !== document ? targetFile : undefined;
    const target = other === undefined ? hash : `${relative(dirname(document ?? ''), other)}${hash}`;
    const at = refLocation(
      asWritten,
      (ref) =>
        ref.hash === hash &&
        (ref.file === '' ? other === undefined : resolvedFile(ref.file, base) === (other ?? document)),
    );
    const where = at ?? parserPlace((error as { parentPath?: unknown }).parentPath, other, document);
    return new OpenApiImportError(
      `a $ref${where ? ` at ${where}` : ''} points to "${target}", which does not exist`,
      source,
      {
        cause: error,
      },
    );
  }
  const unresolved = /Unable to resolve \$ref pointer "([^"]*)"/.exec(message);
  if (unresolved) {
    const url = unresolved[1] ?? '';
    const target = filePath(url) ?? url;
    const why = /^https?:/i.test(target)
      ? 'references to the network are not followed'
      : 'references to other files are followed only when importing from a file, inside its folder';
    const at = refLocation(
      asWritten,
      (ref) => ref.file !== '' && (ref.file === url || resolvedFile(ref.file, base) === target),
    );
    return new OpenApiImportError(
      `a $ref${at === undefined ? '' : ` at ${at}`} points to "${target}", which cannot be read (${why})`,
      source,
      { cause: error },
    );
  }
  const tooDeep = /^Maximum dereference depth \((\d+)\) exceeded at (\S*?)\.?(?:\s|$)/.exec(message);
  if (tooDeep) {
    const [, limit, at] = tooDeep;
    return new OpenApiImportError(
      `its $refs put schemas more than ${limit} deep, one inside the next (at ${shortPointer(at ?? '')}): the import follows at most ${limit} levels; a model that refers back to itself is kept as a recursion, but a chain of that many models is not read`,
      source,
      { cause: error },
    );
  }
  return new OpenApiImportError(`the document cannot be read: ${readableSource(lines[0] ?? message, error)}`, source, {
    cause: error,
  });
}

/** `line` with the file the parser failed to read named as the file system does, not percent-encoded as it wrote it. */
function readableSource(line: string, error: unknown): string {
  const written = (error as { source?: unknown }).source;
  const file = typeof written === 'string' && written !== '' ? filePath(written) : undefined;
  return file === undefined ? line : line.replaceAll(written as string, file);
}

/** Segments of a long pointer shown at its start and end; the rest is counted, not written out. */
const POINTER_HEAD = 8;
const POINTER_TAIL = 4;

/** A pointer hundreds of levels deep as a line a person reads: its start, its end, and how many levels between. */
export function shortPointer(pointer: string): string {
  const segments = pointer.split('/');
  if (segments.length <= POINTER_HEAD + POINTER_TAIL + 1) return pointer;
  const skipped = segments.length - POINTER_HEAD - POINTER_TAIL;
  return `${segments.slice(0, POINTER_HEAD).join('/')}/…${skipped} levels…/${segments.slice(-POINTER_TAIL).join('/')}`;
}

/**
 * Where the parser found a `$ref` to nothing that is not in the document itself (it is in a file beside it): its
 * pointer, in the file that holds it — the target's file when the parser wrote no file — named beside the document.
 */
function parserPlace(parentPath: unknown, other: string | undefined, document: string | undefined): string | undefined {
  if (typeof parentPath !== 'string' || !parentPath.includes('#')) return undefined;
  const at = parentPath.indexOf('#');
  const holder = at === 0 ? (other ?? document) : filePath(parentPath.slice(0, at));
  const file =
    holder !== undefined && document !== undefined && holder !== document ? relative(dirname(document), holder) : '';
  return `${file}${parentPath.slice(at)}`;
}

/**
 * The problems a person can act on, as `#/pointer message`. The validator also reports what follows from them: that
 * an `if`'s `then`/`else` or a `oneOf`/`anyOf` as a whole failed, and every alternative the value was not meant for
 * (the Reference alternative `$ref` of an object that has none; an alternative whose `enum` or `const` the value does
 * not have). Those are left out, unless nothing else is left; the allowed values of an `enum` are listed, merged
 * over the alternatives.
 */
export function schemaProblems(errors: readonly SchemaError[]): string[] {
  let kept = errors.filter((error) => !['if', 'oneOf', 'anyOf'].includes(error.keyword));
  const ruledOut = new Set<string>();
  for (const error of kept) {
    const branch = alternative(error);
    if (branch !== undefined && isValueKeyword(error)) ruledOut.add(branch);
  }
  const inBranch = kept.filter((error) => {
    const branch = alternative(error);
    return branch === undefined || !ruledOut.has(branch) || isValueKeyword(error);
  });
  if (inBranch.length > 0) kept = inBranch;
  const withoutReference = kept.filter(
    (error) => !(error.keyword === 'required' && error.params?.missingProperty === '$ref'),
  );
  if (withoutReference.length > 0) kept = withoutReference;
  if (kept.length === 0) kept = [...errors];

  // In order, each once; an `enum`'s place once, with the values of every alternative (a document with thousands of
  // problems is read in one pass).
  const problems = new Map<string, Set<unknown> | undefined>();
  for (const error of kept) {
    const at = `#${error.instancePath || '/'}`;
    const allowedValues = error.params?.allowedValues;
    if (error.keyword === 'enum' && Array.isArray(allowedValues)) {
      const key = `${at} must be equal to one of the allowed values`;
      const values = problems.get(key) ?? new Set<unknown>();
      for (const value of allowedValues) values.add(value);
      problems.set(key, values);
    } else problems.set(`${at} ${error.message ?? `fails ${error.keyword}`}`, undefined);
  }
  return [...problems].map(([problem, values]) => {
    if (!values) return problem;
    const listed = [...values].slice(0, SHOWN_VALUES).map((value) => JSON.stringify(value));
    if (values.size > SHOWN_VALUES) listed.push('…');
    return `${problem}: ${listed.join(', ')}`;
  });
}

/** The alternative of a `oneOf`/`anyOf` an error is in (its schema path up to the branch), innermost. */
function alternative(error: SchemaError): string | undefined {
  return /^(.*\/(?:oneOf|anyOf)\/\d+)\//.exec(error.schemaPath)?.[1];
}

const isValueKeyword = (error: SchemaError) => error.keyword === 'enum' || error.keyword === 'const';

/** A `$ref` as written: the file it names ('' for the document itself) and its fragment, percent-decoded. */
interface WrittenRef {
  file: string;
  hash: string;
}

/**
 * The JSON pointer (`#/paths/~1items/get/…`) of the first object, in document order, that holds a `$ref` the test
 * accepts; undefined when none does. Walks the document as written, without recursion.
 */
export function refLocation(document: unknown, test: (ref: WrittenRef) => boolean): string | undefined {
  const stack: { value: unknown; pointer: string }[] = [{ value: document, pointer: '#' }];
  while (stack.length > 0) {
    const { value, pointer } = stack.pop() as { value: unknown; pointer: string };
    if (value === null || typeof value !== 'object') continue;
    const ref = (value as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && !Array.isArray(value) && test(writtenRef(ref))) return pointer;
    const entries = Object.entries(value);
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, child] = entries[index] as [string, unknown];
      if (child !== null && typeof child === 'object')
        stack.push({ value: child, pointer: `${pointer}/${pointerSegment(key)}` });
    }
  }
  return undefined;
}

function writtenRef(ref: string): WrittenRef {
  const at = ref.indexOf('#');
  const [file, hash] = at === -1 ? [ref, '#'] : [ref.slice(0, at), ref.slice(at)];
  return { file, hash: safeDecodeUri(hash) };
}

function safeDecodeUri(text: string): string {
  try {
    return decodeURI(text);
  } catch {
    return text;
  }
}

/**
 * A file `$ref`'s path, resolved as swagger-parser resolves it: as a URI (`%20` is a space, `%23` a #), against the
 * document's file, or the working folder.
 */
function resolvedFile(file: string, base: string): string | undefined {
  if (!isParserFilePath(file)) return file;
  try {
    return filePath(new URL(file, pathToFileURL(base)).href);
  } catch {
    return undefined;
  }
}

/** A path or URL swagger-parser wrote, as the file system names the file; a URL of another scheme as it is. */
function filePath(url: string): string | undefined {
  if (!isParserFilePath(url)) return url;
  try {
    return parserFilePath(url);
  } catch {
    return undefined;
  }
}
