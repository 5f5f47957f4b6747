import { isJsonObject, type JsonObject, type JsonValue } from '../../../shared/json-value';
import type { Collection } from '../../../shared/mounts/collection';
import type { CollectionChange } from '../../../shared/mounts/collection-change';
import { MAX_JSON_DEPTH_SETTING } from '../../../shared/settings';
import { HttpError, issueAt, RequestValidationError, type ValidationIssue } from '../../http/http-errors';
import { toPydanticIssues } from '../../http/json-schema-issues';
import { pathIdMismatch } from '../../http/path-id-mismatch';
import { exceedsJsonDepth, jsonDepthMessage } from '../../support/json-depth';
import { UserRegexBudgetError } from '../../support/user-regex';
import { type SchemaCheck, SchemaRecursionError } from '../json-schemas';
import { checkLaxJson } from '../lax-json-values';
import { CollectionBudget, recordFileBytes } from './collection-budget';
import { mergePatch } from './merge-patch';
import { type IdType, idKey, idValueIssue, newId, type RecordId } from './record-ids';

type Listener = (change: CollectionChange) => void;
/** Sees the records as a write would leave them, before it is stored; throws to refuse it. */
type Admit = (records: readonly JsonObject[]) => void;

/**
 * A collection's records, in memory, in order. Every write is checked completely before anything changes (an
 * object, within the depth limit, an id of the collection's type, the collection's JSON Schema), so a record that
 * is stored can always be served and saved. Problems are FastAPI 422s located under `body`; unknown ids are 404,
 * taken ids 409. Listeners hear every change (the workspace saves, the console updates).
 */
export class CollectionStore {
  private records: JsonObject[] = [];
  private readonly byKey = new Map<string, JsonObject>();
  private nextInteger = 1;
  private readonly listeners = new Set<Listener>();
  /** Each record's size in the workspace file (`recordFileBytes`), charged to the world's `budget`. */
  private readonly sizes = new WeakMap<JsonObject, number>();
  /** What its records take together, all charged to `budget`. */
  private heldBytes = 0;

  constructor(
    readonly definition: Collection,
    private readonly check: SchemaCheck | undefined,
    private readonly limits: () => { maxJsonDepth: number },
    private budget: CollectionBudget = new CollectionBudget(),
  ) {}

  get id(): string {
    return this.definition.id;
  }

  get idField(): string {
    return this.definition.idField;
  }

  get idType(): IdType {
    return this.definition.idType;
  }

  list(): readonly JsonObject[] {
    return this.records;
  }

