import type { RequestLogEntry } from '../../../../shared/request-log';
import { MountLink } from './MountLink';

/** Which mount answered a request (and which response, which fault), or why none did: the closest and why not. */
export function AnsweredBy({ entry }: { entry: RequestLogEntry }) {
  const { answeredBy, nearMisses } = entry;
  if (answeredBy)
    return (
      <div className="answered-by" data-testid="answered-by">
        Answered by <MountLink mount={answeredBy} />
        {answeredBy.responseId && (
          <>
            {' '}
            · response <code>{answeredBy.responseId}</code>
          </>
        )}
        {answeredBy.fault && (
          <>
            {' '}
            · fault <code>{answeredBy.fault}</code>
          </>
        )}
      </div>
    );
  return (
    <div className="stack" data-testid="answered-by">
      <div className="answered-by">Nothing answered this request{entry.status === 404 ? ' (404)' : ''}.</div>
      {nearMisses.length > 0 ? (
        <section className="stack near-misses" aria-label="Near misses" data-testid="near-misses">
          <h3>Near misses</h3>
          <ol>
            {nearMisses.map((miss) => (
              <li key={`${miss.mount.kind}:${miss.mount.id}`}>
                <div className="row">
                  <MountLink mount={miss.mount} name={miss.name} />
                  <code className="faint">
                    {miss.method} {miss.path}
                  </code>
                </div>
                <ul>
                  {miss.reasons.map((reason) => (
                    <li key={`${reason.part}:${reason.responseId ?? ''}:${reason.message}`}>
                      {reason.responseId && <span className="faint">response {reason.responseId}: </span>}
                      {reason.message}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        </section>
      ) : (
        entry.status === 404 && <div className="faint">No mount came close to it.</div>
      )}
    </div>
  );
}
