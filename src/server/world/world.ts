import type { Stats } from 'node:fs';
import type { Context, Middleware } from 'koa';
import compose from 'koa-compose';
import type { ConnectionMount } from '../../shared/connections';
import { CONTROL_API_PREFIX } from '../../shared/control-api';
import type { Agent } from '../../shared/mounts/agent';
import type { CollectionChange } from '../../shared/mounts/collection-change';
import type { MountRef, NearMiss } from '../../shared/mounts/match-report';
import type { Pack, PackName } from '../../shared/mounts/pack';
import type { ScenarioSelection } from '../../shared/mounts/scenario-selection';
import type { SocketEndpoint as SocketEndpointDefinition } from '../../shared/mounts/socket-endpoint';
import type { PackChange } from '../../shared/pack-change';
import { WORKSPACE_LIST_LIMITS, type WorldParts, type WorldSection } from '../../shared/workspace';
import type { AgentHttpOptions } from '../agents/agent-http-endpoint';
import { AgentMounts } from '../agents/agent-mounts';
import type { EngineCore } from '../engine-context';
import { hasRequestBody, readRequestBody } from '../http/request-body';
import type { PackDefinition, RunningPack } from '../packs/pack-definition';
import { packDefinition, variantsOfOneContract } from '../packs/pack-registry';
import { DripHoldings } from '../routes/drip-holdings';
import { HttpMounts } from '../routes/http-mounts';
import type { HttpMountEnv } from '../routes/mount-compile-tools';
import { ANY_METHOD } from '../routes/path-index';
import type { RunObserver } from '../scenarios/conversation';
import { combineRunObservers } from '../scenarios/run-observers';
import { newRouter } from '../support/koa-router-on-first-use';
import { ClientRoom } from '../workspace/client-room';
import type { AguiSocketSession } from '../ws/behaviours/agui-socket-session';
import type { SocketEndpoint } from '../ws/socket-server';
import { SocketTable } from '../ws/socket-table';
import { CheckedWorld } from './checked-world';
import { MountValidationError } from './mount-validation-error';
import { mountsPlaying, unknownScenarioIssues } from './scenario-references';

/** A change to what the world serves or holds, for autosave and the console's feed. */
export type WorldChange =
  /** A section's definitions changed (an edit from the console, a workspace loaded: `section` is '*'). */
  | { type: 'mounts-changed'; section: WorldSection | '*' }
  | { type: 'collection-changed'; change: CollectionChange }
  | { type: 'pack-changed'; pack: PackName; change: PackChange };

export interface WorldOptions {
  /** Tuning of the agents' HTTP binding: keep-alive interval, threads kept between requests. */
  agentHttp?: Partial<AgentHttpOptions>;
  /** The workspace file, which no response or static folder serves (`HttpMountEnv.workspaceFile`). */
  workspaceFile?: () => string | null;
  /**
   * Whether a file (`stats`) is a version of the workspace file `file` the engine knew, not served either
   * (`HttpMountEnv.isWorkspaceFileVersion`).
   */
  isWorkspaceFileVersion?: (file: string, stats: Stats) => boolean;
  /** A pack's data as a console edit would leave it, refused when too large to save (`PackEnvironment.checkDataRoom`). */
  checkPackData?: (pack: PackName, data: unknown) => void;
}

/** The empty world: nothing mounted. */
const NOTHING: WorldParts = { packs: [], routes: [], collections: [], staticFolders: [], sockets: [], agents: [] };

/**
 * What is served on the engine's one port, built from the workspace: a table of mounts tried in order — the
 * user's HTTP routes, collections and static folders, then the agents, then the packs' routes, then 404 with the
 * closest routes — and the WebSocket endpoints likewise (the user's, then the packs'). Every change is checked as
 * a whole before anything is swapped: a world that does not compile is refused with every problem, and the one
 * being served stays as it was.
 */
