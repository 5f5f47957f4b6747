/**
 * An OpenAPI document that cannot be imported: not OpenAPI 3.0/3.1, unreadable, invalid, too large or too deep, or
 * with a `$ref` that does not resolve. The message says what is wrong and where (file, line:column or JSON
 * pointer) in one line a person can act on.
 */
export class OpenApiImportError extends Error {
  override name = 'OpenApiImportError';

  constructor(
    /** What is wrong, without the place. */
    readonly problem: string,
    /** Where: the file, `file:line:column`, or a JSON pointer into the document. */
    readonly where?: string,
    options?: { cause?: unknown },
  ) {
    super(where ? `${where}: ${problem}` : problem, options);
  }
}
