/**
 * The engine's 409 for events that would break a sequence rule, in the console's words: the API tells its callers
 * to send `"force": true`, which in the console is the "Send anyway" (or, for a macro, "Run anyway") button.
 */
export function conflictInConsoleWords(message: string, button: 'Send anyway' | 'Run anyway'): string {
  return message
    .replace(/\bsend with "force": true to send anyway/g, `use ${button}`)
    .replace(/\bSend with "force": true to send anyway/g, `Use ${button}`);
}
