import { useCallback, useEffect, useState } from 'react';
import { get, type NpdFieldInfo, type RoleInfo, type Unit } from './api.ts';

/** The unit tree and the role list change rarely: one request each per sign-in, shared by every page. */
function cached<T>(load: () => Promise<T>) {
  let promise: Promise<T> | null = null;
  let value: T | undefined;
  const listeners = new Set<() => void>();
  const fetchNow = (force: boolean): Promise<T> => {
    if (!promise || force) {
      const next = load().then(
        (v) => {
          if (promise === next) {
            value = v;
            listeners.forEach((l) => l());
          }
          return v;
        },
        (error: unknown) => {
          if (promise === next) promise = null;
          throw error;
        },
      );
      promise = next;
    }
    return promise;
  };
  return {
    fetch: fetchNow,
    reset() {
      promise = null;
      value = undefined;
    },
    use(): { data: T | undefined; error: unknown; reload: () => void } {
      const [data, setData] = useState<T | undefined>(value);
      const [error, setError] = useState<unknown>(null);
      useEffect(() => {
        const update = () => setData(value);
        listeners.add(update);
        fetchNow(false).then(setData, setError);
        return () => {
          listeners.delete(update);
        };
      }, []);
      const reload = useCallback(() => {
        fetchNow(true).then(setData, setError);
      }, []);
      return { data, error, reload };
    },
  };
}

export const unitsStore = cached(() => get<{ items: Unit[] }>('/api/units').then((r) => r.items));
/** Public: the province this deployment serves, shown in the header before and after sign-in. */
export const provinceStore = cached(() => get<{ province: { code: string; name: string } | null }>('/api/health').then((r) => r.province));
export const rolesStore = cached(() => get<{ items: RoleInfo[] }>('/api/roles').then((r) => r.items));
/** The NPD fields with their Vietnamese and English names (the law's list: the same for everyone). */
export const npdFieldsStore = cached(() => get<{ items: NpdFieldInfo[] }>('/api/procedures/npd-fields').then((r) => r.items));

/** Forget what belonged to the previous officer (abilities differ from one account to another). */
export function resetStores() {
  unitsStore.reset();
  rolesStore.reset();
}

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
