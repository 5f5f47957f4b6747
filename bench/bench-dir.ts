import { join } from 'node:path';
import { packageRoot } from '../src/server/support/package-root';

/**
 * The bench's own folder, found from the package root rather than from `import.meta.url`: `npm test` runs the bench
 * smoke test compiled into `.test-build/`, where a module's own URL is not beside the bench's files.
 */
export const benchPath = (...segments: string[]): string => join(packageRoot(), 'bench', ...segments);
