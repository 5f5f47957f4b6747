import type { InjectResult } from '../../../../shared/control-api';
import { counted } from '../../../../shared/counted-words';

type Sent = Pick<InjectResult, 'connectionId' | 'sent' | 'held' | 'findings'>;

/**
 * What became of events a paused connection holds: its client gets them only once delivery resumes. Empty when
 * none was held.
 */
export function heldWords(results: readonly Pick<Sent, 'held'>[], toSeveral: boolean): string {
  const held = results.reduce((sum, result) => sum + result.held, 0);
  if (held === 0) return '';
  if (!toSeveral) return ' Held until delivery resumes (Socket tab).';
  const on = results.filter((result) => result.held > 0).length;
  return ` ${counted(held, 'event')} held on ${counted(on, 'paused connection')} until delivery resumes.`;
}

/**
 * What a send did, in one readable line: "Sent 2 events anyway, breaking T2." — and, sent to several connections,
 * each rule broken once with the number of connections it was broken on ("breaking R3 on 301 connections"), in the
 * order the rules were first broken; then what a pause holds (`heldWords`).
 */
export function sentWords(results: readonly Sent[], toSeveral: boolean): string {
  const sent = results.reduce((sum, result) => sum + result.sent, 0);
  const connectionsByRule = new Map<string, Set<string>>();
  for (const result of results)
    for (const finding of result.findings) {
      const on = connectionsByRule.get(finding.rule) ?? new Set<string>();
      on.add(result.connectionId);
      connectionsByRule.set(finding.rule, on);
    }
  const head = `Sent ${counted(sent, 'event')}`;
  const held = heldWords(results, toSeveral);
  if (connectionsByRule.size === 0) return `${head}.${held}`;
  const rules = [...connectionsByRule].map(([rule, on]) =>
    toSeveral ? `${rule} on ${counted(on.size, 'connection')}` : rule,
  );
  return `${head} anyway, breaking ${rules.join(', ')}.${held}`;
}
