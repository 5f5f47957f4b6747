import type { ScenarioChange } from '../../shared/control-api';
import { issueWords } from '../../shared/issue-words';
import { type Scenario, type ScenarioInput, ScenarioSchema } from '../../shared/scenario';
import { problemLine, WORKSPACE_LIST_LIMITS } from '../../shared/workspace';
import { JsonSchemas } from '../routes/json-schemas';
import { type ConditionIssue, compileCondition, type RunCondition } from './run-conditions';
import { RunView } from './run-view';
import { compileSteps, ScenarioCompileError, type SchemaCompiler } from './scenario-compiler';
import { dryRunScenario } from './scenario-dry-run';
import type { ScenarioProgram } from './scenario-program';
import { ScenarioTemplates } from './template';

/** A scenario that failed validation or compilation; `issues` say where and why. */
export class ScenarioValidationError extends Error {
  override name = 'ScenarioValidationError';
  constructor(readonly issues: { path: string; message: string }[]) {
    super(issues.map((issue) => problemLine({ path: issue.path, problem: issue.message })).join('; '));
  }
}

/** A scenario as stored: its program, and a test per trigger, compiled once (regexes on RE2). */
interface CompiledScenario {
  program: ScenarioProgram;
  triggers: { priority: number; test: RunCondition }[];
}

interface RouteEntry {
  priority: number;
  /** Position of the scenario in the catalogue, then of the trigger in it: ties go to the earlier one. */
  order: number;
  test: RunCondition;
  program: ScenarioProgram;
}

/**
 * The scenarios a server plays, in order (order breaks priority ties when routing). Each is validated, compiled
 * and dry-run once when stored: its templates compiled (Handlebars), its conditions compiled (regexes on RE2, so
 * no pattern can stall routing), and every path through it played without delays and checked against the AG-UI
 * schemas and sequence rules (`dryRunScenario`) — one that would send an invalid stream is refused with every
 * problem listed. Routing walks a pre-sorted trigger list. The one place the console lists and edits scenarios.
 */
export class ScenarioCatalogue {
  /** One template environment for every scenario: a template many scenarios share compiles once. */
  private readonly templates = new ScenarioTemplates();
  private programs = new Map<string, CompiledScenario>();
  private routes: RouteEntry[] = [];
  private readonly listeners = new Set<(change: ScenarioChange) => void>();

  constructor(scenarios: readonly ScenarioInput[] = []) {
    const schemas = schemaCompiler();
    for (const scenario of scenarios) this.store(this.compile(scenario, schemas));
    this.reroute();
  }

