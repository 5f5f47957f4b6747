#!/usr/bin/env node
import { packageVersion } from '../server/support/package-root';
import { parseCliArgs, USAGE, UsageError, usageFor } from './cli-options';

async function main(argv: string[]): Promise<number> {
  let command: ReturnType<typeof parseCliArgs>;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`agui-mock: ${error.message}\n\n${usageFor(error)}\n`);
    return 2;
  }
  if (command.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.command === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  // Only the commands that use it load the engine and its dependencies (most of a second of CPU): --help,
  // --version and a usage error answer without.
  const commands = await import('./engine-commands');
  switch (command.command) {
    case 'serve':
      return commands.serve(command);
    case 'init':
      return commands.initWorkspace(command);
    case 'validate':
      return commands.validateWorkspace(command);
    case 'import-openapi':
      return commands.importOpenApiCommand(command);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`agui-mock: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
