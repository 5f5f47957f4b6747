/** Whether a URL path is `prefix` or a path below it (`/a` and `/a/b` are under `/a`; `/ab` is not). */
export const isUrlPathUnder = (path: string, prefix: string): boolean =>
  path === prefix || path.startsWith(`${prefix}/`);
