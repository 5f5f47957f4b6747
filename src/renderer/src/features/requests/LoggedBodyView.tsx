import type { LoggedBody } from '../../../../shared/request-log';
import { formatBytes } from '../../ui/format';
import { ScrollRegion } from '../../ui/ScrollRegion';

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
        <pre className="body" data-testid={testId}>
          {pretty(body.text)}
        </pre>
      </ScrollRegion>
    </div>
  );
}
