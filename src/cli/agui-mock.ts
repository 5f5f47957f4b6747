#!/usr/bin/env node
import { packageVersion } from '../server/support/package-root';
import { terminalText } from '../server/support/terminal-text';
import {
  type CliCommand,
  commandUsage,
  EnvironmentError,
  parseCliArgs,
  USAGE,
  UsageError,
  usageFor,
} from './cli-options';

async function main(argv: string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = await parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // It may quote an argument (a file name a glob expanded): one line whatever that holds. The usage is for a
    // mistyped argument: it says nothing about an environment variable.
    const usage = error instanceof EnvironmentError ? '' : `\n${usageFor(error)}\n`;
    process.stderr.write(`agui-mock: ${terminalText(error.message)}\n${usage}`);
    return 2;
  }
  if (command.command === 'help') {
    process.stdout.write(`${command.of ? commandUsage(command.of) : USAGE}\n`);
    return 0;
  }
  if (command.command === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  // Each command loads only the engine code it runs (most of a second of CPU for all of it): --help, --version and
  // usage errors load none of it (nor zod); init and validate read workspaces without Koa, the HTTP server and what
  // only serving uses; only import-openapi loads the OpenAPI reader. In the bundle each import is a chunk of its own.
  switch (command.command) {
    case 'serve':
      return (await import('./serve-command')).serve(command);
    case 'init':
      (await import('./parse-once')).parseOnce();
      return (await import('./workspace-commands')).initWorkspace(command);
    case 'validate':
      (await import('./parse-once')).parseOnce();
      return (await import('./workspace-commands')).validateWorkspace(command);
    case 'import-openapi':
      return (await import('./import-openapi-command')).importOpenApiCommand(command);
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
