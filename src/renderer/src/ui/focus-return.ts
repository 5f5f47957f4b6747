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

/** How long the console waits for a change it made to be drawn before it stops looking after the focus. */
const SETTLE_MS = 2500;

/**
 * Gives the focus to the first of `targets` there is, at once or as soon as it is lost while the console draws what
 * just happened (a deleted item leaves when the engine's answer and the list's reload are in). Nothing is taken
 * from where the person has put the focus meanwhile, and a click or key press ends the watch.
 */
export function refocusWhenLost(...targets: FocusTarget[]): void {
  const started = performance.now();
  let stopped = false;
  const stop = () => {
    stopped = true;
    window.removeEventListener('pointerdown', stop, true);
    window.removeEventListener('keydown', stop, true);
  };
  window.addEventListener('pointerdown', stop, true);
  window.addEventListener('keydown', stop, true);
  const step = () => {
    if (stopped) return;
    if (focusLost()) {
      for (const target of targets) {
        const element = target();
        if (!element?.isConnected) continue;
        element.focus();
        if (!focusLost()) return stop();
      }
    }
    if (performance.now() - started > SETTLE_MS) return stop();
    requestAnimationFrame(step);
  };
  step();
}
