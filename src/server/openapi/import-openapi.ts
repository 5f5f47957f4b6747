import { issueWords } from '../../shared/issue-words';
import { type JsonObject, type JsonValue, JsonValueSchema } from '../../shared/json-value';
import { slugId, UniqueIds } from '../../shared/mounts/mount-ids';
import { HTTP_METHODS, type RouteInput, RouteSchema } from '../../shared/mounts/route';
import { MAX_JSON_DEPTH_SETTING, ServerSettingsSchema } from '../../shared/settings';
import { unionIssueWords } from '../../shared/union-issue-words';
import { exceedsJsonDepth, keysPastDepth } from '../support/json-depth';
import { parsedJsonRefusal } from '../support/json-numbers';
import { pointerSegment } from '../support/json-pointer';
import { basePathProblem, routePrefix } from './base-path';
import { dereferenceOpenApi } from './dereference-openapi';
import { documentedText } from './documented-text';
import { exceedsOutputBytes, MAX_DOCUMENT_BYTES, MAX_OUTPUT_BYTES } from './import-limits';
import { OpenApiImportError } from './openapi-import-error';
import { shortPointer } from './openapi-parser-error';
import { toRoutePath } from './openapi-path';
import { withRoutesReachable } from './reachable-route-order';
import { readOpenApiText } from './read-openapi-text';
import { requestValidation } from './request-validation';
import { routeResponses } from './route-responses';
import type { SchemaContext } from './to-json-schema';

export { OpenApiImportError } from './openapi-import-error';

/** The document as text (JSON or YAML), optionally with the file it was read from, or as a parsed value. */
export type OpenApiInput = { text: string; file?: string } | { document: unknown };

export interface OpenApiImportOptions {
  /** Largest document, and largest file it refers to, in bytes. Default MAX_DOCUMENT_BYTES (32 MiB). */
  maxBytes?: number;
  /**
   * The engine's maxJsonDepth setting (default: the setting's default). Schemas and examples may nest this deep;
   * the document around them a fixed number of levels more.
   */
  maxJsonDepth?: number;
  /**
   * Put before every path. Default: the path of the first server (`/api` of `https://x/api`) of the operation's
   * own `servers`, else its path item's, else the document's.
   */
  basePath?: string;
  /**
   * The engine's check that it can compile a validation schema (its ajv): returns a problem, or undefined. A schema
   * with a problem is left out of the route, with a warning, rather than stored where it cannot be served.
   */
  checkSchema?: (schema: JsonObject) => string | undefined;
  /**
   * The first problem of a generated body against the schema it was generated from (undefined: it satisfies it),
   * named in a warning: openapi-sampler writes `"string"` for a string with a `pattern`, and a client that checks
   * the API's answers would refuse the mock's. `cutShort`: a recursion was cut where the schema lets no body stop.
   */
  checkSample?: (schema: JsonObject, value: JsonValue, cutShort: boolean) => string | undefined;
}

export interface OpenApiImport {
  routes: RouteInput[];
  /** What was left out or changed on the way, one line each (`GET /items/{id}: …`). */
  warnings: string[];
  /** The document's `info.title`. */
  title?: string;
}

/** Levels of the document around a schema or an example (paths, path, operation, responses, status, content…). */
const DOCUMENT_NESTING = 16;
/** Schema nodes one import may write in all (the document's schemas, expanded where they are used). */
const MAX_SCHEMA_NODES = 1_000_000;
const METHODS = new Set<string>(HTTP_METHODS.map((method) => method.toLowerCase()));

/**
 * Turns an OpenAPI 3.0 or 3.1 document (FastAPI's `/openapi.json` among them) into routes: one per operation, with
 * typed path, query and header parameters and the JSON body as validation schemas, and one response per documented
 * status, bodies from the document's examples or generated from its schemas. A document that cannot be imported
 * throws an OpenApiImportError saying what and where; what is imported with changes is listed in `warnings`.
 */
