import type { Message } from '@ag-ui/core';
import { EventSchemas } from '@ag-ui/core/schemas';
import type { RunRequest } from '../agui/run-input';
import { SequenceTracker } from '../agui/sequence-tracker';
import type { ConditionIssue } from './run-conditions';
import { eventProblem } from './scenario-compiler';
import { type Chooser, ScenarioPlayer } from './scenario-player';
import type { Op, ScenarioProgram } from './scenario-program';

/** Paths through a scenario's forks tried at most per approval mode; a scenario with more is checked that far. */
export const DRY_RUN_MAX_PATHS = 256;

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
 * found, each once, at the step that caused it and with the forks that led there.
 */
export function dryRunScenario(program: ScenarioProgram): ConditionIssue[] {
  const problems = new Map<string, ConditionIssue>();
  const modes: ('wait' | 'interrupt')[] = hasApproval(program.ops) ? ['wait', 'interrupt'] : ['wait'];
  for (const mode of modes) {
    let prefix: number[] = [];
    for (let paths = 0; paths < DRY_RUN_MAX_PATHS; paths++) {
      const decisions = playPath(program, mode, prefix, problems);
      let fork = decisions.length - 1;
      while (fork >= 0 && (decisions[fork] as Decision).pick + 1 >= (decisions[fork] as Decision).options) fork--;
      if (fork < 0) break;
      prefix = [...decisions.slice(0, fork).map((decision) => decision.pick), (decisions[fork] as Decision).pick + 1];
    }
  }
  return [...problems.values()];
}

/** Plays one path (the forks in `prefix` taken as given, the first way at new ones); returns the forks met. */
function playPath(
  program: ScenarioProgram,
  mode: 'wait' | 'interrupt',
  prefix: readonly number[],
  problems: Map<string, ConditionIssue>,
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
      onFault: (path, message) => report(path, message),
      sink: ({ event }) => {
        const at = current.currentStep;
        const schema = EventSchemas.safeParse(event);
        if (!schema.success) report(at, `${event.type}: ${eventProblem(schema.error)}`);
        const finding = tracker.accept(event);
        if (finding) report(at, `${event.type} breaks AG-UI sequence rule ${finding.rule}: ${finding.message}`);
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
