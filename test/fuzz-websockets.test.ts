import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { pendingSlicedTimeouts } from '../src/server/support/sliced-timer';
import { CONTROL_API_PREFIX, LIVE_FEED_PATH } from '../src/shared/control-api';
import { AguiSocket } from './helpers/agui-socket';
import { startTestEngine } from './helpers/engine';
import { errorLogger } from './helpers/error-logger';
import { describe, type FuzzFrame, inPool, invalidUtf8TextFrame, playFrames } from './helpers/fuzz';
import { settledArrayBuffers } from './helpers/garbage';
import { rawHttp } from './helpers/raw-http';
import { RawSocket } from './helpers/raw-socket';
import { type WireFrame, wireFrame } from './helpers/tcp-websocket';
import { eventually, WAIT_MS } from './helpers/wait';

// A seeded fuzz run against every kind of WebSocket the engine serves: AGORA's /ws, a workspace's agui, echo, push
// and rules sockets, and the console's live feed. `ws` clients send random messages (JSON mutated: wrong types, deep
// nesting, huge strings, "__proto__" keys, partial RunAgentInputs, approvals with bad ids; binary; invalid UTF-8);
// raw TCP clients send what `ws` never would (bad fragmentation, RSV bits, unmasked frames, reserved opcodes, bad
// control frames and close codes, lengths past the limit, resets mid-frame), and many sockets open and close at
// once. Whatever comes in, every socket ends with a documented close code (or stays open and answers), nothing is
// logged as an engine error, nothing escapes to the process, a control client completes runs during and after,
// /__console/health answers throughout, and open connections, timers and memory come back to where they were.
// FUZZ_SEED=<n> runs another seed (the failing input is printed).

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_208);
const WS_SOCKETS = 48;
const MESSAGES_PER_SOCKET = 16;
const RAW_SOCKETS = 200;
const STORM_SOCKETS = 120;
const CONCURRENCY = 16;
const MAX_PAYLOAD = 16 * 1024;
/** A socket must close (or answer) within this; everything here takes milliseconds when it works. */
const BOUND_MS = WAIT_MS;

const escaped: unknown[] = [];
const recordEscape = (error: unknown) => escaped.push(error);
process.on('uncaughtExceptionMonitor', recordEscape);
process.on('unhandledRejection', recordEscape);
after(() => {
  process.off('uncaughtExceptionMonitor', recordEscape);
  process.off('unhandledRejection', recordEscape);
});

const { logger, errors } = errorLogger();
const server = await startTestEngine({ logger, settings: { maxPayloadBytes: MAX_PAYLOAD, speed: 0 } });
/** A control API call over a connection of its own that then closes (a pooled one would count as left open). */
async function consoleCall(method: string, path: string, body?: unknown): Promise<number> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const response = await rawHttp(server.port, [
    `${method} ${CONTROL_API_PREFIX}${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
      `Authorization: Bearer ${server.token}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  ]);
  return response.status;
}

const SOCKETS = [
  { id: 'fz-agui', path: '/fz/agui', behaviour: { type: 'agui', whileRunning: 'queue' } },
  { id: 'fz-echo', path: '/fz/echo', behaviour: { type: 'echo', reply: 'Echo: {{message}} {{json this.json}}' } },
  {
    id: 'fz-push',
    path: '/fz/push',
    behaviour: {
      type: 'push',
      intervalMs: 20,
      count: 20,
      startOn: { json: [{ path: '$.op', equals: 'subscribe' }] },
      stopOn: { text: '^unsubscribe$' },
      frame: { json: { topic: '{{json.topic}}', seq: '{{counter}}' } },
    },
  },
  {
    id: 'fz-rules',
    path: '/fz/rules/:room',
    behaviour: {
      type: 'rules',
      onConnect: { reply: [{ json: { hello: '{{params.room}}' } }] },
      rules: [
        { id: 'ping', match: { text: '(?i)^ping$' }, reply: [{ text: 'pong' }] },
        {
          id: 'join',
          match: { json: [{ path: '$.op', equals: 'join' }] },
          setFlags: ['joined'],
          reply: [{ json: { joined: '{{params.room}}', user: '{{json.user}}' } }],
          broadcast: { frames: [{ text: '{{json.user}} joined' }], sameParams: ['room'], toFlags: ['joined'] },
        },
        {
          id: 'say',
          match: { json: [{ path: '$.op', equals: 'say' }] },
          requireFlags: ['joined'],
          reply: [{ json: { ok: true } }],
          broadcast: { frames: [{ json: { text: '{{json.text}}', all: '{{json this.json}}' } }], to: 'all' },
        },
        { id: 'bye', match: { text: '^bye' }, reply: [{ text: 'ciao' }], close: { code: 4000, reason: 'bye now' } },
      ],
      unmatched: { reply: [{ json: { error: 'unknown message', was: '{{message}}' } }] },
    },
  },
] as const;
for (const definition of SOCKETS) assert.equal(await consoleCall('POST', '/sockets', definition), 201);

