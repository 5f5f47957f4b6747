import { z } from 'zod';
import { JsonObjectSchema, JsonValueSchema } from '../json-value';
import { MEDIA_RANGE } from '../media-type-range';
import { nameText } from '../name-text';
import {
  MountIdSchema,
  mountHead,
  PathPatternSchema,
  refineUniqueIds,
  UserRegexTextSchema,
  WITH_OTHER_PROBLEMS,
} from './mount-fields';

/**
 * A user-defined HTTP route: a method and a path pattern, optional request validation (JSON Schema, answered with
 * FastAPI's 422), and an ordered list of responses, each with an optional condition on the request. Strings in
 * response bodies and headers are Handlebars templates that read the request (see docs/routes.md).
 */

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const ROUTE_METHODS = [...HTTP_METHODS, 'ANY'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

/** The longest header value a response may send (as written, and as a template renders it for a request). */
export const HEADER_VALUE_MAX = 8192;

const RegexSchema = UserRegexTextSchema.describe(
  'A regular expression (RE2 syntax, linear time; `(?i)` at the start ignores case) that matches anywhere in the ' +
    'value: anchor it with `^…$` to match the whole value. Checked when stored.',
);

/** How one value of the request (a header, a query or path parameter, a part of the body) is compared. */
export const MatcherSchema = z.union([
  z.strictObject({ equals: JsonValueSchema.describe('Equal to this value (JSON values compare deeply).') }),
  z.strictObject({ regex: RegexSchema }),
  z.strictObject({ exists: z.boolean().describe('true: the value is present; false: it is absent.') }),
  z.strictObject({ contains: z.string().describe('The value, as text, contains this text.') }),
]);
export type Matcher = z.infer<typeof MatcherSchema>;

/** A plain string, number or boolean is short for `{"equals": …}`. */
export const ValueConditionSchema = z
  .union([z.string(), z.number(), z.boolean(), MatcherSchema])
  .describe('A value to equal, or {equals}, {regex}, {exists} or {contains}.');
export type ValueCondition = z.infer<typeof ValueConditionSchema>;

const JsonPathSchema = z
  .string()
  .min(1)
  .max(1000)
  .default('$')
  .describe(
    'JSONPath into the request body (`$.items[0].name`, `$.items[?(@.price < 10)]`); `$` is the whole body (a text ' +
      'body too). Any match counts. Filters compare values; they cannot call methods or use regexes.',
  );

export const BodyConditionSchema = z
  .union([
    z.strictObject({ path: JsonPathSchema, equals: JsonValueSchema.describe('Equal to this JSON value.') }),
    z.strictObject({ path: JsonPathSchema, regex: RegexSchema }),
    z.strictObject({ path: JsonPathSchema, exists: z.boolean().describe('Whether the path matches anything.') }),
    z.strictObject({ path: JsonPathSchema, contains: z.string().describe('The value, as text, contains this.') }),
  ])
  .describe('A condition on the JSON body at a JSONPath.');
export type BodyCondition = z.infer<typeof BodyConditionSchema>;

const ValueConditionsSchema = z.record(z.string().min(1).max(200), ValueConditionSchema);

/** All given conditions must hold. */
export const RequestConditionsSchema = z
  .strictObject({
    params: ValueConditionsSchema.optional().describe('Path parameters by name (`id` of `/items/:id`).'),
    query: ValueConditionsSchema.optional().describe('Query parameters by name (the last value when repeated).'),
    headers: ValueConditionsSchema.optional().describe('Request headers by name (case-insensitive).'),
    body: z.array(BodyConditionSchema).max(100).optional().describe('Conditions on the JSON body; all must hold.'),
  })
  .describe('When this response applies: every condition given must hold. Omit to match every request.');
export type RequestConditions = z.infer<typeof RequestConditionsSchema>;

export const ResponseBodySchema = z
  .union([
    z.strictObject({
      json: JsonValueSchema.describe(
        'A JSON body. Strings in it are templates; a string that is exactly one `{{…}}` keeps the type of its ' +
          'value (`"{{params.id}}"` gives the number 1 when `id` is typed integer; `"{{body}}"` the whole body).',
      ),
    }),
    z.strictObject({ text: z.string().max(10_000_000).describe('A text body (a template).') }),
    z.strictObject({
      file: z
        .string()
        .min(1)
        .max(1000)
        .describe(
          'A file relative to the folder of the workspace file, sent as it is (content type by extension); never ' +
            'outside that folder, never hidden. The name is a template (`data/user-{{params.id}}.json`).',
        ),
    }),
  ])
  .describe('The response body: {json}, {text} or {file}. Omit for an empty body.');
export type ResponseBody = z.infer<typeof ResponseBodySchema>;

export const FaultSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('reset').describe('Drop the TCP connection without answering (the client sees a reset).'),
    }),
    z.strictObject({
      type: z.literal('empty').describe('Close the connection without sending a single byte.'),
    }),
    z.strictObject({
      type: z
        .literal('malformed')
        .describe('Send the status line and headers, then a corrupt chunk of body, then close.'),
    }),
    z.strictObject({
      type: z.literal('drip').describe('Send the response body slowly, in chunks spread over a duration.'),
      chunks: z.number().int().min(1).max(10_000).default(10).describe('How many pieces the body is cut into.'),
      durationMs: z
        .number()
        .int()
        .min(0)
        .max(600_000)
        .default(5_000)
        .describe('Time from the first piece to the last.'),
    }),
  ])
  .describe('Misbehave on purpose, to test how a client copes.');
