import { useMemo } from 'react';

export type ParsedJson = { ok: true; value: unknown } | { ok: false };

/** An editor's text as JSON, or `ok: false` while it does not parse (a draft is often half typed). */
export function useParsedJson(text: string): ParsedJson {
  return useMemo(() => {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch {
      return { ok: false };
    }
  }, [text]);
}
