/** What the built-in client saw, as the entries it keeps: its own prompts and every event that came back. */
export type TryItEntry =
  | { kind: 'prompt'; text: string }
  | { kind: 'event'; event: Record<string, unknown> }
  | { kind: 'approval-answer'; approvalId: string; approved: boolean }
  /** An AG-UI interrupt answered: its run resumed with this status. */
  | { kind: 'interrupt-answer'; interruptId: string; status: InterruptAnswer }
  | { kind: 'note'; text: string };

export type InterruptAnswer = 'resolved' | 'cancelled';

export type TranscriptItem =
  | { kind: 'user'; key: string; text: string }
  | { kind: 'assistant'; key: string; text: string; open: boolean }
  | {
      kind: 'tool';
      key: string;
      name: string;
      /** AGORA's `toolDisplayName`, when sent. */
      displayName: string;
      args: string;
      result: string | null;
      open: boolean;
    }
  | {
      kind: 'approval';
      key: string;
      approvalId: string;
      toolName: string;
      reasoning: string;
      riskLevel: string;
      answer: boolean | null;
      /** AGORA's CUSTOM request over the socket, or an AG-UI 1.0 interrupt (answered by a resuming run). */
      via: 'custom' | 'interrupt';
    }
  | {
      /** An AG-UI interrupt other than a tool approval: answered with a JSON payload its `responseSchema` takes. */
      kind: 'interrupt';
      key: string;
      interruptId: string;
      reason: string;
      message: string;
      /** What the answer must satisfy, as sent; null when the interrupt names none. */
      responseSchema: Record<string, unknown> | null;
      answer: InterruptAnswer | null;
    }
  | { kind: 'run'; key: string; text: string; tone: 'ok' | 'danger' | 'muted' };

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Builds the chat view: messages joined from their chunks, tool calls with args and results, approvals and
 * interrupts with their answers. An interrupt answered on a socket that the engine then refuses (`agora:error
 * invalid_run_input` before any run starts) is open to answer again.
 */
export function buildTranscript(entries: readonly TryItEntry[]): TranscriptItem[] {
  const items: TranscriptItem[] = [];
  const messages = new Map<string, Extract<TranscriptItem, { kind: 'assistant' }>>();
  const tools = new Map<string, Extract<TranscriptItem, { kind: 'tool' }>>();
  const approvals = new Map<string, Extract<TranscriptItem, { kind: 'approval' }>>();
  const interrupts = new Map<string, Extract<TranscriptItem, { kind: 'interrupt' }>>();
  /** The interrupt last answered, until a run starts: a refusal of the answer reopens it. */
  let answering: Extract<TranscriptItem, { kind: 'interrupt' }> | undefined;
  entries.forEach((entry, index) => {
    const key = String(index);
    if (entry.kind === 'prompt') items.push({ kind: 'user', key, text: entry.text });
    else if (entry.kind === 'note') items.push({ kind: 'run', key, text: entry.text, tone: 'muted' });
    else if (entry.kind === 'approval-answer') {
      const approval = approvals.get(entry.approvalId);
      if (approval) approval.answer = entry.approved;
    } else if (entry.kind === 'interrupt-answer') {
      answering = interrupts.get(entry.interruptId);
      if (answering) answering.answer = entry.status;
    } else {
      const event = entry.event;
      switch (event.type) {
        case 'RUN_STARTED':
          answering = undefined;
          items.push({ kind: 'run', key, text: 'Run started', tone: 'muted' });
          break;
        case 'RUN_FINISHED': {
          const outcome = (event.outcome ?? {}) as { type?: unknown; interrupts?: unknown };
          if (outcome.type === 'interrupt' && Array.isArray(outcome.interrupts)) {
            items.push({ kind: 'run', key, text: 'Run paused for an answer', tone: 'muted' });
            for (const interrupt of outcome.interrupts as Record<string, unknown>[]) {
              if (interrupt.reason !== 'tool_approval') {
                const schema = interrupt.responseSchema;
                const asked = {
                  kind: 'interrupt' as const,
                  key: `${key}-${str(interrupt.id)}`,
                  interruptId: str(interrupt.id),
                  reason: str(interrupt.reason),
                  message: str(interrupt.message),
                  responseSchema:
                    schema !== null && typeof schema === 'object' && !Array.isArray(schema)
                      ? (schema as Record<string, unknown>)
                      : null,
                  answer: null,
                };
                interrupts.set(asked.interruptId, asked);
                items.push(asked);
                continue;
              }
              const metadata = (interrupt.metadata ?? {}) as Record<string, unknown>;
              const approval = {
                kind: 'approval' as const,
                key: `${key}-${str(interrupt.id)}`,
                approvalId: str(interrupt.id),
                toolName: str(metadata.toolName) || str(interrupt.reason),
                reasoning: str(metadata.reasoning) || str(interrupt.message),
                riskLevel: str(metadata.riskLevel),
                answer: null,
                via: 'interrupt' as const,
              };
              approvals.set(approval.approvalId, approval);
              items.push(approval);
            }
          } else items.push({ kind: 'run', key, text: 'Run finished', tone: 'ok' });
          break;
        }
        case 'RUN_ERROR':
          items.push({ kind: 'run', key, text: `Run error: ${str(event.message)}`, tone: 'danger' });
          break;
        case 'TEXT_MESSAGE_START': {
          const message = { kind: 'assistant' as const, key, text: '', open: true };
          messages.set(str(event.messageId), message);
          items.push(message);
          break;
        }
        case 'TEXT_MESSAGE_CONTENT': {
          const message = messages.get(str(event.messageId));
          if (message) message.text += str(event.delta);
          break;
        }
        case 'TEXT_MESSAGE_END': {
          const message = messages.get(str(event.messageId));
          if (message) message.open = false;
          break;
        }
        case 'TOOL_CALL_START': {
          const tool = {
            kind: 'tool' as const,
            key,
            name: str(event.toolCallName),
            displayName: str(event.toolDisplayName),
            args: '',
            result: null,
            open: true,
          };
          tools.set(str(event.toolCallId), tool);
          items.push(tool);
          break;
        }
        case 'TOOL_CALL_ARGS': {
          const tool = tools.get(str(event.toolCallId));
          if (tool) tool.args += str(event.delta);
          break;
        }
        case 'TOOL_CALL_END': {
          const tool = tools.get(str(event.toolCallId));
          if (tool) tool.open = false;
          break;
        }
        case 'TOOL_CALL_RESULT': {
          const tool = tools.get(str(event.toolCallId));
          if (tool) tool.result = str(event.content);
          break;
        }
        case 'CUSTOM': {
          const value = (event.value ?? {}) as Record<string, unknown>;
          if (event.name === 'agora:tool_approval_request') {
            const approval = {
              kind: 'approval' as const,
              key,
              approvalId: str(value.approvalId),
              toolName: str(value.toolName),
              reasoning: str(value.reasoning),
              riskLevel: str(value.riskLevel),
              answer: null,
              via: 'custom' as const,
            };
            approvals.set(approval.approvalId, approval);
            items.push(approval);
          } else if (event.name === 'agora:error') {
            if (answering && value.errorCode === 'invalid_run_input') {
              answering.answer = null;
              answering = undefined;
            }
            items.push({
              kind: 'run',
              key,
              text: `agora:error ${str(value.errorCode)}: ${str(value.message)}`,
              tone: 'danger',
            });
          }
          break;
        }
      }
    }
  });
  return items;
}
