import { dirname, join } from 'node:path';
import { loadModule } from '../support/load-module';

// ws's own parser of the header (ws/lib/subprotocol.js; not in ws's exports map, hence the path): the engine reads
// the header exactly as ws will, so it never lets through what ws then refuses with a bare "Invalid …" message.
const wsSubprotocol = loadModule(join(dirname(loadModule.resolve('ws')), 'lib', 'subprotocol.js')) as {
  parse(header: string): Set<string>;
};

/**
 * The subprotocols a `Sec-WebSocket-Protocol` header asks for, in order, or what is wrong with it (RFC 6455 §4.1:
 * tokens separated by commas, none twice), in ws's words: `Unexpected character at index 2`.
 */
export function askedSubprotocols(header: string): { asked: string[] } | { problem: string } {
  try {
    return { asked: [...wsSubprotocol.parse(header)] };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
