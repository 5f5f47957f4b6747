import { type Agent, request } from 'node:http';
import { withTimeout } from './with-timeout';

/** The inspection flow's prompt, as a RunAgentInput for an AG-UI HTTP agent. */
export function inspectionRunInput(threadId: string, runId: string): string {
  return JSON.stringify({
    threadId,
    runId,
    tools: [],
    context: [],
    state: {},
    forwardedProps: {},
    messages: [{ id: 'm1', role: 'user', content: 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854' }],
  });
}

export interface PostedRun {
  status: number;
  /** The response body's chunks as they arrived. */
  chunks: Buffer[];
}

/** POSTs one run to an agent endpoint and resolves once its event stream ended. */
export function postRun(url: string, body: string, agent: Agent, timeoutMs: number): Promise<PostedRun> {
  const finished = new Promise<PostedRun>((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () => resolve({ status: response.statusCode ?? 0, chunks }));
        response.once('error', reject);
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
  return withTimeout(finished, timeoutMs, `POST ${url}`);
}

/** The SSE frames (`data: …\n\n`) in a response body, in order. */
export function sseFrames(body: string): string[] {
  return body
    .split('\n\n')
    .filter((frame) => frame.length > 0)
    .map((frame) => `${frame}\n\n`);
}
