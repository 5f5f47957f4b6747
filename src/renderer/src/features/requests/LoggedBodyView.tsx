import { useMemo, useState } from 'react';
import type { LoggedBody } from '../../../../shared/request-log';
import { formatBytes } from '../../ui/format';
import { ScrollRegion } from '../../ui/ScrollRegion';
import { ShowMoreButton } from '../../ui/ShowMoreButton';

/**
 * Characters of a body drawn at a time: the log keeps up to 1 MB of each, some 140,000 lines of JSON once pretty, and
 * drawing a request's two such bodies froze the page for 1.9 s.
 */
const BODY_PAGE = 50_000;

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A logged body, pretty when it is JSON; a long one scrolls in its own box (which takes the focus to scroll). */
export function LoggedBodyView({ body, label, testId }: { body: LoggedBody | null; label: string; testId: string }) {
  if (body?.evicted && body.size > 0)
    return (
      <div className="faint" data-testid={testId}>
        {formatBytes(body.size)} — evicted from the log to stay within the engine's memory budget
      </div>
    );
  if (body?.described)
    return (
      <div className="faint" data-testid={testId}>
        {body.text} — not kept as text in the log
      </div>
    );
  if (!body || body.size === 0) return <div className="faint">No body</div>;
  return (
    <div className="stack" style={{ gap: 4 }}>
      <span className="faint">
        {formatBytes(body.size)}
        {body.truncated && ' — truncated in the log (see Settings → Body bytes logged)'}
      </span>
      <ScrollRegion label={label} className="logged-body">
        <PagedText text={body.text} testId={testId} />
      </ScrollRegion>
    </div>
  );
}

/** The body's text, pretty when it is JSON, a page at a time: each page ends at a line's end where one is near. */
function PagedText({ text, testId }: { text: string; testId: string }) {
  const shownText = useMemo(() => pretty(text), [text]);
  const [shown, setShown] = useState(() => pageEnd(shownText, 0));
  const notShown = shownText.length - shown;
  const next = pageEnd(shownText, shown);
  return (
    <>
      <pre className="body" data-testid={testId}>
        {shownText.slice(0, shown)}
      </pre>
      {notShown > 0 && (
        <ShowMoreButton count={next - shown} notShown={notShown} what="more characters" onShow={() => setShown(next)} />
      )}
    </>
  );
}

/** Where the page after `start` ends: BODY_PAGE characters on, or the last line's end in its second half. */
function pageEnd(text: string, start: number): number {
  const end = start + BODY_PAGE;
  if (end >= text.length) return text.length;
  const lineEnd = text.lastIndexOf('\n', end);
  return lineEnd > start + BODY_PAGE / 2 ? lineEnd + 1 : end;
}
