import { useMemo, useState, type FormEvent } from 'react';
import { patch, post, type Unit, type UnitKind } from '../api.ts';
import { ErrorBox, Field, Loading, Modal, Notice, usePageTitle, DialogActions } from '../components.tsx';
import { useI18n } from '../i18n.ts';
import { useMe } from '../session.ts';
import { buildTree, unitsStore, type TreeNode } from '../stores.ts';
import { foldVietnamese } from '../text.ts';

const CHILD_KINDS: UnitKind[] = ['department', 'desk', 'office'];

function AddUnitDialog({ parent, onClose, onAdded }: { parent: Unit; onClose: () => void; onAdded: (unit: Unit) => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState(`${parent.code}.`);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<UnitKind>('department');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onAdded(await post<Unit>('/api/units', { parentId: parent.id, code: code.trim(), name: name.trim(), kind }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal title={t('units.addTitle', { parent: parent.fullName })} onClose={onClose} testId="add-unit-dialog">
      <form onSubmit={submit} autoComplete="off">
        <Field label={t('units.kind')} required>
          {(id) => (
            <select id={id} name="kind" value={kind} onChange={(e) => setKind(e.target.value as UnitKind)}>
              {CHILD_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`units.kind.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('units.code')} required hint={t('units.codeHint', { example: `${parent.code}.VP` })}>
          {(id, hint) => <input id={id} name="code" value={code} onChange={(e) => setCode(e.target.value)} aria-describedby={hint} maxLength={40} required />}
        </Field>
        <Field label={t('units.name')} required>
          {(id) => <input id={id} name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required autoFocus />}
        </Field>
        <ErrorBox error={error} testId="dialog-error" />
        <DialogActions onCancel={onClose} label={t('common.save')} disabled={busy || name.trim().length < 2 || code.trim().length < 2} />
      </form>
    </Modal>
  );
}

function RenameDialog({ unit, onClose, onDone }: { unit: Unit; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState(unit.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await patch(`/api/units/${unit.id}`, { name: name.trim() });
      onDone();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal title={t('units.renameTitle')} onClose={onClose}>
      <form onSubmit={submit} autoComplete="off">
        <Field label={t('units.name')} required>
          {(id) => <input id={id} name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required autoFocus />}
        </Field>
        <ErrorBox error={error} testId="dialog-error" />
        <DialogActions onCancel={onClose} label={t('common.save')} disabled={busy || name.trim().length < 2} />
      </form>
    </Modal>
  );
}

export function UnitsPage() {
  const { t } = useI18n();
  usePageTitle(t('units.title'));
  const me = useMe();
  const { data: units, error } = unitsStore.use();
  const [filter, setFilter] = useState('');
  const [expanded, setExpanded] = useState<Set<string> | null>(null);
  const [adding, setAdding] = useState<Unit | null>(null);
  const [renaming, setRenaming] = useState<Unit | null>(null);
  const [added, setAdded] = useState<string | null>(null);

  const tree = useMemo(() => (units ? buildTree(units) : []), [units]);
  // At first the tree opens down to the officer's own unit.
  const initiallyOpen = useMemo(() => {
    const open = new Set(tree.map((n) => n.unit.id));
    const byId = new Map(units?.map((u) => [u.id, u]));
    for (let cur = byId.get(me.account.unit.id); cur; cur = cur.parentId ? byId.get(cur.parentId) : undefined) open.add(cur.id);
    return open;
  }, [tree, units, me.account.unit.id]);
  const open = expanded ?? initiallyOpen;
  const folded = foldVietnamese(filter);

  // While filtering: the matches and their ancestors, all open.
  const visible = useMemo(() => {
    if (!folded || !units) return null;
    const byId = new Map(units.map((u) => [u.id, u]));
    const shown = new Set<string>();
    for (const u of units) {
      if (!foldVietnamese(`${u.code} ${u.name} ${u.fullName}`).includes(folded)) continue;
      for (let cur: Unit | undefined = u; cur && !shown.has(cur.id); cur = cur.parentId ? byId.get(cur.parentId) : undefined) shown.add(cur.id);
    }
    return shown;
  }, [folded, units]);

  const toggle = (id: string) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setExpanded(next);
  };

  const renderNode = (node: TreeNode) => {
    if (visible && !visible.has(node.unit.id)) return null;
    const { unit } = node;
    const hasChildren = node.children.length > 0;
    const isOpen = visible ? true : open.has(unit.id);
    return (
      <li key={unit.id} data-testid="unit-node" data-code={unit.code}>
        <div className={`unit-row unit-${unit.kind}`}>
          {hasChildren ? (
            <button type="button" className="tree-toggle" aria-expanded={isOpen} aria-label={t('units.toggle', { name: unit.fullName })} onClick={() => toggle(unit.id)} disabled={!!visible}>
              {isOpen ? '▾' : '▸'}
            </button>
          ) : (
            <span className="tree-toggle tree-leaf" aria-hidden="true">
              ·
            </span>
          )}
          <span className="unit-name">{unit.fullName}</span>
          <span className="unit-code">{unit.code}</span>
          {unit.kind !== 'commune' && unit.kind !== 'province' && <span className="badge badge-kind">{t(`units.kind.${unit.kind}`)}</span>}
          {hasChildren && <span className="muted small">({node.children.length})</span>}
          <span className="unit-actions">
            {unit.abilities?.addChild && (
              <button type="button" className="btn btn-small btn-ghost" onClick={() => setAdding(unit)} aria-label={t('units.addTitle', { parent: unit.fullName })}>
                + {t('units.addChild')}
              </button>
            )}
            {unit.abilities?.rename && (
              <button type="button" className="btn btn-small btn-ghost" onClick={() => setRenaming(unit)} aria-label={`${t('units.rename')}: ${unit.fullName}`}>
                {t('units.rename')}
              </button>
            )}
          </span>
        </div>
        {hasChildren && isOpen && <ul className="tree">{node.children.map(renderNode)}</ul>}
      </li>
    );
  };

  return (
    <div className="page">
      <h1>{t('units.title')}</h1>
      <p className="muted">{t('units.intro')}</p>
      <div className="toolbar">
        <Field label={t('units.filter')}>
          {(id) => <input id={id} type="search" name="filter" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder={t('units.filterPlaceholder')} autoComplete="off" />}
        </Field>
        <div className="toolbar-buttons">
          <button type="button" className="btn" onClick={() => setExpanded(new Set(units?.map((u) => u.id)))} disabled={!!visible}>
            {t('units.expandAll')}
          </button>
          <button type="button" className="btn" onClick={() => setExpanded(new Set())} disabled={!!visible}>
            {t('units.collapseAll')}
          </button>
        </div>
        {units && <span className="muted">{t('units.count', { n: visible ? visible.size : units.length })}</span>}
      </div>
      {added && <Notice kind="success">{t('units.created', { name: added })}</Notice>}
      <ErrorBox error={error} />
      {!units && !error && <Loading />}
      {units && (
        <section className="card tree-card">
          {visible && visible.size === 0 ? <p className="muted">{t('common.noResults')}</p> : <ul className="tree tree-root">{tree.map(renderNode)}</ul>}
        </section>
      )}
      {adding && (
        <AddUnitDialog
          parent={adding}
          onClose={() => setAdding(null)}
          onAdded={(unit) => {
            setAdding(null);
            setAdded(unit.fullName);
            setExpanded(new Set([...open, adding.id]));
            void unitsStore.fetch(true);
          }}
        />
      )}
      {renaming && (
        <RenameDialog
          unit={renaming}
          onClose={() => setRenaming(null)}
          onDone={() => {
            setRenaming(null);
            void unitsStore.fetch(true);
          }}
        />
      )}
    </div>
  );
}
