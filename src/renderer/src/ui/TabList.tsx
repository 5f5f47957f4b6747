import { type KeyboardEvent, type ReactNode, useRef } from 'react';

export interface Tab<T extends string> {
  name: T;
  title: ReactNode;
}

/** Ids that tie a tab to its panel: `tabId` labels the panel, `panelId` is what the tab controls. */
export const tabId = (group: string, name: string) => `${group}-tab-${name}`;
export const panelId = (group: string, name: string) => `${group}-panel-${name}`;

interface TabListProps<T extends string> {
  /** Names the tab list, and prefixes its ids (see tabId / panelId). */
  group: string;
  label: string;
  tabs: readonly Tab<T>[];
  selected: T;
  onSelect(name: T): void;
  className?: string;
}

const STEP: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

/**
 * The WAI-ARIA tabs pattern: only the selected tab is in the Tab order; arrow keys move to the next or previous tab
 * and show it (wrapping around), Home and End to the first and last.
 */
export function TabList<T extends string>({ group, label, tabs, selected, onSelect, className }: TabListProps<T>) {
  const buttons = useRef(new Map<T, HTMLButtonElement>());
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = tabs.findIndex((tab) => tab.name === selected);
    const step = STEP[event.key];
    let next: number;
    if (step !== undefined) next = (at + step + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    else return;
    event.preventDefault();
    const tab = tabs[next];
    if (!tab) return;
    onSelect(tab.name);
    buttons.current.get(tab.name)?.focus();
  };
  return (
    <div role="tablist" aria-label={label} className={className} onKeyDown={onKeyDown}>
      {tabs.map((tab) => {
        const isSelected = tab.name === selected;
        return (
          <button
            key={tab.name}
            ref={(button) => {
              if (button) buttons.current.set(tab.name, button);
              else buttons.current.delete(tab.name);
            }}
            id={tabId(group, tab.name)}
            type="button"
            role="tab"
            aria-selected={isSelected}
            // Only the shown panel exists for sure; a tab must not point at a panel that is not there.
            aria-controls={isSelected ? panelId(group, tab.name) : undefined}
            tabIndex={isSelected ? 0 : -1}
            onClick={() => onSelect(tab.name)}
          >
            {tab.title}
          </button>
        );
      })}
    </div>
  );
}
