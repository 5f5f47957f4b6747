import type { ParsedUrlQuery } from 'node:querystring';
import type { JsonObject, JsonValue } from '../../../shared/json-value';
import { RequestValidationError, type ValidationIssue } from '../../http/http-errors';
import {
  compileUserRegex,
  USER_REGEX_RUN_BUDGET_TEXT,
  type UserRegex,
  UserRegexBudgetError,
  UserRegexError,
  withinRegexBudget,
} from '../../support/user-regex';
import { inexactInteger } from '../number-text';
import { asText, compareValues, sortRecords } from './record-order';

/** A page of a listed collection, and what the headers say about it. */
export interface ListResult {
  items: JsonObject[];
  /** Records that pass the filters, before paging (`X-Total-Count`). */
  total: number;
  /** With `_page`: the page shown, its size and how many there are (for the `Link` header). */
  page?: { page: number; limit: number; pages: number };
}

type Filter = (record: JsonObject) => boolean;

const OPERATORS = ['_gte', '_lte', '_ne', '_like'] as const;
/**
 * What a list request says besides its filters: the paging and sorting read below, and as json-server the
 * parameters of JSONP and of a client's cache-busting (`_=1701…`, which jQuery adds). Any other name filters, one
 * starting with `_` too (a record's `_id`).
 */
const LIST_PARAMETERS: ReadonlySet<string> = new Set([
  '_sort',
  '_order',
  '_page',
  '_limit',
  '_per_page',
  '_start',
  '_end',
  '_',
  'callback',
]);
/** The most filters a list request may give: each is tried on every record (999 held the engine 16 s on 100,000). */
export const MAX_FILTERS = 64;
/**
 * The most different `_like` patterns a list request may give, in all its `_like` parameters: a value repeated for
 * "any of" is one filter, and 700 patterns that each compile for a millisecond fit in a request line.
 */
export const MAX_LIKE_PATTERNS = 64;
/** json-server shows ten records a page when `_page` comes without a size. */
const DEFAULT_PAGE_SIZE = 10;

/**
 * json-server's list conventions: `field=value` filters (repeat a field for "any of"; `field_gte`, `_lte`, `_ne`,
 * `_like` (RE2 regex, case-insensitive); nested fields with dots), `q` (full text), `_sort=a,-b` with `_order`,
 * `_page` with `_limit` or `_per_page`, and `_start`/`_end`/`_limit` slices. Bad numbers are FastAPI 422s.
 */
export function listRecords(records: readonly JsonObject[], query: ParsedUrlQuery): ListResult {
  const issues: ValidationIssue[] = [];
  const names = Object.keys(query).filter((name) => isFilter(name, query[name]));
  const likePatterns = new Set(
    names.filter((name) => operatorOf(name) === '_like').flatMap((name) => [query[name] ?? []].flat()),
  );
  // Counted before anything is compiled: compiling is the costly part of a pattern (a millisecond for `\pL{900}`).
  if (names.length > MAX_FILTERS)
    issues.push({
      type: 'value_error',
      loc: ['query'],
      msg: `Value error, a list is filtered by at most ${MAX_FILTERS} parameters (got ${names.length}): filter by fewer`,
      input: null,
    });
  else if (likePatterns.size > MAX_LIKE_PATTERNS)
    issues.push({
      type: 'value_error',
      loc: ['query'],
      msg: `Value error, a list matches at most ${MAX_LIKE_PATTERNS} different _like patterns (got ${likePatterns.size}): match fewer`,
      input: null,
    });
  const built = issues.length === 0 ? listFilters(query, names, issues) : { filters: [], likes: [] };
  const page = optionalInteger(query, '_page', 1, issues);
  const limit = optionalInteger(query, '_limit', 0, issues) ?? optionalInteger(query, '_per_page', 1, issues);
  const start = optionalInteger(query, '_start', 0, issues);
  const end = optionalInteger(query, '_end', 0, issues);
  const sort = lastText(query._sort);
  const order = orderOf(query, issues);
  const keys = sort ? sortKeys(sort, order, issues) : [];
  if (issues.length > 0) throw new RequestValidationError(issues);

  let items = filtered(records, built.filters, built.likes);
  const total = items.length;
  const size = limit ?? DEFAULT_PAGE_SIZE;
  const from = page !== undefined ? (page - 1) * size : (start ?? 0);
  const to = page !== undefined ? page * size : (end ?? (limit !== undefined ? from + limit : undefined));
  // Only the records up to the page's end need sorting.
  if (keys.length > 0)
    items = sortRecords(
      items,
      keys.map(({ field, sign }) => ({ read: fieldReader(field), sign })),
      to,
    );
  if (page !== undefined) {
    const pages = size === 0 ? 0 : Math.ceil(total / size);
    return { items: items.slice(from, to), total, page: { page, limit: size, pages } };
  }
  if (start !== undefined || end !== undefined || limit !== undefined) items = items.slice(from, to);
  return { items, total };
}

