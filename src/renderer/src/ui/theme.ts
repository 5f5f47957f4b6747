import { useState } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];
const STORAGE_KEY = 'agui-console-theme';
const darkMedia = () => window.matchMedia('(prefers-color-scheme: dark)');

function storedChoice(): ThemeChoice {
  const stored = localStorage.getItem(STORAGE_KEY);
  return CHOICES.find((choice) => choice === stored) ?? 'system';
}

function applyTheme(choice: ThemeChoice): void {
  document.documentElement.dataset.theme = choice === 'system' ? (darkMedia().matches ? 'dark' : 'light') : choice;
}

/**
 * Applies the theme before anything renders — the token screen too — and follows the system while the choice is
 * "system". Called once at start.
 */
export function startTheme(): void {
  applyTheme(storedChoice());
  darkMedia().addEventListener('change', () => applyTheme(storedChoice()));
}

/** The theme follows the system unless a person chose one; the choice is kept in localStorage. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState(storedChoice);
  const choose = (next: ThemeChoice) => {
    localStorage.setItem(STORAGE_KEY, next);
    setChoice(next);
    applyTheme(next);
  };
  return [choice, choose];
}
