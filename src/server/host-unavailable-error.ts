/** Why a listen on a host failed, in words, with what to do instead. */
const REASONS: Record<string, (host: string) => string> = {
  EADDRNOTAVAIL: (host) =>
    `${host} is not an address of this machine (EADDRNOTAVAIL): listen on one of its own addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`,
  ENOTFOUND: (host) =>
    `${host} does not resolve to an address (ENOTFOUND): check the name, or give an address of this machine such as 127.0.0.1 or 0.0.0.0`,
  EAI_AGAIN: (host) =>
    `${host} could not be resolved: the name server did not answer (EAI_AGAIN): try again, or give an address of this machine such as 127.0.0.1 or 0.0.0.0`,
};

/** The listen errors that say the host is the problem (not the port, not the machine). */
export function isHostProblem(code: string | undefined): boolean {
  return code !== undefined && code in REASONS;
}

/**
 * Raised when the engine cannot listen on its `host`: an address this machine does not have, or a name that does not
 * resolve. `problem` says which and what to fix, without naming the option (the CLI calls it `--host`).
 */
export class HostUnavailableError extends Error {
  readonly problem: string;

  constructor(
    readonly host: string,
    readonly code: string,
  ) {
    const problem = (REASONS[code] ?? ((name: string) => `cannot listen on ${name} (${code})`))(host);
    super(`startMockServer: host: ${problem}`);
    this.name = 'HostUnavailableError';
    this.problem = problem;
  }
}