  /** Told about every change (the console feed, workspace autosave). */
  subscribe(listener: (change: ScenarioChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces every scenario at once (a workspace being loaded); throws, changing nothing, if one is invalid. */
  replace(inputs: readonly unknown[]): void {
    const schemas = schemaCompiler();
    const programs = inputs.map((input) => this.compile(input, schemas));
    this.programs = new Map();
    for (const program of programs) this.store(program);
    this.reroute();
    this.emit({ type: 'scenarios-replaced', id: '*' });
  }

  /** How many scenarios it holds. */
  get size(): number {
    return this.programs.size;
  }

  list(): Scenario[] {
    return [...this.programs.values()].map(({ program }) => program.scenario);
  }

  get(id: string): Scenario | undefined {
    return this.programs.get(id)?.program.scenario;
  }

  /** The compiled scenario, to play it by id (the console's "run on a connection"). */
  program(id: string): ScenarioProgram | undefined {
    return this.programs.get(id)?.program;
  }

  /**
   * Validates, compiles and stores a scenario (replacing one with the same id in place). `admit`, when given, sees
   * the scenarios as they would be, once the scenario is checked and before it is stored, and may refuse it by
   * throwing (the console's writes: a workspace too large to save).
   */
  put(input: unknown, admit?: (scenarios: Scenario[]) => void): Scenario {
    const compiled = this.compile(input, schemaCompiler());
    const { scenario } = compiled.program;
    const limit = WORKSPACE_LIST_LIMITS.scenarios;
    if (!this.programs.has(scenario.id) && this.programs.size >= limit) {
      // More would be saved, then refused when the workspace file is opened again.
      throw new ScenarioValidationError([{ path: '', message: `a workspace holds at most ${limit} scenarios` }]);
    }
    if (admit) {
      const scenarios = this.list();
      const at = scenarios.findIndex((candidate) => candidate.id === scenario.id);
      admit(at === -1 ? [...scenarios, scenario] : scenarios.with(at, scenario));
    }
    this.store(compiled);
    this.reroute();
    this.emit({ type: 'scenario-saved', id: compiled.program.scenario.id });
    return compiled.program.scenario;
  }

  delete(id: string): boolean {
    const deleted = this.programs.delete(id);
    if (deleted) {
      this.reroute();
      this.emit({ type: 'scenario-deleted', id });
    }
    return deleted;
  }

  /**
   * The scenario that answers a run (or, for short, a user message), or undefined when no trigger matches: among
   * all scenarios, or only the ones an endpoint plays (`selection`).
   */
  match(run: RunView | string, selection: ReadonlySet<string> | '*' = '*'): ScenarioProgram | undefined {
    return this.matchingTrigger(run, selection)?.program;
  }

  /** The trigger that answers a run (`match`), with its priority: what another trigger must beat to answer it. */
  matchingTrigger(
    run: RunView | string,
    selection: ReadonlySet<string> | '*' = '*',
  ): { program: ScenarioProgram; priority: number } | undefined {
    const view = typeof run === 'string' ? RunView.ofText(run) : run;
    for (const route of this.routes) {
      if (selection !== '*' && !selection.has(route.program.scenario.id)) continue;
      if (route.test(view)) return route;
    }
    return undefined;
  }

  /**
   * Validates, compiles and dry-runs a scenario and its triggers, or throws ScenarioValidationError with every
   * problem found (schema problems first: what does not parse cannot be compiled).
   */
  private compile(input: unknown, schemas: SchemaCompiler): CompiledScenario {
    const parsed = ScenarioSchema.safeParse(input);
    if (!parsed.success) {
      throw new ScenarioValidationError(
        parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issueWords(issue) })),
      );
    }
    const issues: ConditionIssue[] = [];
    const triggers = parsed.data.triggers.map((trigger, index) => ({
      priority: trigger.priority ?? 0,
      test: compileCondition(trigger, `triggers.${index}`, issues),
    }));
    let program: ScenarioProgram | undefined;
    try {
      program = { scenario: parsed.data, ops: compileSteps(parsed.data, this.templates, schemas) };
    } catch (error) {
      if (!(error instanceof ScenarioCompileError)) throw error;
      issues.push(...error.issues);
    }
    if (program && issues.length === 0) issues.push(...dryRunScenario(program));
    if (issues.length > 0 || !program) throw new ScenarioValidationError(issues);
    return { program, triggers };
  }

  private store(compiled: CompiledScenario): void {
    this.programs.set(compiled.program.scenario.id, compiled);
  }

  private emit(change: ScenarioChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private reroute(): void {
    const routes: RouteEntry[] = [];
    let order = 0;
    for (const { program, triggers } of this.programs.values()) {
      for (const { priority, test } of triggers) routes.push({ priority, order: order++, program, test });
    }
    this.routes = routes.sort((a, b) => b.priority - a.priority || a.order - b.order);
  }
}

/**
 * Compiles interrupts' `responseSchema`s, each once (scenarios sharing one share it), for one scenario stored or one
 * workspace loaded: what its compiled schemas keep goes with the scenarios that use them, never piling up edit after
 * edit. The validators are made for the first schema, not for every scenario.
 */
function schemaCompiler(): SchemaCompiler {
  let schemas: JsonSchemas | undefined;
  return (schema) => {
    schemas ??= new JsonSchemas();
    return schemas.compile(schema, 'json');
  };
}
