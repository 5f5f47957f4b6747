/**
 * Answers remembered by the client-sent value they depend on alone (a header, a query string): clients send the
 * same few values on every request, so the work is done once per value. Bounded, as the values are whatever a
 * client sends: at most `maxEntries` kept, the oldest let go first, and keys longer than `maxKeyLength` not kept.
 */
export class RememberedAnswers<Answer> {
  private readonly answers = new Map<string, Answer>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxKeyLength = Number.POSITIVE_INFINITY,
  ) {}

  get(key: string): Answer | undefined {
    return this.answers.get(key);
  }

  remember(key: string, answer: Answer): void {
    if (key.length > this.maxKeyLength) return;
    if (this.answers.size >= this.maxEntries) this.answers.delete(this.answers.keys().next().value as string);
    this.answers.set(key, answer);
  }
}
