/**
 * Runs a person's regular expression over frame texts away from the page: a pattern that backtracks without
 * end (`(a+)+$`) then stalls only this worker, which the page stops after a while.
 */
interface Request {
  id: number;
  pattern: string;
  seqs: Int32Array;
  texts: string[];
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
};

scope.onmessage = ({ data }) => {
  const pattern = new RegExp(data.pattern, 'i');
  const matches: number[] = [];
  data.texts.forEach((text, index) => {
    if (pattern.test(text)) matches.push(data.seqs[index] as number);
  });
  const found = Int32Array.from(matches);
  scope.postMessage({ id: data.id, matches: found }, [found.buffer]);
};
