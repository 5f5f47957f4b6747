import type { InjectResult } from '../../../../shared/control-api';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * What a send did, in one readable line: "Sent 2 events anyway, breaking T2." — and, sent to several connections,
 * each rule broken once with the number of connections it was broken on ("breaking R3 on 301 connections"), in the
 * order the rules were first broken.
 */
export function sentWords(
  results: readonly Pick<InjectResult, 'connectionId' | 'sent' | 'findings'>[],
  toSeveral: boolean,
): string {
  const sent = results.reduce((sum, result) => sum + result.sent, 0);
  const connectionsByRule = new Map<string, Set<string>>();
  for (const result of results)
    for (const finding of result.findings) {
      const on = connectionsByRule.get(finding.rule) ?? new Set<string>();
      on.add(result.connectionId);
      connectionsByRule.set(finding.rule, on);
    }
  const head = `Sent ${plural(sent, 'event')}`;
  if (connectionsByRule.size === 0) return `${head}.`;
  const rules = [...connectionsByRule].map(([rule, on]) =>
    toSeveral ? `${rule} on ${plural(on.size, 'connection')}` : rule,
  );
  return `${head} anyway, breaking ${rules.join(', ')}.`;
}
