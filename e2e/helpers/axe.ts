import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** What the page holds once axe is loaded (this project's e2e code is typed without the DOM library). */
interface InPage {
  axe?: { run(context: unknown, options: unknown): Promise<unknown> };
  document: unknown;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core on the page as it is and lists what it finds serious or critical, one line per element.
 *
 * The console's CSP allows only its own scripts (`script-src 'self'`), so a `<script>` tag — what
 * `page.addScriptTag` adds, with `content` or `path` — is refused. `page.evaluate` runs code through the DevTools
 * protocol, which the CSP does not govern: the axe source is evaluated that way, then `axe.run` — no bypassCSP, so
 * the console is audited under its real policy. (`page.addInitScript` works too, for the same reason; axe needs no
 * `eval`, which the CSP would refuse.)
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => (globalThis as unknown as InPage).axe !== undefined))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as InPage;
    const result = (await axe?.run(document, { resultTypes: ['violations'] })) as { violations: AxeViolation[] };
    return result.violations;
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) =>
          `${violation.id} (${violation.impact}) at ${node.target.join(' ')}: ${
            node.failureSummary?.split('\n').slice(1).join(' ').trim() ?? violation.help
          }`,
      ),
    );
}
