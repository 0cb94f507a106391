/**
 * The decode rows as a tree: each row's `parent` names another row's
 * `reference`. Free of the DOM so it can be tested on its own.
 */
import type { DecodedItem } from '../../pkg/huntkit_wasm.js';

/** One decoded payload and what was decoded out of it. */
export interface DecodeNode {
  item: DecodedItem;
  children: DecodeNode[];
}

/**
 * Nests `rows` by `parent`/`reference`, keeping row order among siblings.
 * Rows whose parent is missing, or that sit on a parent cycle, become roots,
 * so every row appears exactly once.
 */
export function buildDecodeTree(rows: readonly DecodedItem[]): DecodeNode[] {
  const nodes = rows.map(item => ({ item, children: [] as DecodeNode[] }));
  const byReference = new Map<string, DecodeNode>();
  for (const node of nodes) {
    if (!byReference.has(node.item.reference)) {
      byReference.set(node.item.reference, node);
    }
  }
  const roots: DecodeNode[] = [];
  const attached = new Set<DecodeNode>();
  for (const node of nodes) {
    const parentRef = node.item.parent;
    const parent =
      parentRef === null || parentRef === undefined ? undefined : byReference.get(parentRef);
    if (parent && parent !== node && !isAncestor(node, parent, byReference)) {
      parent.children.push(node);
      attached.add(node);
    }
  }
  for (const node of nodes) {
    if (!attached.has(node)) {
      roots.push(node);
    }
  }
  return roots;
}

/** Whether `node` is `candidate` or one of its ancestors (by parent links). */
function isAncestor(
  node: DecodeNode,
  candidate: DecodeNode,
  byReference: Map<string, DecodeNode>
): boolean {
  const seen = new Set<DecodeNode>();
  let current: DecodeNode | undefined = candidate;
  while (current && !seen.has(current)) {
    if (current === node) {
      return true;
    }
    seen.add(current);
    const parentRef: string | null = current.item.parent;
    current =
      parentRef === null || parentRef === undefined ? undefined : byReference.get(parentRef);
  }
  return false;
}

/** Every node of `roots`, depth first (for counting and tests). */
export function flattenTree(roots: readonly DecodeNode[]): DecodeNode[] {
  const out: DecodeNode[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push(node.children[i]);
    }
  }
  return out;
}
