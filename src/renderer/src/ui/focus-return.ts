/**
 * Where the keyboard focus goes when what held it goes away: an in-place question answered, an item deleted. The
 * console never leaves the focus on the page itself (Tab would start over at the top) when it can name a sensible
 * place: the button that asked, the deleted item's neighbour in its list, the list's panel.
 *
 * Lists say what they are in the markup: the list's element carries `data-list` (a name), each item's element
 * `data-list-item` (its id).
 */

/** Where the focus should go, asked when it is needed (null: nowhere yet). */
export type FocusTarget = () => HTMLElement | null;

/** The focus is nowhere a person put it: on the page itself, or on an element no longer in it. */
export function focusLost(): boolean {
  const active = document.activeElement;
  return !active || active === document.body || active === document.documentElement || !active.isConnected;
}

const FOCUSABLE = 'button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea, a[href], [tabindex]';

/**
 * An element that can take the focus: `element` itself, or in it the control marked `data-item-focus`, its row
 * button, its first button, its first control — a button rather than a field a key press would type into.
 */
export function focusableIn(element: Element | null): HTMLElement | null {
  if (!(element instanceof HTMLElement)) return null;
  if (element.matches(FOCUSABLE)) return element;
  for (const selector of ['[data-item-focus]', '.row-button', 'button:not(:disabled)', FOCUSABLE]) {
    const found = element.querySelector<HTMLElement>(selector);
    if (found) return found;
  }
  return null;
}

