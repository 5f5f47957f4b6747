/** The AG-UI events of an SSE body (its `data:` frames), in order. */
export function sseEvents<T = { type: string; [key: string]: unknown }>(body: string): T[] {
  return body
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => JSON.parse(frame.slice('data: '.length)) as T);
}
