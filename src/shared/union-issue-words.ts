import { z } from 'zod';
import { closestName } from './closest-name';
import { issueWords, keyIssueWords, NAMED_KEYS, typeWords } from './issue-words';

type Issue = z.core.$ZodIssue;
type UnionIssue = z.core.$ZodRawIssue<z.core.$ZodIssueInvalidUnion>;
type Path = readonly PropertyKey[];

/**
 * zod's error map for unions, given where a workspace is checked for a person (`agui-mock validate`, the control
 * API's 422s): `schema.safeParse(value, { error: unionIssueWords })`. zod words a union no alternative fits as
 * "Invalid input", and an unknown tag as "Invalid discriminator value. Expected 'agui' | …": neither says what to
 * fix. Here a tag is named by where it is (`unknown behaviour type "ecko": expected one of agui, echo, push, rules`),
 * objects told apart by their keys say which keys (`give exactly one of "json", "text" or "file" (got "jsn")`), an
 * alternative the value's type or keys choose reports its own problems, and other types list what would do. A record
 * key its schema refuses is named, with why (`key "": must not be empty`), not zod's "Invalid key in record". A
 * non-number given to an integer is said to expect `int`, as zod says it of 1.5 (zod says `number`), so it reads
 * `must be a whole number` and a 422 has pydantic's `int_type`. Every other issue is left to zod and issueWords.
 */
export const unionIssueWords: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type' && issue.expected === 'number' && isIntegerSchema(issue.inst)) {
    // The one place that sees the schema: zod copies the issue after its maps run (its type marks it read-only), and
    // words the corrected one itself.
    (issue as { expected: string }).expected = 'int';
    return undefined;
  }
  if (issue.code === 'invalid_key') return keyIssueWords(issue.input ?? issue.path?.at(-1), issue.issues);
  if (issue.code === 'unrecognized_keys') return unknownKeysWords(issue);
  if (issue.code !== 'invalid_union' || issue.inclusive === false) return undefined;
  if (issue.discriminator !== undefined && issue.errors.length === 0) return unknownTag(issue, issue.discriminator);
  if (issue.input === undefined) return 'required';
  return alternativesWords(issue);
};

/**
 * Unknown keys with the known one each most likely meant: `unknown field behavior — did you mean behaviour?` (a
 * misspelt key also leaves its real one missing, and this is the cause to fix), several as
 * `unknown fields behavior (did you mean behaviour?), extra`. Without a close name, as issueWords says it.
 */
