import type { JsonValue } from '../../shared/json-value';
import { HEADER_VALUE_MAX, type RouteInput } from '../../shared/mounts/route';
import { FRAMING_HEADERS } from '../routes/route-compiler';
import { exceedsJsonDepth } from '../support/json-depth';
import { documentedText } from './documented-text';
import { exceedsOutputBytes, MAX_OUTPUT_BYTES } from './import-limits';
import { isJsonMediaType, isTextMediaType, pickMediaType } from './media-types';
import { sampleBody } from './sample-body';
import { type SchemaContext, toJsonSchema } from './to-json-schema';

type ResponseInput = RouteInput['responses'][number];
type Documented = Record<string, unknown>;

/** What HTTP allows in a header name and value (Node refuses to send anything else). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Statuses that never carry a body. */
const BODILESS = new Set([204, 205, 304]);

/**
 * An operation's documented responses as route responses, one per status, none with a condition: the first in
 * the list answers every request, the others are there to be moved first or given a `when`. The first is the
 * success response (the lowest 2xx); the rest follow by status. `default` (the response for any other status)
 * becomes a 500 at the end — or the 200 when the operation documents no 2xx, since it then stands for success.
 * Bodies come from the media type's `example`, else the first of its `examples`, else openapi-sampler.
 */
export function routeResponses(
  responses: unknown,
  where: string,
  context: SchemaContext,
  maxDepth: number,
): ResponseInput[] {
  const documented = (responses !== null && typeof responses === 'object' ? responses : {}) as Documented;
  const entries = Object.entries(documented).flatMap(([key, response]) => {
    const status = statusOf(key);
    if (status === undefined) {
      if (!key.startsWith('x-')) context.warn(`${where}: response "${key}" is not a status code; skipped`);
      return [];
    }
    if (status >= 100 && status < 200) {
      context.warn(`${where}: response "${key}" is an interim (1xx) answer, which a route cannot give; skipped`);
      return [];
    }
    return [{ key, status, response }];
  });
  const hasSuccess = entries.some(({ status }) => status >= 200 && status < 300);
  const ordered = entries
    .map((entry) => (entry.key === 'default' ? { ...entry, status: hasSuccess ? 500 : 200 } : entry))
    .sort((a, b) => rank(a) - rank(b));
  if (ordered.length === 0) {
    context.warn(`${where}: no responses documented; it answers 200 with an empty body`);
    return [{ id: '200', status: 200 }];
  }
  const first = ordered[0];
  if (!hasSuccess && first?.key === 'default') {
    context.warn(`${where}: no 2xx response documented; the "default" response answers as 200`);
  } else if (!hasSuccess && first) {
    context.warn(`${where}: no 2xx response documented; it answers ${first.status} until you add one`);
  }
  return ordered.map(({ key, status, response }) =>
    routeResponse(key, status, response, `${where} response ${key}`, context, maxDepth),
  );
}

/** `200` → 200, `4XX` → 400, `default` → 0 (placed by the caller); anything else is not a status. */
function statusOf(key: string): number | undefined {
  if (key === 'default') return 0;
  if (/^[1-5]\d\d$/.test(key)) return Number(key);
  if (/^[1-5]XX$/i.test(key)) return Number(key[0]) * 100;
  return undefined;
}

/** 2xx first (exact codes before ranges), then the others by status, `default` last. */
function rank({ key, status }: { key: string; status: number }): number {
  const success = status >= 200 && status < 300;
  return (success ? 0 : 10_000) + (key === 'default' ? 5_000 : 0) + status * 2 + (/X/i.test(key) ? 1 : 0);
}

