/**
 * The CPU a server spends, in µs, while `load` runs (its `cpuMicros` reads the server's CPU so far), with this
 * process — the load's clients and the console subscriber — kept awake throughout.
 *
 * Why awake: on loopback, a server's write runs the receiving side's TCP stack inside the server's own system
 * call, and when the receiving client sleeps in epoll that call also wakes it up. On a VM the wake-up (an
 * interrupt sent to the other vCPU) costs several µs, all charged to the server's system time. A server faster
 * than its client finds the client busy and never pays it; a slower one pays it on most responses, so a ratio of
 * CPU per request charged the slower server for the bench's own client. A client that keeps polling is never
 * asleep: each server pays for its own work only.
 */
export async function serverCpuDuring(
  server: { cpuMicros(): Promise<number> },
  load: () => Promise<unknown>,
): Promise<number> {
  const before = await server.cpuMicros();
  const stopPolling = keepPolling();
  try {
    await load();
  } finally {
    stopPolling();
  }
  return (await server.cpuMicros()) - before;
}

/** Keeps this process's event loop polling (never blocking in epoll) until the returned function is called. */
function keepPolling(): () => void {
  let polling = true;
  // A pending immediate makes libuv poll for I/O without waiting, then run it: a loop that never sleeps.
  const poll = () => {
    if (polling) setImmediate(poll);
  };
  setImmediate(poll);
  return () => {
    polling = false;
  };
}
