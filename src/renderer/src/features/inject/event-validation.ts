import { EventSchemas } from '@ag-ui/core/schemas';
import { issueWords } from '../../../../shared/issue-words';
import type { JsonIssue } from '../../ui/JsonEditor';

/** The editor holds one event or a list of events; the API always takes a list. */
export function eventsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** Checks each event against @ag-ui/core's EventSchemas, naming the field at fault. */
export function validateEvents(value: unknown): JsonIssue[] {
  const list = Array.isArray(value);
  return eventsOf(value).flatMap((event, index) => {
    if (!event || typeof event !== 'object' || Array.isArray(event))
      return [{ path: list ? [index] : [], message: 'An event is a JSON object with a "type"' }];
    const result = EventSchemas.safeParse(event);
    if (result.success) return [];
    return result.error.issues.map((issue) => ({
      path: list ? [index, ...issue.path] : issue.path,
      message: issue.path.length ? `${issue.path.join('.')}: ${issueWords(issue)}` : issueWords(issue),
    }));
  });
}
