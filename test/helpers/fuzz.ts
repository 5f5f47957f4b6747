import fc from 'fast-check';
import WebSocket from 'ws';

// What the seeded fuzz tests share: how they draw optional parts, how a failing input is printed, what an answer
// must be, how requests are sent a few at a time, and how frames are played on a socket.

/** `arbitrary` in about `percent` of the runs, else undefined. */
export function sometimes<T>(arbitrary: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: percent, arbitrary }, { weight: 100 - percent, arbitrary: fc.constant(undefined) });
}

/** For a failure message: the input without its bulk. */
export function describe(input: unknown): string {
  return JSON.stringify(input, (_key, value) => {
    if (typeof value === 'string' && value.length > 300) return `${value.slice(0, 300)}… (${value.length} chars)`;
    if (value?.type === 'Buffer') return `<${value.data.length} bytes>`;
    return value;
  });
}

/** Why a response breaks the rules (a 5xx, an error not in FastAPI's JSON shape), or undefined when it keeps them. */
export function problemWith(
  status: number,
  contentType: string | undefined,
  text: string,
  hasBody: boolean,
): string | undefined {
  if (!Number.isInteger(status) || status < 100) return `no valid status (${status})`;
  if (status >= 500) return `answered ${status}: ${text.slice(0, 300)}`;
  if (status < 400 || !hasBody) return undefined;
  if (!/^application\/json/.test(contentType ?? '')) return `error ${status} is ${contentType}: ${text.slice(0, 200)}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `error ${status} body is not JSON: ${text.slice(0, 200)}`;
  }
  const detail = (parsed as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string') return undefined;
  const issues =
    Array.isArray(detail) && detail.every((issue) => ['type', 'loc', 'msg', 'input'].every((k) => k in issue));
  return issues ? undefined : `error ${status} body is not FastAPI's shape: ${text.slice(0, 200)}`;
}

/** Runs `run` on every item, `concurrency` at a time. */
export async function inPool<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++] as T);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** A WebSocket frame a fuzz sends: text, binary, or bytes that are not UTF-8 sent as a text frame. */
export type FuzzFrame = { text: string } | { binary: Buffer } | { invalidText: Buffer };

/** Text frames that are not UTF-8: a broken sequence, then anything. */
export const invalidUtf8TextFrame: fc.Arbitrary<FuzzFrame> = fc
  .uint8Array({ minLength: 1, maxLength: 20 })
  .map((bytes) => ({ invalidText: Buffer.concat([Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(bytes)]) }));

/**
 * Sends `frames` from `progress.sent` on, one per turn of the event loop, until all are sent or the server closes
 * the socket (an invalid frame, a rule's close), counting each in `progress`; then closes it normally if still open.
 */
async function sendFrames(socket: WebSocket, frames: readonly FuzzFrame[], progress: { sent: number }): Promise<void> {
  while (progress.sent < frames.length && socket.readyState === WebSocket.OPEN) {
    const next = frames[progress.sent++] as FuzzFrame;
    if ('text' in next) socket.send(next.text);
    else if ('binary' in next) socket.send(next.binary, { binary: true });
    else socket.send(next.invalidText, { binary: false });
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (socket.readyState === WebSocket.OPEN) socket.close(1000);
}

/** How a socket a fuzz played ended: its close code and whether it had opened, or its upgrade refused (a status). */
export interface PlayedSocket {
  code: number;
  opened: boolean;
  refused?: number;
  /** It neither answered nor closed within the bound, and was terminated. */
  hung: boolean;
}

/**
 * Opens `url`, sends `frames` from `progress.sent` on (`sendFrames`), hands each frame it receives to `onMessage`,
 * and resolves how the socket ended; past `boundMs` without an answer or a close it is terminated (`hung`).
 */
export function playFrames(
  url: string,
  frames: readonly FuzzFrame[],
  progress: { sent: number },
  onMessage: (data: WebSocket.RawData, isBinary: boolean) => void,
  boundMs: number,
): Promise<PlayedSocket> {
  const socket = new WebSocket(url);
  return new Promise((resolve) => {
    let opened = false;
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      socket.terminate();
    }, boundMs);
    socket.on('error', () => {});
    socket.on('message', onMessage);
    socket.on('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      resolve({ code: 0, opened: false, refused: response.statusCode, hung });
      socket.terminate();
    });
    socket.on('open', async () => {
      opened = true;
      await sendFrames(socket, frames, progress);
    });
    socket.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, opened, hung });
    });
  });
}