export async function importOpenApi(input: OpenApiInput, options: OpenApiImportOptions = {}): Promise<OpenApiImport> {
  const maxBytes = options.maxBytes ?? MAX_DOCUMENT_BYTES;
  const maxJsonDepth = options.maxJsonDepth ?? ServerSettingsSchema.shape.maxJsonDepth.parse(undefined);
  const source = 'text' in input ? input.file : undefined;
  const read = 'text' in input ? readOpenApiText(input.text, source, maxBytes) : input.document;
  // Before anything that recurses (zod, structuredClone, the parser) sees it; a cyclic value counts as too deep. A
  // number JSON cannot write (`"maximum": 1e400` reads as Infinity) is named here, not as a route that fails later.
  const limit = maxJsonDepth + DOCUMENT_NESTING;
  const setBy = `the maxJsonDepth setting, ${maxJsonDepth}, and ${DOCUMENT_NESTING} levels of the document around a schema`;
  const refusal = parsedJsonRefusal(read, limit, setBy);
  if (refusal !== undefined) throw new OpenApiImportError(withDepthPlace(refusal, read, limit), source);
  const value = 'text' in input ? read : plainDocument(read);
  const { document, anchored } = await dereferenceOpenApi(value, source, maxBytes);
  const tooLarge = (where: string) =>
    new OpenApiImportError(
      `the routes would take more than ${MAX_OUTPUT_BYTES} bytes (at ${where}): import part of the document (fewer paths or operations), or shorten its examples and models`,
      source,
    );

  const warnings = new Set<string>();
  const schemasByName = componentSchemas(document.components);
  const context: SchemaContext = {
    components: schemaNames(schemasByName, anchored),
    schemasByName,
    budget: { remaining: MAX_SCHEMA_NODES },
    maxDepth: maxJsonDepth,
    warn: (message) => warnings.add(message),
    ...(options.checkSample && { checkSample: options.checkSample }),
  };
  const basePath = routePrefix(options.basePath ?? documentBasePath(document.servers, source));
  const documentHost = serverHost(document.servers);
  const ids = new UniqueIds();
  const routes: RouteInput[] = [];
  let outputBytes = 0;

  const paths = (document.paths ?? {}) as Record<string, unknown>;
  // A 3.1 document may describe only webhooks, which are the API's own requests to others: nothing to mock here.
  if (!Object.keys(paths).some((template) => template.startsWith('/')))
    context.warn('the document describes no paths (webhooks and callbacks are not imported): no routes to add');
  for (const [template, pathItem] of Object.entries(paths)) {
    if (!template.startsWith('/') || pathItem === null || typeof pathItem !== 'object') continue; // x- extensions
    const item = pathItem as Record<string, unknown>;
    for (const [method, operation] of Object.entries(item)) {
      if (!isOperationKey(method) || operation === null || typeof operation !== 'object') continue;
      const where = `${method.toUpperCase()} ${template}`;
      if (!METHODS.has(method)) {
        context.warn(`${where}: ${method.toUpperCase()} cannot be mocked; skipped`);
        continue;
      }
      const op = operation as Record<string, unknown>;
      // A base path given is put before every path; else an operation's own servers override the document's.
      const servers = ownServers(op, item);
      const ownPrefix = options.basePath === undefined ? ownServersPrefix(servers, where, context) : undefined;
      const routePath = toRoutePath(template, ownPrefix ?? basePath);
      if (!routePath) {
        context.warn(`${where}: the path template is malformed; skipped`);
        continue;
      }
      warnOfOtherHost(servers, documentHost, where, routePath.path, context);
      const name = documentedText(op.summary, 200, `${where}: the summary`, context.warn);
      const description = documentedText(
        op.description ?? item.description,
        4000,
        `${where}: the description`,
        context.warn,
      );
      const validate = requestValidation(item.parameters, op, routePath.params, where, context);
      const route: RouteInput = {
        id: ids.take(
          slugId(typeof op.operationId === 'string' ? op.operationId : '') || slugId(`${method} ${template}`) || method,
        ),
        ...(name !== undefined && { name }),
        ...(description !== undefined && { description }),
        method: method.toUpperCase() as RouteInput['method'],
        path: routePath.path,
        ...(validate && { validate: checkedValidation(validate, where, context, options.checkSchema) }),
        responses: routeResponses(op.responses, where, context, maxJsonDepth),
      };

      // Measured before anything walks it whole, and only as far as the limit: its values share what `$ref`s
      // point to, and written out (JSON.stringify) could pass what a string can hold.
      if (exceedsOutputBytes(route, MAX_OUTPUT_BYTES - outputBytes)) throw tooLarge(where);
      const parsed = RouteSchema.safeParse(route, { error: unionIssueWords });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        context.warn(`${where}: not imported: ${issue?.path.join('.')}: ${issue ? issueWords(issue) : 'invalid'}`);
        continue;
      }
      if (exceedsJsonDepth(route, MAX_JSON_DEPTH_SETTING)) {
        context.warn(`${where}: not imported: it would nest deeper than a workspace may`);
        continue;
      }
      outputBytes += JSON.stringify(route).length;
      if (outputBytes > MAX_OUTPUT_BYTES) throw tooLarge(where);
      routes.push(route);
    }
  }
  const info = document.info as { title?: unknown } | undefined;
  // OpenAPI matches concrete paths before templated ones, whatever the document's order; the engine, in table order.
  return {
    routes: withRoutesReachable([], routes),
    warnings: [...warnings],
    ...(typeof info?.title === 'string' && { title: info.title }),
  };
}

