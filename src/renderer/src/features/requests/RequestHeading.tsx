import { type ReactNode, type RefObject, useLayoutEffect, useRef, useState } from 'react';
import type { RequestSummary } from '../../../../shared/request-log';
import { formatClock } from '../../ui/format';
import { StatusCode } from './StatusCode';

/**
 * Whether the element's content is taller than the element (a path longer than the heading's cap): it scrolls then,
 * and takes the focus so the keyboard can scroll it too.
 */
function useOverflowing<T extends HTMLElement>(): [RefObject<T | null>, boolean] {
  const ref = useRef<T>(null);
  const [overflowing, setOverflowing] = useState(false);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const check = () => setOverflowing(element.scrollHeight > element.clientHeight);
    check();
    // The element for its width (the window's), its first child for its text.
    const observer = new ResizeObserver(check);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return [ref, overflowing];
}

/**
 * A request's method, path and status atop its pane, with the pane's own actions (`children`) after them. The path
 * and query are shown whole: a long one wraps (anywhere: a token as long as the line too) and, past the heading's
 * cap, scrolls.
 */
export function RequestHeading({ request, children }: { request: RequestSummary; children?: ReactNode }) {
  const [path, overflowing] = useOverflowing<HTMLHeadingElement>();
  return (
    <div className="panel-header request-heading">
      <span className="method">{request.method}</span>
      <h2
        ref={path}
        className="spacer request-path"
        // A path past the cap scrolls: the keyboard scrolls it too.
        tabIndex={overflowing ? 0 : undefined}
      >
        <code>
          {request.path}
          {request.query ? `?${request.query}` : ''}
        </code>
      </h2>
      <StatusCode status={request.status} />
      {children}
    </div>
  );
}

/** When the request came, how long its answer took, and from where. */
export function requestTiming(request: RequestSummary): string {
  return `${formatClock(request.at)} · ${request.durationMs.toFixed(1)} ms · from ${request.remoteAddress}`;
}
