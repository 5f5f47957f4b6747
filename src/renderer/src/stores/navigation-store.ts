import { create } from 'zustand';

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

export function showView(view: ViewName): void {
  useNavigationStore.setState({ view });
}