/** Whether a query parameter filters: any but the list's own, and `q` only with text to look for. */
function isFilter(name: string, raw: string | string[] | undefined): boolean {
  if (raw === undefined || LIST_PARAMETERS.has(name)) return false;
  return name !== 'q' || lastText(raw) !== '';
}

const operatorOf = (name: string) => OPERATORS.find((suffix) => name.endsWith(suffix) && name.length > suffix.length);

/** The filters the parameters `names` of `query` make; patterns that do not compile are issues. */
function listFilters(
  query: ParsedUrlQuery,
  names: readonly string[],
  issues: ValidationIssue[],
): { filters: Filter[]; likes: [name: string, pattern: string | undefined][] } {
  const filters: Filter[] = [];
  /** The `_like` parameters, with the pattern each matches last. */
  const likes: [name: string, pattern: string | undefined][] = [];
  /** Each pattern compiled once, however many parameters or times it is given. */
  const compiled = new Map<string, UserRegex | UserRegexError>();
  const compiledOnce = (pattern: string) => {
    let regex = compiled.get(pattern);
    if (!regex) {
      try {
        regex = compileUserRegex(pattern, { caseInsensitive: true });
      } catch (error) {
        if (!(error instanceof UserRegexError)) throw error;
        regex = error;
      }
      compiled.set(pattern, regex);
    }
    return regex;
  };
  for (const name of names) {
    const values = [query[name] ?? []].flat();
    if (name === 'q') {
      const text = (values.at(-1) ?? '').toLowerCase();
      filters.push((record) => containsText(record, text));
      continue;
    }
    const operator = operatorOf(name);
    const field = operator ? name.slice(0, -operator.length) : name;
    const read = fieldReader(field);
    // A Set: a value repeated a thousand times is looked up once per record, not a thousand times.
    const wanted = new Set(values);
    switch (operator) {
      case undefined:
        filters.push((record) => wanted.has(asText(read(record))));
        break;
      case '_ne':
        filters.push((record) => !wanted.has(asText(read(record))));
        break;
      case '_gte':
      case '_lte': {
        const bound = values.at(-1) ?? '';
        const sign = operator === '_gte' ? 1 : -1;
        filters.push((record) => {
          const value = read(record);
          return value !== undefined && sign * compareValues(value, bound) >= 0;
        });
        break;
      }
      case '_like': {
        likes.push([name, values.at(-1)]);
        const patterns: UserRegex[] = [];
        for (const value of wanted) {
          const regex = compiledOnce(value);
          if (!(regex instanceof UserRegexError)) patterns.push(regex);
          else
            issues.push({
              type: 'value_error',
              loc: ['query', name],
              msg: `Value error, ${regex.message}`,
              input: value,
            });
        }
        filters.push((record) => patterns.some((pattern) => pattern.test(asText(read(record)))));
        break;
      }
    }
  }
  return { filters, likes };
}

/**
 * The records every filter passes. `_like` patterns share one budget over all records (USER_REGEX_RUN_BUDGET): a
 * costly pattern on each of thousands of records held the engine for seconds; past it, a 422 at the `_like`s.
 */
