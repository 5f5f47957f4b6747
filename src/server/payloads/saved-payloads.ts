import type { z } from 'zod';
import { issueWords } from '../../shared/issue-words';
import {
  MAX_SAVED_PAYLOADS,
  MAX_SAVED_PAYLOADS_TOTAL_BYTES,
  type PayloadChange,
  payloadBytes,
  type SavedPayload,
  SavedPayloadSchema,
  SavedPayloadsSchema,
} from '../../shared/saved-payload';
import { MAX_JSON_DEPTH_SETTING } from '../../shared/settings';
import { unionIssueWords } from '../../shared/union-issue-words';
import { problemLine } from '../../shared/workspace';
import { exceedsJsonDepth, jsonDepthMessage } from '../support/json-depth';

/**
 * A payload (or one of a list) that does not validate. `issues` are the schema's own (their codes and types kept, for
 * a 422 in FastAPI's types); `problems` words them for a person fixing a file.
 */
export class SavedPayloadValidationError extends Error {
  override name = 'SavedPayloadValidationError';
  constructor(readonly issues: readonly z.core.$ZodIssue[]) {
    super(
      problemsOf(issues)
        .map((problem) => problemLine({ path: problem.path.join('.'), problem: problem.message }))
        .join('; '),
    );
  }

  /** Where and why, in plain words: zod's defaults as issueWords says them (`needs at least 1 item`). */
  problems(): { path: (string | number)[]; message: string }[] {
    return problemsOf(this.issues);
  }
}

function problemsOf(issues: readonly z.core.$ZodIssue[]): { path: (string | number)[]; message: string }[] {
  return issues.map((issue) => ({
    path: issue.path.filter((key): key is string | number => typeof key !== 'symbol'),
    message: issueWords(issue),
  }));
}

/** A valid payload that cannot be kept as things stand: its name is taken, or a limit is reached. */
export class SavedPayloadConflictError extends Error {
  override name = 'SavedPayloadConflictError';
}

export interface SavedPayloadsOptions {
  /** The deepest JSON nesting accepted (the engine's `maxJsonDepth` setting, read at each write). */
  maxJsonDepth: () => number;
}

/** Sees the payloads as a write would leave them, before it is stored; throws to refuse it. */
type Admit = (payloads: readonly SavedPayload[]) => void;

interface Stored {
  payload: SavedPayload;
  bytes: number;
}

/**
 * The workspace's saved payloads: validated, bounded in number (`MAX_SAVED_PAYLOADS`), in size each and all
 * together, names unique (ignoring case). Kept in the order they were first saved. Every change is told to the
 * subscribers (the console's feed, the workspace file); `snapshot` and `replace` are what a workspace file holds.
 */
export class SavedPayloads {
  private items = new Map<string, Stored>();
  private totalBytes = 0;
  private readonly listeners = new Set<(change: PayloadChange) => void>();

  constructor(private readonly options: SavedPayloadsOptions) {}

