import { pathToFileURL } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { localRefResolver } from './local-ref-resolver';
import { OpenApiImportError } from './openapi-import-error';

/**
 * Checks the version, validates the document against the OpenAPI schema and resolves its `$ref`s with
 * swagger-parser. Nothing is fetched from the network; files next to the document are read only when it was
 * read from a file (`documentFile`). Returns the document with every `$ref` replaced by what it points to
 * (recursive schemas become object cycles). Every failure is an OpenApiImportError that says what and where.
 */
export async function dereferenceOpenApi(
  value: unknown,
  documentFile: string | undefined,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  const source = documentFile;
  checkVersion(value, source);
  const local = documentFile === undefined ? undefined : localRefResolver(documentFile, maxBytes);
  const resolve = { http: false, file: local?.resolver ?? false };
  // Relative `$ref`s resolve against the document's own file when there is one.
  const root = documentFile === undefined ? undefined : pathToFileURL(documentFile).href;
  const parse = (method: 'validate' | 'dereference', api: unknown, options: SwaggerParser.Options) =>
    root === undefined
      ? new SwaggerParser()[method](api as never, options)
      : new SwaggerParser()[method](root, api as never, options);
  try {
    // Validated as written, `$ref`s left in place: validating the dereferenced document would walk a schema once
    // for every way of reaching it, which a document of schemas that each use the next twice makes endless.
    await parse('validate', structuredClone(value), { resolve, dereference: { excludedPathMatcher: () => true } });
    const document = await parse('dereference', value, { resolve, dereference: { circular: true } });
    return document as unknown as Record<string, unknown>;
  } catch (error) {
    throw local?.refusal() ?? describeParserError(error, source);
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

/** swagger-parser's errors, as one line with the place first. */
function describeParserError(error: unknown, source: string | undefined): OpenApiImportError {
  if (error instanceof OpenApiImportError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines[0]?.startsWith('Swagger schema validation failed')) {
    const problems = lines.slice(1);
    const shown = problems.slice(0, 3).join('; ');
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    return new OpenApiImportError(`the document does not follow the OpenAPI schema: ${shown}${more}`, source, {
      cause: error,
    });
  }
  const pointer = /Missing \$ref pointer "([^"]*)"/.exec(message);
  if (pointer) {
    return new OpenApiImportError(`a $ref points to "${pointer[1]}", which does not exist`, source, { cause: error });
  }
  const unresolved = /Unable to resolve \$ref pointer "([^"]*)"/.exec(message);
  if (unresolved) {
    const target = unresolved[1] ?? '';
    const why = /^https?:/i.test(target)
      ? 'references to the network are not followed'
      : 'references to other files are followed only when importing from a file, inside its folder';
    return new OpenApiImportError(`a $ref points to "${target}", which cannot be read (${why})`, source, {
      cause: error,
    });
  }
  return new OpenApiImportError(`the document cannot be read: ${lines[0] ?? message}`, source, { cause: error });
}
