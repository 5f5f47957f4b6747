import { z } from 'zod';
import { mountHead, PathPatternSchema } from './mount-fields';
import { ScenarioSelectionSchema } from './scenario-selection';

/**
 * A WebSocket endpoint: a path (or pattern) clients connect to, the subprotocols it speaks, and what it does with
 * messages. Every connection shows in the console, whatever the behaviour.
 */

/** AG-UI over a WebSocket, as AGORA frames it: one RunAgentInput JSON per text frame in, one event per frame out. */
export const AguiSocketBehaviourSchema = z.strictObject({
  type: z.literal('agui').describe('AG-UI runs: a RunAgentInput in, the scenario’s events out.'),
  scenarios: ScenarioSelectionSchema,
  whileRunning: z
    .enum(['queue', 'cancel'])
    .default('queue')
    .describe('A run request that arrives while a run plays: answered after it (queue) or cancels it (cancel).'),
});

export const SocketBehaviourSchema = z
  .discriminatedUnion('type', [AguiSocketBehaviourSchema])
  .describe('What the endpoint does with the messages it receives.');
export type SocketBehaviour = z.infer<typeof SocketBehaviourSchema>;

const SubprotocolSchema = z
  .string()
  .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'a subprotocol is an HTTP token (letters, digits, -._~ and a few others)')
  .max(200);

export const SocketEndpointSchema = z.strictObject({
  ...mountHead,
  path: PathPatternSchema.describe('Where clients connect (`/ws`, `/` for the root, `/*path` for any path).'),
  subprotocols: z
    .array(SubprotocolSchema)
    .max(20)
    .default([])
    .describe('Subprotocols offered, in order of preference; the first one the client also asks for is chosen.'),
  behaviour: SocketBehaviourSchema,
});
export type SocketEndpoint = z.infer<typeof SocketEndpointSchema>;
