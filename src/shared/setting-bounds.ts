// Bounds of settings that code without the settings' schemas checks too: the CLI's flags are read before zod and
// the schemas are loaded (which --help and --version never load). settings.ts builds its schemas from these.

/** The shortest ping interval: every peer must answer within it, network and busy event loops included. */
export const MIN_HEARTBEAT_MS = 1000;

/** The most gateway API keys a workspace (or a launch) may name. */
export const MAX_API_KEYS = 50;
