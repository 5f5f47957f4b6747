import type { Middleware } from 'koa';
import type { Agent } from '../../shared/mounts/agent';
import type { AguiEndpointEnvironment } from '../agui/endpoint-environment';
import { scenarioSelection } from '../agui/endpoint-environment';
import { SHUTTING_DOWN, type StreamsEnd } from '../agui/streams-end';
import { type CompiledPathPattern, compilePathPattern, invalidPathPattern } from '../routes/path-pattern';
import { type IssuePath, MountIssues } from '../world/mount-validation-error';
import { flagShadowedPaths } from '../world/shadowed-paths';
import { type AgentHttpEndpoint, type AgentHttpOptions, agentHttpEndpoint } from './agent-http-endpoint';

/** An agent mount edited or removed while its streams are open: they end with this. */
const AGENT_CHANGED: StreamsEnd = {
  message: 'This agent was changed or removed in the mock; send the run again',
  code: 'agent_changed',
};

/** What every agent endpoint shares; each agent adds its own scenario selection. */
export type AgentMountsEnvironment = Omit<AguiEndpointEnvironment, 'scenarios'>;

interface AgentEntry {
  readonly agent: Agent;
  /** The definition as text: an unchanged agent keeps its endpoint (its threads, its open streams) across edits. */
  readonly key: string;
  readonly pattern: CompiledPathPattern;
  readonly endpoint: AgentHttpEndpoint;
}

/**
 * The workspace's AG-UI agents on the HTTP binding: `POST <path>` plays a run of the agent's scenarios as SSE (or
 * protobuf). Other methods on an agent's path get 405 with `Allow: POST` (preflights are answered by CORS
 * before this). Each agent keeps its own threads, so two agents never share a conversation.
 */
export class AgentMounts {
  private constructor(private readonly entries: readonly AgentEntry[]) {}

  static empty(): AgentMounts {
    return new AgentMounts([]);
  }

  /**
   * Compiles the agents, reusing the endpoints of `previous` whose definition did not change and closing the rest.
   * Throws one MountValidationError listing every problem (paths `agents.N.path`), changing nothing.
   */
  static compile(
    agents: readonly Agent[],
    environment: AgentMountsEnvironment,
    options: Partial<AgentHttpOptions>,
    previous: AgentMounts = AgentMounts.empty(),
  ): AgentMounts {
    const patterns = AgentMounts.check(agents);
    const reusable = new Map(previous.entries.map((entry) => [entry.key, entry]));
    const entries: AgentEntry[] = [];
    agents.forEach((agent, index) => {
      if (!agent.enabled) return;
      const key = JSON.stringify(agent);
      const kept = reusable.get(key);
      reusable.delete(key);
      entries.push(
        kept ?? {
          agent,
          key,
          pattern: patterns[index] as CompiledPathPattern,
          endpoint: agentHttpEndpoint({ ...environment, scenarios: scenarioSelection(agent.scenarios) }, options, {
            kind: 'agent',
            id: agent.id,
            ...(agent.name !== undefined && { name: agent.name }),
          }),
        },
      );
    });
    for (const unused of reusable.values()) unused.endpoint.close(AGENT_CHANGED);
    return new AgentMounts(entries);
  }

  /**
   * Compiles the agents' paths, or throws one MountValidationError naming every bad one (`agents.N.path`): a path
   * that does not compile, or one an earlier enabled agent already serves (the first always answers a POST there,
   * so the second would never play a run).
   */
  static check(agents: readonly Agent[], at: IssuePath = ['agents']): CompiledPathPattern[] {
    const issues = new MountIssues();
    const patterns = agents.map((agent, index) => {
      try {
        return compilePathPattern(agent.path);
      } catch (error) {
        issues.add([...at, index, 'path'], invalidPathPattern(error));
        return undefined;
      }
    });
    flagShadowedPaths(agents, at, 'agent', issues);
    issues.throwIfAny();
    return patterns as CompiledPathPattern[];
  }

  middleware(): Middleware {
    return async (ctx, next) => {
      const entry = this.entries.find((candidate) => candidate.pattern.match(ctx.path));
      if (!entry) return next();
      ctx.state.answeredBy = { kind: 'agent', id: entry.agent.id };
      if (ctx.method !== 'POST') {
        ctx.status = 405;
        ctx.set('Allow', 'POST');
        ctx.body = { detail: 'Method Not Allowed' };
        return;
      }
      await entry.endpoint.handle(ctx, next);
    };
  }

  /** The agents served, in order (for the server info and the console). */
  list(): Agent[] {
    return this.entries.map((entry) => entry.agent);
  }

  /** The engine is closing: every open stream ends with a RUN_ERROR saying so. */
  close(): void {
    for (const entry of this.entries) entry.endpoint.close(SHUTTING_DOWN);
  }
}
