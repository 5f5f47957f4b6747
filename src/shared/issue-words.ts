import { z } from 'zod';
import { counted } from './counted-words';

/** zod's own English wording, to tell a default message ("Too small: expected array to have >=1 items") from a schema's. */
const ZOD_ENGLISH = z.locales.en();

const TYPE_WORDS: Record<string, string> = {
  string: 'text (a string)',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list (an array)',
  null: 'null',
};

/** A type zod expected, as a person says it: `text (a string)`, `a list (an array)`. */
export const typeWords = (expected: string): string => TYPE_WORDS[expected] ?? expected;

/** Whether zod worded the message itself (the type it received is not kept on the issue: that part is matched). */
function isZodDefault(issue: z.core.$ZodIssue): boolean {
  if (issue.code === 'invalid_type') return issue.message.startsWith(`Invalid input: expected ${issue.expected},`);
  const worded = ZOD_ENGLISH.localeError(issue as never);
  return (typeof worded === 'string' ? worded : worded?.message) === issue.message;
}

/** How many unknown fields one message names. */
export const NAMED_KEYS = 10;

/**
 * A schema problem in plain words for a person fixing a file: "needs at least 1 item", "must be a whole number",
 * "required". A message the schema words itself ("a path starts with /") is kept as it is.
 */
export function issueWords(issue: z.core.$ZodIssue): string {
  if (!isZodDefault(issue)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.message.endsWith('received undefined')) return 'required';
      return `must be ${typeWords(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) === 1
          ? 'must not be empty'
          : `needs at least ${counted(issue.minimum, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `needs at least ${counted(issue.minimum, 'item')}`;
      return issue.inclusive ? `must be at least ${issue.minimum}` : `must be more than ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${counted(issue.maximum, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `takes at most ${counted(issue.maximum, 'item')}`;
      return issue.inclusive ? `must be at most ${issue.maximum}` : `must be less than ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_key':
      return keyIssueWords(issue.path.at(-1), issue.issues);
    case 'unrecognized_keys': {
      // A hostile value may hold thousands: the first few are enough to find them.
      const more = issue.keys.length - NAMED_KEYS;
      const named = issue.keys.slice(0, NAMED_KEYS).join(', ');
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${named}${more > 0 ? ` and ${more} more` : ''}`;
    }
    default:
      return issue.message;
  }
}

/** The longest key a message shows as it is (a hostile object may hold a key of megabytes). */
const SHOWN_KEY_CHARS = 40;

/**
 * A record key its key schema refuses (an empty header name, a variable name with a dash), by the key and why:
 * `key "": must not be empty`. zod says only "Invalid key in record", and the key itself, at the end of the issue's
 * path, is invisible when empty. The error map (`unionIssueWords`) gives the same words as the issue's message.
 */
export function keyIssueWords(key: unknown, issues: readonly z.core.$ZodIssue[]): string {
  const text = String(key ?? '');
  const shown =
    text.length > SHOWN_KEY_CHARS
      ? `${JSON.stringify(text.slice(0, SHOWN_KEY_CHARS)).slice(0, -1)}…"`
      : JSON.stringify(text);
  const why = issues.map(issueWords).join('; ');
  return `key ${shown}${why ? `: ${why}` : ' is not accepted'}`;
}

/** Whether an issue says a key is missing (zod's `received undefined`, or a union's `required`). */
function isMissing(issue: z.core.$ZodIssue): boolean {
  return (
    (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) ||
    (issue.code === 'invalid_union' && issue.message === 'required')
  );
}

const pathKey = (path: readonly PropertyKey[]) => JSON.stringify(path.map(String));

/**
 * The issues with each object's unknown keys ahead of its missing ones: a misspelt key (`behavior`) leaves its real
 * one (`behaviour`) missing, and the misspelling is what to fix, so it leads (zod reports the missing key first).
 * Otherwise the order is kept.
 */
export function unknownKeysFirst<T extends z.core.$ZodIssue>(issues: readonly T[]): T[] {
  const unknown = new Map<string, T>();
  for (const issue of issues) if (issue.code === 'unrecognized_keys') unknown.set(pathKey(issue.path), issue);
  if (unknown.size === 0) return [...issues];
  const placed = new Set<T>();
  const ordered: T[] = [];
  for (const issue of issues) {
    if (placed.has(issue)) continue;
    const parent = isMissing(issue) ? unknown.get(pathKey(issue.path.slice(0, -1))) : undefined;
    if (parent && !placed.has(parent)) {
      ordered.push(parent);
      placed.add(parent);
    }
    ordered.push(issue);
    placed.add(issue);
  }
  return ordered;
}
