/**
 * AGORA's spoken variant of a written chunk, for text-to-speech in Dutch: markdown removed, warning emoji
 * said as words, abbreviations spelled out so a speech engine does not mangle them.
 */

const MARKDOWN: [RegExp, string][] = [
  [/\[([^\]]*)\]\([^)]*\)/g, '$1'], // links: keep the label
  [/\*\*([^*]*)\*\*/g, '$1'],
  [/__([^_]*)__/g, '$1'],
  [/\*([^*\s][^*]*)\*/g, '$1'],
  [/`([^`]*)`/g, '$1'],
  [/^#{1,6}\s+/gm, ''],
  [/^\s*[-*]\s+/gm, ''], // list bullets
  [/^\s*>\s?/gm, ''],
  [/\*\*|__/g, ''], // bold markers split over chunks
];

const EMOJI: [RegExp, string][] = [
  [/⚠️?/gu, 'Let op: '],
  [/🚨/gu, 'Waarschuwing: '],
  [/[✅❌]\uFE0F?\s*/gu, ''],
];

const ABBREVIATIONS: [RegExp, string][] = [
  [/\s?°C\b/g, ' graden Celsius'],
  [/\bKVK\b/gi, 'Kamer van Koophandel'],
  [/\bNVWA\b/g, 'Nederlandse Voedsel- en Warenautoriteit'],
  [/\bEU\b/g, 'Europese Unie'],
  [/\bPDF\b/g, 'pee dee ef'],
  [/\bID\b/g, 'ie dee'],
];

export function toSpokenText(chunk: string): string {
  let out = chunk;
  for (const [pattern, replacement] of MARKDOWN) out = out.replace(pattern, replacement);
  for (const [pattern, replacement] of EMOJI) out = out.replace(pattern, replacement);
  for (const [pattern, replacement] of ABBREVIATIONS) out = out.replace(pattern, replacement);
  return out.replace(/ {2,}/g, ' ');
}
