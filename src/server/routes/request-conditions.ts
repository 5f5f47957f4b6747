import type { MissPart } from '../../shared/mounts/match-report';
import type { BodyCondition, RequestConditions } from '../../shared/mounts/route';
import type { RequestBody } from '../http/request-body';
import { withinRegexBudget } from '../support/user-regex';
import type { IssuePath, MountIssues } from '../world/mount-validation-error';
import { headerNameProblem } from './header-name';
import { compileJsonPath, JSON_PATH_STEP_LIMIT } from './json-path';
import { compileValueMatcher, type ValueMatcher } from './value-matcher';

/** The request as conditions see it: parameters, query and headers converted when the route validates them. */
export interface RequestValues {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  /** By lower-case name. */
  headers: Record<string, unknown>;
  body: RequestBody;
  /** What the body is to conditions and templates: the JSON, the form fields or the text. */
  bodyValue: unknown;
}

export interface ConditionFailure {
  part: MissPart;
  message: string;
}

/** A response's `when`, compiled: whether it holds, and, for near misses, what does not. */
export interface CompiledConditions {
  readonly needsBody: boolean;
  holds(values: RequestValues): boolean;
  failures(values: RequestValues): ConditionFailure[];
}

type Check = { part: MissPart; failure(values: RequestValues): string | undefined };

const has = (record: Record<string, unknown>, name: string) =>
  Object.hasOwn(record, name) && record[name] !== undefined;

/** Compiles `when`; problems (regexes, JSONPaths) are added to `issues` at their place. */
export function compileConditions(when: RequestConditions, at: IssuePath, issues: MountIssues): CompiledConditions {
  const checks: Check[] = [];
  const matcher = (condition: Parameters<typeof compileValueMatcher>[0], loose: boolean, path: IssuePath) => {
    try {
      return compileValueMatcher(condition, loose);
    } catch (error) {
      issues.add(path, (error as Error).message);
      return undefined;
    }
  };
  const valueChecks = (part: 'params' | 'query' | 'headers', label: (name: string) => string) => {
    for (const [name, condition] of Object.entries(when[part] ?? {})) {
      // No client can send a header by a name HTTP does not allow: a condition on one would never hold.
      const nameProblem = part === 'headers' ? headerNameProblem(name) : undefined;
      if (nameProblem) {
        issues.add([...at, part, name], nameProblem);
        continue;
      }
      // Header names are case-insensitive; requests give them lower-case.
      const key = part === 'headers' ? name.toLowerCase() : name;
      const compiled = matcher(condition, true, [...at, part, name]);
      if (!compiled) continue;
      checks.push({
        part,
        failure: (values) => compiled.failure(label(key), has(values[part], key), values[part][key]),
      });
    }
  };
  valueChecks('params', (name) => `params.${name}`);
  valueChecks('query', (name) => `query.${name}`);
  valueChecks('headers', (name) => `header ${name}`);
  (when.body ?? []).forEach((condition, index) => {
    const failure = compileBodyCondition(condition, [...at, 'body', index], issues);
    if (failure) checks.push({ part: 'body', failure });
  });
  return {
    needsBody: checks.some((check) => check.part === 'body'),
    holds: (values) => checks.every((check) => check.failure(values) === undefined),
    failures: (values) =>
      checks.flatMap((check) => {
        const message = check.failure(values);
        return message === undefined ? [] : [{ part: check.part, message }];
      }),
  };
}

/**
 * Compiles one condition on the body at a JSONPath (a route's `when.body`, a socket rule's `match.json`): why the
 * body does not satisfy it, or undefined when it does. Problems are added to `issues` at `at`; undefined then.
 */
export function compileBodyCondition(
  condition: BodyCondition,
  at: IssuePath,
  issues: MountIssues,
): ((values: RequestValues) => string | undefined) | undefined {
  const { path, ...rest } = condition;
  let selected: ReturnType<typeof compileJsonPath>;
  try {
    selected = compileJsonPath(path);
  } catch (error) {
    issues.add([...at, 'path'], `invalid JSONPath ${JSON.stringify(path)}: ${(error as Error).message}`);
    return undefined;
  }
  let compiled: ValueMatcher;
  try {
    compiled = compileValueMatcher(rest as Parameters<typeof compileValueMatcher>[0], false);
  } catch (error) {
    issues.add(at, (error as Error).message);
    return undefined;
  }
  return (values) => bodyFailure(selected, path, compiled, values);
}

function bodyFailure(
  path: ReturnType<typeof compileJsonPath>,
  source: string,
  matcher: ValueMatcher,
  values: RequestValues,
): string | undefined {
  const label = `body ${source}`;
  const found = selectInBody(path, source, values);
  // Not worked out is not "absent": a path stopped at its step limit holds for no condition, `exists: false` included.
  if (found === undefined)
    return `${label}: the JSONPath took more than ${JSON_PATH_STEP_LIMIT} steps on this body, so it was not checked`;
  if (found.length === 0) {
    const failure = matcher.failure(label, false, undefined);
    return failure && `${failure}${bodyNote(values.body)}`;
  }
  // Any value the path selects may satisfy the condition; a regex on each of thousands shares one budget, and a
  // value not worked out within it does not satisfy it.
  return withinRegexBudget(() => {
    let first: string | undefined;
    for (const value of found) {
      const failure = matcher.failure(label, true, value);
      if (failure === undefined) return undefined;
      first ??= failure;
    }
    return first;
  });
}

/** What the path selects in the body; undefined when the evaluation stopped at its step limit. */
function selectInBody(
  path: ReturnType<typeof compileJsonPath>,
  source: string,
  values: RequestValues,
): unknown[] | undefined {
  switch (values.body.kind) {
    case 'json':
    case 'form': {
      const { values: found, complete } = path.evaluate(values.bodyValue);
      return complete ? found : undefined;
    }
    case 'text':
      return source === '$' ? [values.bodyValue] : [];
    default:
      return [];
  }
}

/** Why there was nothing to select, when the body is the reason. */
function bodyNote(body: RequestBody): string {
  switch (body.kind) {
    case 'none':
      return ' (the request has no body)';
    case 'unread':
      return ` (a body of type ${body.contentType} is not read)`;
    case 'invalid-json':
      return ` (the body is not valid JSON: ${body.error})`;
    default:
      return '';
  }
}
