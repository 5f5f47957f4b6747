import { type RefObject, useLayoutEffect } from 'react';

/**
 * What a one-line bar gives up when its items do not fit, least missed first. The bar's `data-give-way` names
 * the steps taken (`version brand`); the stylesheet says what each one hides or lets shrink.
 */
export const GIVE_WAY_STEPS = ['version', 'brand', 'workspace', 'addresses'] as const;

/**
 * Keeps `bar` on one line without cutting what matters: after each change of its width or its content it takes
 * as few of the steps as make its items fit, in order. Measured before the browser paints: nothing flickers.
 */
export function useGiveWay(bar: RefObject<HTMLElement | null>): void {
  useLayoutEffect(() => {
    const element = bar.current;
    if (!element) return;
    const fits = () => element.scrollWidth <= element.clientWidth;
    const fit = () => {
      let taken = 0;
      element.dataset.giveWay = '';
      while (taken < GIVE_WAY_STEPS.length && !fits()) {
        taken += 1;
        element.dataset.giveWay = GIVE_WAY_STEPS.slice(0, taken).join(' ');
      }
    };
    fit();
    // The bar is as wide as the window. (Not a ResizeObserver: changing the bar in its callback is a loop to it.)
    window.addEventListener('resize', fit);
    // The items' words and badges; their classes, which change with a state (not the attribute set here: that
    // would start it all over again).
    const changed = new MutationObserver(fit);
    changed.observe(element, { subtree: true, childList: true, characterData: true, attributeFilter: ['class'] });
    return () => {
      window.removeEventListener('resize', fit);
      changed.disconnect();
    };
  }, [bar]);
}
