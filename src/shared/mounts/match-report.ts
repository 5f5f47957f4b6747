/**
 * What the console shows about HTTP matching: which mount answered a request, and, for a request nothing answered,
 * the closest candidates and why each did not match (WireMock's "near misses").
 */

export type HttpMountKind = 'route' | 'collection' | 'static' | 'agent' | 'pack';

/** The mount that answered a request (kept with the request log entry). */
export interface MountRef {
  kind: HttpMountKind;
  id: string;
  /** The route response that answered (routes only). */
  responseId?: string;
  /** The fault the response played instead of a normal answer. */
  fault?: 'reset' | 'empty' | 'malformed' | 'drip';
}

/** Which part of the request a near miss differs in. */
export type MissPart = 'method' | 'path' | 'params' | 'query' | 'headers' | 'body' | 'file';

export interface MissReason {
  part: MissPart;
  /** For a failed response condition: the response it belongs to. */
  responseId?: string;
  /** For people: `query.page: expected "2", got "3"`, `header x-token missing`, `segment 2: expected "items", got "itemz"`. */
  message: string;
}

/** A mount that came close to answering a request that ended 404. */
export interface NearMiss {
  mount: MountRef;
  /** The mount's label, when it has one. */
  name?: string;
  /** The methods the mount answers (`GET`, `ANY`, `GET POST`). */
  method: string;
  /** The mount's path pattern. */
  path: string;
  /** How far the request was from matching: 0 is a match; lower is closer. */
  distance: number;
  reasons: MissReason[];
}
