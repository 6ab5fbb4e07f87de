import type { Unit } from './api/index.ts';

export interface TreeNode {
  unit: Unit;
  depth: number;
  children: TreeNode[];
}

const KIND_ORDER: Record<Unit['kind'], number> = { province: 0, department: 1, desk: 2, office: 3, commune: 4 };

/** The tree, siblings in a stable order: organisational units first, then communes, each by Vietnamese name. */
export function buildTree(units: Unit[]): TreeNode[] {
  const nodes = new Map<string, TreeNode>();
  for (const unit of units) nodes.set(unit.id, { unit, depth: 0, children: [] });
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.unit.parentId ? nodes.get(node.unit.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });
  const order = (list: TreeNode[], depth: number) => {
    list.sort((a, b) => KIND_ORDER[a.unit.kind] - KIND_ORDER[b.unit.kind] || collator.compare(a.unit.name, b.unit.name));
    for (const node of list) {
      node.depth = depth;
      order(node.children, depth + 1);
    }
  };
  order(roots, 0);
  return roots;
}

/** Depth-first list of the tree, for selects. */
export function flattenTree(roots: TreeNode[]): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (list: TreeNode[]) => {
    for (const node of list) {
      out.push(node);
      walk(node.children);
    }
  };
  walk(roots);
  return out;
}
