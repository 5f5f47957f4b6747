import type { Message } from '@ag-ui/core';
import { EventSchemas } from '@ag-ui/core/schemas';
import type { ScenarioStep } from '../../shared/scenario';
import type { RunRequest } from '../agui/run-input';
import { SequenceTracker } from '../agui/sequence-tracker';
import { type RenderBudget, renderBudget } from '../templates/template-engine';
import type { ConditionIssue } from './run-conditions';
import { knownEventProblem, NESTED_STEPS, RunValues } from './run-values';
import { type Chooser, ScenarioPlayer } from './scenario-player';
import type { Op, ScenarioProgram } from './scenario-program';

/** Paths through a scenario's forks tried at most per approval mode; a scenario with more is checked that far. */
export const DRY_RUN_MAX_PATHS = 256;

/**
 * The most a dry run may play, summed over the paths it plays: steps, chunks and patch operations (each one or more
 * events or a patch applied, each checked), and characters of the steps' JSON (each value built, serialised and
 * checked again on every path). Paths multiply the work: 256 paths through a 20,000-chunk text are 5 million
 * events, seconds to minutes in which the engine serves nothing. About a second of one core at most; counted
 * before playing, never timed, so a scenario passes or not on any machine. Far above every built-in and test
 * scenario (the largest plays about 2,400 steps and 140,000 characters).
 */
export const DRY_RUN_MAX_STEPS = 100_000;
export const DRY_RUN_MAX_CHARACTERS = 8_000_000;

/** Interrupts one path may chain (each resumed run may pause again): far more than any scenario has. */
const MAX_RESUMES = 50;

interface Decision {
  path: string;
  kind: string;
  options: number;
  pick: number;
}

const OUTCOMES: Record<string, readonly string[]> = {
  branch: ['when', 'otherwise'],
  approval: ['approved', 'rejected', 'timeout'],
  resume: ['accepted', 'declined', 'expired'],
};

/**
 * Plays a compiled scenario before it is stored — every path through its forks (branches both ways, every random
 * branch, every answer to an approval or interrupt; approvals both waited for, as on a WebSocket, and as
 * interrupts, as on HTTP) — with delays skipped, and checks what it would send: every event against the AG-UI
 * schemas and the whole stream against the sequence rules `verifyEvents` enforces (`SequenceTracker`), plus what
 * the player itself refuses (a delta that does not apply to a state the scenario set). Returns every problem
 * found, each once, at the step that caused it and with the forks that led there. A scenario whose dry run would
 * play more than DRY_RUN_MAX_STEPS or DRY_RUN_MAX_CHARACTERS is not played: one issue says what to reduce.
 *
 * It plays one sample request (`sampleRequest`), so what the scenario's templates take from a run — the request,
 * the client's state, the context, earlier steps' outputs — is not known here (`run-values.ts`): the schema check
 * skips the fields holding such values (a real run checks them as it sends the event: RUN_ERROR `invalid_event`),
 * and still refuses what is wrong whatever the run brings (a literal, a template reading nothing of the run, an
 * object where the schema wants text or text where it wants an object). A problem the sample request itself
 * caused in a step reading the run (a sequence rule broken by ids it made, a template that failed on its values)
 * says so, and what to do.
 */
export function dryRunScenario(program: ScenarioProgram): ConditionIssue[] {
  const modes: ('wait' | 'interrupt')[] = hasApproval(program.ops) ? ['wait', 'interrupt'] : ['wait'];
  const tooLarge = overBudget(program.scenario.steps, modes.length);
  if (tooLarge) return [tooLarge];
  const problems = new Map<string, ConditionIssue>();
  const values = new RunValues(program.scenario.steps);
  // One run's worth of template output for all the paths together: each path writing just under a run's budget
  // (a string doubled by `let`s) made 256 paths hold the engine for seconds.
  const budget = renderBudget();
  for (const mode of modes) {
    let prefix: number[] = [];
    for (let paths = 0; paths < DRY_RUN_MAX_PATHS; paths++) {
      const decisions = playPath(program, values, mode, prefix, problems, budget);
      let fork = decisions.length - 1;
      while (fork >= 0 && (decisions[fork] as Decision).pick + 1 >= (decisions[fork] as Decision).options) fork--;
      if (fork < 0) break;
      prefix = [...decisions.slice(0, fork).map((decision) => decision.pick), (decisions[fork] as Decision).pick + 1];
    }
  }
  return [...problems.values()];
}

/** What the paths through some steps play, summed over all of them, and on the longest one. */
interface Work {
  paths: number;
  steps: number;
  characters: number;
  longestSteps: number;
  longestCharacters: number;
}

