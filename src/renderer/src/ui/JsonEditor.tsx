import { json, jsonParseLinter } from '@codemirror/lang-json';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, forceLinting, linter, lintGutter } from '@codemirror/lint';
import { EditorView, keymap } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { locateJsonPath } from './json-locate';

/** A problem found in the parsed value, at a JSON path. */
export interface JsonIssue {
  path: readonly PropertyKey[];
  message: string;
}

interface JsonEditorProps {
  value: string;
  onChange(text: string): void;
  /** Schema check on the parsed value, run as the person types; issues are underlined where they are. */
  validate?(value: unknown): JsonIssue[];
  /** Problems found elsewhere (what the engine refused at the last save), underlined where they are too. */
  issues?: readonly JsonIssue[];
  /** Ctrl+Enter (Cmd+Enter on a Mac). */
  onSubmit?(): void;
  label: string;
  /** The id of the text that says what is wrong with it (read with the editor). */
  describedBy?: string | undefined;
  tall?: boolean;
}

const theme = EditorView.theme({
  '&': { color: 'var(--fg)', backgroundColor: 'var(--bg-sunken)' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--accent)' },
  '.cm-gutters': { backgroundColor: 'var(--panel)', color: 'var(--faint)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 7%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'transparent', color: 'var(--fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: 'var(--selection)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel-raised)', border: '1px solid var(--border)', color: 'var(--fg)' },
  '.cm-matchingBracket, &.cm-focused .cm-matchingBracket': {
    backgroundColor: 'transparent',
    outline: '1px solid var(--border-strong)',
  },
});

/**
 * JSON colours from the console's tokens, so the editor follows the theme (CodeMirror's default palette is made
 * for light backgrounds) and keeps the same contrast as the rest of the console.
 */
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--accent)' },
  { tag: tags.string, color: 'var(--ok)' },
  { tag: tags.number, color: 'var(--warn)' },
  { tag: [tags.bool, tags.null], color: 'var(--out)' },
  { tag: [tags.separator, tags.brace, tags.squareBracket], color: 'var(--muted)' },
  { tag: tags.invalid, color: 'var(--danger)' },
]);

/** CodeMirror 6 for JSON: syntax and schema errors as you type, Ctrl+Enter to submit. */
export function JsonEditor({ value, onChange, validate, issues, onSubmit, label, describedBy, tall }: JsonEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The editor is created once; these refs let it call the latest props.
  const latest = useRef({ onChange, validate, issues, onSubmit });
  latest.current = { onChange, validate, issues, onSubmit };

  // Created once per mount: the editor owns its text after that; `value` changes from outside are applied below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    const parseLinter = jsonParseLinter();
    const schemaLinter = linter(
      (editor) => {
        const syntax = parseLinter(editor);
        const { validate: check, issues: found = [] } = latest.current;
        if (syntax.length > 0 || (!check && found.length === 0)) return syntax;
        let parsed: unknown;
        try {
          parsed = JSON.parse(editor.state.doc.toString());
        } catch {
          return syntax;
        }
        return [...(check?.(parsed) ?? []), ...found].map(
          (issue): Diagnostic => ({
            ...locateJsonPath(editor.state, issue.path),
            severity: 'error',
            message: issue.message,
          }),
        );
      },
      { delay: 250 },
    );
    const editor = new EditorView({
      parent: host.current as HTMLDivElement,
      doc: value,
      extensions: [
        keymap.of([
          {
            key: 'Mod-Enter',
            run: () => {
              latest.current.onSubmit?.();
              return true;
            },
          },
        ]),
        basicSetup,
        json(),
        schemaLinter,
        lintGutter(),
        theme,
        syntaxHighlighting(highlight),
        EditorView.lineWrapping,
        // An explicit tabindex: checkers see the text as focusable, so its scroller is not flagged as unreachable.
        EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) latest.current.onChange(update.state.doc.toString());
        }),
      ],
    });
    view.current = editor;
    return () => editor.destroy();
  }, []);

  useEffect(() => {
    if (view.current && issues) forceLinting(view.current);
  }, [issues]);

  useEffect(() => {
    // Set on the content element itself: the editor's own attributes are fixed when it is created.
    const content = view.current?.contentDOM;
    if (!content) return;
    if (describedBy) content.setAttribute('aria-describedby', describedBy);
    else content.removeAttribute('aria-describedby');
  }, [describedBy]);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value)
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  return <div className={tall ? 'code-editor tall' : 'code-editor'} ref={host} />;
}
