import { z } from 'zod';
import { CONSOLE_TOKEN, CONSOLE_TOKEN_RULE } from '../shared/console-token-rule';
import { issueWords } from '../shared/issue-words';
import { ServerSettingsSchema } from '../shared/settings';
import { WORKSPACE_TEMPLATES } from '../shared/workspace';
import { hostProblem } from './listen-host';

const isLogger = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  ['info', 'warn', 'error'].every((method) => typeof (value as Record<string, unknown>)[method] === 'function');

/** Some of the engine's settings, each checked as the engine checks it; none required. */
const SettingsPatchSchema = ServerSettingsSchema.partial();

/** `startMockServer`'s options as a caller may pass them (its own `settings` are checked as the engine's are). */
const MockServerOptionsSchema = z.strictObject({
  host: z
    .string()
    .min(1)
    .superRefine((host, ctx) => {
      const problem = hostProblem(host);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  port: z.number().int().min(0).max(65_535).optional(),
  token: z.string().regex(CONSOLE_TOKEN, CONSOLE_TOKEN_RULE).optional(),
  settings: SettingsPatchSchema.optional(),
  logger: z.custom(isLogger, 'must be a logger: an object with info, warn and error functions').optional(),
  workspace: z.string().min(1).optional(),
  template: z.enum(WORKSPACE_TEMPLATES).optional(),
  recentWorkspaces: z.boolean().optional(),
  // The engine's own tuning, for the CLI, the desktop app and tests; not in the package's types.
  rendererDir: z.string().optional(),
  liveFeed: z.record(z.string(), z.unknown()).optional(),
  workspaceOptions: z.record(z.string(), z.unknown()).optional(),
  agentHttp: z.record(z.string(), z.unknown()).optional(),
});

/** Options `startMockServer` (or settings `updateSettings`) cannot take; the message names each and what to fix. */
export class MockServerOptionsError extends TypeError {
  constructor(
    where: 'startMockServer' | 'updateSettings',
    readonly problems: string[],
  ) {
    super(`${where}: ${problems.join('; ')}`);
    this.name = 'MockServerOptionsError';
  }
}

/**
 * Checks options before anything starts, so a mistake (a misspelt option or setting, a port out of range) is one
 * error in words rather than a ZodError or a TypeError from deep inside, or an option silently ignored.
 */
export function checkMockServerOptions(options: unknown): void {
  const checked = MockServerOptionsSchema.safeParse(options);
  if (!checked.success) throw new MockServerOptionsError('startMockServer', problemsOf(checked.error, 'options'));
}

/** Checks a settings change as `checkMockServerOptions` checks `settings`. */
export function checkSettingsPatch(patch: unknown): void {
  const checked = SettingsPatchSchema.safeParse(patch);
  if (!checked.success) throw new MockServerOptionsError('updateSettings', problemsOf(checked.error, 'settings'));
}

function problemsOf(error: z.ZodError, whole: string): string[] {
  return error.issues.map((issue) => `${issue.path.length === 0 ? whole : issue.path.join('.')}: ${issueWords(issue)}`);
}