/**
 * The issue refusing a scenario whose dry run would play more than the budget, or undefined. An upper bound
 * worked out from the steps in one pass (the dry run plays all paths, or the first DRY_RUN_MAX_PATHS, each at
 * most as long as the longest), so the refusal costs nothing like the run it avoids.
 */
function overBudget(steps: readonly ScenarioStep[], modes: number): ConditionIssue | undefined {
  const work = sequenceWork(steps);
  const paths = Math.min(work.paths, DRY_RUN_MAX_PATHS);
  const played = Math.min(work.steps, paths * work.longestSteps) * modes;
  const characters = Math.min(work.characters, paths * work.longestCharacters) * modes;
  if (played <= DRY_RUN_MAX_STEPS && characters <= DRY_RUN_MAX_CHARACTERS) return undefined;
  const [amount, limit] =
    played > DRY_RUN_MAX_STEPS
      ? [`${count(played)} steps, chunks and patch operations`, `${count(DRY_RUN_MAX_STEPS)}`]
      : [`${count(characters)} characters of step JSON`, `${count(DRY_RUN_MAX_CHARACTERS)}`];
  const where = `${count(paths * modes)} path${paths * modes === 1 ? '' : 's'}`;
  return {
    path: 'steps',
    message:
      `too large to check: its dry run would play ${amount} over ${where} (at most ${limit}); use fewer paths ` +
      '(random branches, branch, approval and interrupt steps multiply them), fewer chunks or patch operations, ' +
      'smaller values, or split it into several scenarios',
  };
}

/** Steps one after the other: every path through one goes on with every path through the next. */
function sequenceWork(steps: readonly ScenarioStep[]): Work {
  let work: Work = { paths: 1, steps: 0, characters: 0, longestSteps: 0, longestCharacters: 0 };
  for (const step of steps) {
    const next = stepWork(step);
    work = {
      paths: capped(work.paths * next.paths),
      steps: capped(work.steps * next.paths + next.steps * work.paths),
      characters: capped(work.characters * next.paths + next.characters * work.paths),
      longestSteps: capped(work.longestSteps + next.longestSteps),
      longestCharacters: capped(work.longestCharacters + next.longestCharacters),
    };
  }
  return work;
}

/** One step: itself (one, plus its parts; its size without nested steps) on each of the ways on it takes. */
function stepWork(step: ScenarioStep): Work {
  const ownSteps = 1 + partCount(step);
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step)) if (!NESTED_STEPS.has(key)) own[key] = value;
  const ownCharacters = JSON.stringify(own).length;
  const work: Work = { paths: 0, steps: 0, characters: 0, longestSteps: 0, longestCharacters: 0 };
  for (const way of waysOn(step).map(sequenceWork)) {
    work.paths += way.paths;
    work.steps += way.steps;
    work.characters += way.characters;
    work.longestSteps = Math.max(work.longestSteps, way.longestSteps);
    work.longestCharacters = Math.max(work.longestCharacters, way.longestCharacters);
  }
  return {
    paths: capped(work.paths),
    steps: capped(work.steps + ownSteps * work.paths),
    characters: capped(work.characters + ownCharacters * work.paths),
    longestSteps: capped(ownSteps + work.longestSteps),
    longestCharacters: capped(ownCharacters + work.longestCharacters),
  };
}

/** The steps a step goes on with, one list per way the dry run tries (as many as its fork has options). */
function waysOn(step: ScenarioStep): (readonly ScenarioStep[])[] {
  switch (step.type) {
    case 'step':
      return [step.steps];
    case 'branch':
      return [step.steps, step.otherwise ?? []];
    case 'random':
      return step.branches.map((branch) => branch.steps);
    case 'approval':
      return [step.approved, step.rejected, step.timeout];
    case 'interrupt':
      return [step.resolved, step.cancelled ?? [], step.expired ?? []];
    default:
      return [[]];
  }
}

/** The parts a step plays one by one, each about as much work as a step: chunks, and patch operations applied. */
function partCount(step: ScenarioStep): number {
  switch (step.type) {
    case 'text':
    case 'reasoning':
      return step.chunks.length;
    case 'toolCall':
    case 'frontendToolCall':
      return step.argsChunks?.length ?? 0;
    case 'stateDelta':
      return Array.isArray(step.delta) ? step.delta.length : 0;
    case 'activityDelta':
      return Array.isArray(step.patch) ? step.patch.length : 0;
    default:
      return 0;
  }
}

/** Counts stay finite however many paths multiply them (past the budget, only "too many" matters). */
function capped(value: number): number {
  return Math.min(value, Number.MAX_SAFE_INTEGER);
}

/** 1234567 as `1,234,567`. */
function count(value: number): string {
  return value.toLocaleString('en');
}

