import type { ConnectionMount } from '../../shared/connections';
import type { SocketEndpoint as SocketEndpointDefinition } from '../../shared/mounts/socket-endpoint';
import { type CompiledPathPattern, compilePathPattern, invalidPathPattern } from '../routes/path-pattern';
import type { PathParams } from '../templates/template-params';
import type { IssuePath } from '../world/mount-validation-error';
import { flagShadowedPaths } from '../world/shadowed-paths';
import {
  type CompiledSocketBehaviour,
  compileSocketBehaviour,
  type SocketBehaviourEnvironment,
  socketBehaviourEndpoint,
} from './behaviours/socket-behaviours';
import { socketCompileTools } from './behaviours/socket-compile-tools';
import type { SocketEndpoint } from './socket-server';

/** Socket definitions from one source: the workspace's own list, or a pack's. */
export interface SocketSource {
  /** The pack that declares them; absent for the workspace's own. */
  pack?: string;
  sockets: readonly SocketEndpointDefinition[];
  /** Where problems are reported (`sockets` for the workspace's own). */
  at: IssuePath;
}

/** A definition ready to serve: its path pattern and its behaviour, compiled. */
export interface CompiledSocketDefinition {
  readonly pattern: CompiledPathPattern;
  readonly behaviour: CompiledSocketBehaviour;
}

interface SocketEntry {
  readonly pattern: CompiledPathPattern;
  readonly endpoint: SocketEndpoint;
}

/**
 * The world's WebSocket endpoints, matched by path in order: the workspace's own first, then the packs'. Each
 * enabled definition becomes the endpoint of its behaviour; a connection keeps its endpoint when the table is
 * rebuilt, so edits never cut an open socket.
 */
export class SocketTable {
  private constructor(private readonly entries: readonly SocketEntry[]) {}

  static empty(): SocketTable {
    return new SocketTable([]);
  }

  /**
   * Compiles socket definitions — path patterns, and their behaviours' regexes, JSONPaths and templates — or
   * throws one MountValidationError with every problem at its field (`sockets.N.behaviour.rules.M.match.text`).
   */
  static check(sockets: readonly SocketEndpointDefinition[], at: IssuePath = ['sockets']): CompiledSocketDefinition[] {
    const tools = socketCompileTools();
    const compiled = sockets.map((definition, index) => {
      let pattern: CompiledPathPattern;
      // Its templates may read its path's parameters by name, and no other (unchecked when the path is wrong).
      let params: PathParams | undefined;
      try {
        pattern = compilePathPattern(definition.path);
        params = { path: definition.path, names: pattern.paramNames };
      } catch (error) {
        tools.issues.add([...at, index, 'path'], invalidPathPattern(error));
        pattern = compilePathPattern('/');
      }
      const behaviour = compileSocketBehaviour(definition.behaviour, [...at, index, 'behaviour'], {
        ...tools,
        ...(params && { params }),
      });
      return { pattern, behaviour };
    });
    // Connections go to the first endpoint whose path matches.
    flagShadowedPaths(sockets, at, 'socket', tools.issues);
    tools.issues.throwIfAny();
    return compiled;
  }

  /** Builds the endpoints; throws one MountValidationError with every problem, building nothing. */
  static compile(sources: readonly SocketSource[], environment: SocketBehaviourEnvironment): SocketTable {
    const compiled = sources.map((source) => ({ source, definitions: SocketTable.check(source.sockets, source.at) }));
    const entries = compiled.flatMap(({ source, definitions }) =>
      source.sockets.flatMap((definition, index) => {
        if (!definition.enabled) return [];
        return [{ source, definition, compiled: definitions[index] as CompiledSocketDefinition }];
      }),
    );
    return new SocketTable(
      entries.map(({ source, definition, compiled }) => {
        const mount: ConnectionMount = {
          kind: 'socket',
          id: definition.id,
          ...(definition.name !== undefined && { name: definition.name }),
          ...(source.pack !== undefined && { pack: source.pack }),
        };
        return {
          pattern: compiled.pattern,
          endpoint: socketBehaviourEndpoint(definition, compiled, mount, environment),
        };
      }),
    );
  }

  /** The endpoint for an upgrade's path: the first whose pattern matches. */
  resolve(path: string): SocketEndpoint | undefined {
    return this.entries.find((entry) => entry.pattern.match(path))?.endpoint;
  }
}
