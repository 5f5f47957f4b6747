import type { Page } from 'playwright-core';

/**
 * Counts the renders of the components that draw given elements, from React's own commits. React DOM reports each
 * commit to `__REACT_DEVTOOLS_GLOBAL_HOOK__` when one is installed before it loads (React DevTools' way in, in
 * production builds too); here a hook of the test's own, which counts instead of showing. A component rendered when
 * its fiber (or that fiber's alternate) holds a hook list not seen before: every render makes a new one, while a
 * component React skipped keeps its list. A count of renders, not of time: it holds on a busy machine.
 *
 * The script is a string: the console's CSP allows no eval, and nothing of the test's build may go into the page.
 */
const RENDER_COUNTER = `(() => {
  const watches = [];
  const fiberOf = (element) => {
    const key = Object.keys(element).find((name) => name.startsWith('__reactFiber$'));
    return key ? element[key] : null;
  };
  // The nearest function component above the element (plain, forwardRef or memo: fiber tags 0, 11, 15), the one
  // whose render draws it.
  const componentOf = (element) => {
    for (let fiber = fiberOf(element); fiber; fiber = fiber.return) if ([0, 11, 15].includes(fiber.tag)) return fiber;
    return null;
  };
  const check = (watch) => {
    const element = document.querySelector(watch.selector);
    const component = element && componentOf(element);
    if (!component) return;
    for (const fiber of [component, component.alternate]) {
      const hooks = fiber && fiber.memoizedState;
      if (!hooks || typeof hooks !== 'object' || watch.seen.has(hooks)) continue;
      watch.seen.add(hooks);
      if (watch.started) watch.renders++;
    }
    watch.started = true;
  };
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => {},
    onScheduleFiberRoot: () => {},
    onCommitFiberUnmount: () => {},
    onPostCommitFiberRoot: () => {},
    onCommitFiberRoot: () => { for (const watch of watches) check(watch); },
  };
  window.__countRenders = (selector) => {
    const watch = { selector, seen: new WeakSet(), renders: 0, started: false };
    check(watch);
    watches.push(watch);
    return () => watch.renders;
  };
  window.__renderCounts = new Map();
})()`;

/** Installs the counter: it must be there before React loads, so the page loads again. */
export async function countReactRenders(page: Page): Promise<void> {
  await page.addInitScript(RENDER_COUNTER);
  await page.reload();
}

/**
 * Starts counting the renders of the component that draws `selector` (the nearest function component above it),
 * from now on; the function returned says how many so far.
 */
export async function rendersOf(page: Page, selector: string): Promise<() => Promise<number>> {
  await page.evaluate(
    `window.__renderCounts.set(${JSON.stringify(selector)}, window.__countRenders(${JSON.stringify(selector)}))`,
  );
  return () => page.evaluate(`window.__renderCounts.get(${JSON.stringify(selector)})()`) as Promise<number>;
}
