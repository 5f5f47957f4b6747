import type { ConnectionMount } from '../../shared/connections';
import type { SocketEndpoint as SocketEndpointDefinition } from '../../shared/mounts/socket-endpoint';
import { type CompiledPathPattern, compilePathPattern } from '../routes/path-pattern';
import { type IssuePath, MountIssues } from '../world/mount-validation-error';
import { type SocketBehaviourEnvironment, socketBehaviourEndpoint } from './behaviours/socket-behaviours';
import type { SocketEndpoint } from './socket-server';

/** Socket definitions from one source: the workspace's own list, or a pack's. */
export interface SocketSource {
  /** The pack that declares them; absent for the workspace's own. */
  pack?: string;
  sockets: readonly SocketEndpointDefinition[];
  /** Where problems are reported (`sockets` for the workspace's own). */
  at: IssuePath;
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

  /** Checks socket definitions, or throws one MountValidationError with every problem (`sockets.N.path`). */
  static check(sockets: readonly SocketEndpointDefinition[], at: IssuePath = ['sockets']): CompiledPathPattern[] {
    const issues = new MountIssues();
    const patterns = sockets.map((definition, index) => {
      try {
        return compilePathPattern(definition.path);
      } catch (error) {
        issues.add([...at, index, 'path'], (error as Error).message);
        return undefined;
      }
    });
    issues.throwIfAny();
    return patterns as CompiledPathPattern[];
  }

  /** Builds the endpoints; throws one MountValidationError with every problem, building nothing. */
  static compile(sources: readonly SocketSource[], environment: SocketBehaviourEnvironment): SocketTable {
    const compiled = sources.map((source) => ({ source, patterns: SocketTable.check(source.sockets, source.at) }));
    const entries = compiled.flatMap(({ source, patterns }) =>
      source.sockets.flatMap((definition, index) => {
        if (!definition.enabled) return [];
        return [{ source, definition, pattern: patterns[index] as CompiledPathPattern }];
      }),
    );
    return new SocketTable(
      entries.map(({ source, definition, pattern }) => {
        const mount: ConnectionMount = {
          kind: 'socket',
          id: definition.id,
          ...(definition.name !== undefined && { name: definition.name }),
          ...(source.pack !== undefined && { pack: source.pack }),
        };
        return { pattern, endpoint: socketBehaviourEndpoint(definition, mount, environment) };
      }),
    );
  }

  /** The endpoint for an upgrade's path: the first whose pattern matches. */
  resolve(path: string): SocketEndpoint | undefined {
    return this.entries.find((entry) => entry.pattern.match(path))?.endpoint;
  }
}
