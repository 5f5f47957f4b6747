import { type ReactNode, useId } from 'react';

/** What a field's control needs to be named by its label and to say what is wrong with it. */
export interface ControlProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

interface FormFieldProps {
  label: ReactNode;
  /** What is wrong with the value, shown under it (and read with it). */
  problem?: string | undefined;
  hint?: ReactNode;
  className?: string;
  children(control: ControlProps): ReactNode;
}

/** A labelled control with its hint and its problem, tied to it for screen readers. */
export function FormField({ label, problem, hint, className, children }: FormFieldProps) {
  const id = useId();
  const problemId = `${id}-problem`;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(problem && { 'aria-invalid': true, 'aria-describedby': problemId }) })}
      {hint && <span className="field-hint">{hint}</span>}
      {problem && (
        <span id={problemId} className="field-error error-text">
          {problem}
        </span>
      )}
    </div>
  );
}
