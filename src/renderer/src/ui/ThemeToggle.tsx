import { type ThemeChoice, useTheme } from './theme';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'dark', dark: 'light', light: 'system' };
const ICON: Record<ThemeChoice, string> = { system: '◐', dark: '☾', light: '☀' };

/** Cycles system → dark → light; an icon, so the status bar keeps to one line. */
export function ThemeToggle() {
  const [choice, choose] = useTheme();
  return (
    <button
      type="button"
      className="ghost small icon"
      onClick={() => choose(NEXT[choice])}
      title={`Theme: ${choice} (click for ${NEXT[choice]})`}
      aria-label={`Theme: ${choice}`}
    >
      <span aria-hidden="true">{ICON[choice]}</span>
    </button>
  );
}
