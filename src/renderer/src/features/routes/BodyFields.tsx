import { useId } from 'react';
import { LazyJsonEditor } from '../../ui/LazyJsonEditor';
import { jsonProblem, useUnparsedField } from '../../ui/unparsed-fields';
import { useLocalCopy } from '../../ui/use-local-copy';
import {
  asText,
  BODY_KINDS,
  type BodyKind,
  bodyKind,
  isRecord,
  type JsonRecord,
  withBodyKind,
} from './route-form-values';

const KIND_LABELS: Record<BodyKind, string> = { none: 'none', json: 'JSON', text: 'text', file: 'file' };

interface BodyFieldsProps {
  body: unknown;
  onChange(body: JsonRecord | undefined): void;
  /** "Response ok". */
  label: string;
  problem?: string | undefined;
}

/** A response's body: none, JSON (in the JSON editor), text, or a file of the workspace's folder. */
export function BodyFields({ body, onChange, label, problem }: BodyFieldsProps) {
  const kind = bodyKind(body);
  const current = isRecord(body) ? body : {};
  const kindId = useId();
  return (
    <fieldset className="subform">
      <legend>Body</legend>
      <div className="row">
        <label htmlFor={kindId} className="muted">
          Kind
        </label>
        <select
          id={kindId}
          value={kind}
          onChange={(event) => onChange(withBodyKind(body, event.target.value as BodyKind))}
        >
          {BODY_KINDS.map((option) => (
            <option key={option} value={option}>
              {KIND_LABELS[option]}
            </option>
          ))}
        </select>
        <span className="field-hint">
          {kind === 'file'
            ? 'Relative to the workspace file’s folder; the name may be a template.'
            : kind === 'none'
              ? 'An empty body, with the status as given.'
              : 'Strings are templates: {{params.id}}, {{query.q}}, {{body.name}}, {{now}}, {{uuid}}…'}
        </span>
      </div>
      {kind === 'json' && <JsonBodyEditor value={current.json} label={`${label} JSON body`} onChange={onChange} />}
      {kind === 'text' && (
        <textarea
          aria-label={`${label} text body`}
          rows={4}
          value={asText(current.text)}
          onChange={(event) => onChange({ text: event.target.value })}
        />
      )}
      {kind === 'file' && (
        <input
          aria-label={`${label} file`}
          placeholder="data/items.json"
          value={asText(current.file)}
          onChange={(event) => onChange({ file: event.target.value })}
        />
      )}
      {problem && <span className="field-error error-text">{problem}</span>}
    </fieldset>
  );
}

const pretty = (value: unknown) => JSON.stringify(value ?? null, null, 2);

/**
 * The JSON body in its own editor: stored whenever it parses; half-written JSON stays here, says why it is not JSON
 * and keeps the form from being saved (the draft still holds the last body that parsed).
 */
function JsonBodyEditor({
  value,
  label,
  onChange,
}: {
  value: unknown;
  label: string;
  onChange(body: JsonRecord): void;
}) {
  const copy = useLocalCopy(value, pretty);
  const problem = jsonProblem(copy.local);
  const problemId = useId();
  useUnparsedField(problem === null ? null : `${label}: ${problem}`);
  return (
    <>
      <LazyJsonEditor
        value={copy.local}
        label={label}
        describedBy={problem === null ? undefined : problemId}
        onChange={(text) => {
          try {
            const parsed: unknown = JSON.parse(text);
            copy.commit(text, parsed);
            onChange({ json: parsed });
          } catch {
            copy.edit(text);
          }
        }}
      />
      {problem !== null && (
        <span id={problemId} className="field-error error-text" data-testid="json-body-problem">
          {problem}
        </span>
      )}
    </>
  );
}
