/** Where the engine is: the console is served from the engine's own origin. */
export interface EngineAddress {
  http: string;
  ws: string;
}

export function engineAddress(location: Location): EngineAddress {
  const ws = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
  return { http: location.origin, ws };
}