type Target = 'agora' | 'agui' | 'echo' | 'push' | 'rules' | 'feed';
const PATHS: Record<Target, string> = {
  agora: '/ws',
  agui: '/fz/agui',
  echo: '/fz/echo',
  push: '/fz/push',
  rules: '/fz/rules/lobby',
  feed: LIVE_FEED_PATH,
};
const TARGETS = Object.keys(PATHS) as Target[];
const wsUrl = (path: string) => `${server.url.replace(/^http/, 'ws')}${path}`;

/** The code the console closes fuzzed connections with, mid-fuzz. */
const CONSOLE_CLOSE = 4100;

/**
 * Close codes each endpoint may end a socket with, besides the client's own 1000 echoed back: 1002 a protocol
 * error, 1007 invalid UTF-8, 1009 a frame too big (websockets.md's limits); a rule's 4000; the console's 4100; the feed's 4001 (no or a
 * wrong auth) and 1008 (too many unusable messages: control-api.md). Never 1011 (an engine fault) nor 1006 (dropped).
 */
const OWN_CLOSES: Record<Target, readonly number[]> = {
  agora: [CONSOLE_CLOSE],
  agui: [CONSOLE_CLOSE],
  echo: [CONSOLE_CLOSE],
  push: [CONSOLE_CLOSE],
  rules: [CONSOLE_CLOSE, 4000],
  feed: [4001, 1008],
};

// --- what clients send ---------------------------------------------------------------------------------------

const id = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '\ud800', 'a'.repeat(257), 'approval-1', 'int-x', '../../etc', '\u0000'),
  fc.integer(),
  fc.constant(null),
);
const message = fc.record(
  { id, role: fc.constantFrom('user', 'assistant', 'tool', 'system', 'x', 7), content: fc.jsonValue({ maxDepth: 2 }) },
  { requiredKeys: [] },
);
const runAgentInput = fc.record(
  {
    threadId: id,
    thread_id: id,
    runId: id,
    messages: fc.oneof(fc.array(message, { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })),
    tools: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.string()),
    context: fc.jsonValue({ maxDepth: 2 }),
    state: fc.jsonValue({ maxDepth: 3 }),
    forwardedProps: fc.record({ userId: id }, { requiredKeys: [] }),
    resume: fc.array(
      fc.record({
        interruptId: id,
        status: fc.constantFrom('resolved', 'cancelled', 'RESOLVED'),
        payload: fc.jsonValue(),
      }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);
const approval = fc
  .record({
    approvalId: id,
    approved: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })),
    feedback: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
  })
  .map((value) => ({ type: 'CUSTOM', name: 'agora:tool_approval_response', value }));
const feedMessage = fc.record(
  {
    type: fc.constantFrom('auth', 'subscribe-frames', 'unsubscribe-frames', 'ready', 'x'),
    token: fc.oneof(fc.string(), fc.constant(server.token), fc.integer()),
    connectionIds: fc.oneof(fc.constant('*'), fc.array(fc.string({ maxLength: 120 }), { maxLength: 5 }), fc.integer()),
  },
  { requiredKeys: ['type'] },
);
const socketOp = fc.record(
  {
    op: fc.constantFrom('join', 'say', 'subscribe', 'login', 7, null),
    user: fc.string({ maxLength: 10 }),
    text: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('{{json}}{{#each}}')),
    topic: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ['op'] },
);
const validLooking = fc.oneof(runAgentInput, approval, feedMessage, socketOp, fc.jsonValue({ maxDepth: 4 }));

