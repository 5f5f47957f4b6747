import { encodedPathText } from './path-pattern';

/** The key for entries that answer any method. */
export const ANY_METHOD = '*';

/** The methods a route of `method` answers, as the index files it: ANY under ANY_METHOD, GET under HEAD too. */
export const routeMethods = (method: string): string[] =>
  method === 'ANY' ? [ANY_METHOD] : method === 'GET' ? ['GET', 'HEAD'] : [method];

interface IndexNode<T> {
  children: Map<string, IndexNode<T>>;
  /** Entries whose literal prefix ends here, by method (ANY_METHOD for all), in priority order. */
  entries: Map<string, Filed<T>[]>;
}

const node = <T>(): IndexNode<T> => ({ children: new Map(), entries: new Map() });

/**
 * Finds the mounts that may answer a request without trying them all: a tree of literal path segments
 * (`/api/v1/items/:id` sits under api → v1 → items), each entry filed under its methods. A lookup walks the
 * request's segments and gathers the entries on the way, so its cost follows the depth of the path and the
 * routes that share its prefix, not the size of the table. Entries come back in table order (their priority).
 */
export class PathIndex<T> {
  private readonly root = node<T>();

  add(entry: T, priority: number, literalPrefix: readonly string[], methods: readonly string[]): void {
    let current = this.root;
    for (const segment of literalPrefix) {
      let child = current.children.get(segment);
      if (!child) {
        child = node<T>();
        current.children.set(segment, child);
      }
      current = child;
    }
    for (const method of methods) {
      const list = current.entries.get(method);
      if (!list) {
        current.entries.set(method, [{ priority, entry }]);
        continue;
      }
      list.push({ priority, entry });
      if ((list.at(-2)?.priority ?? 0) > priority) list.sort((a, b) => a.priority - b.priority);
    }
  }

  /** The entries that may answer `method` on `path`, in priority order. */
  candidates(method: string, path: string): T[] {
    const found: Filed<T>[] = [];
    let current: IndexNode<T> | undefined = this.root;
    gather(current, method, found);
    // Walk the segments without splitting the whole path: a long hostile path costs only the segments the tree has.
    let start = path.indexOf('/') + 1;
    while (start > 0 && current.children.size > 0) {
      const end = path.indexOf('/', start);
      // Keys are encoded as `encodedPathText` writes them; a client may send `%c3%bc` or a bare `|`.
      current = current.children.get(encodedPathText(end < 0 ? path.slice(start) : path.slice(start, end)));
      if (!current) break;
      gather(current, method, found);
      start = end + 1;
    }
    if (found.length > 1) found.sort((a, b) => a.priority - b.priority);
    const entries: T[] = new Array(found.length);
    for (let index = 0; index < found.length; index++) entries[index] = (found[index] as Filed<T>).entry;
    return entries;
  }
}

type Filed<T> = { priority: number; entry: T };

function gather<T>(at: IndexNode<T>, method: string, found: Filed<T>[]): void {
  const exact = at.entries.get(method);
  if (exact) for (const item of exact) found.push(item);
  const any = at.entries.get(ANY_METHOD);
  if (any) for (const item of any) found.push(item);
}
