import { isDeepStrictEqual } from 'node:util';
import type { ContextCondition, JsonValue, RequestCondition } from '../../shared/scenario';
import { compileJsonPath } from '../routes/json-path';
import { compileUserRegex } from '../support/user-regex';
import type { RunView } from './run-view';

/** A compiled condition on a run. */
export type RunCondition = (run: RunView) => boolean;

/** Where a condition is wrong, and why (collected, so every problem of a scenario is reported at once). */
export interface ConditionIssue {
  path: string;
  message: string;
}

const always: RunCondition = () => true;

/**
 * Compiles a condition once, when its scenario is stored: regexes on RE2 (`compileUserRegex`), JSONPaths with
 * the routes' guarded evaluator. Problems are added to `issues` at their place; the condition then never holds.
 */
export function compileCondition(
  condition: RequestCondition | ContextCondition,
  path: string,
  issues: ConditionIssue[],
): RunCondition {
  if (!('match' in condition)) return contextCondition(condition.context, condition.equals);
  switch (condition.match) {
    case 'always':
      return always;
    case 'substring': {
      if (condition.caseSensitive) {
        const needle = condition.value;
        return (run) => run.userText.includes(needle);
      }
      const needle = condition.value.toLowerCase();
      return (run) => run.lowerUserText.includes(needle);
    }
    case 'regex': {
      const regex = compileRegex(condition.pattern, condition.caseSensitive, `${path}.pattern`, issues);
      return regex ? (run) => regex.test(run.userText) : never;
    }
    case 'exact': {
      if (condition.caseSensitive) return (run) => run.userText === condition.value;
      const value = condition.value.toLowerCase();
      return (run) => run.lowerUserText === value;
    }
    case 'lastMessage': {
      const text = compileTextTests(condition, path, issues);
      const { role } = condition;
      return (run) => {
        const last = run.lastMessage;
        if (!last || (role !== undefined && last.role !== role)) return false;
        return text === undefined || text(run.lastMessageText);
      };
    }
    case 'toolResult': {
      const text = compileTextTests(condition, path, issues);
      const { toolName, toolCallId } = condition;
      return (run) =>
        run.toolResults.some(
          (result) =>
            (toolName === undefined || result.toolName === toolName) &&
            (toolCallId === undefined || result.toolCallId === toolCallId) &&
            (text === undefined || text(result.text)),
        );
    }
    case 'jsonPath':
      return jsonPathCondition(condition, path, issues);
    case 'firstRun':
      return (run) => run.firstRun;
    case 'context':
      return contextCondition(condition.key, condition.equals);
    case 'all': {
      const parts = condition.conditions.map((part, index) =>
        compileCondition(part, `${path}.conditions.${index}`, issues),
      );
      return (run) => parts.every((part) => part(run));
    }
    case 'any': {
      const parts = condition.conditions.map((part, index) =>
        compileCondition(part, `${path}.conditions.${index}`, issues),
      );
      return (run) => parts.some((part) => part(run));
    }
    case 'not': {
      const inner = compileCondition(condition.condition, `${path}.condition`, issues);
      return (run) => !inner(run);
    }
  }
}

const never: RunCondition = () => false;

function contextCondition(key: string, equals: JsonValue | undefined): RunCondition {
  if (equals === undefined) return (run) => Boolean(run.context[key]);
  return (run) => isDeepStrictEqual(run.context[key], equals);
}

function compileRegex(
  pattern: string,
  caseSensitive: boolean | undefined,
  path: string,
  issues: ConditionIssue[],
): { test(text: string): boolean } | undefined {
  try {
    return compileUserRegex(pattern, { caseInsensitive: !caseSensitive });
  } catch (error) {
    issues.push({ path, message: (error as Error).message });
    return undefined;
  }
}

/** `exact`, `substring` and `pattern` on a text, all that are given; undefined when none is. */
function compileTextTests(
  tests: { exact?: string; substring?: string; pattern?: string; caseSensitive?: boolean },
  path: string,
  issues: ConditionIssue[],
): ((text: string) => boolean) | undefined {
  const checks: ((text: string, lower: string) => boolean)[] = [];
  const fold = !tests.caseSensitive;
  if (tests.exact !== undefined) {
    const exact = fold ? tests.exact.toLowerCase() : tests.exact;
    checks.push((text, lower) => (fold ? lower : text) === exact);
  }
  if (tests.substring !== undefined) {
    const part = fold ? tests.substring.toLowerCase() : tests.substring;
    checks.push((text, lower) => (fold ? lower : text).includes(part));
  }
  if (tests.pattern !== undefined) {
    const regex = compileRegex(tests.pattern, tests.caseSensitive, `${path}.pattern`, issues);
    checks.push(regex ? (text) => regex.test(text) : () => false);
  }
  if (checks.length === 0) return undefined;
  return (text) => {
    const lower = fold ? text.toLowerCase() : text;
    return checks.every((check) => check(text, lower));
  };
}

/** Text a pattern or `contains` looks at: strings as they are, anything else as JSON. */
const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

function jsonPathCondition(
  condition: Extract<RequestCondition, { match: 'jsonPath' }>,
  path: string,
  issues: ConditionIssue[],
): RunCondition {
  let selector: ReturnType<typeof compileJsonPath>;
  try {
    selector = compileJsonPath(condition.path);
  } catch (error) {
    issues.push({ path: `${path}.path`, message: `invalid JSONPath: ${(error as Error).message}` });
    return never;
  }
  const select = (run: RunView) => selector.select(run.request.input);
  const { equals, contains, exists, caseSensitive } = condition;
  if (equals !== undefined) return (run) => select(run).some((value) => isDeepStrictEqual(value, equals));
  if (condition.pattern !== undefined) {
    const regex = compileRegex(condition.pattern, caseSensitive, `${path}.pattern`, issues);
    return regex ? (run) => select(run).some((value) => regex.test(asText(value))) : never;
  }
  if (contains !== undefined) {
    const part = caseSensitive ? contains : contains.toLowerCase();
    return (run) =>
      select(run).some((value) => (caseSensitive ? asText(value) : asText(value).toLowerCase()).includes(part));
  }
  // Not worked out is not "absent": a path stopped at its step limit holds for no condition.
  if (exists === false) return (run) => selector.evaluate(run.request.input).complete && select(run).length === 0;
  return (run) => select(run).length > 0;
}
