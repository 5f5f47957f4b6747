import { useRef } from 'react';
import { refocusWhenLost } from '../../ui/focus-return';
import { AssistantMarkdown } from './AssistantMarkdown';
import { InterruptCard } from './InterruptCard';
import type { TranscriptItem } from './transcript';
import { answerApproval } from './try-it-session';

/** A tool result is shown up to this many characters (the whole of it on hover, and in Connections). */
const RESULT_SHOWN = 300;

/**
 * One line of the Try it chat: a bubble, a tool call, an approval or interrupt card, or a run marker.
 * `socketOpen`: AGORA's CUSTOM approval requests can be answered (on the socket that asked); `canResume`: a run
 * paused at an interrupt can be resumed (over HTTP, or on the open socket).
 */
export function TranscriptItemView({
  item,
  socketOpen,
  canResume,
}: {
  item: TranscriptItem;
  socketOpen: boolean;
  canResume: boolean;
}) {
  switch (item.kind) {
    case 'user':
      return <div className="bubble user">{item.text}</div>;
    case 'assistant':
      return (
        <div className="bubble assistant" data-testid="assistant-message">
          <AssistantMarkdown text={item.text} />
          {item.open && <span className="spinner" role="status" aria-label="Streaming" />}
        </div>
      );
    case 'tool':
      return (
        <div className="tool-chip" data-testid="tool-call">
          <strong>{item.name}</strong>({item.args}){item.open && ' …'}
          {item.displayName && <span className="faint"> — {item.displayName}</span>}
          {item.result !== null && (
            <div className="faint" title={item.result.length > RESULT_SHOWN ? item.result : undefined}>
              → {item.result.length > RESULT_SHOWN ? `${item.result.slice(0, RESULT_SHOWN)}…` : item.result}
            </div>
          )}
        </div>
      );
    case 'approval':
      return <ApprovalCard item={item} canAnswer={item.via === 'interrupt' ? canResume : socketOpen} />;
    case 'interrupt':
      return <InterruptCard item={item} canAnswer={canResume} />;
    case 'run':
      return (
        <div className={`bubble system${item.tone === 'danger' ? ' field-error' : ''}`} data-testid="run-marker">
          {item.tone === 'ok' ? '✓ ' : ''}
          {item.text}
        </div>
      );
  }
}

/**
 * An approval request with Approve and Reject; answered, the buttons give way to the answer, and the focus goes to
 * the card (where the answer is read) rather than to the page.
 */
function ApprovalCard({
  item,
  canAnswer,
}: {
  item: Extract<TranscriptItem, { kind: 'approval' }>;
  /** An interrupt is answered by a new run; AGORA's CUSTOM request needs the socket that asked. */
  canAnswer: boolean;
}) {
  const card = useRef<HTMLDivElement>(null);
  const answer = (approved: boolean) => {
    void answerApproval(item.approvalId, approved, item.via);
    refocusWhenLost(() => card.current);
  };
  return (
    <div className="approval-card" data-testid="approval-request" ref={card} tabIndex={-1}>
      <strong>
        Approval requested: <code>{item.toolName}</code> <span className="badge warn">{item.riskLevel} risk</span>
      </strong>
      <span>{item.reasoning}</span>
      {item.answer === null ? (
        <div className="row">
          <button type="button" className="primary" disabled={!canAnswer} onClick={() => answer(true)}>
            Approve
          </button>
          <button type="button" className="danger" disabled={!canAnswer} onClick={() => answer(false)}>
            Reject
          </button>
          {!canAnswer && <span className="faint">The socket that asked is closed: connect again and ask anew.</span>}
        </div>
      ) : (
        <span className={`badge ${item.answer ? 'ok' : 'danger'}`}>{item.answer ? 'Approved' : 'Rejected'}</span>
      )}
    </div>
  );
}
