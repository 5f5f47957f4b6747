import type { z } from 'zod';
import type { SettingField } from './setting-fields';

const number = (value: unknown) => (typeof value === 'bigint' || typeof value === 'number' ? value : Number(value));
const amount = (value: unknown, unit: string) => {
  const text = number(value).toLocaleString('en');
  if (!unit) return text;
  return unit === '×' ? `${text}×` : `${text} ${unit}`;
};
const sentence = (text: string) => {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
};

/**
 * What is wrong with a setting as typed, in words that name the field's unit ("At least 1,024 bytes.") instead of
 * the schema library's ("Too small: expected number to be >=1024"). Messages the schema words itself are kept.
 */
export function settingProblem(issue: z.core.$ZodIssue, field: SettingField | undefined): string {
  const unit = field?.unit ?? '';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return `Use a whole number${unit && unit !== '×' ? ` of ${unit}` : ''}.`;
      if (issue.expected === 'number') return 'Enter a number.';
      return field?.step === 0 ? 'Enter some text.' : 'Enter a number.';
    case 'too_small':
      return issue.origin === 'string'
        ? `At least ${amount(issue.minimum, 'characters')}.`
        : `At least ${amount(issue.minimum, unit)}.`;
    case 'too_big':
      return issue.origin === 'string'
        ? `At most ${amount(issue.maximum, 'characters')}.`
        : `At most ${amount(issue.maximum, unit)}.`;
    default:
      return sentence(issue.message);
  }
}
