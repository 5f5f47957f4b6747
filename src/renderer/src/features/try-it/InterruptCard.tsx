import { useRef, useState } from 'react';
import { FormField } from '../../ui/FormField';
import { refocusWhenLost } from '../../ui/focus-return';
import { ScrollRegion } from '../../ui/ScrollRegion';
import { answerDraft, readAnswer } from './interrupt-answer';
import type { TranscriptItem } from './transcript';
import { answerInterrupt } from './try-it-session';

/**
 * An AG-UI interrupt the run paused at: what it asks, and an answer to resume it with — a JSON payload (first
 * drafted from its `responseSchema`, which the engine checks it against) or a cancel.
 */
export function InterruptCard({
  item,
  canAnswer,
}: {
  item: Extract<TranscriptItem, { kind: 'interrupt' }>;
  canAnswer: boolean;
}) {
  const [text, setText] = useState(() => answerDraft(item.responseSchema));
  const [problem, setProblem] = useState<string | undefined>();
  const card = useRef<HTMLDivElement>(null);
  // Answered, the form gives way to the answer: the focus goes to the card, not to the page.
  const answer = (...args: Parameters<typeof answerInterrupt>) => {
    void answerInterrupt(...args);
    refocusWhenLost(() => card.current);
  };
  const resume = () => {
    const read = readAnswer(text);
    if ('problem' in read) return setProblem(read.problem);
    setProblem(undefined);
    answer(item.interruptId, 'resolved', read.payload);
  };
  return (
    <div className="approval-card" data-testid="interrupt-request" ref={card} tabIndex={-1}>
      <strong>
        Answer requested: <code>{item.reason}</code>
      </strong>
      {item.message && <span>{item.message}</span>}
      {item.answer !== null ? (
        <span className={item.answer === 'resolved' ? 'badge ok' : 'badge'}>
          {item.answer === 'resolved' ? 'Answered' : 'Cancelled'}
        </span>
      ) : (
        <>
          <FormField label="Answer (JSON)" problem={problem}>
            {(control) => (
              <textarea
                {...control}
                rows={Math.min(8, Math.max(2, text.split('\n').length))}
                spellCheck={false}
                value={text}
                onChange={(event) => setText(event.target.value)}
              />
            )}
          </FormField>
          {item.responseSchema && (
            <details>
              <summary>Expected answer (responseSchema)</summary>
              <ScrollRegion label="Expected answer" className="schema-view">
                {JSON.stringify(item.responseSchema, null, 2)}
              </ScrollRegion>
            </details>
          )}
          <div className="row">
            <button type="button" className="primary" disabled={!canAnswer} onClick={resume}>
              Resume
            </button>
            <button type="button" disabled={!canAnswer} onClick={() => answer(item.interruptId, 'cancelled')}>
              Cancel interrupt
            </button>
            {!canAnswer && <span className="faint">The socket that asked is closed: connect again and ask anew.</span>}
          </div>
        </>
      )}
    </div>
  );
}