function filtered(
  records: readonly JsonObject[],
  filters: readonly Filter[],
  likes: readonly [name: string, pattern: string | undefined][],
): JsonObject[] {
  try {
    return withinRegexBudget(() => records.filter((record) => filters.every((filter) => filter(record))));
  } catch (error) {
    if (!(error instanceof UserRegexBudgetError)) throw error;
    throw new RequestValidationError(
      likes.map(([name, pattern]) => ({
        type: 'value_error',
        loc: ['query', name],
        msg: `Value error, matching the _like patterns on this collection's records would take more than ${USER_REGEX_RUN_BUDGET_TEXT}: narrow the list with other filters first, or use a simpler pattern`,
        input: pattern,
      })),
    );
  }
}

const lastText = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.at(-1) : value;

function optionalInteger(query: ParsedUrlQuery, name: string, min: number, issues: ValidationIssue[]) {
  const text = lastText(query[name]);
  if (text === undefined) return undefined;
  const integer = /^\s*[+-]?\d+\s*$/.test(text);
  const value = integer ? Number(text) : Number.NaN;
  // Integer text, just past what a number holds exactly: said so, not that it is no integer.
  if (integer && !Number.isSafeInteger(value)) {
    issues.push(inexactInteger(text, ['query', name]));
    return undefined;
  }
  if (!Number.isSafeInteger(value)) {
    issues.push({
      type: 'int_parsing',
      loc: ['query', name],
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      input: text,
    });
    return undefined;
  }
  if (value < min) {
    issues.push({
      type: 'greater_than_equal',
      loc: ['query', name],
      msg: `Input should be greater than or equal to ${min}`,
      input: text,
      ctx: { ge: min },
    });
    return undefined;
  }
  return value;
}

function orderOf(query: ParsedUrlQuery, issues: ValidationIssue[]): ('asc' | 'desc')[] {
  const text = lastText(query._order);
  if (text === undefined) return [];
  const orders = text.split(',').map((word) => word.trim().toLowerCase());
  if (orders.every((word) => word === 'asc' || word === 'desc')) return orders as ('asc' | 'desc')[];
  issues.push({
    type: 'enum',
    loc: ['query', '_order'],
    msg: "Input should be 'asc' or 'desc'",
    input: text,
    ctx: { expected: "'asc' or 'desc'" },
  });
  return [];
}

/** The most fields `_sort` may name: each one more is read on every record, and compared on every tie. */
export const MAX_SORT_FIELDS = 16;

/** A sort field and its direction: 1 ascending, -1 descending. */
type SortKey = { field: string; sign: 1 | -1 };

/**
 * `_sort=name,-age`: a leading `-` or the matching `_order` entry sorts that field descending. A field named again
 * is dropped (it could only order records its first mention found equal); more than MAX_SORT_FIELDS is a 422.
 */
function sortKeys(sort: string, order: ('asc' | 'desc')[], issues: ValidationIssue[]): SortKey[] {
  const keys = new Map<string, SortKey>();
  sort
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean)
    .forEach((key, index) => {
      const descending = key.startsWith('-') || order[index] === 'desc' || (order.length === 1 && order[0] === 'desc');
      const field = key.replace(/^-/, '');
      if (!keys.has(field)) keys.set(field, { field, sign: descending ? -1 : 1 });
    });
  if (keys.size > MAX_SORT_FIELDS)
    issues.push({
      type: 'value_error',
      loc: ['query', '_sort'],
      msg: `Value error, _sort names at most ${MAX_SORT_FIELDS} fields (got ${keys.size}): sort by fewer`,
      input: sort,
    });
  return [...keys.values()];
}

/** Reads a field of a record, nested ones with dots (`author.name`); the path split once, not for every record. */
function fieldReader(path: string): (record: JsonObject) => JsonValue | undefined {
  const keys = path.split('.');
  return (record) => {
    let current: JsonValue | undefined = record;
    for (const key of keys) {
      if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, key))
        return undefined;
      current = current[key];
    }
    return current;
  };
}

/** Full text: any string or number in the record, at any depth, contains the text (case-insensitive). */
function containsText(record: JsonObject, text: string): boolean {
  const stack: JsonValue[] = [record];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string' || typeof value === 'number') {
      if (String(value).toLowerCase().includes(text)) return true;
    } else if (value !== null && typeof value === 'object') {
      // One push per child: spreading a large array as arguments overflows the call stack.
      for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push(child);
    }
  }
  return false;
}