export class World {
  private parts: WorldParts = NOTHING;
  private baseDir = process.cwd();
  /**
   * While a world is checked before it is served: the workspace file no response may name (not yet the one open), and
   * whether the versions of it the engine knew count too (`replace`), or only the file as it is (`checkToServe`).
   */
  private checking: { file: string | null; knownVersions: boolean } | undefined;
  private http: HttpMounts;
  private agents = AgentMounts.empty();
  private sockets = SocketTable.empty();
  private readonly running = new Map<PackName, RunningPack>();
  private packRoutes: Middleware = (_ctx, next) => next();
  private packControl: Middleware = (_ctx, next) => next();
  private dispatch: Middleware;
  private readonly detachPacks = new Map<PackName, () => void>();
  private detachCollections: () => void = () => {};
  private readonly listeners = new Set<(change: WorldChange) => void>();
  /** AG-UI socket sessions the console can play a scenario on, by connection id. */
  private readonly drivable = new Map<string, AguiSocketSession>();
  /**
   * What the workspace file leaves for clients' writes: the collections' records and what packs keep of clients'
   * writes are charged to it; the workspace measures the rest (`WorkspaceService`).
   */
  readonly clientRoom = new ClientRoom();
  /** What the drips of every world this engine serves hold in memory: one bound, whatever opens meanwhile. */
  readonly dripHoldings = new DripHoldings();
  /** The HTTP mounts' environment for the folder they are served from (`httpEnvironment`). */
  private httpEnv: HttpMountEnv | undefined;

  constructor(
    private readonly core: EngineCore,
    private readonly options: WorldOptions = {},
  ) {
    this.http = HttpMounts.compile({}, this.httpEnvironment(this.baseDir));
    this.dispatch = this.compose();
  }

  // ——— serving ———————————————————————————————————————————————————————————————

  /**
   * The mocked API's dispatch: mounts in order; what nothing answers goes on (to the 404). A request's body is read
   * before its mount is chosen, so a request goes to the world as it is once its body is in: a mount swapped while
   * the body arrived (an edit, packs switched, a workspace loaded) would otherwise take it, a write landing in records
   * no longer served and a run playing on an agent gone. A body that cannot be read is left to the mount that needs
   * it to refuse (the reading is kept, its error too).
   */
  middleware(): Middleware {
    return async (ctx, next) => {
      if (hasRequestBody(ctx.req)) await readRequestBody(ctx, this.core.settings()).catch(() => undefined);
      return this.dispatch(ctx, next);
    };
  }

  /** The serving packs' part of the console's API (their routes under /__console/api). */
  controlMiddleware(): Middleware {
    return this.packControl;
  }

  /** For a request nothing answered: the closest user mounts and why each did not match. */
  explain(ctx: Context): Promise<NearMiss[]> {
    return this.http.explain(ctx);
  }

  /** The WebSocket endpoint for an upgrade's path (the console's feed is routed before this). */
  resolveSocket(path: string): SocketEndpoint | undefined {
    return this.sockets.resolve(path);
  }

  /** Every AG-UI run on every endpoint is told to the packs that follow runs (e.g. recording them as sessions). */
  runObserver(): RunObserver {
    return combineRunObservers([...this.running.values()].map((pack) => pack.runObserver()));
  }

  /** Plays a scenario on an AG-UI socket now (the console's "run on a connection"); its runId, or undefined. */
  playScenario(connectionId: string, scenarioId: string): string | undefined {
    return this.drivable.get(connectionId)?.runScenario(scenarioId);
  }

  // ——— reading ———————————————————————————————————————————————————————————————

  /**
   * The definitions as a workspace keeps them: collections with their records now, packs with their data now, the
   * stored values as they are, read only (mounts are replaced when edited, never changed in place; the packs' data
   * is frozen). Never a deep copy: readers ask for this on every change the console hears of, and a copy of 30 MB
   * of recorded history held the engine ~0.5 s.
   */
  definitions(): WorldParts {
    return {
      ...this.parts,
      packs: this.parts.packs.map((pack) => {
        const running = this.running.get(pack.pack);
        return running ? ({ ...pack, data: running.snapshot() } as Pack) : pack;
      }),
      collections: this.parts.collections.map((collection) => ({
        ...collection,
        records: [...(this.http.collection(collection.id)?.list() ?? collection.records)],
      })),
    };
  }

  /** The enabled WebSocket endpoints, the workspace's then the packs', as clients can reach them. */
  socketDefinitions(): { definition: SocketEndpointDefinition; pack?: string }[] {
    return [
      ...this.parts.sockets.filter((socket) => socket.enabled).map((definition) => ({ definition })),
      ...this.packs().flatMap((pack) =>
        pack.sockets
          .filter((socket) => socket.enabled)
          .map((definition) => ({ definition, pack: pack.definition.name })),
      ),
    ];
  }