  get(id: RecordId): JsonObject | undefined {
    return this.byKey.get(idKey(id, this.idType));
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Adds a record; its id is generated when it has none. `admit`, when given, sees the records as the write would
   * leave them, once the write is checked and before it is stored, and may refuse it by throwing (the console's
   * writes: a workspace too large to save).
   */
  create(input: unknown, admit?: Admit): JsonObject {
    const issues: ValidationIssue[] = [];
    const record = this.checked(input, ['body'], issues, undefined);
    if (!record || issues.length > 0) throw new RequestValidationError(issues);
    const id = record[this.idField] as RecordId;
    if (this.get(id))
      throw new HttpError(409, `A record with ${this.idField} ${JSON.stringify(id)} already exists in ${this.id}`);
    this.budget.checkRoom(this.id, 0, this.measure(record), admit === undefined);
    admit?.([...this.records, record]);
    this.insert(record);
    this.budget.wrote(0, this.measure(record));
    this.emit({ type: 'created', collection: this.id, id, record });
    return record;
  }

  /** Replaces a record whole; the body's id, if it has one, must be the same. `admit`: as `create` takes it. */
  replace(id: RecordId, input: unknown, admit?: Admit): JsonObject {
    const existing = this.find(id);
    const issues: ValidationIssue[] = [];
    const record = this.checked(input, ['body'], issues, existing[this.idField] as RecordId);
    if (!record || issues.length > 0) throw new RequestValidationError(issues);
    this.swap(existing, record, admit);
    this.emit({ type: 'replaced', collection: this.id, id: record[this.idField] as RecordId, record });
    return record;
  }

  /** Merges a JSON Merge Patch into a record (`null` removes a field); the result is checked like a replacement. */
  patch(id: RecordId, patch: unknown): JsonObject {
    const existing = this.find(id);
    if (!isJsonObject(patch)) throw new RequestValidationError([notAnObject(patch, ['body'])]);
    const merged = mergePatch(existing, patch as JsonValue);
    const issues: ValidationIssue[] = [];
    const record = this.checked(merged, ['body'], issues, existing[this.idField] as RecordId);
    if (!record || issues.length > 0) throw new RequestValidationError(issues);
    this.swap(existing, record);
    this.emit({ type: 'patched', collection: this.id, id: record[this.idField] as RecordId, record });
    return record;
  }

  remove(id: RecordId): void {
    const existing = this.find(id);
    const size = this.sizes.get(existing) ?? 0;
    this.release(size);
    this.budget.wrote(size, 0);
    this.byKey.delete(idKey(existing[this.idField] as RecordId, this.idType));
    this.records = this.records.filter((record) => record !== existing);
    this.emit({ type: 'deleted', collection: this.id, id: existing[this.idField] as RecordId });
  }

  /**
   * Replaces every record at once (the console's reset, a workspace load); all are checked first, as `checkAll`
   * checks them (`at`: where the list is in the request). `admit`: as `create` takes it.
   */
  reset(records: readonly unknown[], at: readonly (string | number)[] = ['body'], admit?: Admit): void {
    const { checked, issues } = this.checkAll(records, at);
    if (issues.length > 0) throw new RequestValidationError(issues);
    const before = this.heldBytes;
    const after = checked.reduce((bytes, record) => bytes + this.measure(record), 0);
    this.budget.checkRoom(
      this.id,
      before,
      after,
      admit === undefined,
      `this list of ${checked.length} records (${after} bytes)`,
    );
    admit?.(checked);
    this.load(checked);
    this.budget.wrote(before, after);
    this.emit({ type: 'reset', collection: this.id, records: checked });
  }

  /**
   * Checks records as a workspace holds them: every problem, located `[...at, index, …]`. Records without an id
   * are refused (a workspace names its records); ids must be unique.
   */
  checkAll(
    records: readonly unknown[],
    at: readonly (string | number)[] = ['body'],
  ): { checked: JsonObject[]; issues: ValidationIssue[] } {
    const issues: ValidationIssue[] = [];
    const checked: JsonObject[] = [];
    const seen = new Set<string>();
    records.forEach((input, index) => {
      const loc = [...at, index];
      if (isJsonObject(input) && this.ownId(input as JsonObject) === undefined) {
        issues.push({
          type: 'missing',
          loc: [...loc, this.idField],
          msg: 'Field required',
          input: input,
        });
        return;
      }
      // Records a workspace holds are kept as written: schema defaults fill new records only.
      const record = this.checked(input, loc, issues, undefined, false);
      if (!record) return;
      const key = idKey(record[this.idField] as RecordId, this.idType);
      if (seen.has(key))
        issues.push({
          type: 'value_error',
          loc: [...loc, this.idField],
          msg: `Value error, duplicate ${this.idField} ${JSON.stringify(record[this.idField])}`,
          input: record[this.idField],
        });
      seen.add(key);
      checked.push(record);
    });
    return { checked, issues };
  }

  /** Takes records already checked by `checkAll` (a workspace being compiled), without announcing a change. */
  load(records: JsonObject[]): void {
    this.release(this.heldBytes);
    this.records = [];
    this.byKey.clear();
    this.nextInteger = 1;
    for (const record of records) this.insert(record);
  }

  /**
   * Charges its records to `budget` from now on: the world was compiled again around this store, kept as it was (an
   * edit of other mounts). The room it leaves is dropped with the world that had it.
   */
  moveTo(budget: CollectionBudget): void {
    budget.charge(this.heldBytes);
    this.budget = budget;
  }

  /** The record with this id, or a 404 naming it. */
  find(id: RecordId): JsonObject {
    const record = this.get(id);
    if (!record) throw new HttpError(404, `No record with ${this.idField} ${JSON.stringify(id)} in ${this.id}`);
    return record;
  }

  /** The record's own id: an id field named `toString` or `constructor` is not the one every object inherits. */
  private ownId(record: JsonObject): JsonValue | undefined {
    return Object.hasOwn(record, this.idField) ? record[this.idField] : undefined;
  }

  /**
   * The record `input` makes, checked, with defaults from the schema filled in (`fillDefaults`) — or undefined,
   * with `issues` saying why. `pathId`: the id the URL names (replace, patch); without it a missing id is
   * generated. A record written now is held to the `maxJsonDepth` setting; records as a workspace holds them
   * (`fillDefaults` false) to the most the setting allows: they were checked when written, and lowering the
   * setting must not make a saved workspace fail to load.
   */
  private checked(
    input: unknown,
    loc: (string | number)[],
    issues: ValidationIssue[],
    pathId: RecordId | undefined,
    fillDefaults = true,
  ): JsonObject | undefined {
    if (!isJsonObject(input)) {
      issues.push(notAnObject(input, loc));
      return undefined;
    }
    const maxJsonDepth = fillDefaults ? this.limits().maxJsonDepth : MAX_JSON_DEPTH_SETTING;
    if (exceedsJsonDepth(input, maxJsonDepth)) {
      issues.push({ type: 'value_error', loc, msg: `Value error, ${jsonDepthMessage(maxJsonDepth)}`, input: null });
      return undefined;
    }
    const record = structuredClone(input) as JsonObject;
    const given = this.ownId(record);
    const idLoc = [...loc, this.idField];
    const before = issues.length;
    /** The engine gives the record its id (the next one): the client sent none, nor named one in the path. */
    const generated = pathId === undefined && (given === undefined || given === null);
    if (given === undefined || generated) {
      if (pathId === undefined && this.idType === 'integer' && this.nextInteger > Number.MAX_SAFE_INTEGER) {
        // The next id would lose digits as a JSON number, and no record could then be served or saved.
        issues.push({
          type: 'value_error',
          loc: idLoc,
          msg: `Value error, no integer ${this.idField} is left to give: the largest in use is ${Number.MAX_SAFE_INTEGER}, the most an integer id can be; give the record an ${this.idField} of its own`,
          input: given ?? null,
        });
        return undefined;
      }
      record[this.idField] = pathId ?? newId(this.idType, this.nextInteger);
    } else {
      const problem = idValueIssue(given, this.idType, idLoc);
      if (problem) issues.push(problem);
      else if (pathId !== undefined && idKey(given as RecordId, this.idType) !== idKey(pathId, this.idType))
        issues.push(pathIdMismatch(idLoc, this.idField, given, pathId));
    }
    const checked = fillDefaults ? record : structuredClone(record);
    let errors: ReturnType<SchemaCheck>;
    try {
      // A client's record is read as FastAPI reads a model's JSON (`"12"` for an integer is 12), converted in place;
      // a workspace's records are checked as they are stored.
      if (this.check) errors = fillDefaults ? checkLaxJson(this.check, checked).errors : this.check(checked);
    } catch (error) {
      if (!(error instanceof SchemaRecursionError || error instanceof UserRegexBudgetError)) throw error;
      issues.push({ type: 'value_error', loc, msg: `Value error, ${error.message}`, input: null });
      return undefined;
    }
    if (errors) {
      // Problems echo the record as the client sent it, as FastAPI does (`"12"`, not the 12 it was read as; no id
      // the engine gave it).
      const echoed = fillDefaults ? input : checked;
      const found = toPydanticIssues(errors, echoed, 'body').map((issue) => issueAt(loc, issue));
      issues.push(...(generated ? this.generatedIdRefused(found, idLoc, record[this.idField]) : found));
    }
    return issues.length === before ? record : undefined;
  }

  /**
   * `found` with those at the id the engine gave a record sent without one (`idLoc`) said as what they are: the
   * schema refuses the engine's id, not anything the client sent (most such schemas are refused when stored).
   */
  private generatedIdRefused(found: ValidationIssue[], idLoc: (string | number)[], id: unknown): ValidationIssue[] {
    const atId = (issue: ValidationIssue) => idLoc.every((part, index) => issue.loc[index] === part);
    const refusal = found.find(atId);
    if (!refusal) return found;
    return [
      {
        type: 'value_error',
        loc: idLoc,
        msg: `Value error, the ${this.idField} ${JSON.stringify(id)} this collection gives a record sent without one is refused by its schema (${refusal.msg}): send an ${this.idField} the schema takes, or fix the collection's schema`,
        input: null,
      },
      ...found.filter((issue) => !atId(issue)),
    ];
  }

  private insert(record: JsonObject): void {
    const id = record[this.idField] as RecordId;
    this.charge(this.measure(record));
    this.records.push(record);
    this.byKey.set(idKey(id, this.idType), record);
    if (typeof id === 'number' && id >= this.nextInteger) this.nextInteger = id + 1;
  }

  private swap(existing: JsonObject, record: JsonObject, admit?: Admit): void {
    const before = this.sizes.get(existing) ?? 0;
    const after = this.measure(record);
    this.budget.checkRoom(this.id, before, after, admit === undefined);
    admit?.(this.records.map((kept) => (kept === existing ? record : kept)));
    this.release(before);
    this.charge(after);
    this.budget.wrote(before, after);
    const index = this.records.indexOf(existing);
    this.records[index] = record;
    this.byKey.set(idKey(record[this.idField] as RecordId, this.idType), record);
  }

  private charge(bytes: number): void {
    this.budget.charge(bytes);
    this.heldBytes += bytes;
  }

  private release(bytes: number): void {
    this.budget.release(bytes);
    this.heldBytes -= bytes;
  }

  /** The record's size in the file, worked out once per record. */
  private measure(record: JsonObject): number {
    let size = this.sizes.get(record);
    if (size === undefined) {
      size = recordFileBytes(record);
      this.sizes.set(record, size);
    }
    return size;
  }

  private emit(change: CollectionChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

function notAnObject(input: unknown, loc: (string | number)[]): ValidationIssue {
  return {
    type: 'model_attributes_type',
    loc,
    msg: 'Input should be a valid dictionary or object to extract fields from',
    input: input,
  };
}
