import type { ReactNode } from 'react';
import { focusFirstField } from './focus-return';
import { formatNumber } from './format';

/** A list panel's header: its title, how many items it holds, other actions, and the button that adds one. */
export function ListHeader({
  title,
  count,
  newLabel,
  onNew,
  form,
  children,
}: {
  title: string;
  count: number;
  newLabel: string;
  onNew(): void;
  /** Where the form the add button opens is drawn: the focus goes on to its first field. */
  form?: () => Element | null;
  /** Actions before the add button. */
  children?: ReactNode;
}) {
  return (
    <div className="panel-header">
      <h2>{title}</h2>
      <span className="badge">{formatNumber(count)}</span>
      <span className="spacer" />
      {children}
      <button
        type="button"
        onClick={(event) => {
          onNew();
          if (form) focusFirstField(event.currentTarget, form);
        }}
      >
        {newLabel}
      </button>
    </div>
  );
}
