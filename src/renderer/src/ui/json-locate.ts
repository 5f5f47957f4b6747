import { syntaxTree } from '@codemirror/language';
import type { EditorState } from '@codemirror/state';
import type { SyntaxNode } from '@lezer/common';

const VALUE_NODES = new Set(['Object', 'Array', 'String', 'Number', 'True', 'False', 'Null']);

function childValues(node: SyntaxNode): SyntaxNode[] {
  const values: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling)
    if (VALUE_NODES.has(child.name)) values.push(child);
  return values;
}

function propertyValue(object: SyntaxNode, key: string, state: EditorState): SyntaxNode | null {
  for (let property = object.firstChild; property; property = property.nextSibling) {
    if (property.name !== 'Property') continue;
    const name = property.getChild('PropertyName');
    if (!name) continue;
    try {
      if (JSON.parse(state.sliceDoc(name.from, name.to)) === key) return childValues(property)[0] ?? name;
    } catch {
      // A key that is not valid JSON yet: the parse linter reports it.
    }
  }
  return null;
}

/**
 * Where a JSON path (as zod or the engine's 422 `loc` name it) sits in the editor's text, so a schema error is
 * underlined at the field it is about; a missing field points at its object.
 */
export function locateJsonPath(state: EditorState, path: readonly PropertyKey[]): { from: number; to: number } {
  let node: SyntaxNode | null = syntaxTree(state).topNode;
  node = node.firstChild && VALUE_NODES.has(node.firstChild.name) ? node.firstChild : (childValues(node)[0] ?? null);
  if (!node) return { from: 0, to: state.doc.length };
  for (const segment of path) {
    let next: SyntaxNode | null = null;
    if (node.name === 'Object') next = propertyValue(node, String(segment), state);
    else if (node.name === 'Array' && typeof segment === 'number') next = childValues(node)[segment] ?? null;
    if (!next) return node.name === 'Object' || node.name === 'Array' ? { from: node.from, to: node.from + 1 } : node;
    node = next;
  }
  return { from: node.from, to: node.to };
}
