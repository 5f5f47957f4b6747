// node's TAP reporter, with one addition: the tests that failed are named again, with why, in comments just before
// the closing summary. A CI log shown by its tail (the summary's lines) then says which test failed, not only that
// one did; a failure's own lines may lie a thousand tests up.
import { tap } from 'node:test/reporters';

/** Passes node's test events on unchanged, noting the failures (not the suites or files failing because of them). */
async function* noting(source, failures) {
  for await (const event of source) {
    if (event.type === 'test:fail' && event.data.details?.error?.failureType !== 'subtestsFailed') {
      failures.push(event.data);
    }
    yield event;
  }
}

function why(error) {
  const cause = error?.cause ?? error;
  return String(cause?.message ?? cause ?? 'no reason given')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, 6)
    .map((line) => (line.length > 240 ? `${line.slice(0, 240)}…` : line));
}

async function* naming(source) {
  const failures = [];
  let named = false;
  for await (const event of noting(source, failures)) {
    // The run's summary starts with "tests N" at the top level: the failures go just before it, once.
    const summary =
      event.type === 'test:diagnostic' && event.data.nesting === 0 && /^tests \d+$/.test(event.data.message);
    if (summary && !named && failures.length > 0) {
      named = true;
      yield { type: 'test:diagnostic', data: { nesting: 0, message: `${failures.length} failed:` } };
      for (const failure of failures) {
        const where = failure.file ? `${failure.file}:${failure.line}` : 'unknown file';
        yield { type: 'test:diagnostic', data: { nesting: 0, message: `✖ ${failure.name} (${where})` } };
        for (const line of why(failure.details?.error)) {
          yield { type: 'test:diagnostic', data: { nesting: 0, message: `    ${line}` } };
        }
      }
    }
    yield event;
  }
}

export default async function* tapNamingFailures(source) {
  yield* tap(naming(source));
}
