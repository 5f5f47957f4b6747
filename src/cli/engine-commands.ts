// The commands that need the engine, in one module: the CLI imports it only for them, and the bundle keeps it
// (with the engine code only it and the library share) out of what --help, --version and usage errors load.
export { importOpenApiCommand } from './import-openapi-command';
export { serve } from './serve-command';
export { initWorkspace, validateWorkspace } from './workspace-commands';
