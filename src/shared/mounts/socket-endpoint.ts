import { z } from 'zod';
import { isAllowedCloseCode } from '../control-api';
import { JsonValueSchema } from '../json-value';
import { nameText } from '../name-text';
import {
  MountIdSchema,
  mountHead,
  PathPatternSchema,
  refineUniqueIds,
  UserRegexTextSchema,
  WITH_OTHER_PROBLEMS,
} from './mount-fields';
import { BodyConditionSchema } from './route';
import { ScenarioSelectionSchema } from './scenario-selection';

/**
 * A WebSocket endpoint: a path (or pattern) clients connect to, the subprotocols it speaks, and what it does with
 * messages. Every connection shows in the console, whatever the behaviour. Strings in the frames a behaviour sends
 * are Handlebars templates reading the message and the connection (see docs/websockets.md).
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

const DelayMsSchema = z.number().int().min(0).max(600_000);

/** A frame a behaviour sends: text or JSON, its strings templates, after an optional pause. */
export const SocketFrameSchema = z
  .union([
    z.strictObject({
      text: z.string().max(1_000_000).describe('A text frame (a template: `Echo: {{message}}`).'),
      template: z.boolean().default(true).describe('false sends the text exactly as written, `{{` and all.'),
      delayMs: DelayMsSchema.default(0).describe('Wait this long after the frame before it (or the message).'),
    }),
    z.strictObject({
      json: JsonValueSchema.describe(
        'A JSON text frame. Strings in it are templates; a string that is exactly one `{{…}}` keeps the type of ' +
          'its value (`"{{json.id}}"` gives a number when the message’s id is one).',
      ),
      template: z.boolean().default(true).describe('false sends the JSON exactly as written.'),
      delayMs: DelayMsSchema.default(0).describe('Wait this long after the frame before it (or the message).'),
    }),
  ])
  .describe('A frame to send: {text} or {json}, with an optional delayMs.');
export type SocketFrame = z.infer<typeof SocketFrameSchema>;

export const SocketCloseSchema = z
  .strictObject({
    code: z
      .number()
      .int()
      .refine(isAllowedCloseCode, 'code must be 1000, 1001, 1008, 1011, 1012, 1013, 1014 or 3000–4999')
      .default(1000)
      .describe('The close code (1000 normal, 1008 policy violation, 3000–4999 your own).'),
    reason: z
      .string()
      .default('')
      .refine((reason) => new TextEncoder().encode(reason).length <= 123, 'reason must be at most 123 bytes (UTF-8)')
      .describe('The close reason the client sees (at most 123 bytes).'),
  })
  .describe('Close the connection after the frames have gone out.');

const RegexSchema = UserRegexTextSchema.describe(
  'A regular expression (RE2 syntax, linear time; `(?i)` at the start ignores case) that matches anywhere in the ' +
    "message's text: anchor it with `^…$` to match it whole. Checked when stored.",
);

/** What an incoming message must be like; every part given must hold. Omitted: any message. */
export const SocketMatchSchema = z
  .strictObject({
    text: RegexSchema.optional(),
    json: z
      .array(BodyConditionSchema)
      .max(100)
      .optional()
      .describe(
        'Conditions on the message as JSON, at JSONPaths (`{"path": "$.op", "equals": "login"}`, `{"path": ' +
          '"$.args[0].sign", "exists": true}`); all must hold. A binary frame is read as JSON when its bytes are ' +
          'UTF-8 JSON. A message that is not JSON matches none.',
      ),
    binary: z.boolean().optional().describe('true: only binary frames; false: only text frames.'),
  })
  .describe('What the message must be like: a text regex, JSON conditions, text or binary. Omit (or {}) for any.');
export type SocketMatch = z.infer<typeof SocketMatchSchema>;

const FlagSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'a flag name is letters, digits, _ and -, starting with a letter or _')
  .max(100);
const FlagsSchema = z.array(FlagSchema).max(50);

/**
 * Frames for the endpoint's other connections (a chat room: Alice sends, Bob and Carol receive), rendered once with
 * the sender's scope and sent after its reply.
 */
