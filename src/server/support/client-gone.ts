/**
 * Errors that only mean the peer went away: its socket reset or gone while written to, or a streamed response
 * (a drip, a file) cut short by its closing. Not worth a warning.
 */
const CLIENT_GONE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** Whether an error only says the client went away; its connection's close tells the console that already. */
export function isClientGone(error: Error): boolean {
  return CLIENT_GONE_CODES.has((error as NodeJS.ErrnoException).code ?? '');
}
