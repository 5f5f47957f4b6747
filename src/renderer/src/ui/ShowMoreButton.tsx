import { formatNumber } from './format';

/**
 * The button under a list drawn a page at a time (a long list drawn whole freezes the page): "Show 100 more (1,902
 * not shown)". `what` says what more is ("more", "earlier", "more characters").
 */
export function ShowMoreButton({
  count,
  notShown,
  what = 'more',
  onShow,
}: {
  count: number;
  notShown: number;
  what?: string;
  onShow(): void;
}) {
  return (
    <button type="button" className="ghost small" onClick={onShow}>
      Show {formatNumber(count)} {what} ({formatNumber(notShown)} not shown)
    </button>
  );
}
