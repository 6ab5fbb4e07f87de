import { useMemo, useState } from 'react';
import { z } from 'zod';
import { CHILD_UNIT_KINDS, newUnitBody, renameUnitBody, revokeResultKeyBody } from '../../../../common/schemas/units.ts';
import { $api, queryClient, useUnits, type Unit, type UnitResultKeys } from '../../api/index.ts';
import { ConfirmDialog, Field, Modal, Notice, usePageTitle } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { FormDialog, FormField, useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { formatDateTime, useI18n } from '../../i18n.ts';
import { useMe } from '../../session.ts';
import { foldVietnamese } from '../../text.ts';
import { buildTree, type TreeNode } from '../../units.ts';
import { fromVietnamWallClock } from '../../../../common/vietnam-time.ts';

const unitFields = newUnitBody.omit({ parentId: true });

function AddUnitDialog({ parent, onClose, onAdded }: { parent: Unit; onClose: () => void; onAdded: (unit: Unit) => void }) {
  const { t } = useI18n();
  const form = useZodForm(unitFields, { code: `${parent.code}.`, name: '', kind: 'department' });
  const add = $api.useMutation('post', '/api/units');
  return (
    <FormDialog
      title={t('units.addTitle', { parent: parent.fullName })}
      form={form}
      onSubmit={async (values) => onAdded(await add.mutateAsync({ body: { parentId: parent.id, ...values } }))}
      onClose={onClose}
      testId="add-unit-dialog"
    >
      <FormField form={form} name="kind" label={t('units.kind')} required>
        {(field) => (
          <select {...field}>
            {CHILD_UNIT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`units.kind.${k}`)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField form={form} name="code" label={t('units.code')} required hint={t('units.codeHint', { example: `${parent.code}.VP` })}>
        {(field) => <input {...field} maxLength={40} />}
      </FormField>
      <FormField form={form} name="name" label={t('units.name')} required>
        {(field) => <input {...field} maxLength={200} autoFocus />}
      </FormField>
    </FormDialog>
  );
}

function RenameDialog({ unit, onClose, onDone }: { unit: Unit; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const form = useZodForm(renameUnitBody, { name: unit.name });
  const rename = $api.useMutation('patch', '/api/units/{id}');
  return (
    <FormDialog
      title={t('units.renameTitle')}
      form={form}
      onSubmit={async (body) => {
        await rename.mutateAsync({ params: { path: { id: unit.id } }, body });
        onDone();
      }}
      onClose={onClose}
    >
      <FormField form={form} name="name" label={t('units.name')} required>
        {(field) => <input {...field} maxLength={200} autoFocus />}
      </FormField>
    </FormDialog>
  );
}

type ResultKey = UnitResultKeys['keys'][number];

/** The form of a revocation: `compromisedSince` is Vietnam time (datetime-local); the server takes an instant. */
const revokeFields = revokeResultKeyBody.extend({
  compromisedSince: z
    .string()
    .transform((local) => (local ? (fromVietnamWallClock(local)?.toISOString() ?? local) : undefined))
    .pipe(revokeResultKeyBody.shape.compromisedSince),
});

function RevokeKeyDialog({ unit, resultKey, onClose, onDone }: { unit: Unit; resultKey: ResultKey; onClose: () => void; onDone: (keys: UnitResultKeys) => void }) {
  const { t } = useI18n();
  const form = useZodForm(revokeFields, { reason: '', compromisedSince: '' });
  const revoke = $api.useMutation('post', '/api/units/{id}/result-keys/{keyId}/revoke');
  return (
    <FormDialog
      title={t('resultKeys.revokeTitle', { id: resultKey.id })}
      form={form}
      onSubmit={async (body) => onDone(await revoke.mutateAsync({ params: { path: { id: unit.id, keyId: resultKey.id } }, body }))}
      onClose={onClose}
      submitLabel={t('resultKeys.revoke')}
      danger
      testId="revoke-key-dialog"
      submitTestId="revoke-key-button"
    >
      <p className="modal-text">{t('resultKeys.revokeText')}</p>
      <FormField form={form} name="reason" label={t('resultKeys.reason')} hint={t('resultKeys.reasonHint')} required>
        {(field) => <textarea {...field} rows={3} maxLength={500} autoFocus />}
      </FormField>
      <FormField form={form} name="compromisedSince" label={t('resultKeys.since')} hint={t('resultKeys.sinceHint')}>
        {(field) => <input {...field} type="datetime-local" />}
      </FormField>
    </FormDialog>
  );
}

const keyBadge = (status: ResultKey['status']) => (status === 'current' ? 'badge badge-active' : status === 'revoked' ? 'badge badge-locked' : 'badge badge-left');

/**
 * The unit's result signing keys, for those who manage them: the server answers 403/404 to anyone else, and then
 * nothing is shown (the public keys are at GET /api/units/{id}/result-key for everyone).
 */
function ResultKeys({ unit }: { unit: Unit }) {
  const { t } = useI18n();
  const init = { params: { path: { id: unit.id } } };
  const keys = $api.useQuery('get', '/api/units/{id}/result-keys', init);
  // rotate and revoke answer the keys as they now are
  const show = (next: UnitResultKeys) => queryClient.setQueryData($api.queryOptions('get', '/api/units/{id}/result-keys', init).queryKey, next);
  const rotate = $api.useMutation('post', '/api/units/{id}/result-keys/rotate');
  const [rotating, setRotating] = useState(false);
  const [revoking, setRevoking] = useState<ResultKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (!keys.data) return null;
  const columns: Column<ResultKey>[] = [
    { key: 'generation', label: t('resultKeys.generation'), cell: (k) => k.generation, sortValue: (k) => k.generation },
    {
      key: 'id',
      label: t('resultKeys.id'),
      cell: (k) => <code title={k.verifierKey}>{k.id}</code>,
    },
    {
      key: 'status',
      label: t('resultKeys.status'),
      cell: (k) => (
        <>
          <span className={keyBadge(k.status)}>{t(`resultKeys.status.${k.status}`)}</span>
          {k.revokedAt && <div className="small">{t('resultKeys.revokedLine', { at: formatDateTime(k.revokedAt), since: formatDateTime(k.compromisedSince) })}</div>}
          {k.revocations.map((r, i) => (
            <div key={i} className="muted small">
              {t('resultKeys.revocation', { at: formatDateTime(r.revokedAt), who: r.revokedBy?.fullName ?? '—', reason: r.reason, since: formatDateTime(r.compromisedSince) })}
            </div>
          ))}
        </>
      ),
    },
    { key: 'createdAt', label: t('resultKeys.createdAt'), cell: (k) => formatDateTime(k.createdAt), sortValue: (k) => k.createdAt, nowrap: true },
  ];
  return (
    <section aria-labelledby="result-keys-title" data-testid="result-keys">
      <h3 id="result-keys-title" className="subhead">
        {t('resultKeys.title')}
      </h3>
      <p className="muted small">{t('resultKeys.intro')}</p>
      {notice && (
        <Notice kind="success" testId="result-keys-notice">
          {notice}
        </Notice>
      )}
      <DataTable
        caption={t('resultKeys.title')}
        columns={columns}
        rows={keys.data.keys}
        rowKey={(k) => k.id}
        rowProps={(k) => ({ 'data-testid': 'result-key-row', 'data-key': k.id, 'data-status': k.status })}
        actions={(k) => (
          <button type="button" className="btn btn-small btn-danger" onClick={() => setRevoking(k)} data-testid="result-key-revoke">
            {k.status === 'revoked' ? t('resultKeys.revokeEarlier') : t('resultKeys.revoke')}
          </button>
        )}
        empty={t('resultKeys.empty')}
        emptyTestId="result-keys-empty"
        busy={keys.isFetching}
        testId="result-keys-table"
      />
      {keys.data.keys.length > 0 && (
        <button type="button" className="btn" onClick={() => setRotating(true)} data-testid="result-key-rotate">
          {t('resultKeys.rotate')}
        </button>
      )}
      {rotating && (
        <ConfirmDialog
          title={t('resultKeys.rotateTitle', { unit: unit.fullName })}
          text={<p>{t('resultKeys.rotateText')}</p>}
          confirmLabel={t('resultKeys.rotate')}
          onConfirm={async () => {
            const next = await rotate.mutateAsync(init);
            show(next);
            setNotice(t('resultKeys.rotated', { id: next.keys[0]?.id ?? '' }));
            setRotating(false);
          }}
          onClose={() => setRotating(false)}
          testId="rotate-key-dialog"
        />
      )}
      {revoking && (
        <RevokeKeyDialog
          unit={unit}
          resultKey={revoking}
          onClose={() => setRevoking(null)}
          onDone={(next) => {
            show(next);
            setNotice(t('resultKeys.revoked', { id: revoking.id }));
            setRevoking(null);
          }}
        />
      )}
    </section>
  );
}

function UnitDetailDialog({ unit, onClose }: { unit: Unit; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Modal title={t('units.detailsOf', { name: unit.fullName })} onClose={onClose} testId="unit-detail" wide>
      <dl className="facts">
        <dt>{t('units.code')}</dt>
        <dd>
          <code>{unit.code}</code>
        </dd>
        <dt>{t('units.kind')}</dt>
        <dd>{t(`units.kind.${unit.kind}`)}</dd>
      </dl>
      <ResultKeys unit={unit} />
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </Modal>
  );
}

export function UnitsPage() {
  const { t } = useI18n();
  usePageTitle(t('units.title'));
  const me = useMe();
  const unitsQuery = useUnits();
  const units = unitsQuery.data;
  const [filter, setFilter] = useState('');
  const [expanded, setExpanded] = useState<Set<string> | null>(null);
  const [adding, setAdding] = useState<Unit | null>(null);
  const [renaming, setRenaming] = useState<Unit | null>(null);
  const [viewing, setViewing] = useState<Unit | null>(null);
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
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setViewing(unit)} aria-label={`${t('units.details')}: ${unit.fullName}`} data-testid="unit-details">
              {t('units.details')}
            </button>
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
      <Loaded query={unitsQuery}>
        {() => (
          <section className="card tree-card">
            {visible && visible.size === 0 ? <p className="muted">{t('common.noResults')}</p> : <ul className="tree tree-root">{tree.map(renderNode)}</ul>}
          </section>
        )}
      </Loaded>
      {adding && (
        <AddUnitDialog
          parent={adding}
          onClose={() => setAdding(null)}
          onAdded={(unit) => {
            setAdding(null);
            setAdded(unit.fullName);
            setExpanded(new Set([...open, adding.id]));
            void queryClient.invalidateQueries({ queryKey: ['get', '/api/units'] });
          }}
        />
      )}
      {viewing && <UnitDetailDialog unit={viewing} onClose={() => setViewing(null)} />}
      {renaming && (
        <RenameDialog
          unit={renaming}
          onClose={() => setRenaming(null)}
          onDone={() => {
            setRenaming(null);
            void queryClient.invalidateQueries({ queryKey: ['get', '/api/units'] });
          }}
        />
      )}
    </div>
  );
}