/** The item `id` of the list named `list`, as drawn now. */
export function listItemElement(list: string, id: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-list="${CSS.escape(list)}"] [data-list-item="${CSS.escape(id)}"]`);
}

/**
 * Asked just before `item` is removed from its list: where the focus goes once it is gone — the item after it (else
 * the one before), or, when none is left, the first button of the list's panel (its "+ New …").
 */
export function focusAfterRemoval(item: Element | null): FocusTarget {
  const list = item?.closest<HTMLElement>('[data-list]');
  if (!item || !list) return () => null;
  const name = list.dataset.list ?? '';
  const items = [...list.querySelectorAll<HTMLElement>('[data-list-item]')].filter(
    (element) => element.closest('[data-list]') === list,
  );
  const index = items.indexOf(item as HTMLElement);
  const neighbours = (index < 0 ? items : [...items.slice(index + 1), ...items.slice(0, index).reverse()]).map(
    (element) => element.dataset.listItem ?? '',
  );
  const panel = list.closest<HTMLElement>('.panel') ?? list.parentElement;
  return () => {
    const current = list.isConnected ? list : document.querySelector<HTMLElement>(`[data-list="${CSS.escape(name)}"]`);
    for (const key of neighbours) {
      const neighbour = current?.querySelector(`[data-list-item="${CSS.escape(key)}"]`);
      if (neighbour && neighbour !== item) return focusableIn(neighbour);
    }
    return panel?.isConnected ? panel.querySelector<HTMLElement>('button:not(:disabled)') : null;
  };
}

/**
 * After a Move up or Move down, the focus on the moved item's button that moves it the same way again, else (it is
 * at the top or bottom now) its other one: pressing one twice moves the same item twice. In `scope`, the buttons
 * carry the item in `data-move-id` and their way in `data-move` (`up` or `down`).
 */
export function focusMoveButton(scope: ParentNode | null, id: string, direction: 'up' | 'down'): void {
  const buttons = [...(scope?.querySelectorAll<HTMLButtonElement>(`[data-move-id="${CSS.escape(id)}"]`) ?? [])];
  const same = buttons.find((button) => button.dataset.move === direction && !button.disabled);
  (same ?? buttons.find((button) => !button.disabled))?.focus();
}

/** How long the console waits for a change it made to be drawn before it stops looking after the focus. */
const SETTLE_MS = 2500;

/**
 * Gives the focus to the first of `targets` there is, at once or as soon as it is lost while the console draws what
 * just happened (a deleted item leaves when the engine's answer and the list's reload are in). Nothing is taken
 * from where the person has put the focus meanwhile, and a click or key press ends the watch.
 */
export function refocusWhenLost(...targets: FocusTarget[]): void {
  watchFocus(targets, false);
}

/**
 * As `refocusWhenLost`, but watching on after it gave the focus back, until what the change brings is drawn: a
 * saved editor's Save is on again as the save ends, and off once the engine's copy arrives from the live feed.
 */
export function keepFocusNear(target: FocusTarget): void {
  watchFocus([target], true);
}

/**
 * Moves the focus from `from` (a "+ New …" button) to the first field of the form it opened, `form()`, as soon as
 * that is drawn (a code editor loads lazily), unless the person has put the focus elsewhere meanwhile. From the next
 * frame on: by then the click's change is drawn, and `form()` is not the form it replaced.
 */
export function focusFirstField(from: HTMLElement, form: () => Element | null): void {
  requestAnimationFrame(() => watchFocus([() => firstField(form())], false, from));
}

/** Watches while the focus is lost, or still on `from` (what asked for the move). */
function watchFocus(targets: readonly FocusTarget[], untilSettled: boolean, from?: HTMLElement): void {
  const started = performance.now();
  let stopped = false;
  const stop = () => {
    stopped = true;
    window.removeEventListener('pointerdown', stop, true);
    window.removeEventListener('keydown', stop, true);
  };
  window.addEventListener('pointerdown', stop, true);
  window.addEventListener('keydown', stop, true);
  const waiting = () => focusLost() || (from !== undefined && document.activeElement === from);
  const step = () => {
    if (stopped) return;
    if (waiting()) {
      for (const target of targets) {
        const element = target();
        if (!element?.isConnected) continue;
        element.focus();
        if (!waiting()) {
          if (!untilSettled) return stop();
          break;
        }
      }
    }
    if (performance.now() - started > SETTLE_MS) return stop();
    requestAnimationFrame(step);
  };
  step();
}

/** A control that can take the focus now: drawn, on, and not taken out of the Tab order. */
function takesFocus(element: Element | null, selector = FOCUSABLE): element is HTMLElement {
  return (
    element instanceof HTMLElement &&
    element.isConnected &&
    element.matches(selector) &&
    element.getAttribute('tabindex') !== '-1' &&
    element.getClientRects().length > 0
  );
}

/** Where the typing goes: fields, and code editors. */
const FIELDS = 'input:not(:disabled), select:not(:disabled), textarea, [contenteditable="true"]';

/** Wholly in sight in the window and in every element that scrolls it. */
function inSight(element: Element): boolean {
  const box = element.getBoundingClientRect();
  for (let outer = element.parentElement; outer; outer = outer.parentElement) {
    if (outer.scrollHeight <= outer.clientHeight) continue;
    const view = outer.getBoundingClientRect();
    if (box.top < view.top || box.bottom > view.bottom) return false;
  }
  return box.top >= 0 && box.bottom <= window.innerHeight;
}

/** The first field of `scope` that takes the focus, or null while none is drawn. */
function firstField(scope: Element | null): HTMLElement | null {
  if (!scope?.isConnected) return null;
  for (const element of scope.querySelectorAll(FIELDS)) if (takesFocus(element, FIELDS)) return element;
  return null;
}

/**
 * The first field of `scope` in sight (to go on editing where the person was, not scrolled away), else its first
 * field, else its first control.
 */
function firstControl(scope: Element | null): HTMLElement | null {
  if (!scope?.isConnected) return null;
  const passes: [string, boolean][] = [
    [FIELDS, true],
    [FIELDS, false],
    [FOCUSABLE, false],
  ];
  for (const [selector, seen] of passes)
    for (const element of scope.querySelectorAll(selector))
      if (takesFocus(element, selector) && (!seen || inSight(element))) return element;
  return null;
}

/**
 * Asked as an action starts from the control `from` (a Save, Create or Duplicate button): where the focus goes
 * when that control is off or gone once it is done — a saved editor's Save is off until the next edit, a created
 * item's editor is drawn anew. In order: `from` itself; the same control drawn anew where it was (a duplicate's
 * Duplicate); the first field (else control) of the form or panel it was in; else of the panel drawn where it was. A question
 * in place (a ConfirmButton) looks after its own focus.
 */
export function focusNear(from: Element | null): FocusTarget {
  if (!(from instanceof HTMLElement) || from === document.body || from.closest('[role="alertdialog"]'))
    return () => null;
  const scope = from.closest('form, .panel');
  const { left, top, width, height } = from.getBoundingClientRect();
  const label = from.textContent;
  return () => {
    if (takesFocus(from)) return from;
    const there = document.elementFromPoint(left + width / 2, top + height / 2);
    const control = there?.closest(FOCUSABLE) ?? null;
    if (control !== from && takesFocus(control) && control.textContent === label) return control;
    return firstControl(scope) ?? firstControl(there?.closest('form, .panel') ?? null);
  };
}

/**
 * Pressing `from`, a button that goes, or turns off, once pressed (a Discard): the focus stays near it — on the first
 * field in sight of its form or panel — rather than falling to the page.
 */
export function focusStaysNear(from: Element): void {
  refocusWhenLost(focusNear(from));
}