/**
 * A refusal of a document nested deeper than `limit` with the place it is too deep at (in a document of 50,000
 * lines a limit alone says nothing of where to look): `… at #/paths/~1p/get/responses/…/properties/a`.
 */
function withDepthPlace(refusal: string, document: unknown, limit: number): string {
  const keys = keysPastDepth(document, limit);
  return keys === undefined ? refusal : `${refusal} at ${shortPointer(['#', ...keys.map(pointerSegment)].join('/'))}`;
}

/** A parsed document handed over by code: it must be plain JSON, and is copied (the parser changes what it reads). */
function plainDocument(document: unknown): unknown {
  if (!JsonValueSchema.safeParse(document).success) {
    throw new OpenApiImportError('the document holds values JSON cannot carry');
  }
  return structuredClone(document);
}

/** Path item keys that are operations (TRACE included, to say it is skipped). */
function isOperationKey(key: string): boolean {
  return METHODS.has(key) || key === 'trace';
}

/** `components.schemas` by name, as the document names them. */
function componentSchemas(components: unknown): Map<string, object> {
  const schemas = (components as { schemas?: unknown } | undefined)?.schemas;
  if (schemas === null || typeof schemas !== 'object') return new Map();
  return new Map(
    Object.entries(schemas).filter(
      (entry): entry is [string, object] => entry[1] !== null && typeof entry[1] === 'object',
    ),
  );
}

/**
 * The schemas converted schemas refer to by name, as `$defs` (JSON pointer and URI safe, unique):
 * `components.schemas`, then the others an anchor names (a recursion through one stays a recursion).
 */
function schemaNames(
  components: ReadonlyMap<string, object>,
  anchored: ReadonlyMap<object, string>,
): Map<object, string> {
  const names = new Map<object, string>();
  const taken = new Set<string>();
  const candidates = [...components];
  for (const [schema, name] of anchored) candidates.push([name, schema]);
  for (const [name, schema] of candidates) {
    if (names.has(schema)) continue;
    const base = name.replace(/[^A-Za-z0-9._-]/g, '_') || 'Schema';
    let unique = base;
    for (let n = 2; taken.has(unique); n += 1) unique = `${base}_${n}`;
    taken.add(unique);
    names.set(schema, unique);
  }
  return names;
}

/**
 * The path of the document's first server, refused when no route could live under it: once, saying what to do,
 * rather than a warning per operation. (A base path given instead is checked by whoever takes it, before reading.)
 */