export const SocketBroadcastSchema = z
  .strictObject({
    frames: z
      .array(SocketFrameSchema)
      .min(1)
      .max(1000)
      .describe('Frames each receiver gets, in order; templates read the sender’s message, params, flags…'),
    to: z
      .enum(['others', 'all'])
      .default('others')
      .describe('others: every open connection of the endpoint but the sender; all: the sender too (after its reply).'),
    sameParams: z
      .array(z.string().min(1).max(100))
      .max(20)
      .default([])
      .describe(
        'Only connections whose path parameters of these names equal the sender’s (`["room"]` on `/chat/:room`: ' +
          'the sender’s room). Each must be a parameter of the endpoint’s path.',
      ),
    toFlags: FlagsSchema.default([]).describe(
      'Only connections with all these flags set (`["joined"]`); some action must set each.',
    ),
  })
  .describe(
    'Send frames to other connections of this endpoint too: those open now (made before an edit as well), in the ' +
      'same room (sameParams) and with the flags (toFlags).',
  );
export type SocketBroadcast = z.infer<typeof SocketBroadcastSchema>;

/** What a behaviour does in answer: frames, flags, closing. */
const socketActionFields = {
  reply: z.array(SocketFrameSchema).max(1000).default([]).describe('Frames to send, in order.'),
  broadcast: SocketBroadcastSchema.optional(),
  setFlags: FlagsSchema.default([]).describe(
    'Flags to set on this connection (a logged-in state), for later rules to require; templates read `flags`.',
  ),
  clearFlags: FlagsSchema.default([]).describe('Flags to clear on this connection.'),
  close: SocketCloseSchema.optional(),
};

export const SocketActionSchema = z
  .strictObject(socketActionFields)
  .describe('What to do: reply with frames, broadcast to the endpoint’s other connections, set or clear flags, close.');
export type SocketAction = z.infer<typeof SocketActionSchema>;

const EncodingSchema = z.enum(['base64', 'base64url', 'hex']);

/** A signed message (an exchange's login): the rule applies only when the signature the client sent is right. */
export const HmacCheckSchema = z
  .strictObject({
    algorithm: z.enum(['sha256', 'sha384', 'sha512', 'sha1']).default('sha256').describe('The HMAC hash function.'),
    secret: z.string().min(1).max(4096).describe('The shared secret, as text (its UTF-8 bytes are the key).'),
    message: z
      .string()
      .min(1)
      .max(10_000)
      .describe(
        'The text that was signed, a template built from the message: ' +
          '`{{json.args.0.timestamp}}GET/users/self/verify`.',
      ),
    signature: z
      .string()
      .min(1)
      .max(10_000)
      .describe('Where the client’s signature is, a template: `{{json.args.0.sign}}`.'),
    encoding: EncodingSchema.default('base64').describe(
      'How the signature is written: base64, base64url or hex (hex in either case).',
    ),
  })
  .describe(
    'Verify an HMAC signature: the digest of `message` under `secret`, encoded, must equal `signature` (compared ' +
      'in constant time). When it does not, the rule does not apply and the next one is tried.',
  );
export type HmacCheck = z.infer<typeof HmacCheckSchema>;

export const SocketRuleSchema = z
  .strictObject({
    id: MountIdSchema.describe('Stable id, unique in the list: logs and problems name the rule.'),
    name: nameText(200).optional().describe('A label for people.'),
    match: SocketMatchSchema.optional(),
    requireFlags: FlagsSchema.default([]).describe('Applies only while all these flags are set on the connection.'),
    forbidFlags: FlagsSchema.default([]).describe('Applies only while none of these flags is set.'),
    verify: z.strictObject({ hmac: HmacCheckSchema }).optional().describe('A signature the message must carry.'),
    ...socketActionFields,
  })
  .describe('When a message is like this (and the flags and signature say so), do this.');
export type SocketRule = z.infer<typeof SocketRuleSchema>;

