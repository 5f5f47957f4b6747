import type { SocketAction, SocketBroadcast, SocketFrame } from '../../../shared/mounts/socket-endpoint';
import type { RenderSession } from '../../templates/template-engine';
import { templateProblem } from '../../templates/template-engine';
import { pathParamsText } from '../../templates/template-params';
import type { IssuePath } from '../../world/mount-validation-error';
import type { SocketCompileTools } from './socket-compile-tools';
import type { SocketTemplateScope } from './socket-template-scope';

/** A frame ready to render: its text for a scope, and the pause before it. */
export interface CompiledFrame {
  readonly delayMs: number;
  render(scope: SocketTemplateScope, session: RenderSession): string;
}

/** Frames for the endpoint's other connections, compiled, and which of them get them. */
export interface CompiledBroadcast {
  readonly frames: readonly CompiledFrame[];
  readonly includeSender: boolean;
  readonly sameParams: readonly string[];
  readonly toFlags: readonly string[];
  /** The reply's delays added up: the broadcast reaches the others after the reply has gone out. */
  readonly afterMs: number;
}

/** What to do, compiled: frames to send, flags to change, whether to close after. */
export interface CompiledAction {
  readonly frames: readonly CompiledFrame[];
  /** Absent for most actions: their messages never look at the endpoint's other connections. */
  readonly broadcast: CompiledBroadcast | undefined;
  readonly setFlags: readonly string[];
  readonly clearFlags: readonly string[];
  readonly close: { code: number; reason: string } | undefined;
}

/** Compiles a text template of a socket (a reply, a signature's parts); a problem is added at `at`. */
export function compileSocketText(source: string, at: IssuePath, tools: SocketCompileTools) {
  try {
    const template = tools.templates.compileText(source, tools.params);
    if (template.usesBody && tools.reads) tools.reads.json = true;
    return template;
  } catch (error) {
    tools.issues.add(at, templateProblem(error));
    return { usesBody: false, render: () => source };
  }
}

/** Compiles a frame: a text template, or JSON whose strings are templates (the text sent is the JSON). */
export function compileFrame(frame: SocketFrame, at: IssuePath, tools: SocketCompileTools): CompiledFrame {
  const { delayMs } = frame;
  if ('text' in frame) {
    if (!frame.template) return { delayMs, render: () => frame.text };
    const template = compileSocketText(frame.text, [...at, 'text'], tools);
    return { delayMs, render: (scope, session) => template.render(scope, session) };
  }
  if (!frame.template) {
    const text = JSON.stringify(frame.json);
    return { delayMs, render: () => text };
  }
  const template = tools.templates.compileJson(frame.json, [...at, 'json'], tools.issues, tools.params);
  if (template.usesBody && tools.reads) tools.reads.json = true;
  return { delayMs, render: (scope, session) => JSON.stringify(template.render(scope, session)) };
}

export function compileAction(action: SocketAction, at: IssuePath, tools: SocketCompileTools): CompiledAction {
  return {
    frames: action.reply.map((frame, index) => compileFrame(frame, [...at, 'reply', index], tools)),
    broadcast:
      action.broadcast &&
      compileBroadcast(
        action.broadcast,
        action.reply.reduce((sum, frame) => sum + frame.delayMs, 0),
        [...at, 'broadcast'],
        tools,
      ),
    setFlags: action.setFlags,
    clearFlags: action.clearFlags,
    close: action.close,
  };
}

function compileBroadcast(
  broadcast: SocketBroadcast,
  afterMs: number,
  at: IssuePath,
  tools: SocketCompileTools,
): CompiledBroadcast {
  const { params } = tools;
  // A parameter the path lacks is undefined on every connection: the broadcast would never reach anyone.
  if (params)
    broadcast.sameParams.forEach((name, index) => {
      if (!params.names.includes(name))
        tools.issues.add(
          [...at, 'sameParams', index],
          `the path ${params.path} has no parameter ${JSON.stringify(name)} (${pathParamsText(params.names)}), ` +
            'so no connection could share it: name one of its parameters',
        );
    });
  return {
    frames: broadcast.frames.map((frame, index) => compileFrame(frame, [...at, 'frames', index], tools)),
    includeSender: broadcast.to === 'all',
    sameParams: broadcast.sameParams,
    toFlags: broadcast.toFlags,
    afterMs,
  };
}
