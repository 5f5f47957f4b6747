import { z } from 'zod';
import { AgoraDataSchema } from '../agora-model';

/**
 * A built-in pack: a backend contract the engine knows (its routes, sockets and run recording), with the data it
 * serves kept in the workspace. Packs answer after the user's own mounts.
 */
export const PACK_NAMES = ['agora-mock', 'agora-real'] as const;
export type PackName = (typeof PACK_NAMES)[number];

export const PackSchema = z
  .discriminatedUnion('pack', [
    z.strictObject({
      pack: z
        .literal('agora-mock')
        .describe("AGORA's HAI backend as its Python mock serves it: users, sessions, preferences, agents, /ws."),
      enabled: z.boolean().default(true).describe('A disabled pack keeps its data but serves nothing.'),
      data: AgoraDataSchema.describe('Users, the current user, legacy user ids and sessions with their histories.'),
    }),
    z.strictObject({
      pack: z
        .literal('agora-real')
        .describe(
          "AGORA's HAI backend as its real servers (langgraph, openai) serve it: the same data and flows, their REST shapes.",
        ),
      enabled: z.boolean().default(true).describe('A disabled pack keeps its data but serves nothing.'),
      data: AgoraDataSchema.describe(
        'Users (with roles), the current user, legacy user ids and sessions; the same data agora-mock keeps.',
      ),
    }),
  ])
  .describe('A built-in pack and its data.');
export type Pack = z.infer<typeof PackSchema>;