/** JSON text made hostile: a "__proto__" key (spelt out or escaped), nesting past every limit, a huge string. */
const mutated = fc.tuple(validLooking, fc.nat(5), fc.nat(6000)).map(([value, how, size]) => {
  const text = JSON.stringify(value) ?? 'null';
  const asObject = text.startsWith('{') && text.length > 2;
  const inner = asObject ? text.slice(1, -1) : `"v":${text}`;
  switch (how) {
    case 0:
      return `{"__proto__":{"polluted":true},${inner}}`;
    case 1:
      return `{"a":{"\\u005f_proto__":{"x":1}},${inner}}`;
    case 2:
      return `${'['.repeat(size)}${text}${']'.repeat(size)}`;
    case 3:
      return `{"threadId":"${'x'.repeat(size * 3)}",${inner}}`;
    case 4:
      return text.slice(0, Math.max(1, text.length - 1 - (size % 5)));
    default:
      return `{"n":1e400,${inner}}`;
  }
});

const textFrame = fc.oneof(
  { weight: 4, arbitrary: validLooking.map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 3, arbitrary: mutated },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'ping',
      'bye',
      'unsubscribe',
      '',
      '{',
      'null',
      '[]',
      // Runs that stream, and one that waits for an approval (which the approvals drawn above then answer).
      JSON.stringify({ threadId: 'fuzz', messages: [{ role: 'user', content: 'Hallo' }] }),
      JSON.stringify({ threadId: 'fuzz', messages: [{ role: 'user', content: 'Genereer rapport' }] }),
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
);
const fuzzFrame: fc.Arbitrary<FuzzFrame> = fc.oneof(
  { weight: 8, arbitrary: textFrame.map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.nat(MAX_PAYLOAD + 4096).map((size) => ({ text: 'y'.repeat(size) })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ binary: Buffer.from(bytes) })) },
  { weight: 1, arbitrary: textFrame.map((text) => ({ binary: Buffer.from(text) })) },
  { weight: 1, arbitrary: invalidUtf8TextFrame },
);

// --- raw frames --------------------------------------------------------------------------------------------

/**
 * A step of a raw client: frames it writes and what the engine must answer. `close`: the engine must close with this
 * code (a frame `ws` refuses), and nothing after it counts; `reset`: the client drops the TCP connection.
 */
interface RawStep {
  what: string;
  frames: readonly WireFrame[];
  close?: number;
  reset?: 'destroy' | 'reset' | 'end';
}

const TEXT = 0x1;
const BINARY = 0x2;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;
const INVALID_UTF8 = Buffer.from([0x68, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xff]);
/** Close codes no endpoint may send or receive (RFC 6455 §7.4). */
const INVALID_CLOSE_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535];

function closePayload(code: number, reason: Buffer | string = ''): Buffer {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code, 0);
  return Buffer.concat([payload, Buffer.from(reason)]);
}

/** A message of `bytes` closes the socket 1009 past maxPayloadBytes (websockets.md's limits). */
function tooBig(bytes: number): number | undefined {
  return bytes > MAX_PAYLOAD ? 1009 : undefined;
}

