import type { ScenarioChange } from '../../shared/control-api';
import { type Scenario, type ScenarioInput, ScenarioSchema } from '../../shared/scenario';
import { compileUserRegex, UserRegexError } from '../support/user-regex';
import { compileScenario } from './scenario-compiler';
import type { ScenarioProgram } from './scenario-program';

/** A scenario that failed validation or compilation; `issues` say where and why. */
export class ScenarioValidationError extends Error {
  override name = 'ScenarioValidationError';
  constructor(readonly issues: { path: string; message: string }[]) {
    super(issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; '));
  }
}

/** How one trigger tests a user message (given as it was and lower-cased, for substring triggers). */
type TriggerTest = (lowerCased: string, original: string) => boolean;

/** A scenario as stored: its program, and a test per trigger, compiled once (regexes on RE2). */
interface CompiledScenario {
  program: ScenarioProgram;
  triggers: { priority: number; test: TriggerTest }[];
}

interface RouteEntry {
  priority: number;
  /** Position of the scenario in the catalogue, then of the trigger in it: ties go to the earlier one. */
  order: number;
  test: TriggerTest;
  program: ScenarioProgram;
}

/**
 * The scenarios a server plays, in order (order breaks priority ties when routing). Each is validated and
 * compiled once when stored — regex triggers too, on RE2 (`compileUserRegex`), so no pattern can stall routing
 * and one RE2 refuses is refused here, never at match time; routing walks a pre-sorted trigger list. The one
 * place the console lists and edits scenarios.
 */
export class ScenarioCatalogue {
  private programs = new Map<string, CompiledScenario>();
  private routes: RouteEntry[] = [];
  private readonly listeners = new Set<(change: ScenarioChange) => void>();

  constructor(scenarios: readonly ScenarioInput[] = []) {
    for (const scenario of scenarios) this.store(this.compile(scenario));
    this.reroute();
  }

  /** Told about every change (the console feed, workspace autosave). */
  subscribe(listener: (change: ScenarioChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces every scenario at once (a workspace being loaded); throws, changing nothing, if one is invalid. */
  replace(inputs: readonly unknown[]): void {
    const programs = inputs.map((input) => this.compile(input));
    this.programs = new Map();
    for (const program of programs) this.store(program);
    this.reroute();
    this.emit({ type: 'scenarios-replaced', id: '*' });
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

  /** Validates, compiles and stores a scenario (replacing one with the same id in place). */
  put(input: unknown): Scenario {
    const compiled = this.compile(input);
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
   * The scenario that answers a user message, or undefined when no trigger matches: among all scenarios, or only
   * the ones an endpoint plays (`selection`).
   */
  match(userMessage: string, selection: ReadonlySet<string> | '*' = '*'): ScenarioProgram | undefined {
    const lowerCased = userMessage.toLowerCase();
    for (const route of this.routes) {
      if (selection !== '*' && !selection.has(route.program.scenario.id)) continue;
      if (route.test(lowerCased, userMessage)) return route.program;
    }
    return undefined;
  }

  /** Validates and compiles a scenario and its triggers, or throws ScenarioValidationError. */
  private compile(input: unknown): CompiledScenario {
    const parsed = ScenarioSchema.safeParse(input);
    if (!parsed.success) {
      throw new ScenarioValidationError(
        parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      );
    }
    let program: ScenarioProgram;
    try {
      program = compileScenario(parsed.data);
    } catch (error) {
      const path = (error as { path?: string }).path ?? '';
      throw new ScenarioValidationError([{ path, message: (error as Error).message }]);
    }
    const triggers = parsed.data.triggers.map((trigger, index) => ({
      priority: trigger.priority ?? 0,
      test: triggerTest(trigger, `triggers.${index}`),
    }));
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

/** A trigger's test; a regex RE2 cannot compile is a ScenarioValidationError naming `<path>.pattern`. */
function triggerTest(trigger: Scenario['triggers'][number], path: string): TriggerTest {
  if (trigger.match === 'substring') {
    const needle = trigger.value.toLowerCase();
    return (lowerCased) => lowerCased.includes(needle);
  }
  if (trigger.match === 'regex') {
    try {
      const regex = compileUserRegex(trigger.pattern, { caseInsensitive: true });
      return (_, original) => regex.test(original);
    } catch (error) {
      if (!(error instanceof UserRegexError)) throw error;
      throw new ScenarioValidationError([{ path: `${path}.pattern`, message: error.message }]);
    }
  }
  return () => true;
}
