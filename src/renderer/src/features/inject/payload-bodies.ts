import type { JsonObject, JsonValue } from '../../../../shared/json-value';
import type { SavedPayload } from '../../../../shared/saved-payload';
import { oneLine } from '../../../../shared/shorten-text';
import { eventsOf } from './event-validation';
import { MACROS, type MacroDefinition } from './macro-fields';

/** What a saved or recent payload holds, without its name: the kind and the body that goes with it. */
export type PayloadContent = {
  [K in SavedPayload['kind']]: Pick<Extract<SavedPayload, { kind: K }>, 'kind' | 'body'>;
}[SavedPayload['kind']];
export type MacroContent = Extract<PayloadContent, { kind: 'macro' }>;

/** The event editor's text as a payload: events when it holds them, else other JSON, else the text as typed. */
export function contentOfEditor(text: string): PayloadContent {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    return { kind: 'text', body: text };
  }
  const events = eventsOf(value);
  const areEvents =
    events.length > 0 &&
    events.every(
      (event) =>
        event !== null &&
        typeof event === 'object' &&
        !Array.isArray(event) &&
        typeof (event as JsonObject).type === 'string',
    );
  return areEvents ? { kind: 'events', body: events as JsonObject[] } : { kind: 'json', body: value };
}

/** The event editor's text for a payload (a single event is shown on its own, not in a list). */
export function editorTextOf(content: PayloadContent): string {
  switch (content.kind) {
    case 'events':
      return JSON.stringify(content.body.length === 1 ? content.body[0] : content.body, null, 2);
    case 'json':
      return JSON.stringify(content.body, null, 2);
    case 'text':
      return content.body;
    case 'macro':
      return JSON.stringify(content.body.params, null, 2);
  }
}

/** A macro form's texts for saved parameters (the reverse of `macroParams`); fields left out stay empty. */
export function macroFormValues(definition: MacroDefinition, params: JsonObject): Record<string, string> {
  return Object.fromEntries(
    definition.fields.map((field) => {
      const value = params[field.key];
      if (value === undefined) return [field.key, ''];
      if (typeof value === 'string') return [field.key, value];
      return [field.key, field.kind === 'json' ? JSON.stringify(value) : String(value)];
    }),
  );
}

/** A short description for a list: the event types, or the macro and its first text. */
export function describeContent(content: PayloadContent): string {
  switch (content.kind) {
    case 'events': {
      const [first, ...more] = content.body.map((event) => String(event.type));
      return more.length > 0 ? `${first} + ${more.length} more` : String(first);
    }
    case 'macro': {
      const title = MACROS.find((macro) => macro.name === content.body.macro)?.title ?? content.body.macro;
      const text = Object.values(content.body.params).find((value) => typeof value === 'string');
      return text ? `${title}: ${oneLine(text as string, 40)}` : title;
    }
    case 'text':
      return `text: ${oneLine(content.body, 40)}`;
    case 'json':
      return `JSON: ${oneLine(JSON.stringify(content.body), 40)}`;
  }
}

/** A payload id from its name, not one of `taken`: lower-case words joined by "-", numbered when needed. */
export function payloadIdFor(name: string, taken: (id: string) => boolean): string {
  const stem =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 90) || 'payload';
  if (!taken(stem)) return stem;
  for (let n = 2; ; n++) if (!taken(`${stem}-${n}`)) return `${stem}-${n}`;
}
