import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { CHILD_UNIT_KINDS, newUnitBody, renameUnitBody } from '../../../../common/schemas/units.ts';
import { $api, get, post, queryClient, useUnits, type Unit, type UnitResultKeys } from '../../api/index.ts';
import { ConfirmDialog, DialogActions, ErrorBox, Field, Loading, Modal, Notice, usePageTitle } from '../../components.tsx';
import { FormDialog, FormField, useZodForm } from '../../components/form.tsx';
import { formatDateTime, useI18n } from '../../i18n.ts';
import { useMe } from '../../session.ts';
import { foldVietnamese } from '../../text.ts';
import { buildTree, type TreeNode } from '../../units.ts';

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

function RevokeKeyDialog({ unit, resultKey, onClose, onDone }: { unit: Unit; resultKey: ResultKey; onClose: () => void; onDone: (keys: UnitResultKeys) => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [since, setSince] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // datetime-local is the officer's local time; the server takes an instant
      const body = { reason: reason.trim(), ...(since ? { compromisedSince: new Date(since).toISOString() } : {}) };
      onDone(await post<UnitResultKeys>(`/api/units/${unit.id}/result-keys/${resultKey.id}/revoke`, body));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal title={t('resultKeys.revokeTitle', { id: resultKey.id })} onClose={onClose} testId="revoke-key-dialog" role="alertdialog">
      <form onSubmit={submit} autoComplete="off">
        <p className="modal-text">{t('resultKeys.revokeText')}</p>
        <Field label={t('resultKeys.reason')} hint={t('resultKeys.reasonHint')} required>
          {(id, hint) => <textarea id={id} name="reason" aria-describedby={hint} rows={3} minLength={10} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} required autoFocus />}
        </Field>
        <Field label={t('resultKeys.since')} hint={t('resultKeys.sinceHint')}>
          {(id, hint) => <input id={id} name="compromisedSince" type="datetime-local" aria-describedby={hint} value={since} onChange={(e) => setSince(e.target.value)} />}
        </Field>
        <ErrorBox error={error} testId="dialog-error" />
        <DialogActions onCancel={onClose} label={t('resultKeys.revoke')} disabled={busy || reason.trim().length < 10} danger testId="revoke-key-button" />
      </form>
    </Modal>
  );
}

/**
 * The unit's result signing keys, for those who manage them: the server answers 403/404 to anyone else, and then
 * nothing is shown (the public keys are at GET /api/units/{id}/result-key for everyone).
 */
function ResultKeys({ unit }: { unit: Unit }) {
  const { t } = useI18n();
  const [keys, setKeys] = useState<UnitResultKeys | null>(null);
  const [rotating, setRotating] = useState(false);
  const [revoking, setRevoking] = useState<ResultKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    get<UnitResultKeys>(`/api/units/${unit.id}/result-keys`, { quiet: true }).then(
      (k) => current && setKeys(k),
      () => current && setKeys(null),
    );
    return () => {
      current = false;
    };
  }, [unit.id]);
  if (!keys) return null;
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
      {keys.keys.length === 0 ? (
        <p className="muted" data-testid="result-keys-empty">
          {t('resultKeys.empty')}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="result-keys-table">
            <thead>
              <tr>
                <th>{t('resultKeys.generation')}</th>
                <th>{t('resultKeys.id')}</th>
                <th>{t('resultKeys.status')}</th>
                <th>{t('resultKeys.createdAt')}</th>
                <th>
                  <span className="visually-hidden">{t('dossier.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.keys.map((k) => (
                <tr key={k.id} data-testid="result-key-row" data-key={k.id} data-status={k.status}>
                  <td>{k.generation}</td>
                  <td>
                    <code title={k.verifierKey}>{k.id}</code>
                  </td>
                  <td>
                    <span className={k.status === 'current' ? 'badge badge-active' : k.status === 'revoked' ? 'badge badge-locked' : 'badge badge-left'}>{t(`resultKeys.status.${k.status}`)}</span>
                    {k.revokedAt && <div className="small">{t('resultKeys.revokedLine', { at: formatDateTime(k.revokedAt), since: formatDateTime(k.compromisedSince) })}</div>}
                    {k.revocations.map((r, i) => (
                      <div key={i} className="muted small">
                        {t('resultKeys.revocation', { at: formatDateTime(r.revokedAt), who: r.revokedBy?.fullName ?? '—', reason: r.reason, since: formatDateTime(r.compromisedSince) })}
                      </div>
                    ))}
                  </td>
                  <td className="nowrap">{formatDateTime(k.createdAt)}</td>
                  <td>
                    <button type="button" className="btn btn-small btn-danger" onClick={() => setRevoking(k)} data-testid="result-key-revoke">
                      {k.status === 'revoked' ? t('resultKeys.revokeEarlier') : t('resultKeys.revoke')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {keys.keys.length > 0 && (
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
            const next = await post<UnitResultKeys>(`/api/units/${unit.id}/result-keys/rotate`);
            setKeys(next);
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
            setKeys(next);
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
  const { data: units, error } = useUnits();
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
