import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { constants, copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { ServerSettings } from '../../shared/settings';
import {
  WORKSPACE_VERSION,
  type Workspace,
  WorkspaceSchema,
  type WorkspaceStatus,
  type WorkspaceTemplate,
} from '../../shared/workspace';
import type { EngineContext } from '../engine-context';
import { type AtomicWriteHooks, removeStaleTemps, writeFileAtomic } from './atomic-file';
import { defaultConfigDir, RecentWorkspaces } from './recent-workspaces';
import { decodeWorkspaceText, decodeWorkspaceValue, encodeWorkspace } from './workspace-codec';
import { WorkspaceError } from './workspace-error';
import { newWorkspaceDocument, readWorkspaceFile } from './workspace-file';
import { describeFsError } from './workspace-fs-errors';
import { workspaceTemplate } from './workspace-templates';

export interface WorkspaceServiceOptions {
  /** Folder of `recent.json`; default `defaultConfigDir()`. */
  configDir: string;
  /** Quiet time after the last change before autosave writes. */
  autosaveDelayMs: number;
  /** Quiet time after a file system event before the file is re-read (editors write in bursts). */
  watchDelayMs: number;
  /**
   * Settings given at launch (CLI flags, the embedding app): applied on top of every workspace loaded, but not
   * written back into its file.
   */
  launchSettings?: Partial<ServerSettings>;
  /** Fault injection for tests (failing writes, crashes before rename). */
  fileHooks?: AtomicWriteHooks;
  now: () => number;
}

export interface AttachOptions {
  /** Create the file from this template when it does not exist (else a missing file is an error). */
  createIfMissing?: WorkspaceTemplate;
}

export interface AttachResult {
  created: boolean;
  migratedFrom?: number;
  /** Where the original of a migrated file was kept. */
  backup?: string;
}

type StatusListener = (status: WorkspaceStatus) => void;

const DEFAULTS: Omit<WorkspaceServiceOptions, 'configDir'> = {
  autosaveDelayMs: 500,
  watchDelayMs: 100,
  now: Date.now,
};

/**
 * The engine's world as one file: loads a workspace into the store, catalogue and settings; autosaves after
 * changes (debounced) and on close with atomic writes; notices when someone else changed the file (reloads
 * when we have nothing unsaved, reports a conflict otherwise); never overwrites a file it could not read.
 * Without a file the world lives in memory until saved as one.
 */
export class WorkspaceService {
  private readonly options: WorkspaceServiceOptions;
  private readonly recent: RecentWorkspaces;
  private readonly listeners = new Set<StatusListener>();
  private readonly detachSources: (() => void)[];
  private file: string | null = null;
  private name = 'Untitled';
  private schemaRef: string | undefined;
  private dirty = false;
  /** Counts changes, so a save knows whether more came in while it was writing. */
  private changeCount = 0;
  private lastSavedAt: number | null = null;
  private error: WorkspaceError | null = null;
  private errorAt = 0;
  private conflict: WorkspaceStatus['conflict'] = null;
  /** The file on disk is not a valid workspace (someone else wrote it): autosave must not replace it. */
  private diskInvalid = false;
  /** Hash of the file content we last read or wrote: events for our own writes are recognised by it. */
  private knownHash: string | undefined;
  private applying = false;
  private autosaveTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private saving: Promise<void> = Promise.resolve();
  private launchOverrides: Partial<ServerSettings> = {};
  private fileSettings: ServerSettings | undefined;
  private closed = false;

  constructor(
    private readonly context: EngineContext,
    options: Partial<WorkspaceServiceOptions> = {},
  ) {
    this.options = { ...DEFAULTS, configDir: defaultConfigDir(), ...options };
    this.launchOverrides = { ...options.launchSettings };
    this.recent = new RecentWorkspaces(this.options.configDir, context.logger);
    const changed = () => this.changed();
    this.detachSources = [
      context.store.subscribe(changed),
      context.scenarios.subscribe(changed),
      context.liveSettings.subscribe(changed),
    ];
  }

  // ——— reading ————————————————————————————————————————————————————————————————

  status(): WorkspaceStatus {
    return {
      path: this.file,
      name: this.name,
      version: WORKSPACE_VERSION,
      dirty: this.dirty,
      lastSavedAt: this.lastSavedAt,
      error: this.error?.toProblem(this.errorAt) ?? null,
      conflict: this.conflict,
      autosave: this.autosaveAllowed(),
      recent: this.recent.cached(),
    };
  }

  async recentWorkspaces() {
    return this.recent.list();
  }

  /** The world as a workspace document (what a save writes, what an export downloads). */
  document(): Workspace {
    return WorkspaceSchema.parse({
      ...(this.schemaRef !== undefined && { $schema: this.schemaRef }),
      version: WORKSPACE_VERSION,
      name: this.name,
      profile: 'agora-mock',
      settings: this.settingsToSave(),
      agora: this.context.store.snapshot(),
      scenarios: this.context.scenarios.list(),
    });
  }

  subscribe(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ——— opening ————————————————————————————————————————————————————————————————

  /**
   * Loads `path` into the engine and keeps it in step from now on. Throws `WorkspaceError` (changing
   * nothing) when the file cannot be read or is not a valid workspace.
   */
  async attach(path: string, options: AttachOptions = {}): Promise<AttachResult> {
    const file = resolve(path);
    let read: Awaited<ReturnType<typeof readWorkspaceFile>>;
    try {
      read = await readWorkspaceFile(file);
    } catch (error) {
      if (error instanceof WorkspaceError && error.reason === 'not-found' && options.createIfMissing) {
        await this.createAt(file, options.createIfMissing, undefined);
        return { created: true };
      }
      throw error;
    }
    const { workspace, migratedFrom } = read;
    let { text } = read;
    let backup: string | undefined;
    if (migratedFrom !== undefined) {
      // The migrated file replaces the old one, which stays beside it as .bak; both before the world changes.
      backup = await this.keepOriginal(file);
      text = encodeWorkspace(workspace);
      await this.enqueue(() => this.writeText(file, text));
      this.lastSavedAt = this.options.now();
    }
    this.apply(workspace);
    this.attachFile(file, hashOf(text));
    await this.remember();
    this.emit();
    return { created: false, ...(migratedFrom !== undefined && { migratedFrom, backup }) };
  }

  /** `attach` for the console's Open: the file must exist; unsaved changes of the current world are saved first. */
  async open(path: string): Promise<AttachResult> {
    const file = resolve(path);
    // Validate before touching anything, so a bad file leaves the current world and its file as they are.
    await readWorkspaceFile(file);
    await this.flushForSwitch();
    return this.attach(file);
  }

  /** A fresh world from a template; saved to `path` at once when given (which must not exist yet). */
  async create(template: WorkspaceTemplate, path?: string, name?: string): Promise<void> {
    if (path !== undefined) {
      const file = resolve(path);
      if (await exists(file)) {
        throw new WorkspaceError({
          operation: 'save',
          reason: 'exists',
          file,
          problem: 'the file already exists; choose another name',
        });
      }
      await this.flushForSwitch();
      await this.createAt(file, template, name);
      return;
    }
    await this.flushForSwitch();
    this.detachFile();
    this.apply(WorkspaceSchema.parse(workspaceTemplate(template, this.options.now(), name)));
    this.dirty = true;
    this.emit();
  }

  /** Replaces the world with a document (an import): validated first; marked unsaved, autosaved when attached. */
  importDocument(value: unknown): Workspace {
    const { workspace } = decodeWorkspaceValue(value, 'import');
    this.apply(workspace);
    this.markChanged();
    return workspace;
  }

  // ——— saving ————————————————————————————————————————————————————————————————

  /**
   * Writes the world to its file now. Resolves the conflict in favour of what is in memory (the console's
   * "keep mine"). Throws `WorkspaceError` when there is no file or the write failed (the file is then as it was).
   */
  async save(): Promise<WorkspaceStatus> {
    if (this.file === null) {
      throw new WorkspaceError({
        operation: 'save',
        reason: 'no-file',
        file: '(none)',
        problem: 'no workspace file yet: use save as',
      });
    }
    this.clearAutosave();
    await this.enqueueWrite(this.file, true);
    return this.status();
  }

  /** Writes the world to `path` and makes that the workspace file from now on. */
  async saveAs(path: string): Promise<WorkspaceStatus> {
    const file = resolve(path);
    this.clearAutosave();
    await this.enqueueWrite(file, true);
    this.attachFile(file, this.knownHash);
    await this.remember();
    this.emit();
    return this.status();
  }

  /** Stops watching; writes pending changes first (unless autosave is held back by a conflict or a bad file). */
  async close(): Promise<void> {
    if (this.closed) return;
    const flush = this.dirty && this.autosaveAllowed();
    this.closed = true;
    for (const detach of this.detachSources) detach();
    this.clearAutosave();
    clearTimeout(this.watchTimer);
    this.watcher?.close();
    this.watcher = undefined;
    if (flush) await this.enqueueWrite(this.file as string, false).catch(() => {});
    await this.saving;
  }

  // ——— internals ————————————————————————————————————————————————————————————

  private async createAt(file: string, template: WorkspaceTemplate, name: string | undefined): Promise<void> {
    const workspace = newWorkspaceDocument(file, template, this.options.now(), name);
    const text = encodeWorkspace(workspace);
    await mkdir(dirname(file), { recursive: true }).catch(() => {});
    // Written before it becomes the world: if the disk refuses, the current world and its file stay as they are.
    await this.enqueue(() => this.writeText(file, text));
    this.apply(workspace);
    this.attachFile(file, hashOf(text));
    this.lastSavedAt = this.options.now();
    await this.remember();
    this.emit();
  }

  /** Puts a valid workspace into the engine. Nothing here can fail: everything was validated when decoded. */
  private apply(workspace: Workspace): void {
    this.applying = true;
    try {
      this.fileSettings = workspace.settings;
      this.context.liveSettings.update({ ...workspace.settings, ...this.launchOverrides });
      this.context.store.replace(workspace.agora);
      this.context.scenarios.replace(workspace.scenarios);
    } finally {
      this.applying = false;
    }
    this.name = workspace.name;
    this.schemaRef = workspace.$schema;
    this.dirty = false;
    this.conflict = null;
    this.diskInvalid = false;
    this.error = null;
    this.clearAutosave();
  }

  /** Launch overrides (e.g. `--speed 0` in CI) stay out of the file unless someone changed them since. */
  private settingsToSave(): ServerSettings {
    const live = this.context.liveSettings.get();
    const saved: Record<string, unknown> = { ...live };
    for (const [key, value] of Object.entries(this.launchOverrides)) {
      const k = key as keyof ServerSettings;
      if (live[k] === value && this.fileSettings) saved[k] = this.fileSettings[k];
    }
    return saved as ServerSettings;
  }

  private changed(): void {
    if (this.applying || this.closed) return;
    this.markChanged();
  }

  private markChanged(): void {
    this.changeCount++;
    const wasDirty = this.dirty;
    this.dirty = true;
    if (!wasDirty) this.emit();
    this.scheduleAutosave();
  }

  private autosaveAllowed(): boolean {
    return this.file !== null && this.conflict === null && !this.diskInvalid && !this.closed;
  }

  private scheduleAutosave(): void {
    if (!this.autosaveAllowed()) return;
    this.clearAutosave();
    this.autosaveTimer = setTimeout(() => {
      this.autosaveTimer = undefined;
      if (this.dirty && this.autosaveAllowed()) void this.enqueueWrite(this.file as string, false).catch(() => {});
    }, this.options.autosaveDelayMs);
    this.autosaveTimer.unref();
  }

  private clearAutosave(): void {
    clearTimeout(this.autosaveTimer);
    this.autosaveTimer = undefined;
  }

  private enqueueWrite(file: string, explicit: boolean): Promise<void> {
    return this.enqueue(() => this.write(file, explicit));
  }

  /** Writes run one after another, so two never race to rename over the same file. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.saving.then(task);
    this.saving = run.catch(() => {});
    return run;
  }

  private async write(file: string, explicit: boolean): Promise<void> {
    const changesBefore = this.changeCount;
    const text = encodeWorkspace(this.document());
    const previousHash = this.knownHash;
    // Known before the rename, so the watcher's event for our own write is recognised as ours.
    if (file === this.file) this.knownHash = hashOf(text);
    try {
      await this.writeText(file, text);
    } catch (error) {
      if (file === this.file) this.knownHash = previousHash;
      throw error;
    }
    this.knownHash = hashOf(text);
    this.lastSavedAt = this.options.now();
    if (this.changeCount === changesBefore) this.dirty = false;
    else this.scheduleAutosave();
    if (explicit) {
      this.conflict = null;
      this.diskInvalid = false;
    }
    if (this.error?.operation === 'save' || explicit) this.error = null;
    this.emit();
  }

  /** One atomic write; a failure is reported (status, log) and thrown as a WorkspaceError. */
  private async writeText(file: string, text: string): Promise<void> {
    try {
      await removeStaleTemps(file);
      await writeFileAtomic(file, text, this.options.fileHooks);
    } catch (error) {
      const failure = new WorkspaceError({
        operation: 'save',
        file,
        problem: `could not save (${describeFsError(error)}); the file on disk is unchanged`,
        cause: error,
      });
      this.setError(failure);
      this.context.logger.warn(`workspace: ${failure.message}`);
      this.emit();
      throw failure;
    }
  }

  private attachFile(file: string, hash: string | undefined): void {
    if (this.file !== file) {
      this.detachFile();
      this.file = file;
      this.startWatching(file);
    }
    this.knownHash = hash;
    this.lastSavedAt ??= this.options.now();
  }

  private detachFile(): void {
    this.watcher?.close();
    this.watcher = undefined;
    clearTimeout(this.watchTimer);
    this.file = null;
    this.knownHash = undefined;
    this.lastSavedAt = null;
    this.error = null;
  }

  /** Watches the folder, not the file: editors (and we) replace files by renaming, which ends a file watch. */
  private startWatching(file: string): void {
    try {
      this.watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
        if (name !== null && name.toString() !== basename(file)) return;
        clearTimeout(this.watchTimer);
        this.watchTimer = setTimeout(() => void this.checkDisk(file), this.options.watchDelayMs);
        this.watchTimer.unref();
      });
      this.watcher.on('error', (error) => this.context.logger.warn(`workspace: watching ${file} failed: ${error}`));
    } catch (error) {
      this.context.logger.warn(`workspace: cannot watch ${file} for outside changes: ${(error as Error).message}`);
    }
  }

  /** Someone may have changed the file: reload it when we have nothing unsaved, else report the conflict. */
  private async checkDisk(file: string): Promise<void> {
    if (this.file !== file || this.closed) return;
    await this.saving;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return;
      if (this.knownHash === undefined) return;
      this.conflict = {
        detectedAt: this.options.now(),
        message: `${file} was deleted on disk; save to write it again`,
      };
      this.knownHash = undefined;
      this.emit();
      return;
    }
    const hash = hashOf(text);
    if (hash === this.knownHash || this.file !== file) return;
    if (this.dirty) {
      this.conflict = {
        detectedAt: this.options.now(),
        message:
          `${file} was changed on disk while there are unsaved changes here: neither was overwritten. ` +
          'Save to keep this version, or open the file to take the one on disk.',
      };
      this.clearAutosave();
      this.context.logger.warn(`workspace: ${this.conflict.message}`);
      this.emit();
      return;
    }
    try {
      const { workspace } = decodeWorkspaceText(text, file);
      this.apply(workspace);
      this.knownHash = hash;
      this.error = null;
      this.context.logger.info(`workspace: reloaded ${file} (changed on disk)`);
    } catch (error) {
      if (!(error instanceof WorkspaceError)) throw error;
      // Keep the world as it is and leave the file alone until it is fixed or saved over on purpose.
      this.diskInvalid = true;
      this.knownHash = hash;
      this.setError(new WorkspaceError({ ...errorInit(error), operation: 'watch' }));
      this.context.logger.warn(`workspace: ${error.message} (changed on disk; not reloaded, autosave paused)`);
    }
    this.emit();
  }

  /** Before switching to another world: write what is unsaved, where that is allowed. */
  private async flushForSwitch(): Promise<void> {
    this.clearAutosave();
    if (this.dirty && this.autosaveAllowed()) await this.enqueueWrite(this.file as string, false);
    await this.saving;
  }

  /** The original of a migrated file, as `<file>.bak` (or `<file>.<time>.bak` when that exists). */
  private async keepOriginal(file: string): Promise<string> {
    for (const backup of [`${file}.bak`, `${file}.${this.options.now()}.bak`]) {
      try {
        await copyFile(file, backup, constants.COPYFILE_EXCL);
        return backup;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new WorkspaceError({
            operation: 'save',
            file,
            problem: `cannot keep the original before migrating (${describeFsError(error)}); nothing was changed`,
            cause: error,
          });
        }
      }
    }
    throw new WorkspaceError({ operation: 'save', file, problem: 'cannot keep the original before migrating' });
  }

  private async remember(): Promise<void> {
    if (this.file) await this.recent.add({ path: this.file, name: this.name, openedAt: this.options.now() });
  }

  private setError(error: WorkspaceError): void {
    this.error = error;
    this.errorAt = this.options.now();
  }

  private emit(): void {
    const status = this.status();
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch (error) {
        this.context.logger.error('workspace status listener failed', error);
      }
    }
  }
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function errorInit(error: WorkspaceError) {
  return {
    operation: error.operation,
    reason: error.reason,
    file: error.file,
    problem: error.problem,
    line: error.line,
    column: error.column,
    path: error.path,
  };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
  );
}
