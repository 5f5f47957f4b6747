import { z } from 'zod';
import { issueWords, keyIssueWords, typeWords } from './issue-words';

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
 * key its schema refuses is named, with why (`key "": must not be empty`), not zod's "Invalid key in record". Every
 * other issue is left to zod and issueWords.
 */
export const unionIssueWords: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_key') return keyIssueWords(issue.input ?? issue.path?.at(-1), issue.issues);
  if (issue.code !== 'invalid_union' || issue.inclusive === false) return undefined;
  if (issue.discriminator !== undefined && issue.errors.length === 0) return unknownTag(issue, issue.discriminator);
  if (issue.input === undefined) return 'required';
  return alternativesWords(issue);
};

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
  if (!isObject(input)) return `${giveOne} (got ${shown(input)})`;
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