const rawStep: fc.Arbitrary<RawStep> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(textFrame, fc.boolean()).map(([text, binary]) => ({
      what: 'a whole message',
      frames: [{ opcode: binary ? BINARY : TEXT, payload: Buffer.from(text) }],
      close: tooBig(Buffer.byteLength(text)),
    })),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(textFrame, fc.integer({ min: 1, max: 6 }), fc.boolean()).map(([text, parts, ping]) => {
      const bytes = Buffer.from(text);
      const size = Math.ceil(bytes.length / parts) || 1;
      const frames: WireFrame[] = [];
      for (let start = 0, index = 0; index < parts; start += size, index++)
        frames.push({
          opcode: index === 0 ? TEXT : 0,
          fin: index === parts - 1,
          payload: bytes.subarray(start, start + size),
        });
      // A control frame may come between fragments (RFC 6455 §5.4).
      if (ping && parts > 1) frames.splice(1, 0, { opcode: PING, payload: Buffer.from('mid') });
      return { what: 'a fragmented message', frames, close: tooBig(bytes.length) };
    }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<RawStep>(
      { what: 'a ping', frames: [{ opcode: PING, payload: Buffer.from('hi') }] },
      { what: 'an unsolicited pong', frames: [{ opcode: PONG, payload: Buffer.alloc(0) }] },
      { what: 'an empty text frame', frames: [{ opcode: TEXT, payload: Buffer.alloc(0) }] },
    ),
  },
  {
    weight: 4,
    arbitrary: fc.oneof(
      fc.constantFrom(0x40, 0x20, 0x10, 0x70).map((rsv) => ({
        what: `RSV bits ${rsv.toString(16)}`,
        frames: [{ opcode: TEXT, rsv, payload: Buffer.from('{}') }],
        close: 1002,
      })),
      fc.constant({
        what: 'an unmasked frame',
        frames: [{ opcode: TEXT, masked: false, payload: Buffer.from('hi') }],
        close: 1002,
      }),
      fc.constantFrom(3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf).map((opcode) => ({
        what: `reserved opcode ${opcode}`,
        frames: [{ opcode, payload: Buffer.from('x') }],
        close: 1002,
      })),
      fc.constant({
        what: 'a continuation with no message begun',
        frames: [{ opcode: 0, payload: Buffer.from('tail') }],
        close: 1002,
      }),
      fc.constant({
        what: 'a new message inside a fragmented one',
        frames: [
          { opcode: TEXT, fin: false, payload: Buffer.from('{"a":') },
          { opcode: BINARY, payload: Buffer.from('1}') },
        ],
        close: 1002,
      }),
      fc.constant({
        what: 'a fragmented ping',
        frames: [{ opcode: PING, fin: false, payload: Buffer.from('p') }],
        close: 1002,
      }),
      fc.constant({
        what: 'a ping of 126 bytes',
        frames: [{ opcode: PING, payload: Buffer.alloc(126, 1) }],
        close: 1002,
      }),
      fc.constant({
        what: 'a close of 126 bytes',
        frames: [{ opcode: CLOSE, payload: closePayload(1000, 'r'.repeat(124)) }],
        close: 1002,
      }),
      fc.constant({ what: 'a close of one byte', frames: [{ opcode: CLOSE, payload: Buffer.from([3]) }], close: 1002 }),
      fc.constantFrom(...INVALID_CLOSE_CODES).map((code) => ({
        what: `a close with code ${code}`,
        frames: [{ opcode: CLOSE, payload: closePayload(code, 'x') }],
        close: 1002,
      })),
      fc.constant({
        what: 'a close whose reason is not UTF-8',
        frames: [{ opcode: CLOSE, payload: closePayload(1000, INVALID_UTF8) }],
        close: 1007,
      }),
      fc.constant({ what: 'invalid UTF-8 text', frames: [{ opcode: TEXT, payload: INVALID_UTF8 }], close: 1007 }),
      fc.constant({
        what: 'invalid UTF-8 split across fragments',
        frames: [
          { opcode: TEXT, fin: false, payload: Buffer.from([0x61, 0xe2, 0x82]) },
          { opcode: 0, payload: Buffer.from([0x28, 0x61]) },
        ],
        close: 1007,
      }),
      fc.constantFrom(BigInt(MAX_PAYLOAD + 1), 1n << 32n, (1n << 53n) + 1n, (1n << 63n) + 5n).map((length) => ({
        what: `a frame claiming ${length} bytes`,
        frames: [{ opcode: BINARY, payload: Buffer.from('abc'), declaredLength: length }],
        close: 1009,
      })),
      fc.constant({
        what: 'fragments summing past maxPayloadBytes',
        frames: [
          { opcode: TEXT, fin: false, payload: Buffer.alloc(MAX_PAYLOAD - 10, 0x61) },
          { opcode: 0, payload: Buffer.alloc(20, 0x61) },
        ],
        close: 1009,
      }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom<RawStep['reset']>('destroy', 'reset', 'end'), fc.nat(40))
      .map(([reset, cut]) => ({
        what: `a ${reset} mid-frame after ${cut} bytes`,
        frames: [{ opcode: TEXT, payload: Buffer.alloc(200, 0x62), declaredLength: BigInt(200 + cut) }],
        reset,
      })),
  },
);

interface RawPlan {
  target: Target;
  /** The feed's auth message first, as a console sends it. */
  auth: boolean;
  /** The first steps' frames ride in the handshake's own TCP write. */
  withHandshake: boolean;
  steps: RawStep[];
  /** Byte counts to split the written frames at (each its own write). */
  splits: number[];
  closeCode: number;
  /** Frames follow the client's own close (nothing may: RFC 6455 §5.5.1). */
  afterClose: boolean;
}

