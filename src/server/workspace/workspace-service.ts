import { createHash } from 'node:crypto';
import { createReadStream, realpathSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { counted } from '../../shared/counted-words';
import type { ServerSettings } from '../../shared/settings';
import {
  IMPORTED_DOCUMENT,
  WORKSPACE_VERSION,
  type Workspace,
  type WorkspaceProblem,
  WorkspaceSchema,
  type WorkspaceStatus,
  type WorkspaceTemplate,
} from '../../shared/workspace';
import { WORKSPACE_MAX_BYTES } from '../../shared/workspace-max-bytes';
import type { EngineContext } from '../engine-context';
import { PACK_DATA_ITEM_LEVEL } from '../packs/pack-definition';
import { SavedPayloads, SavedPayloadValidationError } from '../payloads/saved-payloads';
import { fileKind } from '../support/file-kind';
import type { JsonTextRefusal } from '../support/json-text-scan';
import { rebasedTlsSetting } from '../tls/tls-setting';
import type { CheckedWorld } from '../world/checked-world';
import { MountValidationError } from '../world/mount-validation-error';
import { type AtomicWriteHooks, removeStaleTemps, writeFileAtomic } from './atomic-file';
import { describeBytes, describeMegabytes, readRegularFile } from './bounded-file';
import { DocumentBytes } from './document-bytes';
import { watchFolder } from './folder-watch';
import { launchOverrides, settingsToSave } from './launch-settings';
import { makeFolders, pathExists, removeFolders } from './missing-folders';
import { defaultConfigDir, RecentWorkspaces } from './recent-workspaces';
import { backUpOriginal } from './workspace-backup';
import {
  type DecodedWorkspace,
  decodeWorkspaceText,
  encodeWorkspace,
  encodeWorkspaceChunks,
  type WorkspaceDecoding,
} from './workspace-codec';
import { WorkspaceError } from './workspace-error';
import {
  decodeWorkspaceBytes,
  newWorkspaceDocument,
  notAWorkspaceFile,
  pathTakenError,
  readWorkspaceFile,
} from './workspace-file';
import { UNTITLED_COPY, unsavedCopyName, WorkspaceFileVersions } from './workspace-file-versions';
import { describeFsErrorAt } from './workspace-fs-errors';
import { workspaceNameFor } from './workspace-name';
import { rebasedStaticFolders, relocateWorkspace } from './workspace-relocation';
import {
  editTooLarge,
  exportableChunks,
  refuseUnsavable,
  TOO_LARGE_TO_OPEN,
  WorkspaceTooLarge,
  withinWorkspaceLimit,
} from './workspace-size-limit';
import { workspaceTemplate } from './workspace-templates';

export interface WorkspaceServiceOptions {
  /** Folder of `recent.json`; default `defaultConfigDir()`. */
  configDir: string;
  /**
   * Whether opened files go into the user's recent list (and the status shows it): the desktop app and `serve`
   * do; a library start (a test run) leaves the list alone and shows none. Default false.
   */
  recentWorkspaces: boolean;
  /** Quiet time after the last change before autosave writes. */
  autosaveDelayMs: number;
  /**
   * The longest autosave waits for a quiet moment after the first unsaved change (never less than
   * `autosaveDelayMs`): a steady stream of changes, such as a load test, is saved as it goes too.
   */
  autosaveMaxDelayMs: number;
  /** Quiet time after a file system event before the file is re-read (editors write in bursts). */
  watchDelayMs: number;
  /**
   * How long `close()` waits for its last save. A save still running then is stopped (the file keeps its
   * previous complete version) and logged, so shutting down stays quick however big the workspace.
   */
  closeTimeoutMs: number;
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

/** A workspace file as `readWorkspaceFile` read it. */
type WorkspaceRead = Awaited<ReturnType<typeof readWorkspaceFile>>;

const DEFAULTS: Omit<WorkspaceServiceOptions, 'configDir'> = {
  recentWorkspaces: false,
  autosaveDelayMs: 500,
  autosaveMaxDelayMs: 10_000,
  watchDelayMs: 100,
  closeTimeoutMs: 1000,
  now: Date.now,
};

/**
 * What recorded history is evicted down to when the world is too large for its file (`madeRoom`): below
 * WORKSPACE_MAX_BYTES, so the next runs do not take it past the limit again at once.
 */
const ROOM_TARGET_BYTES = 60 * 1024 * 1024;
/** A save running longer than this shows in the status (`saving`); quicker ones would only flicker. */
const SAVING_NOTICE_MS = 150;
/** How long `close()` waits for a save it stopped to wind down (remove its temp file). */
const STOP_GRACE_MS = 250;

/** What a world without a name of its own is called until it is saved as a file. */
const UNTITLED = 'Untitled';
/** What the console's New advises when its path is a file already (`pathTakenError`). */
const NEW_PATH_TAKEN = 'choose another name';

/**
 * The engine's world as one file: loads a workspace into the store, catalogue and settings; autosaves after
 * changes (debounced) and on close with atomic writes; notices when someone else changed the file (reloads
 * when we have nothing unsaved, reports a conflict otherwise); never overwrites a file it could not read.
 * Without a file the world lives in memory until saved as one.
 */
export class WorkspaceService {
  private readonly options: WorkspaceServiceOptions;
  /** The versions of the workspace file and its backups this engine knew, which a hard link may still reach. */
  private readonly fileVersions = new WorkspaceFileVersions();
  /** Null when this engine does not keep the user's recent list. */
  private readonly recent: RecentWorkspaces | null;
  private readonly listeners = new Set<StatusListener>();
  private readonly detachSources: (() => void)[];
  private file: string | null = null;
  /** The world's own name; null until a document gave it one (a world started without a file has none). */
  private name: string | null = null;
  private description: string | undefined;
  private schemaRef: string | undefined;
  private dirty = false;
  /** Changed by a person (`WorkspaceStatus.edited`): a change came in while a console write was being handled. */
  private edited = false;
  /** Console writes being handled now (`consoleWrite`). */
  private consoleWrites = 0;
  /** Data (records, a pack's) changed during a console write: measured for the room clients' writes have when it ends. */
  private consoleChangedData = false;
  /** When the oldest change no save has taken in yet came in. */
  private unsavedSince: number | null = null;
  /** Counts changes, so a save knows whether more came in while it was writing. */
  private changeCount = 0;
  /**
   * The world a save found too large to write (its `changeCount` and name): saved again before anything changes,
   * it would be encoded up to WORKSPACE_MAX_BYTES only to be refused again.
   */
  private tooLargeAt: { changes: number; name: string } | undefined;
  /** When the latest save failed, until one succeeds: a stream of changes retries autosaveMaxDelayMs after it. */
  private saveFailedAt: number | null = null;
  private lastSavedAt: number | null = null;
  private error: WorkspaceError | null = null;
  private errorAt = 0;
  private conflict: WorkspaceStatus['conflict'] = null;
  /** What the conflict is about, while there is one. */
  private conflictHow: 'changed' | 'deleted' = 'changed';
  /** The file on disk is not a valid workspace (someone else wrote it): autosave must not replace it. */
  private diskInvalid = false;
  /** Hash of the file content we last read or finished writing: events for our own writes are recognised by it. */
  private knownHash: string | undefined;
  /** Counts writes begun, so a look at the file knows whether one of ours overlapped it. */
  private writesStarted = 0;
  private writing = false;
  /** A save asked for but not begun yet: later requests join it (it takes its snapshot when it begins). */
  private queuedWrite: { file: string; explicit: boolean; done: Promise<void> } | undefined;
  /** Aborted when closing takes too long: the running save stops between two chunks. */
  private readonly stopSaving = new AbortController();
  private applying = false;
  private autosaveTimer: NodeJS.Timeout | undefined;
  /** When the latest change came in (autosave waits for a quiet spell after it). */
  private lastChangeAt = 0;
  private watchTimer: NodeJS.Timeout | undefined;
  /** What stops each watch (`watchFolder`). */
  private watchers: (() => void)[] = [];
  /** The chain of writes: each begins when the previous one has ended. */
  private queue: Promise<void> = Promise.resolve();
  /** Writes in the chain, running or waiting. */
  private queued = 0;
  private launchOverrides: Partial<ServerSettings> = {};
  /** The launch overrides as they were applied on top of the file's settings (see `launchOverrides`). */
  private appliedLaunch: Partial<ServerSettings> = {};
  /** The launch's settings someone changed since they were applied: the file's from then on (`settingsToSave`). */
  private changedSinceLaunch = new Set<keyof ServerSettings>();
  private fileSettings: ServerSettings | undefined;
  private closed = false;
  /** The unsaved changes being kept beside the file on closing (`keepUnsaved`): whether they were. */
  private keeping: Promise<boolean> | undefined;
  /** Stopping lost changes (`unsavedChangesLost`). */
  private changesLost = false;
  /**
   * What the documents `checkRoom` and `measureClientRoom` weigh take as files, and a file or an import read to be
   * served (`refuseUnsavable`). It remembers by identity what it measured, so an edit costs little, and what a load
   * serves as it was read (routes, static folders, sockets, agents, saved payloads) is not measured again once
   * served; records, pack data and scenarios are, since their stores keep copies of their own.
   */
  private readonly documentBytes = new DocumentBytes();
  /** Files and imports are checked for the engine's world, which then serves the HTTP mounts that check compiled. */
  private readonly decoding: WorkspaceDecoding;

  constructor(
    private readonly context: EngineContext,
    options: Partial<WorkspaceServiceOptions> = {},
  ) {
    this.options = { ...DEFAULTS, configDir: defaultConfigDir(), ...options };
    this.launchOverrides = { ...options.launchSettings };
    this.decoding = { servedBy: context.world };
    this.recent = this.options.recentWorkspaces ? new RecentWorkspaces(this.options.configDir, context.logger) : null;
    // Definitions change only by the console's edits and loads: each is measured for the room clients' writes have.
    const defined = () => this.changed('definitions');
    this.detachSources = [
      context.world.subscribe((change) => this.changed(change.type === 'mounts-changed' ? 'definitions' : 'data')),
      context.scenarios.subscribe(defined),
      context.payloads.subscribe(defined),
      context.liveSettings.subscribe((settings, previous) => {
        if (!this.applying) this.noteSettingsChanged(settings, previous);
        defined();
      }),
    ];
  }

  // ——— reading ————————————————————————————————————————————————————————————————

  status(): WorkspaceStatus {
    return {
      path: this.file,
      name: this.shownName(),
      version: WORKSPACE_VERSION,
      dirty: this.dirty,
      edited: this.edited,
      saving: this.writing,
      lastSavedAt: this.lastSavedAt,
      error: this.error?.toProblem(this.errorAt) ?? null,
      conflict: this.conflict,
      autosave: this.autosaveAllowed(),
      recent: this.recent?.cached() ?? [],
    };
  }

  async recentWorkspaces() {
    return this.recent ? this.recent.list() : [];
  }

  /**
   * The world as a workspace document (what a save writes, what an export downloads), as of this call. Cheap: it
   * shares the engine's values (frozen, or replaced rather than changed) instead of copying them, and does not
   * validate them again — everything was validated on the way in. Read only.
   */
  document(): Workspace {
    return {
      ...(this.schemaRef !== undefined && { $schema: this.schemaRef }),
      version: WORKSPACE_VERSION,
      name: this.shownName(),
      ...(this.description !== undefined && { description: this.description }),
      settings: this.settingsToSave(),
      ...this.context.world.definitions(),
      scenarios: this.context.scenarios.list(),
      payloads: [...this.context.payloads.list()],
    };
  }

  /**
   * Refuses an edit (through the control API) that would make the workspace larger than a file may be, before it is
   * stored: no save or export could then take the world. `change`: the parts of the document as the edit would
   * leave them. Everything the file holds counts, measured as it writes it — recorded history and the records
   * clients wrote too. An edit that leaves the workspace no larger is taken even past the limit (clients' traffic
   * can take it there), so deleting is always possible. Throws a WorkspaceError `too-large`.
   */
  checkRoom(change: Partial<Workspace>): void {
    const now = this.document();
    const after = this.documentBytes.of({ ...now, ...change });
    if (after <= WORKSPACE_MAX_BYTES) return;
    const before = this.documentBytes.of(now);
    if (after > before) throw editTooLarge(this.file ?? '(none)', after, before);
  }

  /**
   * Weighs what the file holds for the room clients' writes have (`ClientRoom`): the world as the file writes it, less
   * the recorded history packs would evict to fit. Called where definitions change (a load, an import, a console
   * edit), never per client request; measured by `documentBytes`, which remembers what it measured, so after the
   * first measure of a world only what changed is looked at.
   */
  private measureClientRoom(): void {
    const fileBytes = (item: unknown) => this.documentBytes.item(item, PACK_DATA_ITEM_LEVEL);
    let evictable = 0;
    for (const pack of this.context.world.packs()) evictable += pack.evictableBytes?.(fileBytes) ?? 0;
    this.context.world.clientRoom.measured(this.documentBytes.of(this.document()) - evictable);
  }

  /** The workspace file, absolute; null while the world lives in memory. */
  filePath(): string | null {
    return this.file;
  }

  /**
   * Whether a file (`stats` of any of its names) is a version of the workspace file `file` or of its backups this
   * engine knew — one a hard link made before a save still reaches — which is never served. `file` is the one open, or
   * the one an open is loading (its versions are remembered before its world is checked).
   */
  isFileVersion(file: string, stats: Stats): boolean {
    return this.fileVersions.includes(file, stats);
  }

  /** The folder the world reads its files from: its workspace file's, or the working folder without one. */
  servingFolder(): string {
    return servingFolder(this.file);
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
    let read: WorkspaceRead;
    try {
      read = await readWorkspaceFile(file, this.documentBytes, this.decoding);
    } catch (error) {
      if (error instanceof WorkspaceError && error.reason === 'not-found' && options.createIfMissing) {
        await this.createAt(file, options.createIfMissing, undefined);
        return { created: true };
      }
      throw error;
    }
    return this.attachRead(file, read);
  }

  /** `attach` for the console's Open: the file must exist; unsaved changes of the current world are saved first. */
  async open(path: string): Promise<AttachResult> {
    const file = resolve(path);
    // Validate before touching anything, so a bad file leaves the current world and its file as they are.
    let read = await readWorkspaceFile(file, this.documentBytes, this.decoding);
    await this.flushForSwitch();
    // Read again only when the file changed meanwhile (saving the unsaved changes may have written it): decoding and
    // checking GitHub's 1,223 routes takes ~0.65 s. Whatever keeps its hash from being taken, the read says.
    const unchanged = await hashOfFile(file).then(
      (hash) => hash === hashOf(read.text),
      () => false,
    );
    if (!unchanged) read = await readWorkspaceFile(file, this.documentBytes, this.decoding);
    return this.attachRead(file, read);
  }

  /** Serves `read`, the file `file` as just read, and keeps in step with the file from now on. */
  private async attachRead(file: string, read: WorkspaceRead): Promise<AttachResult> {
    const { workspace, migratedFrom, checked } = read;
    let { text } = read;
    // A hard link to this version or to a backup is refused even once a save has put a new file in its place.
    await this.fileVersions.remember(file);
    await this.fileVersions.rememberBackups(file);
    let backup: string | undefined;
    if (migratedFrom !== undefined) ({ backup, text } = await this.rewriteMigrated(file, workspace));
    this.apply(workspace, file, 'load', checked);
    // Said as a reload of a migrated file says it: serve's log and the console's open alike.
    if (migratedFrom !== undefined)
      this.context.logger.info(
        `workspace: opened ${file}, migrated from version ${migratedFrom}; the original is ${backup}`,
      );
    this.attachFile(file, hashOf(text));
    await this.remember();
    this.emit();
    return { created: false, ...(migratedFrom !== undefined && { migratedFrom, backup }) };
  }

  /**
   * The world an engine starts with when it has no file: a template, in memory, untitled, with nothing unsaved
   * (saving it is a choice, not a loss to warn about).
   */
  startWith(template: WorkspaceTemplate): void {
    this.apply(WorkspaceSchema.parse(workspaceTemplate(template, this.options.now())), null);
    // The template's name is not the world's own: saved as a file, it is named after the file.
    this.name = null;
    this.emit();
  }

  /** A fresh world from a template; saved to `path` at once when given (which must not exist yet). */
  async create(template: WorkspaceTemplate, path?: string, name?: string): Promise<void> {
    if (path !== undefined) {
      const file = resolve(path);
      if (await pathExists(file)) throw await pathTakenError(file, NEW_PATH_TAKEN);
      await this.flushForSwitch();
      await this.createAt(file, template, name);
      return;
    }
    await this.flushForSwitch();
    this.detachFile();
    this.apply(WorkspaceSchema.parse(workspaceTemplate(template, this.options.now(), name)), null);
    this.dirty = true;
    this.emit();
  }

  /**
   * Handles a console write (a control API request that may change the world): what changes meanwhile was changed by
   * a person, not by clients' traffic (`WorkspaceStatus.edited`). Traffic handled while it awaits counts too: it
   * errs on the side of asking before an untitled world is dropped.
   */
  async consoleWrite<T>(write: () => Promise<T>): Promise<T> {
    this.consoleWrites++;
    try {
      return await write();
    } finally {
      this.consoleWrites--;
      if (this.consoleChangedData && !this.closed) {
        this.consoleChangedData = false;
        this.measureClientRoom();
      }
    }
  }

  /**
   * An import's text (a document sent whole) decoded as a file's text is — looked through once, parsed once, named
   * `import` in its problems, its files served from this workspace's folder — and found openable once written with
   * the file's indent; not applied yet (`applyImport`). `refusedText` answers text refused before it is parsed.
   */
  decodeImport(text: string, refusedText: (refusal: JsonTextRefusal) => Error): DecodedWorkspace {
    const decoded = decodeWorkspaceText(text, IMPORTED_DOCUMENT, {
      ...this.decoding,
      baseDir: servingFolder(this.file),
      refusedText,
    });
    const { workspace } = decoded;
    // A compact body within the limit may pass it once written with the file's indent: then no save would take it.
    // Weighed by the measure that weighs the world once it is served (`measureClientRoom`), which then does not
    // measure again what it remembers of it.
    refuseUnsavable(workspace, IMPORTED_DOCUMENT, 'import', this.documentBytes);
    return decoded;
  }

  /** Replaces the world with an import (`decodeImport`): marked unsaved, autosaved when attached. */
  applyImport({ workspace, checked }: DecodedWorkspace): void {
    this.apply(workspace, this.file, 'load', checked);
    this.markChanged();
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
    await this.saveOnPurpose(this.file);
    return this.status();
  }

  /**
   * An explicit save of `file`. A file back on disk since the engine found it deleted (a conflict that advises a
   * save) is not written over: it is looked at as any file changed on disk is (loaded, or a conflict), and the status
   * says which.
   */
  private async saveOnPurpose(file: string): Promise<void> {
    try {
      await this.enqueueWrite(file, true);
    } catch (error) {
      if (!(error instanceof ChangedOnDisk)) throw error;
      await this.checkDisk(file);
    }
  }

  /**
   * Writes the world to `path` and makes that the workspace file from now on. A world without a name of its own
   * takes the file's (`shop.agui.json` → `shop`), in the file too; if the write fails it stays unnamed.
   */
  async saveAs(path: string): Promise<WorkspaceStatus> {
    const file = resolve(path);
    const from = servingFolder(this.file);
    if (dirname(file) !== from) return this.saveElsewhere(file, from);
    const unnamed = this.name === null;
    if (unnamed) this.name = workspaceNameFor(file);
    this.clearAutosave();
    try {
      await this.saveOnPurpose(file);
    } catch (error) {
      if (unnamed) this.name = null;
      throw error;
    }
    this.attachFile(file, this.knownHash);
    await this.remember();
    this.emit();
    return this.status();
  }

  /**
   * Save as into another folder: the workspace moves with its file (`relocateWorkspace`), so that, opened from
   * there, it serves what it serves here — static folders and the certificate rebased, and a refusal (changing
   * nothing) naming each file a route answers with that is not there. Written first, as that folder reads it; only
   * then does the engine read its files from there: a disk that refuses leaves the engine and its file as they
   * were, and an autosave meanwhile still writes the old file as the old folder reads it.
   */
  private async saveElsewhere(file: string, from: string): Promise<WorkspaceStatus> {
    const to = dirname(file);
    const name = this.name ?? workspaceNameFor(file);
    const { workspace, leftBehind } = await relocateWorkspace({ ...this.document(), name }, from, to);
    const [first, ...rest] = leftBehind;
    if (first) {
      throw new WorkspaceError({
        operation: 'save',
        reason: 'left-behind',
        file,
        path: first.path,
        problem: `${first.problem}: copy it there first (keeping its path), or save in ${from}`,
        otherProblems: rest.slice(0, 50),
      });
    }
    const changesBefore = this.changeCount;
    const text = encodeWorkspace(workspace);
    this.clearAutosave();
    try {
      await this.enqueue(() => this.writeText(file, text, { roomFirst: true }));
    } catch (error) {
      if (!(error instanceof WorkspaceTooLarge)) throw error;
      // Recorded history may give way, as for a save of the file itself (`write`).
      if (await this.madeRoom()) return this.saveElsewhere(file, from);
      throw await this.saveFailure(file, error);
    }
    this.moveServingFolder(from, to);
    this.name = name;
    this.schemaRef = workspace.$schema;
    this.attachFile(file, hashOf(text));
    this.lastSavedAt = this.options.now();
    this.conflict = null;
    this.diskInvalid = false;
    this.error = null;
    this.saveFailedAt = null;
    // What changed while it was written is not in the file: autosave writes it there next.
    if (this.changeCount === changesBefore) {
      this.dirty = false;
      this.edited = false;
      this.unsavedSince = null;
    } else this.scheduleAutosave();
    await this.remember();
    this.emit();
    return this.status();
  }

  /** The engine reads its files from `to` from now on, its paths rebased as `relocateWorkspace` rebased the file's. */
  private moveServingFolder(from: string, to: string): void {
    this.applying = true;
    this.tooLargeAt = undefined;
    try {
      this.context.world.relocate(to, rebasedStaticFolders(this.context.world.definitions().staticFolders, from, to));
      if (this.fileSettings)
        this.fileSettings = { ...this.fileSettings, tls: rebasedTlsSetting(this.fileSettings.tls, from, to) };
      const { tls } = this.context.liveSettings.get();
      // A certificate given at launch is not the file's: it stays as given.
      if (!isDeepStrictEqual(tls, this.appliedLaunch.tls))
        this.context.liveSettings.update({ tls: rebasedTlsSetting(tls, from, to) });
    } finally {
      this.applying = false;
    }
  }

  /**
   * Stops watching; writes pending changes first, waiting at most `closeTimeoutMs` for that: a save still running
   * then is stopped, and says so in the log. Changes autosave is held back from writing (a conflict, a bad file on
   * disk), or a world too large for its file (`closingTooLarge`), are written beside the file instead
   * (`keepUnsaved`), waited for to the end: nowhere else are they kept.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    const saving = this.dirty && this.autosaveAllowed();
    const heldBack = this.dirty && !saving && this.file !== null;
    const why = saving ? this.closingTooLarge() : heldBack ? this.autosaveHeldBack() : undefined;
    const flush = saving && why === undefined;
    this.closed = true;
    for (const detach of this.detachSources) detach();
    this.clearAutosave();
    clearTimeout(this.watchTimer);
    this.stopWatching();
    if (flush) this.autosave();
    else if (why !== undefined) {
      const file = this.file as string;
      // After any save still running; not stopped at the deadline as a save of the file is.
      this.keeping = this.enqueue(() => this.keepUnsaved(file, this.document(), why));
      await this.keeping;
    }
    await this.closeSaves();
    // Closing's own save may have found the file changed on disk, and be keeping its changes beside it (`write`).
    const kept = await this.keeping;
    if (this.dirty && this.file !== null && kept !== true) {
      this.changesLost = true;
      // Where keeping them failed, that said so; else closing's save failed or was stopped, as said above.
      if (kept === undefined)
        this.context.logger.error(`workspace: unsaved changes lost: closing's save of ${this.file} did not complete`);
    }
  }

  /**
   * Whether stopping lost changes, as the log said: closing's save failed or was stopped and they were not kept
   * beside the file either, or Ctrl+C's copy of an untitled world's console changes could not be written
   * (`agui-mock serve` exits non-zero then). Changes kept beside the file are not lost: the log says where.
   */
  unsavedChangesLost(): boolean {
    return this.changesLost;
  }

  /** `close()`'s wait for the saves running or queued: at most `closeTimeoutMs`, then they are stopped. */
  private async closeSaves(): Promise<void> {
    if (await settlesWithin(this.idle(), this.options.closeTimeoutMs)) return;
    this.stopSaving.abort();
    // It stops at its next chunk; one already syncing or renaming its complete temp file cannot be stopped, and
    // is left to finish (or to die with the process: the rename is atomic, a stale temp file goes next time).
    const stopped = await settlesWithin(this.idle(), STOP_GRACE_MS);
    const saving = `workspace: saving ${this.file} did not finish within ${this.options.closeTimeoutMs} ms of shutting down`;
    if (!stopped) {
      this.context.logger.warn(`${saving}; left to wind down: the file stays whole, the previous version or this one`);
    } else if (this.dirty) {
      this.context.logger.warn(
        `${saving} and was stopped; the file keeps its last saved version, without the latest changes`,
      );
    }
  }

  /**
   * Why closing's last save could not take the world, when it is larger than its file may be: it is then kept beside
   * the file whole (`keepUnsaved`) and no save is begun. Found by the measure (`DocumentBytes`), not by encoding up to
   * 64 MiB only to be refused: on a busy machine that outran the deadline, the save was stopped before the verdict
   * came, and the changes were lost. Measured at once, before the deadline is armed: the deadline bounds the save, not
   * the measuring; a paced measure would let the deadline pass before the verdict (and close() stop waiting for it).
   * Its cost is one pass of stringifying each part (less than an encode: a first measure of 64 MiB is a few hundred
   * ms; what an edit weighed before, `checkRoom`, is remembered), and the engine is stopping (its control API and
   * sockets are closed by then).
   */
  private closingTooLarge(): string | undefined {
    if (this.documentBytes.of(this.document()) <= WORKSPACE_MAX_BYTES) return undefined;
    return `${this.file} would be ${TOO_LARGE_TO_OPEN}`;
  }

  /** Why autosave may not write the file now, as the log says it (only asked while it may not). */
  private autosaveHeldBack(): string {
    if (this.conflict !== null) return `${this.file} was ${this.conflictHow} on disk since they were made`;
    return `${this.file} on disk is not a workspace this engine loads (${this.error?.problem ?? 'refused'})`;
  }

  /**
   * On closing (or switching worlds), the changes autosave was held back from writing over the file (`why`) are the
   * only copy of themselves: written atomically beside it as `FILE.unsaved-<time>.json` (never over anything; with
   * the file's permissions, or the owner's alone when it is gone: it holds the same keys), in full whatever it
   * takes, and the log says where. Never throws: whether they were kept.
   */
  private async keepUnsaved(file: string, document: Workspace, why: string): Promise<boolean> {
    const mode = (await stat(file).catch(() => undefined))?.mode ?? 0o600;
    const kept = await this.writeUnsavedCopy(file, document, mode & 0o777);
    if ('copy' in kept) {
      this.context.logger.warn(`workspace: unsaved changes kept in ${kept.copy}: ${why}, so it was left as it is`);
      return true;
    }
    this.context.logger.error(`workspace: unsaved changes lost: ${why}, and ${kept.failure}`);
    return false;
  }

  /**
   * For `agui-mock serve` stopped with Ctrl+C: an untitled world changed through the control API (`edited`) is
   * written to `untitled.unsaved-<time>.json` in the folder it serves files from (where it was started, so its
   * relative paths still hold; the owner's permissions alone: it may hold keys), and the path returned. Undefined
   * when there is nothing to keep: a world with a file (autosave and `close` see to it) or one only clients changed.
   * Never throws: a copy that cannot be written is said in the log.
   */
  async keepUntitledEdits(): Promise<string | undefined> {
    if (this.file !== null || !this.edited) return undefined;
    const file = join(servingFolder(null), UNTITLED_COPY);
    const kept = await this.enqueue(() => this.writeUnsavedCopy(file, this.document(), 0o600));
    if ('copy' in kept) return kept.copy;
    this.changesLost = true;
    this.context.logger.error(`workspace: the untitled world's console changes lost: ${kept.failure}`);
    return undefined;
  }

  /** Writes `document` to a free `unsavedCopyName` of `file` (never over anything); what failed, in words, if not. */
  private async writeUnsavedCopy(
    file: string,
    document: Workspace,
    mode: number,
  ): Promise<{ copy: string } | { failure: string }> {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const copy = unsavedCopyName(file, this.options.now(), attempt);
      try {
        // Whatever its size: the only place these changes are kept (a person can trim one too large to open).
        await writeFileAtomic(copy, encodeWorkspaceChunks(document), this.options.fileHooks, { exclusive: true, mode });
        return { copy };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        return { failure: `keeping them in ${copy} failed (${await describeFsErrorAt(error, copy)})` };
      }
    }
    return { failure: 'no free name was found beside it' };
  }

  /**
   * The file's text of the world for a download named `file` (`exportableChunks`); a world too large for a file makes
   * room first when recorded history can (`madeRoom`), as a save does.
   */
  async exportChunks(file: string): Promise<string[]> {
    for (;;) {
      try {
        return await exportableChunks(this.document(), file);
      } catch (error) {
        if (!(error instanceof WorkspaceError && error.reason === 'too-large') || !(await this.madeRoom())) throw error;
      }
    }
  }

  /**
   * A save or an export found the world larger than its file may be: when the history agent runs recorded (never
   * what was made by hand) can make it fit, the least recently active of it gives way, down to ROOM_TARGET_BYTES so
   * the next runs have room, as the history limits evict (the packs announce it); the log says what went and why.
   * Measured once, paced (`DocumentBytes.ofPaced`), by a measure of its own that is dropped after. Whether it did.
   */
  private async madeRoom(): Promise<boolean> {
    const packs = this.context.world.packs().filter((pack) => pack.makeRoom !== undefined);
    if (packs.length === 0) return false;
    const measure = new DocumentBytes();
    const before = await measure.ofPaced(this.document());
    let now = before;
    const fileBytes = (item: unknown) => measure.item(item, PACK_DATA_ITEM_LEVEL);
    let sessions = 0;
    let messages = 0;
    let evicted = false;
    for (const pack of packs) {
      if (now <= WORKSPACE_MAX_BYTES) break;
      const made = pack.makeRoom?.({ needed: now - WORKSPACE_MAX_BYTES, wanted: now - ROOM_TARGET_BYTES, fileBytes });
      if (!made) continue;
      evicted = true;
      sessions += made.deletedSessions;
      messages += made.removedMessages;
      now = measure.of(this.document());
    }
    if (!evicted) return false;
    this.context.logger.warn(
      `workspace: ${counted(sessions, 'recorded session')} evicted so the workspace fits in its file ` +
        `(${describeBytes(WORKSPACE_MAX_BYTES)}): it would have been ${describeMegabytes(before)}, and is ${describeMegabytes(now)}; ` +
        `${counted(messages, 'recorded message')} went, least recently active first (hand-made ` +
        'history is kept; lower maxRecordedBytes to keep less)',
    );
    return true;
  }

  // ——— internals ————————————————————————————————————————————————————————————

  private shownName(): string {
    return this.name ?? UNTITLED;
  }

  private async createAt(file: string, template: WorkspaceTemplate, name: string | undefined): Promise<void> {
    const workspace = newWorkspaceDocument(file, template, this.options.now(), name);
    const text = encodeWorkspace(workspace);
    // Its missing folders are made, as `mkdir -p` would; a folder that cannot be made is refused as a write is, with
    // the file system's reason (a read-only one is EROFS, not the ENOENT the write would then meet).
    const made = await makeFolders(dirname(file)).catch(async (error: unknown) => {
      throw await this.saveFailure(file, error);
    });
    // Written before it becomes the world: if the disk refuses, the current world and its file stay as they are, and
    // so does the disk (the folders made for it go). Never over a file: one may have been made there since the
    // caller looked (while the old world was saved).
    try {
      await this.enqueue(() => this.writeText(file, text, { exclusive: true }));
    } catch (error) {
      await removeFolders(made);
      throw error;
    }
    this.apply(workspace, file);
    this.attachFile(file, hashOf(text));
    this.lastSavedAt = this.options.now();
    await this.remember();
    this.emit();
  }

  /**
   * Puts a valid workspace into the engine; files its mounts name are relative to `file`'s folder (the working
   * folder for a world without a file). The file's own settings (the launch's on top) are live first, so the world is
   * checked against them, as `validate` checks it, not against the settings of the world it replaces. Everything
   * that checks itself again (the settings, the world, the payloads) is checked before anything is kept: a workspace
   * the engine refuses throws a WorkspaceError (`operation`) and leaves the engine as it was. `checked`: its world as
   * decoding it checked it, whose HTTP mounts are served rather than compiled again.
   */
  private apply(
    workspace: Workspace,
    file: string | null,
    operation: WorkspaceProblem['operation'] = 'load',
    checked?: CheckedWorld,
  ): void {
    const { packs, routes, collections, staticFolders, sockets, agents } = workspace;
    const appliedLaunch = launchOverrides(workspace.settings, this.launchOverrides);
    const previousSettings = this.context.liveSettings.get();
    this.applying = true;
    this.tooLargeAt = undefined;
    try {
      const settings = this.context.liveSettings.update({ ...workspace.settings, ...appliedLaunch });
      try {
        // On a copy first: the payloads are the last step, which must not fail once the world is swapped.
        new SavedPayloads({ maxJsonDepth: () => settings.maxJsonDepth }).load(workspace.payloads);
        this.context.world.replace(
          { packs, routes, collections, staticFolders, sockets, agents },
          servingFolder(file),
          new Set(workspace.scenarios.map((scenario) => scenario.id)),
          { file },
          checked,
        );
      } catch (error) {
        this.context.liveSettings.update(previousSettings);
        throw error;
      }
      this.fileSettings = workspace.settings;
      this.appliedLaunch = appliedLaunch;
      this.changedSinceLaunch = new Set();
      this.context.scenarios.replace(workspace.scenarios);
      this.context.payloads.load(workspace.payloads);
    } catch (error) {
      throw refusedWorkspace(error, file ?? '(new workspace)', operation);
    } finally {
      this.applying = false;
    }
    this.name = workspace.name;
    this.description = workspace.description;
    this.schemaRef = workspace.$schema;
    this.dirty = false;
    this.edited = false;
    this.unsavedSince = null;
    this.conflict = null;
    this.diskInvalid = false;
    this.error = null;
    this.saveFailedAt = null;
    this.clearAutosave();
    this.measureClientRoom();
  }

  /** Launch overrides (e.g. `--speed 0` in CI) stay out of the file unless someone changed them since. */
  private settingsToSave(): ServerSettings {
    const live = this.context.liveSettings.get();
    if (!this.fileSettings) return live;
    return settingsToSave(live, this.fileSettings, this.launchOverrides, this.appliedLaunch, this.changedSinceLaunch);
  }

  private noteSettingsChanged(settings: ServerSettings, previous: ServerSettings): void {
    for (const key of Object.keys(this.appliedLaunch) as (keyof ServerSettings)[]) {
      if (!isDeepStrictEqual(settings[key], previous[key])) this.changedSinceLaunch.add(key);
    }
  }

  /**
   * `what` changed: the world's definitions (only the console and loads change them), or data (records, a pack's
   * users and sessions), which clients' traffic changes too and charges to the room it has (`ClientRoom`) itself.
   */
  private changed(what: 'definitions' | 'data'): void {
    if (this.applying || this.closed) return;
    if (what === 'definitions') this.measureClientRoom();
    else if (this.consoleWrites > 0) this.consoleChangedData = true;
    this.markChanged();
  }

  private markChanged(): void {
    this.changeCount++;
    this.unsavedSince ??= this.options.now();
    const news = !this.dirty || (this.consoleWrites > 0 && !this.edited);
    this.dirty = true;
    if (this.consoleWrites > 0) this.edited = true;
    if (news) this.emit();
    this.scheduleAutosave();
  }

  private autosaveAllowed(): boolean {
    return this.file !== null && this.conflict === null && !this.diskInvalid && !this.closed;
  }

  /**
   * A write nobody waits for: its failure is logged here, where a save, an open or a start hands it to its caller
   * (who shows it once); the status shows it either way.
   */
  private autosave(): void {
    void this.enqueueWrite(this.file as string, false).catch((error: unknown) => {
      if (error instanceof WorkspaceError) this.context.logger.warn(`workspace: ${error.message}`);
    });
  }

  /**
   * A save `autosaveDelayMs` after the latest change, or `autosaveMaxDelayMs` after the oldest unsaved one (or after
   * the latest failed save, while saves fail), whichever comes first. One timer per quiet spell, not one per change:
   * a busy engine changes its data thousands of times a second (every run records into its session), and the
   * timer, when it fires, re-arms for what is left.
   */
  private scheduleAutosave(): void {
    if (!this.autosaveAllowed()) return;
    this.lastChangeAt = this.options.now();
    if (this.autosaveTimer === undefined) this.armAutosave(this.autosaveDue());
  }

  /** Milliseconds until the save is due. */
  private autosaveDue(): number {
    const { autosaveDelayMs, autosaveMaxDelayMs } = this.options;
    const now = this.options.now();
    const afterQuiet = this.lastChangeAt + autosaveDelayMs;
    // A save that failed (a workspace too large, a full disk) is retried for a stream of changes once a period, not
    // as soon as it ends: each retry encodes the whole workspace again (up to 64 MiB for one too large).
    const since = Math.max(this.unsavedSince ?? now, this.saveFailedAt ?? Number.NEGATIVE_INFINITY);
    const atLatest = since + Math.max(autosaveDelayMs, autosaveMaxDelayMs);
    return Math.max(0, Math.min(afterQuiet, atLatest) - now);
  }

  private armAutosave(delay: number): void {
    this.autosaveTimer = setTimeout(() => {
      this.autosaveTimer = undefined;
      if (!this.dirty || !this.autosaveAllowed()) return;
      // Judged once the writes running now have ended: one that fails puts the next autosave off (`autosaveDue`).
      if (this.queued > 0) {
        void this.idle().then(() => {
          if (this.autosaveTimer === undefined && this.dirty && this.autosaveAllowed())
            this.armAutosave(this.autosaveDue());
        });
        return;
      }
      const due = this.autosaveDue();
      if (due > 0) this.armAutosave(due);
      else this.autosave();
    }, delay);
    this.autosaveTimer.unref();
  }

  private clearAutosave(): void {
    clearTimeout(this.autosaveTimer);
    this.autosaveTimer = undefined;
  }

  /** A save of the world; joins one that is asked for but not begun (it will include every change up to then). */
  private enqueueWrite(file: string, explicit: boolean): Promise<void> {
    const queued = this.queuedWrite;
    if (queued?.file === file) {
      queued.explicit ||= explicit;
      return queued.done;
    }
    const entry = { file, explicit, done: Promise.resolve() };
    entry.done = this.enqueue(() => {
      if (this.queuedWrite === entry) this.queuedWrite = undefined;
      return this.write(entry.file, entry.explicit);
    });
    this.queuedWrite = entry;
    return entry.done;
  }

  /** Writes run one after another, so two never race to rename over the same file. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.queued++;
    const run = this.queue.then(task);
    this.queue = run.then(
      () => {
        this.queued--;
      },
      () => {
        this.queued--;
      },
    );
    return run;
  }

  /** Resolves once no write is running or waiting. */
  private async idle(): Promise<void> {
    let last: Promise<void>;
    do {
      last = this.queue;
      await last;
    } while (last !== this.queue);
  }

  /**
   * Writes a snapshot of the world in chunks, hashing them on the way: nothing is copied, validated again or
   * turned into one big string, so the engine keeps serving while a big workspace is written. An autosave looks at
   * the file last, just before replacing it: if someone else wrote (or deleted) it since we last read or wrote it
   * (an edit the watcher has not got to yet), it is left as it is and the conflict reported, as the watcher does. An
   * explicit save (the console's "keep mine") replaces it.
   */
  private async write(file: string, explicit: boolean): Promise<void> {
    const changesBefore = this.changeCount;
    const unsavedSince = this.unsavedSince;
    this.unsavedSince = null;
    const document = this.document();
    const hash = createHash('sha256');
    const stop = this.stopSaving.signal;
    function* chunks() {
      for (const chunk of encodeWorkspaceChunks(document)) {
        if (stop.aborted) throw new Error('stopped while shutting down');
        const bytes = Buffer.from(chunk, 'utf8'); // encoded once, for the hash and the file
        hash.update(bytes);
        yield bytes;
      }
    }
    const knownHash = this.knownHash;
    const unchangedOnDisk = async () => {
      const now = await hashOfFile(file);
      if (now !== (knownHash ?? 'missing')) throw new ChangedOnDisk(now === 'missing' ? 'deleted' : 'changed');
    };
    try {
      const { tooLargeAt } = this;
      if (tooLargeAt?.changes === changesBefore && tooLargeAt.name === document.name) {
        // Nothing changed since it was found too large: refused as then, without encoding it all again.
        throw await this.saveFailure(file, new WorkspaceTooLarge());
      }
      await this.writeText(file, chunks(), {
        // An explicit save writes over a version it knows of, not over a file back since it was found deleted.
        beforeReplace: explicit && (file !== this.file || knownHash !== undefined) ? undefined : unchangedOnDisk,
        roomFirst: true,
      });
    } catch (caught) {
      this.unsavedSince = unsavedSince ?? this.unsavedSince;
      // Found too large as it was written: recorded history may give way, and the world is saved without it. Not
      // while closing: measuring and writing again may not fit in closing's deadline, and a save stopped there loses
      // the changes, which a refusal keeps beside the file whole (`keepUnsaved`).
      if (caught instanceof WorkspaceTooLarge && !this.closed && (await this.madeRoom()))
        return this.write(file, explicit);
      const error = caught instanceof WorkspaceTooLarge ? await this.saveFailure(file, caught) : caught;
      this.saveFailedAt = this.options.now();
      const tooLarge = error instanceof WorkspaceError && error.reason === 'too-large';
      if (tooLarge) this.tooLargeAt = { changes: changesBefore, name: document.name };
      if (tooLarge && this.closed && this.file === file) {
        // Closing's last save, refused: there is no later one to take these changes, and beside the file they
        // are kept whatever their size.
        this.keeping = this.keepUnsaved(file, document, `${file} would be ${TOO_LARGE_TO_OPEN}`);
        await this.keeping;
        return;
      }
      if (!(error instanceof ChangedOnDisk)) throw error;
      if (explicit && this.file === file && !this.closed) throw error; // `saveOnPurpose` looks at it
      if (this.file === file && !this.closed) this.reportConflict(file, error.how);
      else if (this.file === file && this.dirty) {
        // Closing's last save: there is no later one to take these changes.
        this.keeping = this.keepUnsaved(file, document, `${file} was ${error.how} on disk since they were made`);
        await this.keeping;
      } else this.context.logger.warn(`workspace: ${file} was ${error.how} on disk: not saved over`);
      return;
    }
    this.knownHash = hash.digest('hex');
    this.lastSavedAt = this.options.now();
    this.saveFailedAt = null;
    if (this.changeCount === changesBefore) {
      this.dirty = false;
      this.edited = false;
    } else this.scheduleAutosave();
    if (explicit) {
      this.conflict = null;
      this.diskInvalid = false;
    }
    if (this.error?.operation === 'save' || explicit) this.error = null;
    this.emit();
  }

  /**
   * One atomic write; a failure is reported in the status and thrown as a WorkspaceError. One that runs a while
   * shows in the status as `saving`. `exclusive`: a file there is left as it is (a WorkspaceError `exists`). A
   * document larger than a workspace may be is refused (`too-large`) rather than written as a file the engine would
   * then refuse to open; `roomFirst`: thrown as the WorkspaceTooLarge it is, the status untouched, for a caller that
   * lets recorded history make room (`madeRoom`) before it reports a failure.
   */
  private async writeText(
    file: string,
    data: string | Iterable<string | Uint8Array>,
    {
      beforeReplace,
      exclusive = false,
      roomFirst = false,
    }: { beforeReplace?: () => Promise<void>; exclusive?: boolean; roomFirst?: boolean } = {},
  ): Promise<void> {
    this.writesStarted++;
    this.writing = true;
    const notice = setTimeout(() => this.emit(), SAVING_NOTICE_MS);
    notice.unref();
    try {
      await removeStaleTemps(file);
      await writeFileAtomic(file, withinWorkspaceLimit(data), this.options.fileHooks, {
        beforeReplace: async (target) => {
          await beforeReplace?.();
          // Last, when the version there is certain to be replaced: a hard link to it still reaches it after.
          await this.fileVersions.replacing(file, target);
        },
        exclusive,
      });
      await this.fileVersions.remember(file);
    } catch (error) {
      if (this.stopSaving.signal.aborted || error instanceof ChangedOnDisk) throw error; // close(), write() report it
      if (roomFirst && error instanceof WorkspaceTooLarge) throw error;
      if (exclusive && (error as NodeJS.ErrnoException).code === 'EEXIST')
        throw await pathTakenError(file, NEW_PATH_TAKEN);
      this.writing = false;
      throw await this.saveFailure(file, error);
    } finally {
      clearTimeout(notice);
      this.writing = false;
    }
  }

  /**
   * A write to `file` that failed (`error`: WorkspaceTooLarge, or what the file system threw) as the WorkspaceError
   * its caller throws. The workspace's own file in trouble (an autosave, a save) is in the status until a save
   * succeeds. Another path (save as, new, open's migration) is a refused request: its answer says why, and the
   * workspace and its file are as they were, so the status is not touched.
   */
  private async saveFailure(file: string, error: unknown): Promise<WorkspaceError> {
    const own = file === this.file;
    const left = own ? 'the file on disk is unchanged' : 'nothing was written there, and the workspace is as it was';
    const failure =
      error instanceof WorkspaceTooLarge
        ? new WorkspaceError({ operation: 'save', reason: 'too-large', file, problem: `${error.message} (${left})` })
        : new WorkspaceError({
            operation: 'save',
            file,
            problem: `could not save (${await describeFsErrorAt(error, file)}); ${left}`,
            cause: error,
          });
    if (own) {
      this.setError(failure);
      this.emit();
    }
    return failure;
  }

  private attachFile(file: string, hash: string | undefined): void {
    if (this.file !== file) {
      this.detachFile();
      this.file = file;
      this.fileVersions.keepOnly(file);
      this.startWatching(file);
    }
    this.knownHash = hash;
    this.lastSavedAt ??= this.options.now();
  }

  private detachFile(): void {
    this.stopWatching();
    clearTimeout(this.watchTimer);
    this.file = null;
    this.knownHash = undefined;
    this.lastSavedAt = null;
    this.error = null;
  }

  /**
   * Watches the folder, not the file: editors (and we) replace files by renaming, which ends a file watch. A file
   * reached through a symbolic link is watched in the target's folder too (saves write there, so may others). A
   * folder removed and made again is watched again (`watchFolder`), and the file looked at then.
   */
  private startWatching(file: string): void {
    const places = new Map<string, Set<string>>([[dirname(file), new Set([basename(file)])]]);
    try {
      const target = realpathSync(file);
      if (target !== file)
        places.set(dirname(target), new Set([...(places.get(dirname(target)) ?? []), basename(target)]));
    } catch {
      // Not there or not resolvable: the file's own folder is watched.
    }
    const changed = () => {
      clearTimeout(this.watchTimer);
      this.watchTimer = setTimeout(() => void this.checkDisk(file), this.options.watchDelayMs);
      this.watchTimer.unref();
    };
    for (const [folder, names] of places) {
      try {
        this.watchers.push(
          watchFolder(folder, names, changed, (error) =>
            this.context.logger.warn(`workspace: watching ${file} failed: ${error}`),
          ),
        );
      } catch (error) {
        this.context.logger.warn(`workspace: cannot watch ${file} for outside changes: ${(error as Error).message}`);
      }
    }
  }

  private stopWatching(): void {
    for (const stop of this.watchers) stop();
    this.watchers = [];
  }

  /**
   * Someone may have changed the file: reload it when we have nothing unsaved, else report the conflict. Never
   * throws (it runs from a timer): whatever goes wrong is logged and shown in the status, and the engine keeps
   * serving the world it has.
   */
  private async checkDisk(file: string): Promise<void> {
    try {
      await this.lookAtDisk(file);
    } catch (error) {
      if (this.closed) return;
      const failure = new WorkspaceError({
        operation: 'watch',
        file,
        problem: `could not look at the file after it changed on disk (${errorMessage(error)})`,
        cause: error,
      });
      this.setError(failure);
      this.context.logger.error(`workspace: ${failure.message}`, error);
      this.emit();
    }
  }

  private async lookAtDisk(file: string): Promise<void> {
    let onDisk: Awaited<ReturnType<typeof readIfChanged>>;
    for (;;) {
      // While one of our writes runs, the file is ours either way (the previous save, or this one once renamed).
      await this.idle();
      if (this.file !== file || this.closed) return;
      const writes = this.writesStarted;
      try {
        onDisk = await readIfChanged(file, this.knownHash);
      } catch (error) {
        // What is there was not seen (permissions, an I/O error): said, and autosave waits rather than replace it.
        onDisk = { refused: `cannot read the file (${await describeFsErrorAt(error, file, 'read')})` };
      }
      // Judged only when none of our writes overlapped the read: else our own save would look like theirs.
      if (this.writesStarted === writes) break;
    }
    // Someone else's version, which they may replace next: a hard link to it would outlive the name.
    await this.fileVersions.remember(file);
    if (onDisk === 'unchanged' || this.file !== file || this.closed) return;
    if (onDisk === 'missing') {
      if (this.knownHash === undefined) return;
      this.reportConflict(file, 'deleted');
      return;
    }
    if ('refused' in onDisk) {
      // Nothing there to take or keep (a folder, a FIFO, a file too large, one that cannot be read): said as it is,
      // not as a conflict the console's "open the file" could resolve.
      if (onDisk.hash !== undefined) this.knownHash = onDisk.hash;
      this.refuseDiskVersion(new WorkspaceError({ operation: 'watch', file, problem: onDisk.refused }));
      return;
    }
    const { bytes, hash } = onDisk;
    try {
      // Read with unsaved changes here too: a conflict offers to open the file, which a broken one is not.
      const { workspace, migratedFrom, checked } = decodeWorkspaceBytes(bytes, file, this.documentBytes, this.decoding);
      if (this.dirty) {
        // Known from now on, so the next version is judged against this one: the broken one written back too.
        this.knownHash = hash;
        this.reportConflict(file, 'changed');
        return;
      }
      if (migratedFrom === undefined) {
        this.apply(workspace, file, 'watch', checked);
        this.knownHash = hash;
        this.context.logger.info(`workspace: reloaded ${file} (changed on disk)`);
      } else {
        const { backup, text } = await this.rewriteMigrated(file, workspace);
        this.apply(workspace, file, 'watch', checked);
        this.knownHash = hashOf(text);
        this.context.logger.info(
          `workspace: reloaded ${file} (changed on disk), migrated from version ${migratedFrom}; the original is ${backup}`,
        );
      }
      this.error = null;
    } catch (error) {
      this.knownHash = hash;
      this.refuseDiskVersion(refusedWorkspace(error, file, 'watch'));
      return;
    }
    this.emit();
  }

  /**
   * Keeps the world as it is and leaves the file alone until it is fixed or saved over on purpose; says why. A
   * conflict reported before is over: it offered the version on disk, which there is no taking now.
   */
  private refuseDiskVersion(refused: WorkspaceError): void {
    const again = this.diskInvalid && this.error?.problem === refused.problem;
    this.conflict = null;
    this.diskInvalid = true;
    this.setError(new WorkspaceError({ ...errorInit(refused), operation: 'watch' }));
    if (!again)
      this.context.logger.warn(`workspace: ${refused.message} (changed on disk; not reloaded, autosave paused)`);
    this.emit();
  }

  /**
   * The file is not what we last read or wrote, and neither version is given up: autosave stops until a save (keep
   * this one) or an open (take the one on disk). From the watcher, and from an autosave's last look before it
   * would have replaced the file.
   */
  private reportConflict(file: string, how: 'changed' | 'deleted'): void {
    // A problem the watcher found in an earlier version of the file is not this one's.
    this.diskInvalid = false;
    if (this.error?.operation === 'watch') this.error = null;
    this.conflictHow = how;
    if (how === 'deleted') {
      this.conflict = {
        detectedAt: this.options.now(),
        message: `${file} was deleted on disk; save to write it again`,
      };
      this.knownHash = undefined;
    } else {
      this.conflict = {
        detectedAt: this.options.now(),
        message:
          `${file} was changed on disk while there are unsaved changes here: neither was overwritten. ` +
          'Save to keep this version, or open the file to take the one on disk.',
      };
    }
    // Headless, the log is the only place it shows: autosave stops here.
    this.context.logger.warn(`workspace: ${this.conflict.message}`);
    this.clearAutosave();
    this.emit();
  }

  /**
   * Before another world replaces this one: pending changes are saved into the file, and changes autosave is held
   * back from writing there (a conflict, a bad file on disk) are kept beside it, as on closing (`keepUnsaved`).
   * An untitled world's changes are its caller's to weigh (the console asks before replacing them).
   */
  private async flushForSwitch(): Promise<void> {
    this.clearAutosave();
    if (this.dirty && this.autosaveAllowed()) await this.enqueueWrite(this.file as string, false);
    else if (this.dirty && this.file !== null) {
      const file = this.file;
      const why = this.autosaveHeldBack();
      await this.enqueue(() => this.keepUnsaved(file, this.document(), why));
    }
    await this.idle();
  }

  /**
   * A migrated file replaces the old one, which stays beside it as .bak; both before the world changes (an open, or a
   * reload after someone wrote an older version). Returns the backup's path and the text written.
   */
  private async rewriteMigrated(file: string, workspace: Workspace): Promise<{ backup: string; text: string }> {
    const backup = await this.keepOriginal(file);
    const text = encodeWorkspace(workspace);
    await this.enqueue(() => this.writeText(file, text));
    this.lastSavedAt = this.options.now();
    return { backup, text };
  }

  /** The original of a migrated file (`backUpOriginal`), remembered as a version of the file. */
  private async keepOriginal(file: string): Promise<string> {
    const backup = await backUpOriginal(file, this.options.now());
    await this.fileVersions.remember(file, backup);
    return backup;
  }

  private async remember(): Promise<void> {
    if (this.file && this.recent)
      await this.recent.add({ path: this.file, name: this.shownName(), openedAt: this.options.now() });
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

function hashOf(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** An autosave found the file changed by someone else just before it would have replaced it. */
class ChangedOnDisk extends Error {
  constructor(readonly how: 'changed' | 'deleted') {
    super(`the file was ${how} on disk`);
  }
}

/**
 * The hash of the file's bytes, hashed as a stream (a big file is never held in memory); 'missing', or what is there
 * for a pipe, a device or a folder put in its place (read, a pipe would wait for a writer for ever): never a hash
 * (those are hex), and one of its own for each, so a FIFO put where a folder was is noticed.
 */
async function hashOfFile(file: string): Promise<string> {
  try {
    const stats = await stat(file);
    if (!stats.isFile()) return `not a regular file: ${fileKind(stats)}`;
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The file's bytes and their hash when they are not `knownHash`. Hashed as a stream first, so recognising our own
 * save never holds a big file in memory or blocks the engine; read whole only when someone else wrote it.
 */
async function readIfChanged(
  file: string,
  knownHash: string | undefined,
): Promise<'unchanged' | 'missing' | { bytes: Buffer; hash: string } | { refused: string; hash?: string }> {
  try {
    const hash = await hashOfFile(file);
    if (hash === 'missing') return 'missing';
    if (hash === knownHash) return 'unchanged';
    // As an open reads it (never waiting on a pipe) and says what it refuses: a regular file, no further than a
    // workspace may be.
    const bytes = await readRegularFile(file, WORKSPACE_MAX_BYTES);
    if (!Buffer.isBuffer(bytes)) {
      const refused =
        bytes.refused === 'too large'
          ? `larger than ${describeBytes(bytes.maxBytes)}: no workspace is that big`
          : notAWorkspaceFile(bytes.what);
      return { refused, hash };
    }
    return { bytes, hash: hashOf(bytes) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/** Whether `promise` settles within `ms`. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settled = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settled, settled);
  });
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
    otherProblems: error.otherProblems,
    cause: error.cause,
  };
}

/**
 * What a workspace the engine refused to load is reported as: a WorkspaceError naming the file and where (every
 * problem of the mounts, as the codec lists them), never the engine's own error, which would stop a reload.
 */
function refusedWorkspace(error: unknown, file: string, operation: WorkspaceProblem['operation']): WorkspaceError {
  if (error instanceof WorkspaceError) return error;
  const issues =
    error instanceof MountValidationError
      ? error.issues
      : error instanceof SavedPayloadValidationError
        ? error.problems().map((issue) => ({ path: ['payloads', ...issue.path].join('.'), message: issue.message }))
        : [];
  const [first, ...rest] = issues;
  if (first === undefined) {
    return new WorkspaceError({
      operation,
      file,
      problem: `the engine refused the workspace: ${errorMessage(error)}`,
      cause: error,
    });
  }
  return new WorkspaceError({
    operation,
    file,
    path: first.path,
    problem: `${first.message}${rest.length > 0 ? ` (and ${counted(rest.length, 'more problem')})` : ''}`,
    otherProblems: rest.slice(0, 50).map((issue) => ({ path: issue.path, problem: issue.message })),
    cause: error,
  });
}

/** The folder a world serves its files from: its workspace file's, or the working folder for a world without one. */
function servingFolder(file: string | null): string {
  return file === null ? process.cwd() : dirname(file);
}
