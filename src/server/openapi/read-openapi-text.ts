import YAML, { YAMLParseError } from 'yaml';
import { locateJsonSyntaxError } from '../workspace/json-syntax-error';
import { documentTooLarge } from './import-limits';
import { OpenApiImportError } from './openapi-import-error';

/**
 * Reads the text of an OpenAPI document, JSON or YAML, into a plain JSON value. Text that starts with `{` or `[` is
 * JSON, read with JSON.parse; anything else is YAML, read with the `yaml` library and limited to what JSON can carry:
 * OpenAPI asks YAML documents to stay within the JSON schema, so `.inf` and `.nan` are refused (by the importer, which
 * names where they are, as for JSON's `1e400`) and tags are not
 * resolved (`!!binary`, `!!timestamp`, `!foo`: the value is read as the text it is; nothing is run).
 * A leading byte order mark is ignored. (Files and URLs are read, bounded, by `readOpenApiSource`.)
 */
export function readOpenApiText(withBom: string, source: string | undefined, maxBytes: number): unknown {
  const text = withBom.startsWith('\uFEFF') ? withBom.slice(1) : withBom;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw new OpenApiImportError(documentTooLarge(bytes, maxBytes), source);
  }
  if (text.trim() === '') throw new OpenApiImportError('the document is empty', source);
  // JSON is YAML too, but JSON.parse reads it without recursion and places mistakes exactly.
  if (/^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch (error) {
      const located = locateJsonSyntaxError(text);
      throw new OpenApiImportError(
        `invalid JSON: ${located?.problem ?? (error as Error).message}`,
        located ? `${source ?? 'document'}:${located.line}:${located.column}` : source,
        { cause: error },
      );
    }
  }
  return parseYaml(text, source);
}

function parseYaml(text: string, source: string | undefined): unknown {
  try {
    return YAML.parse(text, {
      resolveKnownTags: false,
      uniqueKeys: true,
      maxAliasCount: 100,
      logLevel: 'error',
    });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const place =
      error instanceof YAMLParseError && error.linePos ? `:${error.linePos[0].line}:${error.linePos[0].col}` : '';
    // The yaml library reads nested collections recursively: a document nested past the stack fails here.
    const problem = /call stack/i.test(message)
      ? 'the document nests too deeply to be read'
      : `invalid YAML: ${message.split('\n')[0]}`;
    throw new OpenApiImportError(problem, `${source ?? 'document'}${place}`, { cause: error });
  }
}
