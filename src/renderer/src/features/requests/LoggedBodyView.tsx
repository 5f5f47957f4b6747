import type { LoggedBody } from '../../../../shared/request-log';
import { formatBytes } from '../../ui/format';

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function LoggedBodyView({ body, testId }: { body: LoggedBody | null; testId: string }) {
  if (!body || body.size === 0) return <div className="faint">No body</div>;
  if (body.evicted)
    return (
      <div className="faint" data-testid={testId}>
        {formatBytes(body.size)} — evicted from the log to stay within the engine's memory budget
      </div>
    );
  return (
    <div className="stack" style={{ gap: 4 }}>
      <span className="faint">
        {formatBytes(body.size)}
        {body.truncated && ' — truncated in the log (see Settings → Body bytes logged)'}
      </span>
      <pre className="body" data-testid={testId}>
        {pretty(body.text)}
      </pre>
    </div>
  );
}