function unknownKeysWords(issue: z.core.$ZodRawIssue<z.core.$ZodIssueUnrecognizedKeys>): string | undefined {
  const shape = issue.inst instanceof z.ZodObject ? (issue.inst.shape as Record<string, unknown>) : undefined;
  if (!shape) return undefined;
  const given = isObject(issue.input) ? issue.input : {};
  // A name already given is no suggestion; an absurdly long key is no typo (and edit distance is quadratic).
  const free = Object.keys(shape).filter((name) => !Object.hasOwn(given, name));
  const hint = (key: string) => (key.length <= 64 ? closestName(key, free) : undefined);
  const keys = issue.keys.slice(0, NAMED_KEYS);
  const more = issue.keys.length - keys.length;
  if (issue.keys.length === 1 && keys[0] !== undefined) {
    const meant = hint(keys[0]);
    return meant === undefined ? undefined : `unknown field ${keys[0]} — did you mean ${meant}?`;
  }
  if (!keys.some((key) => hint(key) !== undefined)) return undefined;
  const named = keys.map((key) => {
    const meant = hint(key);
    return meant === undefined ? key : `${key} (did you mean ${meant}?)`;
  });
  return `unknown fields ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** The name `unknownKeysWords` suggested for `key` in `message`, if any (a 422 lists each key on its own). */
export function suggestedFor(message: string, key: string): string | undefined {
  for (const [before, after] of [
    [`unknown field ${key} — did you mean `, '?'],
    [` ${key} (did you mean `, '?)'],
  ] as const) {
    const at = message.indexOf(before);
    if (at === -1) continue;
    const start = at + before.length;
    const end = message.indexOf(after, start);
    if (end > start) return message.slice(start, end);
  }
  return undefined;
}

/** `unknown step type "txt": expected one of emit, wait, …`, or `missing …` when the object has no tag. */
function unknownTag(issue: UnionIssue, discriminator: string): string {
  const tag = isObject(issue.input) ? issue.input[discriminator] : undefined;
  const what = tagName(issue.path ?? [], discriminator);
  const options = 'options' in issue && Array.isArray(issue.options) ? issue.options : [];
  const expected = `expected one of ${options.map(String).join(', ')}`;
  return tag === undefined ? `missing ${what}: ${expected}` : `unknown ${what} ${shown(tag)}: ${expected}`;
}

/** What a tag is, from where it is: `behaviour type` (`sockets.0.behaviour.type`), `step type` (`steps.2.type`). */
function tagName(path: Path, discriminator: string): string {
  let key = path.at(-2);
  const listed = typeof key === 'number';
  if (listed) key = path.at(-3);
  if (typeof key !== 'string') return discriminator;
  const noun = listed && key.endsWith('s') ? key.slice(0, -1) : key;
  return noun === discriminator ? noun : `${noun} ${discriminator}`;
}

interface Branch {
  option: z.ZodType | undefined;
  errors: Issue[];
}

function alternativesWords(issue: UnionIssue): string | undefined {
  const options = issue.inst instanceof z.ZodUnion ? (issue.inst.options as z.ZodType[]) : [];
  const branches: Branch[] = issue.errors.map((errors, index) => ({ option: options[index], errors }));
  const fitting = branches.filter((branch) => !rejectsType(branch.errors));
  const [only] = fitting;
  // The value's type chose one alternative (a list where text or a list will do): its own problems, where they are.
  if (only && fitting.length === 1) return branchWords(only.errors);
  const candidates = fitting.length > 0 ? fitting : branches;
  const keyed = candidates.map((branch) => ({ branch, keys: objectKeys(branch.option) }));
  if (keyed.every((entry) => entry.keys !== undefined)) {
    return chosenByKeys(issue.input, keyed as { branch: Branch; keys: ObjectKeys }[]);
  }
  if (fitting.length === 0) return `must be ${listed(unique(branches.flatMap(expectedWords)), 'or')}`;
  return undefined;
}

/** Objects told apart by the keys they require (`json`, `text`, `file`): the one the value's keys choose, or which to give. */
function chosenByKeys(input: unknown, keyed: { branch: Branch; keys: ObjectKeys }[]): string {
  const required = keyed.map(({ keys }) => keys.required);
  // Keys every alternative requires tell none apart.
  const telling = required.map((keys) => keys.filter((key) => !required.every((others) => others.includes(key))));
  const names = unique(telling.flat());
  const giveOne = `give exactly one of ${listed(names.map(quoted), 'or')}`;
  if (!isObject(input)) return notAnObjectWords(names, input);
  const chosen = keyed.filter((_entry, index) => telling[index]?.some((key) => Object.hasOwn(input, key)));
  const [choice] = chosen;
  if (choice && chosen.length === 1) return branchWords(choice.branch.errors);
  if (chosen.length > 1) {
    const given = names.filter((key) => Object.hasOwn(input, key)).map(quoted);
    return `${giveOne} (got ${given.length === 2 ? 'both ' : ''}${listed(given, 'and')})`;
  }
  const unknown = Object.keys(input).filter((key) => !keyed.some(({ keys }) => keys.known.includes(key)));
  return `${giveOne} (got ${unknown.length > 0 ? listed(few(unknown.map(shown)), 'and') : 'none'})`;
}

/**
 * A value given where an object of one of `names` goes (`"frame": "tick"`): it must be the object, for a text or
 * plain value with the example it likely meant (`{"text": "tick"}`), not a key to add.
 */
function notAnObjectWords(names: string[], input: unknown): string {
  const wrap =
    typeof input === 'string' && names.includes('text') ? 'text' : names.includes('json') ? 'json' : undefined;
  const scalar = input === null || ['string', 'number', 'boolean'].includes(typeof input);
  const example = wrap && scalar ? `, such as {${quoted(wrap)}: ${shown(input)}}` : '';
  return `must be an object with exactly one of ${listed(names.map(quoted), 'or')}${example} (got ${shown(input)})`;
}

/** An alternative's problems, each at its place within the value (`text: must be text (a string)`). */
function branchWords(errors: Issue[]): string {
  const words = errors.slice(0, NAMED_AT_MOST).map((inner) => {
    // An unknown tag names its key already.
    const namesItsPlace = inner.code === 'invalid_union' && inner.discriminator !== undefined;
    return inner.path.length === 0 || namesItsPlace
      ? issueWords(inner)
      : `${inner.path.map(String).join('.')}: ${issueWords(inner)}`;
  });
  const more = errors.length - words.length;
  return `${words.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}

/** Whether an alternative refused the value's type (or, for literals and enums, its value) outright. */
function rejectsType(errors: Issue[]): boolean {
  return errors.some(
    (inner) =>
      inner.path.length === 0 &&
      (inner.code === 'invalid_type' ||
        inner.code === 'invalid_value' ||
        (inner.code === 'invalid_union' && inner.errors.length > 0 && inner.errors.every(rejectsType))),
  );
}

/** What an alternative that refused the value's type would take: `"*"`, `a list (an array)`. */
function expectedWords(branch: Branch): string[] {
  const keys = objectKeys(branch.option);
  return branch.errors.flatMap((inner): string[] => {
    if (inner.path.length > 0) return [];
    if (inner.code === 'invalid_type') {
      if (keys && keys.required.length > 0 && !keys.tagged)
        return [`an object with ${listed(keys.required.map(quoted), 'and')}`];
      return [typeWords(inner.expected)];
    }
    if (inner.code === 'invalid_value') return inner.values.map((value) => shown(value));
    if (inner.code === 'invalid_union')
      return inner.errors.flatMap((errors) => expectedWords({ option: undefined, errors }));
    return [];
  });
}

interface ObjectKeys {
  /** Keys the object must have. */
  required: string[];
  /** Every key it takes. */
  known: string[];
  /** A tagged union: `required` is its tag. */
  tagged: boolean;
}

/** The keys an object alternative requires and takes; a tagged union requires its tag. Undefined: not an object. */
function objectKeys(option: z.ZodType | undefined): ObjectKeys | undefined {
  if (option instanceof z.ZodLazy) return objectKeys(option.unwrap() as z.ZodType);
  if (option instanceof z.ZodObject) {
    const entries = Object.entries(option.shape as Record<string, z.ZodType>);
    return {
      required: entries.filter(([, field]) => field._zod.optin === undefined).map(([key]) => key),
      known: entries.map(([key]) => key),
      tagged: false,
    };
  }
  if (option instanceof z.ZodDiscriminatedUnion) {
    const known = (option.options as z.ZodType[]).flatMap((inner) => objectKeys(inner)?.known ?? []);
    return { required: [option.def.discriminator], known: unique(known), tagged: true };
  }
  return undefined;
}

/** Whether the schema that raised an issue takes integers only (`z.number().int()`). */
function isIntegerSchema(schema: unknown): boolean {
  return schema instanceof z.ZodNumber && schema.isInt;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A value as a message shows it: scalars as JSON (long text cut short), objects and lists by kind. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  if (typeof value === 'string' && value.length > 40) return `${JSON.stringify(value.slice(0, 40)).slice(0, -1)}…"`;
  return JSON.stringify(value) ?? String(value);
}

const quoted = (key: string) => JSON.stringify(key);

/** How many keys or problems one message names: a hostile value may hold thousands. */
const NAMED_AT_MOST = 5;

/** The first few of `items`, then how many more there are. */
function few(items: string[]): string[] {
  const named = items.slice(0, NAMED_AT_MOST);
  return items.length > named.length ? [...named, `${items.length - named.length} more`] : named;
}

const unique = <T>(items: T[]): T[] => [...new Set(items)];

/** `"a", "b" or "c"`. */
function listed(items: string[], last: 'or' | 'and'): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)}`;
}