function routeResponse(
  key: string,
  status: number,
  documented: unknown,
  where: string,
  context: SchemaContext,
  maxDepth: number,
): ResponseInput {
  const response = (documented !== null && typeof documented === 'object' ? documented : {}) as Documented;
  const out: ResponseInput = { id: key.toLowerCase(), status };
  // The document is validated with its `$ref`s in place: one may still lead to a schema, or round in a circle.
  if (typeof response.description !== 'string') {
    const why =
      typeof response.$ref === 'string' ? `its $ref "${response.$ref}" leads in a circle` : 'it has no description';
    context.warn(`${where}: not a Response object (${why}); answers with an empty body`);
    return out;
  }
  const name = documentedText(response.description, 200, `${where}: the description`, context.warn);
  if (name !== undefined) out.name = name;
  const headers: Record<string, string> = {};
  const content = response.content as Documented | undefined;
  const chosen = content && !BODILESS.has(status) && status >= 200 ? pickMediaType(content) : undefined;
  if (chosen) {
    const [mediaType, media] = chosen;
    if (!mediaType.includes('*')) headers['content-type'] = mediaType;
    const binary = !mediaType.includes('*') && !isTextMediaType(mediaType);
    // A sample of bytes would be the word "string" sent as an image: only an example written for it is used.
    const value = binary
      ? exampleOf({ ...(media as Documented), schema: undefined }, where, context, maxDepth)
      : exampleOf(media as Documented, where, context, maxDepth);
    if (value === undefined && binary) {
      context.warn(`${where}: ${mediaType} is binary; answers with an empty body until you give it a file (body.file)`);
    } else if (value === undefined) {
      if ((media as Documented).schema === undefined) {
        context.warn(`${where}: no example or schema for ${mediaType}; answers with an empty body`);
      }
    } else if (isJsonMediaType(mediaType) || (mediaType.includes('*') && typeof value !== 'string')) {
      out.body = { json: value };
      if (value === null && isAnything(media as Documented)) {
        context.warn(
          `${where}: the document says any JSON (no model, no example); answers null until you write a body`,
        );
      }
    } else if (typeof value === 'string') {
      out.body = { text: value };
    } else {
      context.warn(`${where}: the example for ${mediaType} is not text; answers with an empty body`);
    }
  }
  Object.assign(headers, responseHeaders(response.headers, where, context, maxDepth));
  if (Object.keys(headers).length > 0) out.headers = headers;
  // Imported text is sent as documented: `{{` in it must not be read as a template.
  if (JSON.stringify([out.body, headers]).includes('{{')) out.template = false;
  return out;
}

/** The media type's `example`, else the first usable of its `examples`, else one generated from its schema. */
function exampleOf(media: Documented, where: string, context: SchemaContext, maxDepth: number): JsonValue | undefined {
  const candidates: unknown[] = [media.example];
  if (media.examples !== null && typeof media.examples === 'object') {
    for (const example of Object.values(media.examples as Documented)) {
      if (example !== null && typeof example === 'object') candidates.push((example as Documented).value);
    }
  }
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    if (exceedsOutputBytes(candidate)) {
      context.warn(
        `${where}: an example would be more than ${MAX_OUTPUT_BYTES} bytes written out (each $ref in it repeats what it points to); not used`,
      );
      continue;
    }
    if (!exceedsJsonDepth(candidate, maxDepth)) return candidate as JsonValue;
    context.warn(`${where}: an example nests deeper than ${maxDepth} levels; not used`);
  }
  if (media.schema === undefined) return undefined;
  const schema = toJsonSchema(media.schema, 'response', context, where);
  const sampled = sampleBody(schema, where, context.warn);
  const problem = sampled && context.checkSample?.(schema, sampled.body, sampled.cutShort);
  if (problem)
    context.warn(
      `${where}: the body generated from the schema does not satisfy it (${problem}); served as generated until you write one that does`,
    );
  return sampled?.body;
}

function isAnything(media: Documented): boolean {
  const schema = media.schema;
  return schema === true || (schema !== null && typeof schema === 'object' && Object.keys(schema).length === 0);
}

/** Documented response headers with their example (or a generated value) as text; Content-Type is the body's. */
function responseHeaders(
  documented: unknown,
  where: string,
  context: SchemaContext,
  maxDepth: number,
): Record<string, string> {
  if (documented === null || typeof documented !== 'object') return {};
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(documented as Documented)) {
    if (name.toLowerCase() === 'content-type' || header === null || typeof header !== 'object') continue;
    if (FRAMING_HEADERS.has(name.toLowerCase())) {
      context.warn(`${where}: header ${JSON.stringify(name)} is the engine's to set from the body it sends; left out`);
      continue;
    }
    const value = exampleOf(header as Documented, `${where} header ${name}`, context, maxDepth);
    if (value === undefined || value === null) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (HEADER_NAME.test(name) && HEADER_VALUE.test(text) && text.length <= HEADER_VALUE_MAX && name.length <= 200) {
      headers[name.toLowerCase()] = text;
    } else {
      context.warn(`${where}: header ${JSON.stringify(name)} cannot be sent as documented; left out`);
    }
  }
  return headers;
}
