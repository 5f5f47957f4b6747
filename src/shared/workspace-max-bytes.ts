/**
 * The largest workspace file or document read, opened or imported (they may hold long histories). A module of its
 * own: what bounds clients' writes by it (`ClientRoom`, which the world holds) must not load the workspace file's
 * reader, whose templates load the packs that load the world. Shared: the console refuses a larger upload unsent.
 */
export const WORKSPACE_MAX_BYTES = 64 * 1024 * 1024;