/** Plays one path (the forks in `prefix` taken as given, the first way at new ones); returns the forks met. */
function playPath(
  program: ScenarioProgram,
  values: RunValues,
  mode: 'wait' | 'interrupt',
  prefix: readonly number[],
  problems: Map<string, ConditionIssue>,
  budget: RenderBudget,
): Decision[] {
  const decisions: Decision[] = [];
  const chooser: Chooser = {
    choose(kind, options, path) {
      const pick = Math.min(prefix[decisions.length] ?? 0, options - 1);
      decisions.push({ kind, options, path, pick });
      return pick;
    },
  };
  const tracker = new SequenceTracker();
  let player: ScenarioPlayer | undefined;
  const report = (path: string, message: string) => {
    const key = `${path}\u0000${message}`;
    if (problems.has(key)) return;
    const forks = describeForks(decisions, mode);
    problems.set(key, { path, message: forks ? `${message} (${forks})` : message });
  };
  let request = sampleRequest();
  // The fields of an event the op being played made from the run's values: not known to this dry run.
  const unknownFields = (event: Record<string, unknown>) => {
    const at = player?.currentStep ?? 'steps';
    const history = event.type === 'MESSAGES_SNAPSHOT' ? request.messages.length : 0;
    return values.unknownFields(at, event, player?.state !== undefined, history);
  };
  let resume: ConstructorParameters<typeof ScenarioPlayer>[0]['resume'];
  for (let run = 0; run <= MAX_RESUMES; run++) {
    const current = new ScenarioPlayer({
      program,
      request,
      origin: 'http://127.0.0.1:8000',
      context: Object.create(null),
      speed: () => 0,
      approvalTimeoutMs: () => 0,
      approvals: mode,
      chooser,
      resume,
      renderBudget: budget,
      onFault: (path, message, code) =>
        report(path, code === 'processing_error' && values.readsRun(path) ? `${message}${FROM_SAMPLE}` : message),
      unknownFields,
      sink: ({ event }) => {
        const at = current.currentStep;
        const schema = EventSchemas.safeParse(event);
        if (!schema.success) {
          const problem = knownEventProblem(schema.error, unknownFields(event));
          if (problem !== undefined) report(at, `${event.type}: ${problem}`);
        }
        const finding = tracker.accept(event);
        if (finding) {
          const fromSample = unknownFields(event).length > 0 ? FROM_SAMPLE : '';
          report(at, `${event.type} breaks AG-UI sequence rule ${finding.rule}: ${finding.message}${fromSample}`);
        }
      },
    });
    player = current;
    current.start();
    const paused = current.paused;
    if (!paused) break;
    request = { ...sampleRequest(), threadId: request.threadId };
    resume = { paused, answer: { status: 'resolved', payload: { approved: true } } };
  }
  if (player?.isActive) report(player.currentStep, 'the run did not end when played without delays');
  return decisions;
}

/** The forks taken on the way to a problem, for people: `steps.2 otherwise, steps.5.approved rejected`. */
function describeForks(decisions: readonly Decision[], mode: 'wait' | 'interrupt'): string {
  const taken = decisions.map(
    (decision) => `${decision.path} ${OUTCOMES[decision.kind]?.[decision.pick] ?? `branch ${decision.pick}`}`,
  );
  if (mode === 'interrupt') taken.unshift('approvals as interrupts (HTTP)');
  return taken.length > 0 ? `on the path: ${taken.join(', ')}` : '';
}

function hasApproval(ops: readonly Op[]): boolean {
  return ops.some((op) => {
    switch (op.kind) {
      case 'approval':
        return true;
      case 'step':
        return hasApproval(op.body);
      case 'branch':
        return hasApproval(op.steps) || hasApproval(op.otherwise);
      case 'random':
        return op.branches.some(hasApproval);
      case 'interrupt':
        return hasApproval(op.resolved) || hasApproval(op.cancelled) || hasApproval(op.expired);
      default:
        return false;
    }
  });
}

/** Said of a problem the sample request may have caused in a step that reads the run's values. */
const FROM_SAMPLE =
  ' — with values from the dry run\'s sample request (thread "thread-sample", one user message "sample", no ' +
  'state, empty forwardedProps, no context): make the step work for any request, e.g. give a fallback with ' +
  '{{default input.forwardedProps.x "…"}}, or read only values every request has';

/** A request as an AG-UI client sends one, with a user message; its state is not known (undefined). */
function sampleRequest(): RunRequest {
  const threadId = 'thread-sample';
  const runId = `run-sample-${Math.random().toString(36).slice(2)}`;
  const messages = [{ id: 'msg-sample', role: 'user', content: 'sample' }] as Message[];
  return {
    threadId,
    runId,
    userId: 'user-sample',
    messages,
    lastUserMessage: 'sample',
    state: undefined,
    resume: [],
    shape: 'ag-ui',
    input: { threadId, runId, messages, state: {}, tools: [], context: [], forwardedProps: {} },
  };
}