/** Reply to every message with a template, text for text and binary for binary. */
export const EchoSocketBehaviourSchema = z.strictObject({
  type: z.literal('echo').describe('Send every message back, as it came or through a template.'),
  reply: z
    .string()
    .max(1_000_000)
    .optional()
    .describe(
      'The reply, a template (`Echo: {{message}}`). A text message gets a text frame, a binary one a binary frame ' +
        '(the reply’s UTF-8 bytes). Omit to send each frame back exactly as it came.',
    ),
  delayMs: DelayMsSchema.default(0).describe('Wait this long before each reply.'),
});

/** Send a frame every N ms, from connect or from a matching message. */
export const PushSocketBehaviourSchema = z.strictObject({
  type: z.literal('push').describe('Send a frame every intervalMs.'),
  frame: SocketFrameSchema,
  intervalMs: z.number().int().min(10).max(86_400_000).describe('Time between two frames.'),
  firstAfterMs: z
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(0)
    .describe('Time before the first frame (0: at once, on connect or on the message that starts it).'),
  count: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .optional()
    .describe('Stop after this many frames (the connection stays open). Omit to push until it closes.'),
  startOn: SocketMatchSchema.optional().describe(
    'Start only when a message like this arrives (a subscribe); omit to start on connect.',
  ),
  stopOn: SocketMatchSchema.optional().describe('Stop when a message like this arrives (an unsubscribe).'),
});

/** An ordered list of rules, a greeting, and what to do with a message no rule takes. */
export const RulesSocketBehaviourSchema = z
  .strictObject({
    type: z.literal('rules').describe('Answer messages by rules, the first that applies.'),
    onConnect: SocketActionSchema.optional().describe('What to do when a client connects (a greeting).'),
    rules: z.array(SocketRuleSchema).max(1000).default([]).describe('Tried in order; the first that applies acts.'),
    unmatched: SocketActionSchema.default({ reply: [], setFlags: [], clearFlags: [] }).describe(
      'What to do with a message no rule takes: nothing (the default), reply (an error frame), broadcast, close.',
    ),
  })
  .superRefine((behaviour, ctx) => refineUniqueIds(behaviour.rules, ctx, ['rules'], 'rule'), WITH_OTHER_PROBLEMS);

export const SocketBehaviourSchema = z
  .discriminatedUnion('type', [
    AguiSocketBehaviourSchema,
    EchoSocketBehaviourSchema,
    PushSocketBehaviourSchema,
    RulesSocketBehaviourSchema,
  ])
  .describe('What the endpoint does with the messages it receives: agui, echo, push or rules.');
export type SocketBehaviour = z.infer<typeof SocketBehaviourSchema>;
export type EchoSocketBehaviour = z.infer<typeof EchoSocketBehaviourSchema>;
export type PushSocketBehaviour = z.infer<typeof PushSocketBehaviourSchema>;
export type RulesSocketBehaviour = z.infer<typeof RulesSocketBehaviourSchema>;

const SubprotocolSchema = z
  .string()
  .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'a subprotocol is an HTTP token (letters, digits, -._~ and a few others)')
  .max(200);

export const SocketEndpointSchema = z.strictObject({
  ...mountHead,
  path: PathPatternSchema.describe(
    'Where clients connect (`/ws`, `/` for the root only, `/*path` for any path below it, `/{*path}` for every path).',
  ),
  subprotocols: z
    .array(SubprotocolSchema)
    .max(20)
    .default([])
    // Compared exactly, as the handshake compares them (ws: `chat` and `Chat` are two subprotocols).
    .superRefine((subprotocols, ctx) => {
      const firstAt = new Map<string, number>();
      subprotocols.forEach((subprotocol, index) => {
        const first = firstAt.get(subprotocol);
        if (first === undefined) firstAt.set(subprotocol, index);
        else
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: `subprotocol "${subprotocol}" is already listed at ${first}: list each subprotocol once`,
          });
      });
    })
    .describe('Subprotocols offered, in order of preference; the first one the client also asks for is chosen.'),
  behaviour: SocketBehaviourSchema,
});
export type SocketEndpoint = z.infer<typeof SocketEndpointSchema>;
