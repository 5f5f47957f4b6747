import type { z } from 'zod';
import { issueWords } from '../../../../shared/issue-words';
import { ScenarioStepSchema } from '../../../../shared/scenario';

/** One field of a step's form, read from the scenario JSON Schema the engine serves. */
export interface StepField {
  name: string;
  description: string;
  required: boolean;
  /** `json` is the fallback for objects, arrays and unions: a small JSON text field. */
  kind: 'string' | 'number' | 'boolean' | 'enum' | 'json';
  integer?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  options?: string[];
}

/** A step kind as the schema describes it: what it does and its fields (`type` is implied, so not one of them). */
export interface StepKind {
  type: string;
  description: string;
  fields: StepField[];
}

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => !!value && typeof value === 'object' && !Array.isArray(value);

/** Follows a local `$ref` (`#/$defs/…`), as zod's JSON Schema writes shared and recursive parts. */
function resolve(root: Node, node: unknown): Node | undefined {
  if (!isNode(node)) return undefined;
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
  let target: unknown = root;
  for (const key of ref.slice(2).split('/')) target = isNode(target) ? target[key] : undefined;
  return isNode(target) ? target : undefined;
}

function fieldFrom(name: string, property: Node, required: boolean): StepField {
  const description = typeof property.description === 'string' ? property.description : '';
  const field: StepField = { name, description, required, kind: 'json' };
  const number = (key: string) => (typeof property[key] === 'number' ? (property[key] as number) : undefined);
  const bounds = {
    ...(number('minimum') !== undefined && { minimum: number('minimum') }),
    ...(number('maximum') !== undefined && { maximum: number('maximum') }),
  };
  if (Array.isArray(property.enum) && property.enum.every((option) => typeof option === 'string'))
    return { ...field, kind: 'enum', options: property.enum as string[] };
  switch (property.type) {
    case 'string':
      return {
        ...field,
        kind: 'string',
        ...(number('minLength') !== undefined && { minLength: number('minLength') }),
        ...(number('maxLength') !== undefined && { maxLength: number('maxLength') }),
      };
    case 'integer':
      return { ...field, kind: 'number', integer: true, ...bounds };
    case 'number':
      return { ...field, kind: 'number', ...bounds };
    case 'boolean':
      return { ...field, kind: 'boolean' };
    default:
      return field;
  }
}

/** Every step kind of the scenario JSON Schema (`steps.items.oneOf`), by its `type`. Empty if the shape is not that. */
export function stepKinds(schema: unknown): Map<string, StepKind> {
  const kinds = new Map<string, StepKind>();
  if (!isNode(schema)) return kinds;
  const steps = resolve(schema, isNode(schema.properties) ? schema.properties.steps : undefined);
  const items = resolve(schema, steps?.items);
  const variants = Array.isArray(items?.oneOf) ? items.oneOf : [];
  for (const variant of variants) {
    if (!isNode(variant) || !isNode(variant.properties)) continue;
    const typeProperty = variant.properties.type;
    if (!isNode(typeProperty) || typeof typeProperty.const !== 'string') continue;
    const required = new Set(Array.isArray(variant.required) ? variant.required : []);
    const fields = Object.entries(variant.properties)
      .filter(([name, property]) => name !== 'type' && isNode(property))
      .map(([name, property]) => {
        // A `$ref`'s own description says what this field is; the shared target's says what the shape is.
        const own = (property as Node).description;
        const resolved = { ...resolve(schema, property), ...(typeof own === 'string' && { description: own }) };
        return fieldFrom(name, resolved, required.has(name));
      });
    kinds.set(typeProperty.const, {
      type: typeProperty.const,
      description: typeof typeProperty.description === 'string' ? typeProperty.description : '',
      fields,
    });
  }
  return kinds;
}

/** A step's values as the form's texts (empty: not set); objects and arrays as indented JSON. */
export function fieldTexts(fields: readonly StepField[], step: Record<string, unknown>): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const field of fields) {
    const value = step[field.name];
    if (value === undefined) texts[field.name] = '';
    else if (field.kind === 'json' || typeof value === 'object') texts[field.name] = JSON.stringify(value, null, 2);
    else texts[field.name] = String(value);
  }
  return texts;
}

