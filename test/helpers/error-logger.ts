import type { Logger } from '../../src/server/support/logger';

/**
 * A logger that keeps what the engine reports as errors (message, then the error when there is one) and drops the
 * rest: for a test that checks nothing it provokes is an engine error.
 */
export function errorLogger(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  return {
    errors,
    logger: {
      info: () => {},
      warn: () => {},
      error: (message, error) => errors.push(error === undefined ? message : `${message}: ${String(error)}`),
    },
  };
}
