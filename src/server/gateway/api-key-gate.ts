import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayAuth } from '../../shared/settings';

/** Why a request or socket did not pass: it presented no key, or one that is not among the keys. */
export type GatewayRefusal = 'missing' | 'wrong';

/**
 * The API-key check of a gateway in front of the API, for the mocked API's REST requests (`X-API-Key`) and WebSockets
 * (`?token=`). Reads the live setting at each check, so turning it on or off applies to the next request. Keys are
 * compared in constant time: both sides are hashed to the same length and every key is compared, whatever matched.
 */
export class ApiKeyGate {
  /** The keys' digests, worked out once per list (a settings change brings a new list). */
  private readonly digests = new WeakMap<readonly string[], readonly Buffer[]>();

  constructor(private readonly auth: () => GatewayAuth) {}

  get enabled(): boolean {
    return this.auth().enabled;
  }

  /** Undefined when `presented` may pass (the check is off, or it is one of the keys); else why not. */
  check(presented: string | null | undefined): GatewayRefusal | undefined {
    const { enabled, keys } = this.auth();
    if (!enabled) return undefined;
    if (presented === null || presented === undefined || presented === '') return 'missing';
    const candidate = digest(presented);
    let matched = false;
    for (const key of this.digestsOf(keys)) matched = timingSafeEqual(candidate, key) || matched;
    return matched ? undefined : 'wrong';
  }

  private digestsOf(keys: readonly string[]): readonly Buffer[] {
    let known = this.digests.get(keys);
    if (!known) {
      known = keys.map(digest);
      this.digests.set(keys, known);
    }
    return known;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