const rawPlan: fc.Arbitrary<RawPlan> = fc.record({
  target: fc.constantFrom(...TARGETS),
  auth: fc.boolean(),
  withHandshake: fc.boolean(),
  steps: fc.array(rawStep, { minLength: 1, maxLength: 5 }),
  splits: fc.array(fc.nat(400), { maxLength: 4 }),
  closeCode: fc.constantFrom(1000, 1001, 3000, 4999),
  afterClose: fc.boolean(),
});

/** A server frame as read off the wire (servers never mask). */
interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/** Reads whole frames from `bytes`; returns them and what is left of a frame still arriving. */
function readServerFrames(bytes: Buffer): { frames: ServerFrame[]; rest: Buffer } {
  const frames: ServerFrame[] = [];
  let offset = 0;
  while (bytes.length - offset >= 2) {
    let length = (bytes[offset + 1] as number) & 0x7f;
    let header = 2;
    if (length === 126) {
      if (bytes.length - offset < 4) break;
      length = bytes.readUInt16BE(offset + 2);
      header = 4;
    } else if (length === 127) {
      if (bytes.length - offset < 10) break;
      length = Number(bytes.readBigUInt64BE(offset + 2));
      header = 10;
    }
    if (bytes.length - offset < header + length) break;
    frames.push({
      opcode: (bytes[offset] as number) & 0x0f,
      payload: bytes.subarray(offset + header, offset + header + length),
    });
    offset += header + length;
  }
  return { frames, rest: bytes.subarray(offset) };
}

/** How a raw client's socket ended. */
interface RawOutcome {
  /** The status line of the handshake's answer. */
  status: string;
  /** The code of the engine's close frame, if one came. */
  closeCode?: number;
  /** The TCP connection ended (either side). */
  ended: boolean;
  /** Frames the engine sent before its close. */
  frames: ServerFrame[];
}

/** Plays `plan` over raw TCP: the handshake, each step's frames in the splits asked for, then a close of its own. */
function playRaw(plan: RawPlan): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket: Socket = connect(server.port, '127.0.0.1');
    const outcome: RawOutcome = { status: '', ended: false, frames: [] };
    let buffered: Buffer = Buffer.alloc(0);
    let handshakeDone = false;
    const timer = setTimeout(finish, BOUND_MS);
    function finish() {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    }
    socket.on('error', () => {});
    socket.on('close', () => {
      outcome.ended = true;
      finish();
    });
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!handshakeDone) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        outcome.status = buffered.subarray(0, buffered.indexOf('\r\n')).toString('latin1');
        buffered = buffered.subarray(end + 4);
        handshakeDone = true;
        if (!outcome.status.includes(' 101 ')) return finish();
        void playSteps();
      }
      const { frames, rest } = readServerFrames(buffered);
      buffered = rest;
      for (const frame of frames) {
        if (outcome.closeCode !== undefined) continue;
        if (frame.opcode !== CLOSE) outcome.frames.push(frame);
        else {
          outcome.closeCode = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
          // Answered as RFC 6455 §5.5.1 asks (ws would otherwise wait 30 s for it), unless the client is gone.
          if (!socket.destroyed && socket.writable)
            socket.write(wireFrame({ opcode: CLOSE, payload: frame.payload.subarray(0, 2) }));
        }
      }
    });
    const bytesOf = (step: RawStep) =>
      Buffer.concat(
        step.frames.map((frame) => {
          const bytes = wireFrame(frame);
          // A reset step's frame is cut short: its header claims more than is sent.
          return step.reset ? bytes.subarray(0, Math.min(bytes.length, 40)) : bytes;
        }),
      );
    const prelude: Buffer[] = [];
    if (plan.target === 'feed' && plan.auth)
      prelude.push(
        wireFrame({ opcode: TEXT, payload: Buffer.from(JSON.stringify({ type: 'auth', token: server.token })) }),
      );
    const handshake =
      `GET ${PATHS[plan.target]} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\n` +
      'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    socket.once('connect', () => {
      socket.write(plan.withHandshake ? Buffer.concat([Buffer.from(handshake), ...prelude]) : handshake);
    });
    async function playSteps() {
      if (!plan.withHandshake) for (const bytes of prelude) socket.write(bytes);
      for (const step of plan.steps) {
        if (socket.destroyed || outcome.closeCode !== undefined) return;
        const bytes = bytesOf(step);
        let from = 0;
        for (const split of plan.splits) {
          if (split <= from || split >= bytes.length) continue;
          socket.write(bytes.subarray(from, split));
          from = split;
          await new Promise((resolve) => setImmediate(resolve));
        }
        socket.write(bytes.subarray(from));
        if (step.reset === 'destroy') return socket.destroy();
        if (step.reset === 'reset') return socket.resetAndDestroy();
        if (step.reset === 'end') return socket.end();
        if (step.close !== undefined) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!socket.destroyed && outcome.closeCode === undefined)
        socket.write(wireFrame({ opcode: CLOSE, payload: closePayload(plan.closeCode, 'done') }));
      if (plan.afterClose && !socket.destroyed)
        socket.write(wireFrame({ opcode: TEXT, payload: Buffer.from('{"after":"close"}') }));
    }
  });
}

