import { create } from 'zustand';
import type { Scenario } from '../../../shared/scenario';

interface ScenariosState {
  items: readonly Scenario[];
  /** False until the engine answered (or when it has no scenario API). */
  loaded: boolean;
  loadError: string | null;
  selectedId: string | null;
}

export const useScenariosStore = create<ScenariosState>()(() => ({
  items: [],
  loaded: false,
  loadError: null,
  selectedId: null,
}));