  /**
   * The scenarios the endpoint or agent a connection came in through plays now (`*`: all); undefined when it is
   * gone, disabled, or plays none (a socket of another protocol).
   */
  scenariosPlayedBy(mount: ConnectionMount): ScenarioSelection | undefined {
    if (mount.kind === 'agent') return this.agentDefinitions().find((agent) => agent.id === mount.id)?.scenarios;
    const socket = this.socketDefinitions().find(
      ({ definition, pack }) => definition.id === mount.id && pack === mount.pack,
    )?.definition;
    return socket?.behaviour.type === 'agui' ? socket.behaviour.scenarios : undefined;
  }

  /** The enabled agents, in order. */
  agentDefinitions(): Agent[] {
    return this.agents.list();
  }

  /** The packs serving now (their control routes, counts). */
  packs(): RunningPack[] {
    return [...this.running.values()];
  }

  pack(name: PackName): RunningPack | undefined {
    return this.running.get(name);
  }

  /** A collection's live records (for the console's editor). */
  collection(id: string) {
    return this.http.collection(id);
  }

  subscribe(listener: (change: WorldChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ——— changing ——————————————————————————————————————————————————————————————

  /**
   * Checks a world without serving it: every mount compiles and every pack's data is consistent. Throws one
   * MountValidationError with every problem, located from the workspace root. Returns the HTTP mounts it compiled.
   * `compiled`: the HTTP mounts of these parts compiled while another workspace file was the one no response may name
   * (`checkToServe`): only the files their responses name are checked again, under `environment`'s.
   */
  static check(
    parts: WorldParts,
    environment: HttpMountEnv,
    scenarioIds: ReadonlySet<string>,
    compiled?: HttpMounts,
  ): HttpMounts {
    const issues = [...packIssues(parts.packs), ...unknownScenarioIssues(parts, scenarioIds)];
    let http: HttpMounts | undefined;
    try {
      if (compiled) HttpMounts.checkNamedFiles(parts, environment);
      http = compiled ?? HttpMounts.compile(parts, environment);
    } catch (error) {
      if (!(error instanceof MountValidationError)) throw error;
      issues.push(...error.issues);
    }
    for (const check of [() => AgentMounts.check(parts.agents), () => SocketTable.check(parts.sockets)]) {
      try {
        check();
      } catch (error) {
        if (!(error instanceof MountValidationError)) throw error;
        issues.push(...error.issues);
      }
    }
    if (issues.length > 0 || http === undefined) throw new MountValidationError(issues);
    return http;
  }

  /**
   * Checks a world as `check` does, before `replace` serves it from `baseDir` (an open checks the file it decodes,
   * then saves the world this one replaces): its HTTP mounts are compiled as this world serves them, and kept.
   * `workspaceFile`: the file the document was read from, which no response may name — as it is, as `validate` holds
   * it; `replace` holds the mounts to the versions of the file it serves them from too, and changes nothing else.
   */
  checkToServe(
    parts: WorldParts,
    baseDir: string,
    scenarioIds: ReadonlySet<string>,
    workspaceFile: string | null,
  ): CheckedWorld {
    this.checking = { file: workspaceFile, knownVersions: false };
    try {
      return new CheckedWorld(this, parts, baseDir, World.check(parts, this.httpEnvironment(baseDir), scenarioIds));
    } finally {
      this.checking = undefined;
    }
  }

  /**
   * Serves another world (a workspace loaded, with the ids of the scenarios it brings): checked first; throws
   * MountValidationError changing nothing. Packs present before and after keep running with the new data, so their
   * open sockets keep recording. `workspaceFile`: the file it is served from once replaced (a response may not name
   * it), when that is not the one open now (opening or creating another). `checked`: the world as `checkToServe`
   * checked it, whose HTTP mounts are served rather than compiled again when they are of these parts.
   */
  replace(
    parts: WorldParts,
    baseDir: string,
    scenarioIds: ReadonlySet<string>,
    workspaceFile?: { file: string | null },
    checked?: CheckedWorld,
  ): void {
    let http: HttpMounts;
    this.checking = workspaceFile && { file: workspaceFile.file, knownVersions: true };
    try {
      http = World.check(parts, this.httpEnvironment(baseDir), scenarioIds, checked?.take(this, parts, baseDir));
    } finally {
      this.checking = undefined;
    }
    this.baseDir = baseDir;
    this.setPacks(parts.packs);
    this.parts = parts;
    this.swapHttp(http);
    this.agents = AgentMounts.compile(parts.agents, this.agentEnvironment(), this.options.agentHttp ?? {}, this.agents);
    this.sockets = SocketTable.compile(socketSources(parts, this.packs()), this.socketEnvironment());
    this.dispatch = this.compose();
    this.emit({ type: 'mounts-changed', section: '*' });
  }

  /**
   * Its workspace file moved to `baseDir` (save as into another folder): files are read from there from now on,
   * with `staticFolders` rebased to name the same folders from there. Nothing else changes: packs, connections and
   * runs go on.
   */
  relocate(baseDir: string, staticFolders: WorldParts['staticFolders']): void {
    const parts = { ...this.definitions(), staticFolders };
    this.swapHttp(HttpMounts.compile(parts, this.httpEnvironment(baseDir), [], this.http));
    this.baseDir = baseDir;
    this.parts = parts;
    this.dispatch = this.compose();
    this.emit({ type: 'mounts-changed', section: 'staticFolders' });
  }

  /**
   * Whether `replaceSection` would take these HTTP mounts: throws as it would, changing nothing (an import's dry
   * run must fail where the import would).
   */
  checkHttpSection<S extends 'routes' | 'collections' | 'staticFolders'>(section: S, items: WorldParts[S]): void {
    checkListLimit(section, items.length);
    // Against the mounts served: what the check leaves as it was is not compiled again (a collection's records).
    HttpMounts.compile(
      { ...this.definitions(), [section]: items } as WorldParts,
      this.httpEnvironment(this.baseDir),
      [],
      this.http,
      { check: true },
    );
  }

  /**
   * Replaces one section of mounts (an edit from the console or the control API): the section is compiled first;
   * throws MountValidationError (paths from the workspace root) and changes nothing when it does not compile.
   */
  replaceSection<S extends Exclude<WorldSection, 'packs'>>(section: S, items: WorldParts[S]): void {
    checkListLimit(section, items.length);
    const parts = { ...this.definitions(), [section]: items } as WorldParts;
    switch (section) {
      case 'routes':
      case 'collections':
      case 'staticFolders':
        // What the routes remember (counters, sequences) carries over: editing one mount leaves the others as they were
        // (a collection the edit leaves keeps its store: its records are not checked and indexed again).
        this.swapHttp(HttpMounts.compile(parts, this.httpEnvironment(this.baseDir), [], this.http));
        break;
      case 'agents':
        this.checkScenarioReferences(parts);
        this.agents = AgentMounts.compile(
          parts.agents,
          this.agentEnvironment(),
          this.options.agentHttp ?? {},
          this.agents,
        );
        break;
      case 'sockets':
        this.checkScenarioReferences(parts);
        this.sockets = SocketTable.compile(socketSources(parts, this.packs()), this.socketEnvironment());
        break;
    }
    this.parts = parts;
    this.dispatch = this.compose();
    this.emit({ type: 'mounts-changed', section });
  }

  /** Agents and AG-UI sockets may list only scenarios there are (see `unknownScenarioIssues`). */
  private checkScenarioReferences(parts: WorldParts): void {
    const issues = unknownScenarioIssues(parts, new Set(this.core.scenarios.list().map((scenario) => scenario.id)));
    if (issues.length > 0) throw new MountValidationError(issues);
  }

  /** The mounts that list `scenarioId` among the scenarios they play (its deletion would leave them naming nothing). */
  mountsPlaying(scenarioId: string): string[] {
    return mountsPlaying(this.definitions(), scenarioId);
  }

  /** Switches packs (with the data each brings); checked first, changing nothing when a pack's data is wrong. */
  replacePacks(packs: readonly Pack[]): void {
    checkListLimit('packs', packs.length);
    const issues = packIssues(packs);
    if (issues.length > 0) throw new MountValidationError(issues);
    const parts = { ...this.definitions(), packs: [...packs] };
    this.setPacks(parts.packs);
    this.parts = parts;
    this.sockets = SocketTable.compile(socketSources(parts, this.packs()), this.socketEnvironment());
    this.dispatch = this.compose();
    this.emit({ type: 'mounts-changed', section: 'packs' });
  }

  /**
   * Ends every agent's open streams with a RUN_ERROR saying the engine is closing, their runs stopped and recorded:
   * the engine's first step in closing, so the final save holds what those runs recorded. `close` does it again for
   * any stream opened after.
   */
  endAgentStreams(): void {
    this.agents.close();
  }

  /** Stops every pack, agent stream and thread (engine close). Sockets are closed by the socket server. */
  close(): void {
    this.agents.close();
    this.detachCollections();
    for (const detach of this.detachPacks.values()) detach();
    this.detachPacks.clear();
    for (const pack of this.running.values()) pack.close();
    this.running.clear();
    this.drivable.clear();
  }

  // ——— internals ———————————————————————————————————————————————————————————

  private setPacks(packs: readonly Pack[]): void {
    const wanted = new Map(packs.filter((pack) => pack.enabled).map((pack) => [pack.pack, pack]));
    for (const [name, running] of this.running) {
      if (wanted.has(name)) continue;
      this.detachPacks.get(name)?.();
      this.detachPacks.delete(name);
      running.close();
      this.running.delete(name);
    }
    for (const [name, pack] of wanted) {
      const running = this.running.get(name);
      if (running) {
        running.replace(pack.data);
        continue;
      }
      const definition = packDefinition(name) as PackDefinition<unknown>;
      const started = definition.start(
        {
          logger: this.core.logger,
          settings: this.core.settings,
          checkDataRoom: (data) => this.options.checkPackData?.(name, data),
          clientRoom: this.clientRoom,
        },
        pack.data,
      );
      this.running.set(name, started);
      this.detachPacks.set(
        name,
        started.subscribe((change) => this.emit({ type: 'pack-changed', pack: name, change })),
      );
    }
    this.packRoutes = compose(this.packs().map(packRoutes));
    this.packControl = compose(this.packs().map(packControlRoutes));
  }

  private swapHttp(http: HttpMounts): void {
    this.detachCollections();
    this.http = http;
    this.detachCollections = http.onCollectionChange((change) => this.emit({ type: 'collection-changed', change }));
  }

  /**
   * The mounts in order, as one function rather than a composed chain (a dispatch and an async frame less per
   * step): the user's HTTP mounts, then the agents, then the packs. What nothing answered, on a path a user's mount
   * has for other methods only, gets 405 with `Allow`, as FastAPI answers (`DELETE /items/1` where only GET is served),
   * rather than 404.
   */
  private compose(): Middleware {
    const http = this.http;
    const agents = this.agents.middleware();
    const packs = this.packRoutes;
    return async (ctx, next) => {
      const answering = http.answer(ctx);
      if (!(answering && (await answering))) await agents(ctx, () => packs(ctx, next));
      if (ctx.body !== undefined && ctx.body !== null) return;
      if (ctx.status !== 404 || ctx.respond === false) return;
      const allowed = http.methodsFor(ctx.path);
      // A mount that serves this method and still passed (a file not there, a response whose condition failed)
      // leaves a 404: the method is allowed, the resource is not found.
      if (allowed.length === 0 || allowed.includes(ANY_METHOD) || allowed.includes(ctx.method)) return;
      ctx.status = 405;
      ctx.set('Allow', allowed.join(', '));
      ctx.body = { detail: 'Method Not Allowed' };
    };
  }

  /**
   * What the HTTP mounts served from `baseDir` compile and answer in. The settings are the engine's live ones, read
   * per request: mounts checked before the settings of their world are applied (`checkToServe`) answer under them.
   * One per folder, made again only when the folder changes: its functions read the world as it is when called, so
   * an edit compiled with the same one keeps the entries of the routes it left (`HttpMounts.compile`).
   */
  private httpEnvironment(baseDir: string): HttpMountEnv {
    if (this.httpEnv?.baseDir !== baseDir) this.httpEnv = this.newHttpEnvironment(baseDir);
    return this.httpEnv;
  }

  private newHttpEnvironment(baseDir: string): HttpMountEnv {
    const workspaceFile = () => (this.checking ? this.checking.file : (this.options.workspaceFile?.() ?? null));
    return {
      baseDir,
      settings: this.core.settings,
      workspaceFile,
      // The versions of the file the world is checked for (the one an open loads): the file it replaces is one like
      // any other to it, and so are its versions.
      isWorkspaceFileVersion: (stats: Stats) => {
        const file = workspaceFile();
        if (file === null || this.checking?.knownVersions === false) return false;
        return this.options.isWorkspaceFileVersion?.(file, stats) ?? false;
      },
      clientRoom: this.clientRoom,
      dripHoldings: this.dripHoldings,
    };
  }

  private agentEnvironment() {
    return { context: this.core, runObserver: () => this.runObserver() };
  }

  private socketEnvironment() {
    return { context: this.core, runObserver: () => this.runObserver(), drivable: this.drivable };
  }

  private emit(change: WorldChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.core.logger.error(`world listener failed on ${change.type}`, error);
      }
    }
  }
}

