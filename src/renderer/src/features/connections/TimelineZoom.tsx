/** Zoom levels of the run timeline (times the width of its panel). */
export const TIMELINE_ZOOMS = [1, 2, 4, 8, 16, 32] as const;

/** The next zoom level in, or out, from `zoom`. */
export function nextZoom(zoom: number, direction: 1 | -1): number {
  const at = TIMELINE_ZOOMS.findIndex((level) => level >= zoom);
  const next = TIMELINE_ZOOMS[Math.max(0, Math.min(TIMELINE_ZOOMS.length - 1, (at === -1 ? 0 : at) + direction))];
  return next ?? zoom;
}

/**
 * The timeline's zoom buttons; on the drawing itself `+`, `-` and `0` do the same. A button at its limit is off yet
 * focusable (aria-disabled): pressed up to it, the focus stays there rather than falling to the page.
 */
export function TimelineZoom({ zoom, onZoom }: { zoom: number; onZoom(zoom: number): void }) {
  const max = TIMELINE_ZOOMS.at(-1) as number;
  const zoomTo = (off: boolean, next: number) => () => {
    if (!off) onZoom(next);
  };
  return (
    <div className="row timeline-zoom">
      <button
        type="button"
        className="small"
        aria-label="Zoom out"
        aria-disabled={zoom <= 1 || undefined}
        onClick={zoomTo(zoom <= 1, nextZoom(zoom, -1))}
      >
        −
      </button>
      <span className="muted" data-testid="timeline-zoom">
        {zoom}×
      </span>
      <button
        type="button"
        className="small"
        aria-label="Zoom in"
        aria-disabled={zoom >= max || undefined}
        onClick={zoomTo(zoom >= max, nextZoom(zoom, 1))}
      >
        +
      </button>
      <button type="button" className="small" aria-disabled={zoom === 1 || undefined} onClick={zoomTo(zoom === 1, 1)}>
        Fit
      </button>
    </div>
  );
}