function parseField(field: StepField, text: string): { value?: unknown; problem?: string } {
  // Empty is "not set" (spaces too, except in a text, where they are the value).
  if ((field.kind === 'string' ? text : text.trim()) === '') return field.required ? { problem: 'Required.' } : {};
  switch (field.kind) {
    case 'string':
      if (field.minLength !== undefined && text.length < field.minLength)
        return { problem: `At least ${field.minLength} characters.` };
      if (field.maxLength !== undefined && text.length > field.maxLength)
        return { problem: `At most ${field.maxLength} characters.` };
      // A pattern is left to the step schema, which says in words what it wants (the JSON Schema has the regex only).
      return { value: text };
    case 'number': {
      const value = Number(text);
      if (!Number.isFinite(value)) return { problem: 'Not a number.' };
      if (field.integer && !Number.isInteger(value)) return { problem: 'A whole number.' };
      if (field.minimum !== undefined && value < field.minimum) return { problem: `At least ${field.minimum}.` };
      if (field.maximum !== undefined && value > field.maximum) return { problem: `At most ${field.maximum}.` };
      return { value };
    }
    case 'boolean':
      return text === 'true' || text === 'false' ? { value: text === 'true' } : { problem: 'true or false.' };
    case 'enum':
      return field.options?.includes(text) ? { value: text } : { problem: `One of ${field.options?.join(', ')}.` };
    case 'json':
      try {
        return { value: JSON.parse(text) };
      } catch (error) {
        return { problem: `Not JSON: ${(error as Error).message}` };
      }
  }
}

export interface StepFromForm {
  /** The step, when every field is right (and the engine's step schema accepts it). */
  step?: Record<string, unknown>;
  /** What is wrong, by field name; `''` holds what belongs to no single field. */
  problems: Record<string, string>;
}

/** Builds the step from the form's texts: each field checked as typed, then the whole step by the step schema. */
export function stepFromTexts(kind: StepKind, texts: Record<string, string>): StepFromForm {
  const step: Record<string, unknown> = { type: kind.type };
  const problems: Record<string, string> = {};
  for (const field of kind.fields) {
    const { value, problem } = parseField(field, texts[field.name] ?? '');
    if (problem) problems[field.name] = problem;
    else if (value !== undefined) step[field.name] = value;
  }
  if (Object.keys(problems).length) return { problems };
  const checked = ScenarioStepSchema.safeParse(step);
  for (const issue of checked.success ? [] : checked.error.issues) {
    const [first, ...within] = issue.path;
    const onField = typeof first === 'string' && kind.fields.some((field) => field.name === first);
    // By its field, the field's name goes without saying; only where inside it is told.
    const place = (onField ? within : issue.path).join('.');
    problems[onField ? first : ''] ??= `${place ? `${place}: ` : ''}${stepIssueWords(issue)}`;
  }
  return Object.keys(problems).length ? { problems } : { step, problems };
}

/** A step schema issue as a form says it: "Needs at least 1 item.", "Must match: letters, digits, _ and -, …". */
function stepIssueWords(issue: z.core.$ZodIssue): string {
  let words = issueWords(issue);
  if (issue.code === 'invalid_format' && issue.format === 'regex')
    words = words.startsWith('Invalid string:') ? `Must match the pattern ${issue.pattern}` : `Must match: ${words}`;
  return `${words[0]?.toUpperCase() ?? ''}${words.slice(1)}${/[.!?]$/.test(words) ? '' : '.'}`;
}

/** The scenario text's steps, or undefined when the text is not a JSON object. */
export function scenarioSteps(text: string): unknown[] | undefined {
  const scenario = parseObject(text);
  if (!scenario) return undefined;
  return Array.isArray(scenario.steps) ? scenario.steps : [];
}

/** The scenario text with `step` put at `index` (replacing what is there) or, with `index` null, added at the end. */
export function withStep(text: string, step: unknown, index: number | null): string | undefined {
  const scenario = parseObject(text);
  if (!scenario) return undefined;
  const steps = Array.isArray(scenario.steps) ? [...scenario.steps] : [];
  if (index === null || index >= steps.length) steps.push(step);
  else steps[index] = step;
  return JSON.stringify({ ...scenario, steps }, null, 2);
}

/** How a step reads in the list of the scenario's steps: its type, and its name or id when it has one. */
export function stepLabel(step: unknown, index: number): string {
  if (!isNode(step)) return `${index + 1}. (not a step)`;
  const type = typeof step.type === 'string' ? step.type : '(no type)';
  const name = typeof step.name === 'string' ? step.name : typeof step.id === 'string' ? step.id : '';
  return `${index + 1}. ${type}${name ? ` · ${name}` : ''}`;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isNode(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
