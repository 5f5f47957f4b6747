/** Socket errors that only mean the peer went away (reset, or gone while written to): not worth a warning. */
const CLIENT_GONE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Whether a socket error only says the client went away; its connection's close tells the console that already. */
export function isClientGone(error: Error): boolean {
  return CLIENT_GONE_CODES.has((error as NodeJS.ErrnoException).code ?? '');
}
