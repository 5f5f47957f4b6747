import { issuePlace, type ValidationIssue } from '../../api/api-error';
import type { JsonIssue } from '../../ui/JsonEditor';

/** What is wrong with a form's value, by field: as the person types (the schema) and as the engine said at save. */
export interface FieldProblems {
  /** The problems at exactly this field (`responses.0.status`), one per line; undefined when there are none. */
  at(...path: (string | number)[]): string | undefined;
  /** Whether any problem is at this field or inside it. */
  within(...path: (string | number)[]): boolean;
}

const placeOf = (path: readonly PropertyKey[]) => path.map(String).join('.');

/** The engine's 422 issues located in the body sent, as the JSON editor underlines them. */
export function engineJsonIssues(issues: readonly ValidationIssue[]): JsonIssue[] {
  return issues
    .filter((issue) => issue.loc[0] === 'body')
    .map((issue) => ({ path: issue.loc.slice(1), message: `${issuePlace(issue.loc) || 'body'}: ${issue.msg}` }));
}

export function fieldProblems(local: readonly JsonIssue[], engine: readonly ValidationIssue[]): FieldProblems {
  const byPlace = new Map<string, string[]>();
  const add = (path: readonly PropertyKey[], message: string) => {
    const place = placeOf(path);
    byPlace.set(place, [...(byPlace.get(place) ?? []), message]);
  };
  for (const issue of local) {
    const place = placeOf(issue.path);
    add(issue.path, issue.message.startsWith(`${place}: `) ? issue.message.slice(place.length + 2) : issue.message);
  }
  for (const issue of engine) if (issue.loc[0] === 'body') add(issue.loc.slice(1), issue.msg);
  return {
    at: (...path) => byPlace.get(placeOf(path))?.join('\n'),
    within: (...path) => {
      const place = placeOf(path);
      return [...byPlace.keys()].some((key) => key === place || key.startsWith(`${place}.`));
    },
  };
}
