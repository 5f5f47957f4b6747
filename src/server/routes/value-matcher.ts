import { isDeepStrictEqual } from 'node:util';
import type { JsonValue } from '../../shared/json-value';
import type { Matcher, ValueCondition } from '../../shared/mounts/route';
import { looseEquals } from '../support/loose-equals';
import { compileUserRegex, USER_REGEX_RUN_BUDGET_TEXT, UserRegexBudgetError } from '../support/user-regex';

/**
 * One compiled comparison of a request value: `failure` says, for people, why a value does not satisfy it
 * (`query.page: expected "2", got "3"`), or returns undefined when it does.
 */
export interface ValueMatcher {
  failure(label: string, present: boolean, value: unknown): string | undefined;
}

const SHOWN_LENGTH = 100;

/** A value in a near-miss message: JSON, cut short. */
export function showValue(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > SHOWN_LENGTH ? `${text.slice(0, SHOWN_LENGTH)}…` : text;
}

/** Text a regex or `contains` looks at: strings as they are, anything else as JSON. */
const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

/**
 * Compiles a condition. `loose`: request parts that arrive as text (parameters, query, headers) compare `1` and
 * `"1"` as equal; body values compare with their JSON types. Throws for a regex RE2 cannot compile.
 */
export function compileValueMatcher(condition: ValueCondition | Matcher, loose: boolean): ValueMatcher {
  const matcher: Matcher = typeof condition === 'object' ? condition : { equals: condition };
  if ('equals' in matcher) {
    const expected: JsonValue = matcher.equals;
    const equal = loose ? looseEquals : isDeepStrictEqual;
    return {
      failure: (label, present, value) => {
        if (!present) return `${label} missing (expected ${showValue(expected)})`;
        return equal(value, expected)
          ? undefined
          : `${label}: expected ${showValue(expected)}, got ${showValue(value)}`;
      },
    };
  }
  if ('regex' in matcher) {
    const regex = compileUserRegex(matcher.regex);
    return {
      failure: (label, present, value) => {
        if (!present) return `${label} missing (expected to match /${regex.source}/)`;
        try {
          return regex.test(asText(value))
            ? undefined
            : `${label}: expected to match /${regex.source}/, got ${showValue(value)}`;
        } catch (error) {
          // The request's matches spent their budget (USER_REGEX_RUN_BUDGET): not worked out, so it does not hold.
          if (!(error instanceof UserRegexBudgetError)) throw error;
          return `${label}: matching /${regex.source}/ would take more than ${USER_REGEX_RUN_BUDGET_TEXT} with this request's other matches, so it was not checked`;
        }
      },
    };
  }
  if ('contains' in matcher) {
    const part = matcher.contains;
    return {
      failure: (label, present, value) => {
        if (!present) return `${label} missing (expected to contain ${showValue(part)})`;
        return asText(value).includes(part)
          ? undefined
          : `${label}: expected to contain ${showValue(part)}, got ${showValue(value)}`;
      },
    };
  }
  const wanted = matcher.exists;
  return {
    failure: (label, present, value) => {
      if (present === wanted) return undefined;
      return wanted ? `${label} missing` : `${label}: expected to be absent, got ${showValue(value)}`;
    },
  };
}
