import type { ReactNode } from 'react';

/** A list panel's header: its title, how many items it holds, other actions, and the button that adds one. */
export function ListHeader({
  title,
  count,
  newLabel,
  onNew,
  children,
}: {
  title: string;
  count: number;
  newLabel: string;
  onNew(): void;
  /** Actions before the add button. */
  children?: ReactNode;
}) {
  return (
    <div className="panel-header">
      <h2>{title}</h2>
      <span className="badge">{count}</span>
      <span className="spacer" />
      {children}
      <button type="button" onClick={onNew}>
        {newLabel}
      </button>
    </div>
  );
}
