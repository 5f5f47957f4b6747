import { useEffect, useMemo, useRef, useState } from 'react';
import type { FrameRecord } from '../../../../shared/connections';
import { plainTextMatcher, regexProblem } from './frame-text-match';
import { RegexSearch } from './regex-search';

export interface TextMatch {
  /** Whether a frame passes the text filter; undefined: there is none. */
  matches: ((frame: FrameRecord) => boolean) | undefined;
  /** Why the pattern cannot be used (shown at the field), or null. */
  problem: string | null;
  /** A regular-expression search is still running over frames that arrived. */
  searching: boolean;
}

/** The first index whose frame has a seq above `seq` (frames are in seq order). */
function indexAfter(frames: readonly FrameRecord[], seq: number): number {
  let low = 0;
  let high = frames.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((frames[middle] as FrameRecord).seq <= seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

interface RegexResults {
  pattern: string;
  matches: Set<number>;
  /** Frames up to this seq were searched. */
  searchedUpTo: number;
  busy: boolean;
  error: string | null;
}

/**
 * The frame stream's text filter. Plain text is matched here, as frames arrive (a literal cannot backtrack);
 * a regular expression runs in a worker (see RegexSearch) over the frames not yet searched, so a pattern that
 * would backtrack without end costs the page nothing: it is stopped and named. Frames still being searched
 * are left out until their answer comes.
 */
export function useTextMatch(frames: readonly FrameRecord[], text: string, regex: boolean): TextMatch {
  const plain = useMemo(() => (!regex && text ? plainTextMatcher(text) : undefined), [text, regex]);
  const problem = useMemo(() => (regex && text ? regexProblem(text) : null), [text, regex]);
  const pattern = regex && text && problem === null ? text : null;

  const search = useRef<RegexSearch | null>(null);
  const results = useRef<RegexResults | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => () => search.current?.stop(), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: an answer (version) may leave newer frames to search
  useEffect(() => {
    if (pattern === null) {
      // A search still running is of no use any more (and may be stuck): end it now.
      if (results.current?.busy) search.current?.stop();
      results.current = null;
      return;
    }
    let current = results.current;
    if (current?.pattern !== pattern) {
      // A search of the previous pattern may be stuck: start over with a fresh worker.
      if (current?.busy) search.current?.stop();
      current = { pattern, matches: new Set(), searchedUpTo: 0, busy: false, error: null };
      results.current = current;
    }
    if (current.busy || current.error !== null) return;
    const fresh = frames.slice(indexAfter(frames, current.searchedUpTo));
    if (fresh.length === 0) return;
    const searching = current;
    searching.busy = true;
    search.current ??= new RegexSearch();
    search.current
      .search(pattern, fresh)
      .then(
        (found) => {
          for (const seq of found) searching.matches.add(seq);
          searching.searchedUpTo = (fresh.at(-1) as FrameRecord).seq;
          // Frames let go of by the console need no answer any more.
          const oldest = frames[0]?.seq ?? 0;
          if (searching.matches.size > frames.length)
            for (const seq of searching.matches) if (seq < oldest) searching.matches.delete(seq);
        },
        (error: unknown) => {
          searching.error = error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => {
        searching.busy = false;
        if (results.current === searching) setVersion((value) => value + 1);
      });
  }, [frames, pattern, version]);

  const current = pattern === null ? null : results.current;
  // biome-ignore lint/correctness/useExhaustiveDependencies: version marks answers arriving in `current`
  const regexMatches = useMemo(() => {
    if (pattern === null) return undefined;
    const searched = current?.pattern === pattern ? current : null;
    if (!searched) return () => false;
    const { matches, searchedUpTo } = searched;
    return (frame: FrameRecord) => frame.seq <= searchedUpTo && matches.has(frame.seq);
  }, [pattern, current, version]);

  const lastSeq = frames.at(-1)?.seq ?? 0;
  return {
    matches: plain ?? regexMatches,
    problem: problem ?? (current?.pattern === pattern ? (current?.error ?? null) : null),
    searching: current !== null && current.error === null && current.searchedUpTo < lastSeq,
  };
}
