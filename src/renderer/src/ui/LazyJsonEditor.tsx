import { type ComponentProps, lazy, Suspense } from 'react';

// CodeMirror is most of the console's code: it loads the first time an editor is shown, not at start.
const JsonEditor = lazy(() => import('./JsonEditor').then((module) => ({ default: module.JsonEditor })));

/** The JSON editor, loaded on first use. */
export function LazyJsonEditor(props: ComponentProps<typeof JsonEditor>) {
  return (
    <Suspense
      fallback={
        <div className="faint">
          <span className="spinner" /> Loading the editor…
        </div>
      }
    >
      <JsonEditor {...props} />
    </Suspense>
  );
}
