import { useLayoutEffect, useRef } from 'react';
import { RESPONSE_MODES, ROUTE_METHODS } from '../../../../shared/mounts/route';
import { FormField } from '../../ui/FormField';
import { focusMoveButton } from '../../ui/focus-return';
import type { FieldProblems } from './field-problems';
import { ResponseFields } from './ResponseFields';
import {
  asText,
  compact,
  isRecord,
  type JsonRecord,
  PARAM_TYPES,
  type ParamType,
  paramType,
  pathParamNames,
  withParamType,
} from './route-form-values';

const MODE_LABELS: Record<(typeof RESPONSE_MODES)[number], string> = {
  'first-match': 'the first whose conditions hold',
  sequential: 'each in turn',
  random: 'any, at random',
};

interface RouteFormProps {
  route: JsonRecord;
  onChange(route: JsonRecord): void;
  problems: FieldProblems;
}

/** The common fields of a route and its responses; everything else (request validation…) is in the JSON tab. */
export function RouteForm({ route, onChange, problems }: RouteFormProps) {
  const set = (patch: JsonRecord) => onChange(compact({ ...route, ...patch }));
  const responses = Array.isArray(route.responses) ? route.responses : [];
  const setResponses = (next: unknown[]) => set({ responses: next });
  const path = asText(route.path);
  const params = pathParamNames(path);
  const validated = isRecord(route.validate) ? Object.keys(route.validate).filter((key) => key !== 'bodyRequired') : [];
  const form = useRef<HTMLDivElement>(null);
  // A response moved: the cards are its places, so the focus would stay with the place; it follows the response,
  // as the moved response is drawn (before the next key press).
  const movedTo = useRef<{ index: number; direction: 'up' | 'down' } | null>(null);
  useLayoutEffect(() => {
    if (!movedTo.current) return;
    focusMoveButton(form.current, String(movedTo.current.index), movedTo.current.direction);
    movedTo.current = null;
  });
  return (
    <div className="stack route-form" data-testid="route-form" ref={form}>
      <div className="form-grid compact">
        <FormField label="Method" problem={problems.at('method')}>
          {(control) => (
            <select
              {...control}
              value={asText(route.method ?? 'GET')}
              onChange={(e) => set({ method: e.target.value })}
            >
              {ROUTE_METHODS.map((method) => (
                <option key={method}>{method}</option>
              ))}
            </select>
          )}
        </FormField>
        <FormField
          label="Path"
          className="wide"
          problem={problems.at('path')}
          hint={
            <>
              <code>/items/:id</code>, <code>/files/*path</code>, <code>/items{'{/:id}'}</code>
            </>
          }
        >
          {(control) => <input {...control} value={path} onChange={(e) => set({ path: e.target.value })} />}
        </FormField>
        <FormField label="Id" problem={problems.at('id')} hint="Names the route in the log: a-z, 0-9 and -">
          {(control) => <input {...control} value={asText(route.id)} onChange={(e) => set({ id: e.target.value })} />}
        </FormField>
        <FormField label="Name" problem={problems.at('name')}>
          {(control) => (
            <input
              {...control}
              value={asText(route.name)}
              onChange={(e) => set({ name: e.target.value || undefined })}
            />
          )}
        </FormField>
        <FormField label="Answer with" className="wide" problem={problems.at('responseMode')}>
          {(control) => (
            <select
              {...control}
              value={asText(route.responseMode ?? 'first-match')}
              onChange={(e) => set({ responseMode: e.target.value })}
            >
              {RESPONSE_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {MODE_LABELS[mode]}
                </option>
              ))}
            </select>
          )}
        </FormField>
      </div>
      <label className="field inline">
        <input type="checkbox" checked={route.enabled !== false} onChange={(e) => set({ enabled: e.target.checked })} />
        Enabled (a disabled route stays in the workspace but answers nothing)
      </label>
      <FormField label="Description" problem={problems.at('description')}>
        {(control) => (
          <textarea
            {...control}
            rows={2}
            value={asText(route.description)}
            onChange={(e) => set({ description: e.target.value || undefined })}
          />
        )}
      </FormField>
      {params.length > 0 && (
        <fieldset className="subform">
          <legend>Path parameters</legend>
          <div className="form-grid compact">
            {params.map((name) => {
              const type = paramType(route, name);
              return (
                <FormField key={name} label={<code>{name}</code>} problem={problems.at('validate', 'params')}>
                  {(control) => (
                    <select
                      {...control}
                      aria-label={`Type of ${name}`}
                      value={type}
                      disabled={type === 'custom'}
                      onChange={(e) => onChange(withParamType(route, name, e.target.value as ParamType))}
                    >
                      {type === 'custom' && <option value="custom">custom (see JSON)</option>}
                      {PARAM_TYPES.map((option) => (
                        <option key={option} value={option}>
                          {option === 'text' ? 'any text' : option}
                        </option>
                      ))}
                    </select>
                  )}
                </FormField>
              );
            })}
          </div>
          <span className="field-hint">
            A typed parameter is checked like FastAPI does (<code>/items/abc</code> for an integer is a 422), and
            conditions and templates see it typed.
          </span>
        </fieldset>
      )}
      {validated.length > 0 && (
        <span className="field-hint" data-testid="validate-summary">
          The request's {validated.join(', ')} {validated.length === 1 ? 'is' : 'are'} validated with JSON Schema: edit
          that in the JSON tab.
        </span>
      )}
      <h3>Responses</h3>
      {problems.at('responses') && <span className="field-error error-text">{problems.at('responses')}</span>}
      {responses.map((response, index) => (
        <ResponseFields
          // Responses are identified by their place while edited (their ids are being typed).
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          key={index}
          response={response}
          index={index}
          count={responses.length}
          problems={problems}
          onChange={(next) => setResponses(responses.map((old, at) => (at === index ? next : old)))}
          onRemove={() => setResponses(responses.filter((_old, at) => at !== index))}
          onMove={(delta) => {
            const next = [...responses];
            const [moved] = next.splice(index, 1);
            next.splice(index + delta, 0, moved);
            movedTo.current = { index: index + delta, direction: delta < 0 ? 'up' : 'down' };
            setResponses(next);
          }}
        />
      ))}
      <div>
        <button
          type="button"
          onClick={() =>
            setResponses([...responses, { id: freeResponseId(responses), status: 200, body: { json: {} } }])
          }
        >
          + Response
        </button>
      </div>
    </div>
  );
}

/** `response-2`, `response-3`…: the first not taken in the route. */
function freeResponseId(responses: readonly unknown[]): string {
  const taken = new Set(responses.map((response) => (isRecord(response) ? response.id : undefined)));
  let n = responses.length + 1;
  while (taken.has(`response-${n}`)) n += 1;
  return `response-${n}`;
}
