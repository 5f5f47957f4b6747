import { type ReactNode, useId, useLayoutEffect, useRef, useState } from 'react';
import { type FocusTarget, focusLost, refocusWhenLost } from './focus-return';
import { useEscapeToClose } from './use-escape';

export interface ConfirmButtonProps {
  /** The button that asks, ending in "…": "Delete…", "Reset to seed…", "Drop TCP…". */
  label: string;
  /** Its look: `danger` (red outline) or a plain button. */
  tone?: 'danger' | 'plain';
  title?: string;
  /** Off: nothing to ask about (an open question closes too: it can no longer be answered). */
  disabled?: boolean;
  /** What is asked, shown with the buttons and read with them. */
  question?: ReactNode;
  /** The question's name for assistive technology; default the label without its "…". */
  name?: string;
  /** The button that does it: "Delete", "Reset to seed", "Drop it now (1006)". */
  confirmLabel: string;
  /** Its look: red (`danger`, default) or the accent (`primary`) for what takes nothing away. */
  confirmTone?: 'danger' | 'primary';
  busyLabel?: string;
  /** The button that leaves it as it is (as Esc does). */
  cancelLabel?: string;
  /**
   * Does it. The question closes once this resolves to anything but false (a `useAction`'s run is false when it
   * failed: the question stays, to try again, with the error shown by its owner).
   */
  onConfirm(): Promise<boolean | undefined> | boolean | undefined;
  busy?: boolean;
  small?: boolean;
  /** `inline`: the buttons take the button's place in its row; `box`: a warning box with the question above them. */
  variant?: 'inline' | 'box';
  /**
   * Asked just before `onConfirm` runs (with the question's element): where the focus goes once it is done if the
   * button that asked is gone or off — a deleted item's neighbour in its list, say.
   */
  focusAfter?(question: HTMLElement | null): FocusTarget;
  /** Shown in the box under its buttons (what went wrong). */
  children?: ReactNode;
}

/**
 * A button that asks once more in place — the question and its buttons, or Esc — instead of a modal dialog. The
 * focus moves into the question when it opens (the safe answer has it, and the question is scrolled into sight),
 * and back to the button when it closes; once the action is done, to the button again or, when that is gone
 * (what it deleted), to where `focusAfter` says.
 */
export function ConfirmButton({
  label,
  tone = 'danger',
  title,
  disabled = false,
  question,
  name = label.replace(/…$/, ''),
  confirmLabel,
  confirmTone = 'danger',
  busyLabel,
  cancelLabel = 'Cancel',
  onConfirm,
  busy = false,
  small = false,
  variant = 'inline',
  focusAfter,
  children,
}: ConfirmButtonProps) {
  const [confirming, setConfirming] = useState(false);
  // Off, the question can no longer be answered: it closes, and does not open again by itself when the button is on.
  if (disabled && confirming) setConfirming(false);
  const open = confirming && !disabled;
  const trigger = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLElement | null>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  /** Where the focus goes after the action, when the button is gone; set as it starts. */
  const after = useRef<FocusTarget | null>(null);
  const questionId = useId();
  const size = small ? ' small' : '';
  useEscapeToClose(() => setConfirming(false), open);

  /** The button that asked, when it can take the focus. */
  const askingButton: FocusTarget = () => {
    const button = trigger.current;
    return button?.isConnected && !button.disabled ? button : null;
  };

  const wasOpen = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: on opening and closing only
  useLayoutEffect(() => {
    if (open) {
      wasOpen.current = true;
      box.current?.scrollIntoView({ block: 'nearest' });
      cancelButton.current?.focus({ preventScroll: true });
    } else if (wasOpen.current) {
      wasOpen.current = false;
      // Closed by Esc, Cancel or the action: the focus was in it (now gone) and goes back, else where it was put.
      // Closed because it can no longer be answered (the button is off), `focusAfter` says where.
      if (focusLost()) (askingButton() ?? (after.current ?? focusAfter?.(null))?.() ?? null)?.focus();
    }
  }, [open]);

  const confirm = async () => {
    after.current = focusAfter?.(box.current) ?? null;
    const done = await onConfirm();
    if (done === false) {
      // Still asking, to try again: the focus stays on its button (it was off while busy).
      refocusWhenLost(() => confirmButton.current);
      return;
    }
    setConfirming(false);
    const next = after.current;
    refocusWhenLost(askingButton, () => next?.() ?? null);
  };

  if (!open)
    return (
      <button
        ref={trigger}
        type="button"
        className={`${tone === 'danger' ? 'danger' : ''}${size}`.trim() || undefined}
        title={title}
        disabled={disabled}
        onClick={() => setConfirming(true)}
      >
        {label}
      </button>
    );
  // In a row, the question wraps beside its buttons, which keep their size.
  const keep = variant === 'inline' ? { flexShrink: 0 } : undefined;
  const buttons = (
    <>
      <button
        ref={confirmButton}
        type="button"
        className={`${confirmTone === 'danger' ? 'danger solid' : 'primary'}${size}`}
        style={keep}
        disabled={busy}
        onClick={() => void confirm()}
      >
        {busy && busyLabel ? busyLabel : confirmLabel}
      </button>
      <button
        ref={cancelButton}
        type="button"
        className={`ghost${size}`}
        style={keep}
        onClick={() => setConfirming(false)}
      >
        {cancelLabel}
      </button>
    </>
  );
  if (variant === 'box')
    return (
      <div
        ref={(element) => {
          box.current = element;
        }}
        className="notice warning stack"
        role="alertdialog"
        aria-label={name}
        aria-describedby={question ? questionId : undefined}
      >
        {question && <span id={questionId}>{question}</span>}
        <div className="row">{buttons}</div>
        {children}
      </div>
    );
  return (
    <span
      ref={(element) => {
        box.current = element;
      }}
      className="row nowrap"
      role="alertdialog"
      aria-label={name}
      aria-describedby={question ? questionId : undefined}
    >
      {question && (
        <span id={questionId} className="muted">
          {question}
        </span>
      )}
      {buttons}
      {children}
    </span>
  );
}
