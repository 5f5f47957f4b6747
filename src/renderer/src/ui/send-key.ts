import type { KeyboardEvent } from 'react';

/**
 * The console's send key, Ctrl+Enter (Cmd+Enter on a Mac), in any field of a form: it submits the form, as it sends
 * from the JSON editors — in a text area, where Enter alone starts a new line, too.
 */
export function submitOnSendKey(event: KeyboardEvent<HTMLFormElement>): void {
  if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || event.defaultPrevented) return;
  // Not also the browser's own submit of a text field on Enter.
  event.preventDefault();
  event.currentTarget.requestSubmit();
}
