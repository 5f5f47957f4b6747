/** A certificate or key the engine cannot serve with; the message is one line that says what to fix. */
export class TlsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsError';
  }
}