export type Fault = z.infer<typeof FaultSchema>;

const DelayMsSchema = z.number().int().min(0).max(600_000);

export const RouteResponseSchema = z.strictObject({
  id: MountIdSchema.describe('Stable id, unique in the route: the request log names the response that answered.'),
  name: nameText(200).optional().describe('A label for people.'),
  when: RequestConditionsSchema.optional(),
  // 1xx are interim answers: a client sent one waits for a final answer that never comes.
  status: z
    .number()
    .int()
    .min(200, 'a response status is 200 to 599 (1xx statuses are interim answers, not a response)')
    .max(599)
    .default(200)
    .describe('HTTP status code (200–599).'),
  headers: z
    .record(z.string().min(1).max(200), z.string().max(HEADER_VALUE_MAX))
    .default({})
    .describe('Response headers (values are templates). Content-Type defaults from the body kind.'),
  body: ResponseBodySchema.optional(),
  template: z
    .boolean()
    .default(true)
    .describe('Whether strings in the body and headers are templates; false sends them exactly as written.'),
  delayMs: DelayMsSchema.default(0).describe('Wait this long before answering (not scaled by the speed setting).'),
  fault: FaultSchema.optional(),
});
export type RouteResponse = z.infer<typeof RouteResponseSchema>;

/** JSON Schemas the request must satisfy; failures are answered 422 in FastAPI's shape before any response. */
export const RequestValidationSchema = z
  .strictObject({
    params: JsonObjectSchema.optional().describe(
      'JSON Schema of the path parameters as an object; values arrive as text and are converted to the ' +
        'declared types (`{"type":"integer"}` refuses `abc` with int_parsing, like FastAPI).',
    ),
    query: JsonObjectSchema.optional().describe('JSON Schema of the query parameters as an object, converted alike.'),
    headers: JsonObjectSchema.optional().describe('JSON Schema of the headers as an object (lower-case names).'),
    body: JsonObjectSchema.optional().describe(
      'JSON Schema of the JSON body (defaults it declares are filled in before conditions and templates read it).',
    ),
    bodyRequired: z
      .boolean()
      .default(true)
      .describe('With a body schema: whether a request without a body is refused (422 missing).'),
    uncheckedMediaTypes: z
      .array(z.string().regex(MEDIA_RANGE, 'a media type or range: type/subtype, either may be *, no parameters'))
      .max(100)
      .optional()
      .describe(
        'With a body schema: media types (or ranges, `text/*`) a body that is not JSON may also come in, taken as ' +
          'sent without checking (an OpenAPI import lists those the operation declares besides JSON: ' +
          '`application/xml`, `multipart/form-data`…). A body in another is checked against `body`.',
      ),
  })
  .describe(
    'Validate the request first, like FastAPI: every problem in one 422 `{"detail":[{type, loc, msg, input}]}`. ' +
      'Schemas are JSON Schema 2020-12 with formats; `pattern` runs on RE2.',
  );
export type RequestValidation = z.infer<typeof RequestValidationSchema>;

export const RESPONSE_MODES = ['first-match', 'sequential', 'random'] as const;

export const RouteSchema = z
  .strictObject({
    ...mountHead,
    method: z.enum(ROUTE_METHODS).default('GET').describe('HTTP method, or ANY. A GET route also answers HEAD.'),
    path: PathPatternSchema,
    validate: RequestValidationSchema.optional(),
    responseMode: z
      .enum(RESPONSE_MODES)
      .default('first-match')
      .describe(
        'Which of the responses whose conditions hold answers: the first in the list, each in turn ' +
          '(sequential), or any (random).',
      ),
    responses: z
      .array(RouteResponseSchema)
      .min(1, 'a route needs at least one response')
      .max(1000, 'at most 1000 responses a route')
      .describe('Candidate responses in order. When none applies, the route does not answer (the next mount may).'),
  })
  .superRefine((route, ctx) => refineUniqueIds(route.responses, ctx, ['responses'], 'response'), WITH_OTHER_PROBLEMS);
export type Route = z.infer<typeof RouteSchema>;
export type RouteInput = z.input<typeof RouteSchema>;