/** What the engine must have done with `plan`, or undefined when it did. */
function rawProblem(plan: RawPlan, outcome: RawOutcome): string | undefined {
  if (!outcome.status.includes(' 101 ')) return `the handshake was answered ${outcome.status || 'with nothing'}`;
  const firstReset = plan.steps.findIndex((step) => step.reset !== undefined);
  const firstFatal = plan.steps.findIndex((step) => step.close !== undefined);
  const own = OWN_CLOSES[plan.target];
  if (firstReset >= 0 && (firstFatal < 0 || firstReset < firstFatal)) {
    // The client left without a close: whatever the engine said before, it must not be an engine fault.
    if (outcome.closeCode !== undefined && ![...own, 1000].includes(outcome.closeCode))
      return `closed ${outcome.closeCode} before the client's reset`;
    return undefined;
  }
  if (!outcome.ended) return `the TCP connection was still open after ${BOUND_MS} ms`;
  if (outcome.closeCode === undefined) return 'the engine ended the connection without a close frame';
  const expected = firstFatal >= 0 ? (plan.steps[firstFatal] as RawStep).close : plan.closeCode;
  if (outcome.closeCode === expected || own.includes(outcome.closeCode)) return undefined;
  // A rule's close, or the feed's, may come before the frame that would have made ws close.
  return `closed ${outcome.closeCode}, expected ${expected}${own.length > 0 ? ` or ${own.join('/')}` : ''}`;
}

// --- what must hold throughout -------------------------------------------------------------------------------

