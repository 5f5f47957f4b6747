import { useState } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';
import type { RawMessageBody, RawMessageResult } from '../../../../shared/raw-messages';
import { api } from '../../api/control-client';
import { BlockedReason } from '../../ui/BlockedReason';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { SendKeyHint } from '../../ui/SendKeyHint';
import { submitOnSendKey } from '../../ui/send-key';
import { jsonProblem } from '../../ui/unparsed-fields';
import { useAction } from '../../ui/use-action';
import { useNotOpenReason } from '../connections/not-open-words';

type FrameKind = 'text' | 'json';

/**
 * One raw frame into the socket, as its client would get it from the server: text exactly as typed, or JSON (sent
 * compact). For sockets that do not speak AG-UI (an echo, a feed, rules); the engine checks size and depth again.
 */
export function RawFrameComposer({ connection }: { connection: ConnectionSummary }) {
  const [kind, setKind] = useState<FrameKind>('text');
  const [source, setSource] = useState('');
  const [sent, setSent] = useState<RawMessageResult | null>(null);
  const problem = kind === 'json' && source.trim() !== '' ? jsonProblem(source) : null;
  const send = useAction(async () => {
    setSent(null);
    const body: RawMessageBody = kind === 'text' ? { text: source } : { json: JSON.parse(source) };
    setSent(await api.sendRawMessage(connection.id, body));
  });
  // A connection no longer open takes no frames (the engine answers 409): Send says why it is off.
  const { open, problems, blockedId, describedBy } = useNotOpenReason(connection);
  const canSend = open && !send.busy && problem === null && (kind === 'text' || source.trim() !== '');
  return (
    <section className="stack">
      <h2>Send a frame</h2>
      <form
        className="stack"
        onKeyDown={submitOnSendKey}
        onSubmit={(event) => {
          event.preventDefault();
          if (canSend) void send.run();
        }}
      >
        <fieldset className="row">
          <legend>Frame</legend>
          {(['text', 'json'] as const).map((value) => (
            <label key={value}>
              <input
                type="radio"
                name={`raw-kind-${connection.id}`}
                value={value}
                checked={kind === value}
                onChange={() => setKind(value)}
              />
              {value === 'text' ? 'Text' : 'JSON'}
            </label>
          ))}
        </fieldset>
        <label className="field">
          {kind === 'text' ? 'Text, sent exactly as typed' : 'JSON, sent compact'}
          <textarea
            aria-label="Frame to send"
            data-testid="raw-frame-input"
            rows={8}
            spellCheck={false}
            value={source}
            aria-invalid={problem !== null}
            onChange={(event) => setSource(event.target.value)}
          />
        </label>
        {problem && <span className="field-error">{problem}</span>}
        <div className="row">
          <button type="submit" className="primary" disabled={!canSend} aria-describedby={describedBy}>
            {send.busy ? 'Sending…' : 'Send frame'}
          </button>
          <SendKeyHint />
          <BlockedReason id={blockedId} lead="Cannot send" problems={problems} />
          <span role="status" className="muted">
            {sent && `Sent ${sent.size} bytes${sent.held ? ' (waiting behind a pause or latency)' : ''}`}
          </span>
        </div>
        <ErrorNotice error={send.error} />
      </form>
    </section>
  );
}
