import { type MacroName, MacroSchemas } from '../../../../shared/control-api';
import { issueWords } from '../../../../shared/issue-words';

export interface MacroField {
  key: string;
  label: string;
  kind: 'text' | 'textarea' | 'number' | 'json' | 'select';
  initial: string;
  options?: readonly string[];
  /** Left out of the request when empty (the engine fills its default). */
  optional?: boolean;
  hint?: string;
}

export interface MacroDefinition {
  name: MacroName;
  title: string;
  description: string;
  fields: MacroField[];
}

/** The small forms for the engine's macros: common bursts of events built from the connection's context. */
export const MACROS: readonly MacroDefinition[] = [
  {
    name: 'text-message',
    title: 'Stream a text message',
    description: 'TEXT_MESSAGE_START, the text in chunks, TEXT_MESSAGE_END (in a run of its own if none is active).',
    fields: [
      { key: 'text', label: 'Text', kind: 'textarea', initial: 'Hello! This message comes from the console.' },
      { key: 'chunkSize', label: 'Chunk size (characters)', kind: 'number', initial: '8', optional: true },
      { key: 'delayMs', label: 'Delay between chunks (ms)', kind: 'number', initial: '50', optional: true },
    ],
  },
  {
    name: 'tool-call',
    title: 'A full tool call',
    description: 'TOOL_CALL_START, ARGS, END and RESULT.',
    fields: [
      { key: 'toolCallName', label: 'Tool name', kind: 'text', initial: 'get_weather' },
      { key: 'displayName', label: 'Display name', kind: 'text', initial: 'Looking up the weather', optional: true },
      { key: 'args', label: 'Arguments (JSON object)', kind: 'json', initial: '{ "city": "Paris" }' },
      {
        key: 'result',
        label: 'Result (JSON object or text)',
        kind: 'json',
        initial: '{ "temperatureC": 18, "sky": "cloudy" }',
        optional: true,
        hint: 'Not JSON? It is sent as text.',
      },
    ],
  },
  {
    name: 'state-delta',
    title: 'A state delta',
    description: 'STATE_DELTA with RFC 6902 JSON Patch operations.',
    fields: [
      {
        key: 'delta',
        label: 'Operations (JSON array)',
        kind: 'json',
        initial: '[{ "op": "add", "path": "/task", "value": { "status": "started" } }]',
      },
    ],
  },
  {
    name: 'approval-request',
    title: 'An AGORA approval request',
    description: 'CUSTOM agora:tool_approval_request; the client answers with agora:tool_approval_response.',
    fields: [
      { key: 'toolName', label: 'Tool name', kind: 'text', initial: 'generate_inspection_report', optional: true },
      {
        key: 'toolDescription',
        label: 'Description',
        kind: 'text',
        initial: 'Generate the inspection report',
        optional: true,
      },
      {
        key: 'reasoning',
        label: 'Reasoning',
        kind: 'text',
        initial: 'The user asked for a report.',
        optional: true,
      },
      { key: 'riskLevel', label: 'Risk', kind: 'select', initial: 'high', options: ['low', 'medium', 'high'] },
      { key: 'parameters', label: 'Parameters (JSON object)', kind: 'json', initial: '{}', optional: true },
    ],
  },
  {
    name: 'run-error',
    title: 'A RUN_ERROR',
    description: 'Ends the active run with an error, as a failing agent would.',
    fields: [
      { key: 'message', label: 'Message', kind: 'text', initial: 'The agent failed (sent from the console)' },
      { key: 'code', label: 'Code', kind: 'text', initial: 'MOCK_ERROR', optional: true },
    ],
  },
];

/** Turns the form's texts into the macro's parameters, or says which field is not readable. */
export function macroParams(
  definition: MacroDefinition,
  values: Record<string, string>,
): { params: Record<string, unknown> } | { field: string; problem: string } {
  const params: Record<string, unknown> = {};
  for (const field of definition.fields) {
    const raw = values[field.key] ?? field.initial;
    if (raw.trim() === '' && field.optional) continue;
    if (field.kind === 'number') {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) return { field: field.key, problem: 'a number is needed' };
      params[field.key] = value;
    } else if (field.kind === 'json') {
      try {
        params[field.key] = JSON.parse(raw);
      } catch {
        if (field.key !== 'result') return { field: field.key, problem: 'this is not valid JSON' };
        params[field.key] = raw;
      }
    } else params[field.key] = raw;
  }
  return { params };
}

/**
 * What is wrong with each field of the form as it stands, by field key, in words for the person typing (the field
 * shows them beside it, under its label): a number or JSON that cannot be read, and then what the engine's schema
 * for the macro refuses — "must be at least 1" for a chunk size of 0.
 */
export function macroFieldProblems(
  definition: MacroDefinition,
  values: Record<string, string>,
): Record<string, string> {
  const problems: Record<string, string> = {};
  const readable: Record<string, string> = {};
  for (const field of definition.fields) {
    const built = macroParams({ ...definition, fields: [field] }, values);
    if ('problem' in built) problems[field.key] = built.problem;
    else readable[field.key] = values[field.key] ?? field.initial;
  }
  const built = macroParams(
    { ...definition, fields: definition.fields.filter((field) => !(field.key in problems)) },
    readable,
  );
  if ('params' in built) {
    const checked = MacroSchemas[definition.name].safeParse(built.params);
    if (!checked.success)
      for (const issue of checked.error.issues) {
        const key = String(issue.path[0] ?? '');
        const field = definition.fields.find((candidate) => candidate.key === key);
        // A required field left out is missing (its own words); what is not a field of the form is not shown here.
        if (field && !(key in problems))
          problems[key] =
            issue.path.length > 1 ? `${issue.path.slice(1).join('.')}: ${issueWords(issue)}` : issueWords(issue);
      }
  }
  return problems;
}

/** The form's problems named by the fields' labels, for the line beside Run: "Chunk size (characters): must be…". */
export function macroProblemLines(definition: MacroDefinition, problems: Record<string, string>): string[] {
  return definition.fields
    .filter((field) => field.key in problems)
    .map((field) => `${field.label}: ${problems[field.key]}`);
}
