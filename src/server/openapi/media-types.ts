/** `application/json`, `application/problem+json`, `application/json; charset=utf-8`… */
export function isJsonMediaType(mediaType: string): boolean {
  return /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(mediaType);
}

/** The media type to use from a `content` map: JSON when there is one (plain JSON first), else the first listed. */
export function pickMediaType(content: Record<string, unknown>): [string, unknown] | undefined {
  const entries = Object.entries(content);
  return (
    entries.find(([type]) => /^application\/json\s*(;|$)/i.test(type)) ??
    entries.find(([type]) => isJsonMediaType(type)) ??
    entries[0]
  );
}

/**
 * Whether a body of this media type is text a route can write as `{text}`: `text/*`, XML, forms, JavaScript and
 * the like. Others (`image/png`, `application/octet-stream`, `application/pdf`…) are bytes.
 */
export function isTextMediaType(mediaType: string): boolean {
  return /^(text\/|application\/([\w.-]+\+)?(xml|json|javascript|ecmascript|x-www-form-urlencoded|yaml|x-yaml|graphql)\s*(;|$))/i.test(
    mediaType,
  );
}
