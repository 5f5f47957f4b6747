import { createContext, type ReactNode, useContext, useEffect, useId, useMemo, useState } from 'react';

/**
 * A form's fields whose text cannot be stored yet (JSON that does not parse): the draft still holds the last text
 * that did, so the form must not be saved while any such field is open.
 */
interface UnparsedFieldsRegistry {
  set(field: string, problem: string | null): void;
}

const UnparsedFieldsContext = createContext<UnparsedFieldsRegistry | null>(null);

/** The problems of a form's unparsed fields (first one first), and the provider its fields report to. */
export function useUnparsedFields(): {
  problems: readonly string[];
  Provider: (props: { children: ReactNode }) => ReactNode;
} {
  const [byField, setByField] = useState<ReadonlyMap<string, string>>(() => new Map());
  const registry = useMemo<UnparsedFieldsRegistry>(
    () => ({
      set: (field, problem) =>
        setByField((current) => {
          if ((current.get(field) ?? null) === problem) return current;
          const next = new Map(current);
          if (problem === null) next.delete(field);
          else next.set(field, problem);
          return next;
        }),
    }),
    [],
  );
  const Provider = useMemo(
    () =>
      ({ children }: { children: ReactNode }) => (
        <UnparsedFieldsContext.Provider value={registry}>{children}</UnparsedFieldsContext.Provider>
      ),
    [registry],
  );
  return { problems: useMemo(() => [...byField.values()], [byField]), Provider };
}

/** Reports this field's problem (null when its text parses) to the form around it, until it unmounts. */
export function useUnparsedField(problem: string | null): void {
  const registry = useContext(UnparsedFieldsContext);
  const field = useId();
  useEffect(() => {
    registry?.set(field, problem);
  }, [registry, field, problem]);
  useEffect(() => () => registry?.set(field, null), [registry, field]);
}

/** Why a JSON text cannot be stored, in the words the raw-frame composer uses; null when it parses. */
export function jsonProblem(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return `Not JSON: ${(error as Error).message}`;
  }
}
