import { validateHeaderName } from 'node:http';

/**
 * Why `name` cannot be an HTTP header's name, or undefined when it can: Node refuses to send such a header, and no
 * client sends one a route could match.
 */
export function headerNameProblem(name: string): string | undefined {
  try {
    validateHeaderName(name);
    return undefined;
  } catch {
    return `"${name}" is not a valid header name`;
  }
}