/** The engine's open TCP connections, as its server info counts them (asked over a connection that then closes). */
async function openTcpConnections(): Promise<number> {
  const response = await rawHttp(server.port, [
    `GET ${CONTROL_API_PREFIX}/server HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
      `Authorization: Bearer ${server.token}\r\nConnection: close\r\n\r\n`,
  ]);
  assert.equal(response.status, 200, response.body);
  // This request's own connection is counted too.
  return (JSON.parse(response.body) as { connectionLimit: { open: number } }).connectionLimit.open - 1;
}

/** Polls /__console/health until `done`, recording every answer that is not a prompt 200. */
async function watchHealth(done: { value: boolean }, problems: string[]): Promise<number> {
  let answered = 0;
  while (!done.value) {
    const started = performance.now();
    try {
      const response = await rawHttp(
        server.port,
        [`GET /__console/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
        0,
        { timeoutMs: 5000 },
      );
      if (response.status !== 200) problems.push(`health answered ${response.status}: ${response.body}`);
      answered++;
    } catch (error) {
      problems.push(`health did not answer within 5 s (${performance.now() - started} ms): ${String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return answered;
}

type ConsoleAction =
  | { do: 'close'; reason: string }
  | { do: 'pause'; paused: boolean; latencyMs: number }
  | { do: 'frame'; text: string };

const consoleAction: fc.Arbitrary<ConsoleAction> = fc.oneof(
  fc.string({ maxLength: 40 }).map((reason) => ({ do: 'close' as const, reason: reason.slice(0, 40) })),
  fc.record({ do: fc.constant('pause' as const), paused: fc.boolean(), latencyMs: fc.nat(30) }),
  textFrame.map((text) => ({ do: 'frame' as const, text: text.slice(0, 2000) })),
);

/**
 * What the console does to the fuzzed connections meanwhile, one action at a time on one open connection of the
 * world's sockets: closes it (4100), pauses or delays its frames, sends it a frame. Every answer is below 500: a
 * connection that closed meanwhile is 404 or 409, never an engine fault.
 */
async function consoleActs(done: { value: boolean }, problems: string[]): Promise<number> {
  const actions = fc.sample(fc.tuple(consoleAction, fc.nat()), { seed: SEED + 2, numRuns: 200 });
  let acted = 0;
  for (let turn = 0; !done.value; turn++) {
    const [action, pick] = actions[turn % actions.length] as [ConsoleAction, number];
    await new Promise((resolve) => setTimeout(resolve, 5));
    const open = [...server.context.registry.openConnections()].filter((connection) => connection.kind === 'ws');
    const connection = open[pick % Math.max(1, open.length)];
    if (!connection) continue;
    // The control clients' own runs are left alone: they must complete.
    if (connection.path === '/fz/rules/control' || connection.summary().threadId?.startsWith('control-')) continue;
    const path = `/connections/${connection.id}`;
    const status =
      action.do === 'close'
        ? await consoleCall('POST', `${path}/close`, { code: CONSOLE_CLOSE, reason: action.reason })
        : action.do === 'pause'
          ? await consoleCall('PATCH', path, { paused: action.paused, latencyMs: action.latencyMs })
          : await consoleCall('POST', `${path}/messages`, { text: action.text });
    acted++;
    if (status >= 500 || ![200, 201, 202, 204, 404, 409].includes(status))
      problems.push(`the console's ${action.do} on ${connection.path} answered ${status}`);
  }
  return acted;
}

/** A well-behaved client's run on /ws, start to end. */
async function controlRun(label: string): Promise<void> {
  const client = await AguiSocket.open(server.wsUrl);
  client.ask('Hallo', { threadId: `control-${label}` });
  await client.waitFor((event) => event.type === 'RUN_FINISHED');
  await client.close();
}

/** A well-behaved client of the rules socket: greeted, answered, closed normally. */
async function controlRules(): Promise<void> {
  const client = await RawSocket.open(wsUrl('/fz/rules/control'));
  client.send('ping');
  await client.waitUntil(() => client.texts.includes('pong'));
  await client.close();
  assert.equal(client.closeCode, 1000);
}

const baseline = {
  open: server.context.registry.openCount,
  tcp: await openTcpConnections(),
  timers: pendingSlicedTimeouts(),
  arrayBuffers: await settledArrayBuffers(),
  heap: process.memoryUsage().heapUsed,
};

test('every kind of socket fuzzed at once: documented closes, no engine error, the others keep working', async (t) => {
  const started = performance.now();
  await controlRun('before');
  const healthProblems: string[] = [];
  const done = { value: false };
  const health = watchHealth(done, healthProblems);
  const consoleProblems: string[] = [];
  const consoleActing = consoleActs(done, consoleProblems);
  const failures: string[] = [];
  /** How raw sockets ended, by endpoint and close code: what the fuzz reached. */
  const closes = new Map<string, number>();

  const wsPlans = fc.sample(
    fc.record({
      target: fc.constantFrom(...TARGETS),
      frames: fc.array(fuzzFrame, { minLength: 1, maxLength: MESSAGES_PER_SOCKET }),
    }),
    { seed: SEED, numRuns: WS_SOCKETS },
  );
  const rawPlans = fc.sample(rawPlan, { seed: SEED + 1, numRuns: RAW_SOCKETS });

  const wsClients = inPool(wsPlans, CONCURRENCY / 2, async ({ target, frames }) => {
    // The feed reads nothing before its auth: most clients send it first, as the console does.
    const sent =
      target === 'feed' && frames.length % 4 !== 0
        ? [{ text: JSON.stringify({ type: 'auth', token: server.token }) }, ...frames]
        : frames;
    const progress = { sent: 0 };
    while (progress.sent < sent.length) {
      const outcome = await playFrames(
        wsUrl(PATHS[target]),
        sent,
        progress,
        (data, isBinary) => {
          if (target !== 'agora' && target !== 'agui' && target !== 'feed') return;
          if (isBinary) failures.push(`${target}: the engine sent a binary frame`);
          else {
            try {
              JSON.parse(data.toString());
            } catch {
              failures.push(`${target}: the engine sent a frame that is not JSON: ${data.toString().slice(0, 100)}`);
            }
          }
        },
        BOUND_MS,
      );
      const where = `ws ${target} after frame ${progress.sent}: ${describe(sent[progress.sent - 1])}`;
      if (outcome.hung) failures.push(`${where}: neither answered nor closed within ${BOUND_MS} ms`);
      if (!outcome.opened) {
        failures.push(`${where}: the upgrade failed (${outcome.refused ?? outcome.code})`);
        return;
      }
      if (![1000, 1005, 1007, 1009, ...OWN_CLOSES[target]].includes(outcome.code))
        failures.push(`${where}: closed with ${outcome.code}`);
    }
  });

  const rawClients = inPool(rawPlans, CONCURRENCY, async (plan) => {
    const outcome = await playRaw(plan);
    const key = `${plan.target} ${outcome.closeCode ?? 'none'}`;
    closes.set(key, (closes.get(key) ?? 0) + 1);
    const problem = rawProblem(plan, outcome);
    if (problem) failures.push(`raw ${plan.target}: ${problem}\n  for ${describe(plan)}`);
  });

  // Many sockets opening and closing at once: half leave at once, half after their handshake, some by a reset.
  const storm = Promise.all(
    Array.from({ length: STORM_SOCKETS }, async (_unused, index) => {
      const target = TARGETS[index % TARGETS.length] as Target;
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => {});
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(
        `GET ${PATHS[target]} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
      if (index % 2 === 0) await new Promise((resolve) => socket.once('data', resolve));
      if (index % 3 === 0) socket.resetAndDestroy();
      else socket.destroy();
    }),
  );

  const control = (async () => {
    for (let run = 0; run < 3; run++) {
      await controlRun(`during-${run}`);
      await controlRules();
    }
  })();
  try {
    await Promise.all([wsClients, rawClients, storm, control]);
  } finally {
    done.value = true;
  }
  const healthAnswers = await health;
  const consoleActions = await consoleActing;

  await controlRun('after');
  await controlRules();
  t.diagnostic(
    `seed ${SEED}: ${WS_SOCKETS} ws clients, ${RAW_SOCKETS} raw clients, ${STORM_SOCKETS} storm sockets, ` +
      `${healthAnswers} health answers, ${consoleActions} console actions in ${Math.round(performance.now() - started)} ms`,
  );
  t.diagnostic(`raw closes: ${JSON.stringify(Object.fromEntries([...closes].sort()))}`);
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} sockets broke the rules`);
  const codes = new Set([...closes.keys()].map((key) => key.split(' ')[1]));
  for (const code of ['1002', '1007', '1009'])
    assert.ok(codes.has(code), `some raw socket was closed ${code}: ${[...codes].join(', ')}`);
  assert.deepEqual(healthProblems.slice(0, 5), [], '/__console/health answered throughout');
  assert.deepEqual(consoleProblems.slice(0, 5), [], "the console's actions were answered");
  assert.ok(healthAnswers > 0, 'health was asked during the fuzz');
  assert.deepEqual(errors, [], 'nothing was logged as an engine error');
  assert.deepEqual(escaped, [], 'nothing escaped to the process');
});

test('after the fuzz: connections, timers and memory come back to where they were', async () => {
  await eventually(() => server.context.registry.openCount === baseline.open, 'the open connections to close');
  await eventually(async () => (await openTcpConnections()) === baseline.tcp, 'the TCP connections to close');
  await eventually(() => pendingSlicedTimeouts() === baseline.timers, "every connection's timers to stop");
  // The closed connections' frame logs are kept for the console until cleared: cleared, their memory goes.
  assert.equal(await consoleCall('DELETE', '/connections?state=closed'), 200);
  const arrayBuffers = await settledArrayBuffers();
  assert.ok(
    arrayBuffers - baseline.arrayBuffers < 8 * 1024 * 1024,
    `ArrayBuffers came back near ${baseline.arrayBuffers} bytes: ${arrayBuffers}`,
  );
  const heap = process.memoryUsage().heapUsed;
  assert.ok(heap - baseline.heap < 48 * 1024 * 1024, `the heap came back near ${baseline.heap} bytes: ${heap}`);
  assert.deepEqual(errors, [], 'nothing was logged as an engine error');
});