/** The workspace's own sockets first, then each pack's, in the workspace's order. */
function socketSources(parts: WorldParts, packs: readonly RunningPack[]) {
  return [
    { sockets: parts.sockets, at: ['sockets'] },
    ...packs.map((pack) => ({
      pack: pack.definition.name,
      sockets: pack.sockets,
      at: ['packs', pack.definition.name],
    })),
  ];
}

/**
 * Problems with the packs' data, located under `packs.N.data`; and a pack serving beside a variant of its contract
 * listed before it, which answers every request it would (`packs.N.enabled`), as a mount no request could reach is.
 */
function packIssues(packs: readonly Pack[]): { path: string; message: string }[] {
  return packs.flatMap((pack, index) => {
    const problems = (packDefinition(pack.pack) as PackDefinition<unknown>)
      .check(pack.data)
      .map((problem) => ({ path: ['packs', index, 'data', ...problem.path].join('.'), message: problem.message }));
    const serving = pack.enabled
      ? packs.slice(0, index).find((earlier) => earlier.enabled && variantsOfOneContract(earlier.pack, pack.pack))
      : undefined;
    if (serving)
      problems.push({
        path: `packs.${index}.enabled`,
        message: `pack '${serving.pack}' already serves the contract ${pack.pack} is a variant of, so this one would never be reached: switch one of them off`,
      });
    return problems;
  });
}

