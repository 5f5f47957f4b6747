import { isAllowedCloseCode } from '../../../../shared/control-api';

export const MAX_CLOSE_REASON_BYTES = 123;

/** The same rules as the engine's close route, so a bad code or reason is flagged before sending. */
export function closeProblems(codeText: string, reason: string): { code: string | null; reason: string | null } {
  const code = Number(codeText);
  const codeProblem =
    codeText.trim() === '' || !Number.isInteger(code) || !isAllowedCloseCode(code)
      ? 'Use 1000, 1001, 1008, 1011, 1012, 1013, 1014, or an application code 3000–4999'
      : null;
  const bytes = new TextEncoder().encode(reason).length;
  const reasonProblem =
    bytes > MAX_CLOSE_REASON_BYTES
      ? `The reason is ${bytes} bytes; a close frame allows ${MAX_CLOSE_REASON_BYTES}`
      : null;
  return { code: codeProblem, reason: reasonProblem };
}
