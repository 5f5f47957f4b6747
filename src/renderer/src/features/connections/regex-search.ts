import type { FrameRecord } from '../../../../shared/connections';
import { searchedText } from './frame-text-match';

/** A search that takes longer is taken for a pattern that backtracks without end, and stopped. */
export const REGEX_SEARCH_LIMIT_MS = 2000;

export class RegexTooSlowError extends Error {
  override name = 'RegexTooSlowError';
}

interface Waiting {
  resolve(matches: Int32Array): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Regular-expression searches over frame texts in a worker, one at a time. A search past
 * REGEX_SEARCH_LIMIT_MS ends the worker (the only way to stop a RegExp) and fails; the next search starts
 * a new one.
 */
export class RegexSearch {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  /** The seqs of the frames whose text matches `pattern` (any case). */
  search(pattern: string, frames: readonly FrameRecord[]): Promise<Int32Array> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const seqs = Int32Array.from(frames, (frame) => frame.seq);
    const texts = frames.map(searchedText);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stop(new RegexTooSlowError(`the search took over ${REGEX_SEARCH_LIMIT_MS / 1000} s and was stopped`));
      }, REGEX_SEARCH_LIMIT_MS);
      this.waiting.set(id, { resolve, reject, timer });
      worker.postMessage({ id, pattern, seqs, texts }, [seqs.buffer]);
    });
  }

  /** Ends the worker; searches still waiting fail with `reason`. */
  stop(reason: Error = new Error('stopped')): void {
    this.worker?.terminate();
    this.worker = null;
    for (const waiting of this.waiting.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(reason);
    }
    this.waiting.clear();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./regex-search.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }: MessageEvent<{ id: number; matches: Int32Array }>) => {
      const waiting = this.waiting.get(data.id);
      if (!waiting) return;
      this.waiting.delete(data.id);
      clearTimeout(waiting.timer);
      waiting.resolve(data.matches);
    };
    worker.onerror = (event) => this.stop(new Error(event.message || 'the search failed'));
    this.worker = worker;
    return worker;
  }
}
