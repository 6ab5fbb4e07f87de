import { useState, type FormEvent } from 'react';
import { SEVERITIES, type RuleName, type Severity } from '../../../../common/detection-rules.ts';
import { put, type DetectionRule, type RuleList, type RuleSettings } from '../../api/index.ts';
import { ErrorBox, Loading, Notice, useApi, usePageTitle } from '../../components.tsx';
import { isMessageKey, useI18n } from '../../i18n.ts';
import { SeverityBadge } from './SecurityCases.tsx';

const MAX_PARAM = 1_000_000;

interface Draft {
  enabled: boolean;
  severity: Severity;
  /** as typed, so a field may be emptied while editing */
  params: Record<string, string>;
}

const draftOf = (s: RuleSettings): Draft => ({ enabled: s.enabled, severity: s.severity, params: Object.fromEntries(Object.entries(s.params).map(([k, v]) => [k, String(v)])) });
const validParam = (text: string) => text.trim() !== '' && Number.isFinite(Number(text)) && Number(text) >= 0 && Number(text) <= MAX_PARAM;
const sameSettings = (d: Draft, s: RuleSettings) =>
  d.enabled === s.enabled && d.severity === s.severity && Object.entries(d.params).every(([k, v]) => validParam(v) && Number(v) === s.params[k]);

/** A threshold's readable name (the rule's own, or one shared by several rules) when the interface knows it, its code otherwise. */
function useParamLabel(rule: RuleName) {
  const { t } = useI18n();
  return (key: string) => {
    const message = [`monitoring.param.${rule}.${key}`, `monitoring.param.${key}`].find(isMessageKey);
    return message ? t(message) : key;
  };
}


function RuleCard({ rule, mayEdit, onSaved }: { rule: DetectionRule; mayEdit: boolean; onSaved: (list: RuleList) => void }) {
  const { t } = useI18n();
  const paramLabel = useParamLabel(rule.rule);
  const [draft, setDraft] = useState<Draft>(() => draftOf(rule));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const name = t(`monitoring.rule.${rule.rule}`);
  const params = Object.keys(rule.defaults.params);
  const valid = Object.values(draft.params).every(validParam);
  const dirty = !sameSettings(draft, rule);
  const atDefaults = sameSettings(draft, rule.defaults);
  const differs = !sameSettings(draftOf(rule), rule.defaults);

  const change = (next: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...next }));
    setSaved(false);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid || !dirty || busy) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await put<RuleList>(`/api/monitoring/rules/${rule.rule}`, {
        enabled: draft.enabled,
        severity: draft.severity,
        params: Object.fromEntries(Object.entries(draft.params).map(([k, v]) => [k, Number(v)])),
      });
      onSaved(answer);
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const titleId = `rule-${rule.rule}-title`;
  return (
    <section className={rule.enabled ? 'card rule-card' : 'card rule-card rule-card-off'} aria-labelledby={titleId} data-testid="rule-card" data-rule={rule.rule} data-enabled={rule.enabled}>
      <div className="rule-card-head">
        <h2 id={titleId}>{name}</h2>
        <span className={rule.enabled ? 'badge badge-active' : 'badge badge-left'}>{rule.enabled ? t('rules.on') : t('rules.off')}</span>
        <SeverityBadge severity={rule.severity} />
        {differs && <span className="badge badge-kind">{t('rules.changed')}</span>}
      </div>
      <p className="muted rule-card-text">{t(`monitoring.ruleText.${rule.rule}`)}</p>
      {mayEdit ? (
        <form onSubmit={submit} autoComplete="off" noValidate>
          <div className="rule-controls">
            <label className="switch">
              <input type="checkbox" role="switch" checked={draft.enabled} onChange={(e) => change({ enabled: e.target.checked })} data-testid="rule-enabled" />
              <span>{t('rules.enable')}</span>
            </label>
            <label className="rule-severity">
              <span>{t('rules.severity')}</span>
              <select value={draft.severity} onChange={(e) => change({ severity: e.target.value as Severity })} data-testid="rule-severity">
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {t(`severity.${s}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {draft.severity === 'critical' && (
            <div className="alert alert-warning rule-critical" role="note" data-testid="rule-critical-warning">
              {t('rules.criticalWarn')}
            </div>
          )}
          {draft.severity !== 'critical' && Number(draft.params.criticalFactor ?? 0) > 0 && <p className="hint">{t('rules.criticalEscalates')}</p>}
          {params.length > 0 ? (
            <fieldset className="rule-params">
              <legend>{t('rules.params')}</legend>
              {params.map((key) => (
                <label key={key} className="rule-param">
                  <span className="rule-param-name">{paramLabel(key)}</span>
                  <input
                    type="number"
                    inputMode="decimal"
                    min={0}
                    max={MAX_PARAM}
                    step="any"
                    value={draft.params[key] ?? ''}
                    onChange={(e) => change({ params: { ...draft.params, [key]: e.target.value } })}
                    aria-invalid={!validParam(draft.params[key] ?? '')}
                    data-testid={`rule-param-${key}`}
                  />
                  <span className="hint">{t('rules.default', { value: rule.defaults.params[key]!.toLocaleString('vi-VN') })}</span>
                </label>
              ))}
            </fieldset>
          ) : (
            <p className="hint">{t('rules.noParams')}</p>
          )}
          <ErrorBox error={error} testId="rule-error" />
          {saved && !dirty && (
            <Notice kind="success" testId="rule-saved">
              {t('rules.saved', { name })}
            </Notice>
          )}
          <div className="button-row">
            <button type="submit" className="btn btn-primary" disabled={!valid || !dirty || busy} data-testid="rule-save">
              {t('rules.save')}
            </button>
            <button type="button" className="btn" disabled={atDefaults} onClick={() => change(draftOf(rule.defaults))} data-testid="rule-reset">
              {t('rules.reset')}
            </button>
          </div>
        </form>
      ) : (
        params.length > 0 && (
          <dl className="facts facts-compact rule-params-read">
            {params.map((key) => (
              <div key={key} className="lookup-field">
                <dt>{paramLabel(key)}</dt>
                <dd>
                  <strong>{(rule.params[key] ?? rule.defaults.params[key]!).toLocaleString('vi-VN')}</strong>
                  {rule.params[key] !== rule.defaults.params[key] && <span className="hint">{t('rules.default', { value: rule.defaults.params[key]!.toLocaleString('vi-VN') })}</span>}
                </dd>
              </div>
            ))}
          </dl>
        )
      )}
    </section>
  );
}

export function DetectionRulesPage() {
  const { t } = useI18n();
  usePageTitle(t('rules.title'));
  const { data, error, setData } = useApi<RuleList>('/api/monitoring/rules');
  // decided by the server: only the province's security officers tune the rules, which run for the whole province
  const mayEdit = data?.mayTune ?? false;
  const on = data?.items.filter((r) => r.enabled).length ?? 0;
  return (
    <div className="page page-wide" data-testid="rules-page">
      <div className="page-head">
        <h1>{t('rules.title')}</h1>
        {data && <span className="muted">{t('rules.count', { on, total: data.items.length })}</span>}
      </div>
      <p className="muted">{t('rules.intro')}</p>
      {data && !mayEdit && <Notice>{t('rules.readOnly')}</Notice>}
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <div className="rules-grid">
          {data.items.map((rule) => (
            <RuleCard key={rule.rule} rule={rule} mayEdit={mayEdit} onSaved={setData} />
          ))}
        </div>
      )}
    </div>
  );
}
