import type { z } from 'zod';
import { issueWords } from '../../../shared/issue-words';
import { unionIssueWords } from '../../../shared/union-issue-words';
import type { JsonIssue } from './JsonEditor';

/**
 * Problems a zod schema finds in a value, in plain words, at their places (editors underline them, forms show them
 * by the field): worded as `agui-mock validate` words them, unions included (`give exactly one of "json", "text" or
 * "file" (got "jsn")` rather than "Invalid input").
 */
export function schemaIssues(schema: z.ZodType, value: unknown): JsonIssue[] {
  const result = schema.safeParse(value, { error: unionIssueWords });
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: issue.path,
    message: issue.path.length ? `${issue.path.join('.')}: ${issueWords(issue)}` : issueWords(issue),
  }));
}
