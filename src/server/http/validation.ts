import type { z } from 'zod';
import { counted } from '../../shared/counted-words';
import { issueWords, unknownKeysFirst } from '../../shared/issue-words';
import { suggestedFor, unionIssueWords } from '../../shared/union-issue-words';
import { echoedInput } from './echoed-input';
import { listedIssues, RequestValidationError, type ValidationIssue } from './http-errors';

export type RequestPart = 'query' | 'body' | 'path' | 'header';

/**
 * Parses `value` with `schema`, or throws a 422 whose issues are located under `part` (FastAPI's `loc`). Unions say
 * what to fix (`unionIssueWords`), as `agui-mock validate` words them, rather than zod's "Invalid input".
 */
export function parseRequestPart<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value, { error: unionIssueWords });
  if (result.success) return result.data;
  throw new RequestValidationError(toValidationIssues(result.error.issues, value, part, { unknownKeysFirst: true }));
}

export function toValidationIssues(
  issues: readonly z.core.$ZodIssue[],
  root: unknown,
  part: RequestPart,
  // For a person (the control API): a misspelt key (`behavior`) before the real one it leaves missing (`behaviour`),
  // the cause first. A mocked FastAPI route keeps pydantic's order.
  order: { unknownKeysFirst?: boolean } = {},
): ValidationIssue[] {
  const flat = issues.flatMap(intoBranch);
  // pydantic reports each extra field at its own location, with its value as input.
  const each = (order.unknownKeysFirst ? unknownKeysFirst(flat) : flat).flatMap(
    (issue): { issue: z.core.$ZodIssue; key: string | undefined }[] =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ issue, key })) : [{ issue, key: undefined }],
  );
  // Only what a 422 lists is worded: a hostile body may break a schema half a million times.
  return listedIssues(
    each,
    ({ issue, key }) => {
      const path = issue.path.filter((step): step is string | number => typeof step !== 'symbol');
      if (key !== undefined)
        return {
          type: 'extra_forbidden',
          loc: [part, ...path, key],
          msg: withSuggestion('Extra inputs are not permitted', suggestedFor(issue.message, key)),
          input: valueAt(root, [...path, key]) ?? null,
        };
      // A refused record key is the input, not the value under it (pydantic echoes the key too).
      const input = issue.code === 'invalid_key' ? path.at(-1) : valueAt(root, path);
      const { type, msg } = describe(issue, input);
      // A body field that is not there echoes the object it is missing from, as pydantic's model does; a parameter
      // (query, path, header) is validated on its own by FastAPI, so a missing one echoes null.
      const echoed = type === 'missing' && part === 'body' ? valueAt(root, path.slice(0, -1)) : input;
      // FastAPI's key order, for clients (and people) diffing bodies.
      return { type, loc: [part, ...path], msg, input: echoed === undefined ? null : echoed };
    },
    part,
  );
}

/** pydantic's words, then the known name a misspelt key most likely meant (as `agui-mock validate` suggests it). */
function withSuggestion(msg: string, meant: string | undefined): string {
  return meant === undefined ? msg : `${msg}: did you mean ${meant}?`;
}

/**
 * A union the input's type chose one branch of (`content` a list: the list of parts, not the string) is reported as
 * that branch's own problems, where they are (`content.0.text` missing), as pydantic reports the member it tried;
 * zod's one "Invalid input" at the union says neither what nor where.
 */
function intoBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const typed = issue.errors.filter(
    (branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
  );
  const [chosen] = typed;
  if (typed.length !== 1 || !chosen || chosen.length === 0) return [issue];
  return chosen.flatMap((inner) => intoBranch({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue));
}

/**
 * A problem's dotted place (`routes.3.responses.0.body`, as the world and the catalogue report them) as a 422's `loc`
 * path: indexes as numbers, empty parts (the root's) left out.
 */
export function dottedPathKeys(path: string): (string | number)[] {
  return path
    .split('.')
    .filter(Boolean)
    .map((key) => (/^\d+$/.test(key) ? Number(key) : key));
}

/** The value at `path` within `root` (a 422's `input`), or undefined when nothing is there. */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let current = root;
  for (const key of path) {
    // Own keys only: a `constructor` the client did not send is not its input.
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** zod's type names where pydantic's error types differ (`bool_type`, `dict_type`, ...). */
// zod's `record` (an object of any keys) is a dict to pydantic, as an object is.
const PYDANTIC_TYPES: Record<string, string> = {
  object: 'dict',
  record: 'dict',
  array: 'list',
  boolean: 'bool',
  number: 'float',
};

const TYPE_NAMES: Record<string, string> = {
  string: 'a valid string',
  number: 'a valid number',
  int: 'a valid integer',
  boolean: 'a valid boolean',
  object: 'a valid dictionary',
  record: 'a valid dictionary',
  array: 'a valid list',
};

/** FastAPI/pydantic wording, so clients written against the real backend read familiar errors. */
function describe(issue: z.core.$ZodIssue, input: unknown): { type: string; msg: string } {
  const { type, msg } = pydanticWords(issue, input);
  // A schema's own words (what the limit means, what to send instead) follow pydantic's; zod's defaults do not.
  const own = type !== 'missing' && OWN_MESSAGE_CODES.has(issue.code) && !ZOD_DEFAULT_WORDS.test(issue.message);
  return { type, msg: own ? `${msg}: ${issue.message}` : msg };
}

/** How zod's own English messages start ("Invalid input", "Too small: …"); a schema's own words do not. */
const ZOD_DEFAULT_WORDS = /^(Invalid|Too (small|big))\b/;

/** Issues whose pydantic wording replaces the schema's message (the others keep the message as it is). */
const OWN_MESSAGE_CODES = new Set(['too_big', 'too_small', 'invalid_value']);

/**
 * An absent field is `missing` whatever its schema would say of a value (an enum's choices, a union's types, a
 * length), as pydantic says before it looks at any of them; but for an absent tag, pydantic's `union_tag_not_found`,
 * and a refinement, whose words say what it wants.
 */
function isMissing(issue: z.core.$ZodIssue, input: unknown): boolean {
  if (input !== undefined || issue.code === 'custom') return false;
  return !(issue.code === 'invalid_union' && issue.discriminator !== undefined);
}

function pydanticWords(issue: z.core.$ZodIssue, input: unknown): { type: string; msg: string } {
  if (isMissing(issue, input)) return { type: 'missing', msg: 'Field required' };
  switch (issue.code) {
    case 'invalid_type':
      return {
        type: `${PYDANTIC_TYPES[issue.expected] ?? issue.expected}_type`,
        msg: `Input should be ${TYPE_NAMES[issue.expected] ?? issue.expected}`,
      };
    case 'too_big':
      if (issue.origin === 'string')
        return { type: 'string_too_long', msg: `String should have at most ${issue.maximum} characters` };
      if (issue.origin === 'array')
        return { type: 'too_long', msg: `List should have at most ${listWords(issue.maximum, input)}` };
      return issue.inclusive
        ? { type: 'less_than_equal', msg: `Input should be less than or equal to ${issue.maximum}` }
        : { type: 'less_than', msg: `Input should be less than ${issue.maximum}` };
    case 'too_small':
      if (issue.origin === 'string')
        return {
          type: 'string_too_short',
          msg: `String should have at least ${counted(issue.minimum, 'character')}`,
        };
      if (issue.origin === 'array')
        return { type: 'too_short', msg: `List should have at least ${listWords(issue.minimum, input)}` };
      return issue.inclusive
        ? { type: 'greater_than_equal', msg: `Input should be greater than or equal to ${issue.minimum}` }
        : { type: 'greater_than', msg: `Input should be greater than ${issue.minimum}` };
    case 'invalid_value': {
      const options = issue.values.map((v) => `'${String(v)}'`);
      const list = options.length > 1 ? `${options.slice(0, -1).join(', ')} or ${options.at(-1)}` : options[0];
      return { type: options.length > 1 ? 'enum' : 'literal_error', msg: `Input should be ${list}` };
    }
    case 'invalid_format':
      if (issue.format === 'email')
        return {
          type: 'value_error',
          msg:
            typeof input === 'string' && input.includes('@')
              ? 'value is not a valid email address: The email address is not valid.'
              : 'value is not a valid email address: An email address must have an @-sign.',
        };
      return { type: 'string_pattern_mismatch', msg: issue.message };
    case 'invalid_union': {
      const words = unionWords(issue, input);
      if (ZOD_DEFAULT_WORDS.test(issue.message)) return words;
      // Worded where it was parsed (`unionIssueWords`, as `agui-mock validate` words it): those words, pydantic's type.
      // They may name the client's keys (`unknown field …`): cut short as an echoed input is.
      return { type: words.type, msg: String(echoedInput(issue.message)) };
    }
    case 'invalid_key':
      // No pydantic words name the key; `key "": must not be empty` does (as `agui-mock validate` words it).
      return { type: 'value_error', msg: issueWords(issue) };
    case 'custom':
      // Refinements name their pydantic error type in `params.type` (e.g. `int_parsing`).
      return { type: typeof issue.params?.type === 'string' ? issue.params.type : 'value_error', msg: issue.message };
    default:
      return { type: 'value_error', msg: issue.message };
  }
}

/** The rest of pydantic's words for a list's length: `1 item after validation, not 0`. */
function listWords(limit: number | bigint, input: unknown): string {
  const items = counted(limit, 'item');
  return Array.isArray(input) ? `${items} after validation, not ${input.length}` : items;
}

/** A union's problem in pydantic's words: an unknown tag, or the types that would do. */
function unionWords(issue: z.core.$ZodIssueInvalidUnion, input: unknown): { type: string; msg: string } {
  // A discriminated union's tag, in pydantic's words.
  if (issue.discriminator !== undefined && issue.errors.length === 0) {
    // No tag at all is pydantic's `union_tag_not_found`, not a tag it does not know.
    if (input === undefined)
      return { type: 'union_tag_not_found', msg: `Unable to extract tag using discriminator '${issue.discriminator}'` };
    const options = 'options' in issue ? (issue.options ?? []) : [];
    const tags = options.map((option) => `'${String(option)}'`).join(', ');
    // The tag is the client's: cut short as an echoed input is.
    return {
      type: 'union_tag_invalid',
      msg: `Input tag '${String(echoedInput(input))}' found using '${issue.discriminator}' does not match any of the expected tags: ${tags}`,
    };
  }
  // Alternatives of other types (`content`: a string or a list): which ones, rather than zod's "Invalid input".
  const expected = issue.errors.map((branch) =>
    branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0
      ? branch[0].expected
      : undefined,
  );
  if (expected.length > 0 && expected.every((type) => type !== undefined)) {
    const first = expected[0] as string;
    return {
      type: `${PYDANTIC_TYPES[first] ?? first}_type`,
      msg: `Input should be ${expected.map((type) => TYPE_NAMES[type as string] ?? type).join(' or ')}`,
    };
  }
  return { type: 'value_error', msg: issue.message };
}
