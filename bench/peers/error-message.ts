/** An error's message without the `Error: ` prefix, for the one line that says why a peer was skipped. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
