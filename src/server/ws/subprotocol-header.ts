import { dirname, join } from 'node:path';
import { loadedOnFirstUse, loadModule } from '../support/load-module';

interface SubprotocolParser {
  parse(header: string): Set<string>;
}

/**
 * ws's own parser of the header (ws/lib/subprotocol.js; not in ws's exports map, hence the path): the engine reads
 * the header exactly as ws will, so it never lets through what ws then refuses with a bare "Invalid …" message.
 * Loaded with the first header read, as ws itself is (socket-server.ts).
 */
const wsSubprotocol = loadedOnFirstUse<SubprotocolParser>(() =>
  loadModule(join(dirname(loadModule.resolve('ws')), 'lib', 'subprotocol.js')),
);

/**
 * The subprotocols a `Sec-WebSocket-Protocol` header asks for, in order, or what is wrong with it (RFC 6455 §4.1:
 * tokens separated by commas, none twice), in ws's words: `Unexpected character at index 2`.
 */
export function askedSubprotocols(header: string): { asked: string[] } | { problem: string } {
  const parser = wsSubprotocol();
  try {
    return { asked: [...parser.parse(header)] };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
