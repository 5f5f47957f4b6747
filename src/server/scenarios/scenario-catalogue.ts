import type { ScenarioChange } from '../../shared/control-api';
import { type Scenario, type ScenarioInput, ScenarioSchema } from '../../shared/scenario';
import { compileScenario } from './scenario-compiler';
import type { ScenarioProgram } from './scenario-program';

/** A scenario that failed validation or compilation; `issues` say where and why. */
export class ScenarioValidationError extends Error {
  override name = 'ScenarioValidationError';
  constructor(readonly issues: { path: string; message: string }[]) {
    super(issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; '));
  }
}

interface RouteEntry {
  priority: number;
  /** Position of the scenario in the catalogue, then of the trigger in it: ties go to the earlier one. */
  order: number;
  test: (lowerCased: string, original: string) => boolean;
  program: ScenarioProgram;
}

/**
 * The scenarios a server plays, in order (order breaks priority ties when routing). Each is validated and
 * compiled once when stored; routing walks a pre-sorted trigger list. The one place the console lists and
 * edits scenarios.
 */
export class ScenarioCatalogue {
  private programs = new Map<string, ScenarioProgram>();
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
    return [...this.programs.values()].map((program) => program.scenario);
  }

  get(id: string): Scenario | undefined {
    return this.programs.get(id)?.scenario;
  }

  /** The compiled scenario, to play it by id (the console's "run on a connection"). */
  program(id: string): ScenarioProgram | undefined {
    return this.programs.get(id);
  }

  /** Validates, compiles and stores a scenario (replacing one with the same id in place). */
  put(input: unknown): Scenario {
    const program = this.compile(input);
    this.store(program);
    this.reroute();
    this.emit({ type: 'scenario-saved', id: program.scenario.id });
    return program.scenario;
  }

  delete(id: string): boolean {
    const deleted = this.programs.delete(id);
    if (deleted) {
      this.reroute();
      this.emit({ type: 'scenario-deleted', id });
    }
    return deleted;
  }

  /** The scenario that answers a user message, or undefined when no trigger matches. */
  match(userMessage: string): ScenarioProgram | undefined {
    const lowerCased = userMessage.toLowerCase();
    for (const route of this.routes) if (route.test(lowerCased, userMessage)) return route.program;
    return undefined;
  }

  /** Validates and compiles a scenario, or throws ScenarioValidationError. */
  private compile(input: unknown): ScenarioProgram {
    const parsed = ScenarioSchema.safeParse(input);
    if (!parsed.success) {
      throw new ScenarioValidationError(
        parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      );
    }
    let program: ScenarioProgram;
    try {
      program = compileScenario(parsed.data);
      for (const trigger of parsed.data.triggers) if (trigger.match === 'regex') new RegExp(trigger.pattern, 'i');
    } catch (error) {
      const path = (error as { path?: string }).path ?? 'triggers';
      throw new ScenarioValidationError([{ path, message: (error as Error).message }]);
    }
    return program;
  }

  private store(program: ScenarioProgram): void {
    this.programs.set(program.scenario.id, program);
  }

  private emit(change: ScenarioChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private reroute(): void {
    const routes: RouteEntry[] = [];
    let order = 0;
    for (const program of this.programs.values()) {
      for (const trigger of program.scenario.triggers) {
        const priority = trigger.priority ?? 0;
        if (trigger.match === 'substring') {
          const needle = trigger.value.toLowerCase();
          routes.push({ priority, order: order++, program, test: (lowerCased) => lowerCased.includes(needle) });
        } else if (trigger.match === 'regex') {
          const pattern = new RegExp(trigger.pattern, 'i');
          routes.push({ priority, order: order++, program, test: (_, original) => pattern.test(original) });
        } else {
          routes.push({ priority, order: order++, program, test: () => true });
        }
      }
    }
    this.routes = routes.sort((a, b) => b.priority - a.priority || a.order - b.order);
  }
}