function documentBasePath(servers: unknown, source: string | undefined): string {
  const basePath = serverBasePath(servers);
  const problem = basePathProblem(basePath);
  if (problem)
    throw new OpenApiImportError(
      `no route can have a path under ${basePath}, the path of the document's first server (${problem}): give another base path, / for none`,
      source,
    );
  return basePath;
}

/**
 * The route prefix from an operation's own servers (`ownServers`: its own, else its path item's), which OpenAPI says
 * override the document's: the first one's path, as for the document's (its host is not: the mock answers on its own).
 * Undefined when it has none, or when no route could live under that path (with a warning).
 */
function ownServersPrefix(servers: unknown[] | undefined, where: string, context: SchemaContext): string | undefined {
  if (servers === undefined) return undefined;
  const basePath = serverBasePath(servers);
  const problem = basePathProblem(basePath);
  if (!problem) return routePrefix(basePath);
  context.warn(
    `${where}: no route can have a path under ${basePath}, the path of its own server (${problem}); imported under the document's`,
  );
  return undefined;
}

/** The servers an operation has of its own, else its path item's (OpenAPI: they override the document's). */
function ownServers(operation: Record<string, unknown>, pathItem: Record<string, unknown>): unknown[] | undefined {
  return [operation.servers, pathItem.servers].find(
    (list): list is unknown[] => Array.isArray(list) && list.length > 0,
  );
}

/**
 * An operation whose own server is on another host than the document's (GitHub's asset uploads on
 * uploads.github.com) is served by the mock on its one host like the others, which a client sends no request for
 * until it is pointed there too: said in a warning, with the path it is served at.
 */
function warnOfOtherHost(
  servers: unknown[] | undefined,
  documentHost: string | undefined,
  where: string,
  routePath: string,
  context: SchemaContext,
): void {
  const host = servers && serverHost(servers);
  if (host === undefined || host === documentHost) return;
  const documents =
    documentHost === undefined ? "the document's servers name no host" : `the document's is ${documentHost}`;
  context.warn(
    `${where}: the real API serves it on another host, ${host} (its own server; ${documents}); the mock serves it with the others, at ${routePath}: send a client's requests for ${host} to the mock too`,
  );
}

/** The first server's URL with its variables at their defaults; undefined for none. */
function firstServerUrl(servers: unknown): string | undefined {
  const first = Array.isArray(servers) ? (servers[0] as { url?: unknown; variables?: unknown }) : undefined;
  if (!first || typeof first.url !== 'string') return undefined;
  const variables = (first.variables ?? {}) as Record<string, { default?: unknown } | undefined>;
  return first.url.replace(/\{([^}]*)\}/g, (_, name: string) => String(variables[name]?.default ?? ''));
}

/** `/api/v1` from a first server `https://example.com/api/v1/` (variables at their defaults); '' for none. */
function serverBasePath(servers: unknown): string {
  const url = firstServerUrl(servers);
  if (url === undefined) return '';
  try {
    return decodeURI(new URL(url, 'http://localhost').pathname).replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/** The host (and port, but a default one) of the first server's URL; undefined when it names none (`/v2`). */
function serverHost(servers: unknown): string | undefined {
  const url = firstServerUrl(servers);
  if (url === undefined || !URL.canParse(url)) return undefined;
  return new URL(url).host || undefined;
}

function checkedValidation(
  validation: NonNullable<RouteInput['validate']>,
  where: string,
  context: SchemaContext,
  checkSchema: OpenApiImportOptions['checkSchema'],
): NonNullable<RouteInput['validate']> {
  if (!checkSchema) return validation;
  const checked = { ...validation };
  for (const place of ['params', 'query', 'headers', 'body'] as const) {
    const schema = checked[place] as JsonObject | undefined;
    const problem = schema && checkSchema(schema);
    if (!problem) continue;
    context.warn(`${where}: the ${place} schema cannot be used (${problem}); that part is not validated`);
    delete checked[place];
    if (place === 'body') delete checked.bodyRequired;
  }
  return checked;
}
