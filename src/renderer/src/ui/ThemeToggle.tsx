import { type ThemeChoice, useTheme } from './theme';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'dark', dark: 'light', light: 'system' };
const LABEL: Record<ThemeChoice, string> = { system: 'Theme: system', dark: 'Theme: dark', light: 'Theme: light' };

export function ThemeToggle() {
  const [choice, choose] = useTheme();
  return (
    <button
      type="button"
      className="ghost small"
      onClick={() => choose(NEXT[choice])}
      title="Theme: system, dark or light"
      aria-label={`Theme: ${choice}`}
    >
      {LABEL[choice]}
    </button>
  );
}
