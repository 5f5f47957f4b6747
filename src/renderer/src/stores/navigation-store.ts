import { create } from 'zustand';
import { type FocusTarget, refocusWhenLost } from '../ui/focus-return';
import { tabId } from '../ui/TabList';

export const VIEWS = ['connections', 'requests', 'routes', 'state', 'scenarios', 'try-it', 'settings'] as const;
export type ViewName = (typeof VIEWS)[number];

export const VIEW_TITLES: Record<ViewName, string> = {
  connections: 'Connections',
  requests: 'Requests',
  routes: 'Routes',
  state: 'State',
  scenarios: 'Scenarios',
  'try-it': 'Try it',
  settings: 'Settings',
};

export const useNavigationStore = create<{ view: ViewName }>()(() => ({ view: 'connections' }));

/**
 * Shows `view`. A button in the view left (Show in Connections, Create route from this request) goes with it: the
 * focus, lost to the page, goes to `focus` in the view shown (the connection shown, the editor opened), else to
 * the view's tab, from where Tab enters it. Chosen from the tabs, the focus stays on the tab.
 */
export function showView(view: ViewName, focus?: FocusTarget): void {
  useNavigationStore.setState({ view });
  refocusWhenLost(...(focus ? [focus] : []), () => document.getElementById(tabId('view', view)));
}