  subscribe(listener: (change: PayloadChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every payload, in the order first saved. The objects are the store's: read them, do not change them. */
  list(): readonly SavedPayload[] {
    return [...this.items.values()].map((item) => item.payload);
  }

  get(id: string): SavedPayload | undefined {
    return this.items.get(id)?.payload;
  }

  /** A copy of every payload, for a workspace file. */
  snapshot(): SavedPayload[] {
    return structuredClone(this.list() as SavedPayload[]);
  }

  /**
   * Validates and stores a payload, replacing the one with its id (in place). Throws SavedPayloadValidationError
   * when it is invalid, SavedPayloadConflictError when another payload has its name or a limit would be passed.
   * `admit`, when given, sees the payloads as they would be, once the payload is checked and before it is stored,
   * and may refuse it by throwing (the console's writes: a workspace too large to save).
   */
  put(input: unknown, admit?: Admit): { payload: SavedPayload; created: boolean } {
    const item = this.validate(input);
    const previous = this.items.get(item.payload.id);
    const owner = this.nameOwner(item.payload.name);
    if (owner && owner !== item.payload.id)
      throw new SavedPayloadConflictError(
        `A saved payload named "${item.payload.name}" exists (id ${owner}): choose another name, or replace that one`,
      );
    if (!previous && this.items.size >= MAX_SAVED_PAYLOADS)
      throw new SavedPayloadConflictError(
        `${MAX_SAVED_PAYLOADS} payloads are saved, the most a workspace keeps: delete one first`,
      );
    const total = this.totalBytes - (previous?.bytes ?? 0) + item.bytes;
    if (total > MAX_SAVED_PAYLOADS_TOTAL_BYTES)
      throw new SavedPayloadConflictError(
        `Saved payloads would take ${total} bytes, over the ${MAX_SAVED_PAYLOADS_TOTAL_BYTES} a workspace keeps: delete some first`,
      );
    admit?.(
      previous
        ? this.list().map((payload) => (payload.id === item.payload.id ? item.payload : payload))
        : [...this.list(), item.payload],
    );
    this.items.set(item.payload.id, item);
    this.totalBytes = total;
    this.emit({ type: 'payload-saved', id: item.payload.id });
    return { payload: item.payload, created: !previous };
  }

  delete(id: string): boolean {
    const item = this.items.get(id);
    if (!item) return false;
    this.items.delete(id);
    this.totalBytes -= item.bytes;
    this.emit({ type: 'payload-deleted', id });
    return true;
  }

  /**
   * Replaces every payload at once (a workspace being loaded); throws, changing nothing, if the list is not valid
   * (`SavedPayloadsSchema`: a workspace codec that checks with it first never sees this throw). `admit`: as `put`
   * takes it.
   */
  replace(inputs: readonly unknown[], admit?: Admit): void {
    // The list is one level around its payloads: each is held to the limit, as when it was saved.
    const payloads = this.parse(SavedPayloadsSchema, inputs, 1, this.options.maxJsonDepth());
    admit?.(payloads);
    this.take(payloads);
  }

  /**
   * Takes the payloads a workspace holds (it is loaded), checked as `replace` checks them but held to the most the
   * `maxJsonDepth` setting allows: they were checked when written, and lowering the setting must not make a
   * saved workspace fail to load (as for collection records).
   */
  load(inputs: readonly unknown[]): void {
    this.take(this.parse(SavedPayloadsSchema, inputs, 1, MAX_JSON_DEPTH_SETTING));
  }

  private take(payloads: SavedPayload[]): void {
    this.items = new Map(payloads.map((payload) => [payload.id, { payload, bytes: payloadBytes(payload) }]));
    this.totalBytes = [...this.items.values()].reduce((sum, item) => sum + item.bytes, 0);
    this.emit({ type: 'payloads-replaced', id: '*' });
  }

  private validate(input: unknown): Stored {
    const payload = this.parse(SavedPayloadSchema, input, 0, this.options.maxJsonDepth());
    return { payload, bytes: payloadBytes(payload) };
  }

  /** Depth first (what zod would recurse through), then the schema; a copy of its own, so no caller can change it. */
  private parse<S extends z.ZodType>(schema: S, input: unknown, around: number, maxDepth: number): z.output<S> {
    if (exceedsJsonDepth(input, maxDepth + around))
      throw new SavedPayloadValidationError([{ code: 'custom', path: [], message: jsonDepthMessage(maxDepth) }]);
    const parsed = schema.safeParse(input, { error: unionIssueWords });
    if (!parsed.success) throw new SavedPayloadValidationError(parsed.error.issues);
    return structuredClone(parsed.data);
  }

  private nameOwner(name: string): string | undefined {
    const key = nameKey(name);
    for (const [id, item] of this.items) if (nameKey(item.payload.name) === key) return id;
    return undefined;
  }

  private emit(change: PayloadChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

function nameKey(name: string): string {
  return name.trim().toLowerCase();
}
