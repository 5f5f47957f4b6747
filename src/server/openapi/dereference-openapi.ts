import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { anchorRefsAsPointers } from './anchor-refs';
import { localRefResolver } from './local-ref-resolver';
import { OpenApiImportError } from './openapi-import-error';
import { describeParserError } from './openapi-parser-error';

/** Where a document read from no file is, for `$id`s and `$ref`s that name a resource relative to it. */
const UNNAMED_DOCUMENT = 'file:///openapi-document';

export interface DereferencedOpenApi {
  document: Record<string, unknown>;
  /** The schemas an `$anchor` or `$dynamicAnchor` names, with the name (see anchorRefsAsPointers). */
  anchored: Map<object, string>;
}

/**
 * Checks the version, validates the document against the OpenAPI schema and resolves its `$ref`s with
 * swagger-parser, those to an `$anchor` included. Nothing is fetched from the network; files next to the document
 * are read only when it was read from a file (`documentFile`). Returns the document with every `$ref` replaced by
 * what it points to (recursive schemas become object cycles). Every failure is an OpenApiImportError that says what
 * and where.
 */
export async function dereferenceOpenApi(
  value: unknown,
  documentFile: string | undefined,
  maxBytes: number,
): Promise<DereferencedOpenApi> {
  const source = documentFile;
  checkVersion(value, source);
  const local = documentFile === undefined ? undefined : localRefResolver(documentFile, maxBytes);
  const resolve = { http: false, file: local?.resolver ?? false };
  // Relative `$ref`s resolve against the document's own file when there is one. The parser is given its path, which
  // it percent-encodes once: a `file:` URL it would encode again (`my%2520dir`), leading every `$ref` out of a
  // folder whose name needs escaping (a space, %, #, ?, ö).
  const root = documentFile === undefined ? undefined : resolvePath(documentFile);
  const documentUri = root === undefined ? UNNAMED_DOCUMENT : pathToFileURL(root).href;
  const anchored = anchorRefsAsPointers(value, documentUri, source);
  const parse = (method: 'validate' | 'dereference', api: unknown, options: SwaggerParser.Options) =>
    root === undefined
      ? new SwaggerParser()[method](api as never, options)
      : new SwaggerParser()[method](root, api as never, options);
  // Validated as written, `$ref`s left in place: validating the dereferenced document would walk a schema once
  // for every way of reaching it, which a document of schemas that each use the next twice makes endless. The copy
  // validated stays as written (dereferencing changes `value` in place): a problem's place is found in it.
  const asWritten = structuredClone(value);
  try {
    await parse('validate', asWritten, { resolve, dereference: { excludedPathMatcher: () => true } });
    const document = await parse('dereference', value, { resolve, dereference: { circular: true } });
    return { document: document as unknown as Record<string, unknown>, anchored };
  } catch (error) {
    throw local?.refusal() ?? describeParserError(error, source, asWritten, documentFile, local?.fileNamed);
  }
}

function checkVersion(value: unknown, source: string | undefined): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OpenApiImportError('not an OpenAPI document: the document is not a JSON or YAML object', source);
  }
  const { openapi, swagger } = value as { openapi?: unknown; swagger?: unknown };
  if (swagger !== undefined) {
    throw new OpenApiImportError(
      `this is a Swagger ${String(swagger)} document; only OpenAPI 3.0 and 3.1 can be imported. Convert it to ` +
        'OpenAPI 3 first (swagger2openapi, or the Swagger Editor’s “Convert to OpenAPI 3”).',
      source,
    );
  }
  if (openapi === undefined) {
    throw new OpenApiImportError(
      'not an OpenAPI document: it has no "openapi" field (FastAPI serves its document at /openapi.json)',
      source,
    );
  }
  if (typeof openapi === 'number') {
    // YAML reads `openapi: 3.0` as the number 3, and `3.1` as 3.1: the version must be written as text.
    throw new OpenApiImportError(
      `the "openapi" field is the number ${openapi}: write the version as text with all three parts, e.g. openapi: "3.1.0"`,
      source,
    );
  }
  if (typeof openapi !== 'string' || !/^3\.[01]\.\d+$/.test(openapi)) {
    throw new OpenApiImportError(
      `OpenAPI version ${JSON.stringify(openapi)} is not supported: 3.0.x and 3.1.x documents can be imported`,
      source,
    );
  }
}