/**
 * A pack's REST routes as one router (one match per request), with 405 for a method its paths do not serve, and
 * the request marked as answered by the pack for the log: the routes themselves never pass a request on. A route
 * that refuses (a 422, a 404 for an unknown id) answered it too, as a user's route does.
 */
function packRoutes(pack: RunningPack): Middleware {
  const router = newRouter();
  for (const packRouter of pack.routers) router.use(packRouter.routes());
  const routes = compose([router.routes(), router.allowedMethods()]) as unknown as Middleware;
  // One value for every request it answers (the log keeps it): nothing changes a MountRef once made.
  const answered: MountRef = Object.freeze({ kind: 'pack', id: pack.definition.name });
  return async (ctx, next) => {
    let passedOn = false;
    try {
      await routes(ctx, () => {
        passedOn = true;
        return next();
      });
    } finally {
      if (!passedOn) ctx.state.answeredBy ??= answered;
    }
    // koa-router answers an OPTIONS request no route of the path takes (once it was passed on, unanswered) with an
    // empty 200 and `Allow`; FastAPI, whose contract a pack reproduces, and the user's mounts answer it 405 like any
    // other method the path does not serve.
    if (ctx.method === 'OPTIONS' && ctx.status === 200 && ctx.body === '' && ctx.response.get('Allow')) {
      ctx.body = null;
      ctx.status = 405;
    }
  };
}

/** A pack's part of the console's API, under /__console/api. */
function packControlRoutes(pack: RunningPack): Middleware {
  const router = newRouter({ prefix: CONTROL_API_PREFIX });
  for (const packRouter of pack.controlRouters) router.use(packRouter.routes());
  return compose([router.routes(), router.allowedMethods()]) as unknown as Middleware;
}

/** A list longer than a workspace file may hold would be saved, then refused when the file is opened again. */
function checkListLimit(section: WorldSection, length: number): void {
  const limit = WORKSPACE_LIST_LIMITS[section];
  if (length > limit) {
    throw new MountValidationError([
      { path: section, message: `a workspace holds at most ${limit}; this change would make it ${length}` },
    ]);
  }
}
