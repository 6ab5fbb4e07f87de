import { useEffect, useState } from 'react';
import { z } from 'zod';
import { SEVERITIES, type RuleName } from '../../../../common/detection-rules.ts';
import { MAX_RULE_PARAM, ruleParam, ruleSettingsBody } from '../../../../common/schemas/monitoring.ts';
import { $api, queryClient, type DetectionRule, type RuleList, type RuleSettings } from '../../api/index.ts';
import { ErrorBox, Notice, usePageTitle } from '../../components.tsx';
import { messageIn, useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { isMessageKey, useI18n } from '../../i18n.ts';
import { SeverityBadge } from './SecurityCases.tsx';

/** A threshold as typed, so a field may be emptied while editing; a number once it passes. */
const paramText = z.string().trim().min(1, 'Hãy nhập một số / enter a number').transform(Number).pipe(ruleParam);
const ruleFields = ruleSettingsBody.extend({ params: z.record(z.string(), paramText) });
type Draft = z.input<typeof ruleFields>;

const draftOf = (s: RuleSettings): Draft => ({ enabled: s.enabled, severity: s.severity, params: Object.fromEntries(Object.entries(s.params).map(([k, v]) => [k, String(v)])) });
const validParam = (text: string) => paramText.safeParse(text).success;
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
  const { t, lang } = useI18n();
  const paramLabel = useParamLabel(rule.rule);
  const form = useZodForm(ruleFields, draftOf(rule));
  const save = $api.useMutation('put', '/api/monitoring/rules/{rule}');
  const [saved, setSaved] = useState(false);
  const draft = form.watch();
  // a change after saving hides the "saved" notice
  useEffect(() => {
    const { unsubscribe } = form.watch(() => setSaved(false));
    return unsubscribe;
  }, [form]);
  const name = t(`monitoring.rule.${rule.rule}`);
  const params = Object.keys(rule.defaults.params);
  const valid = ruleFields.safeParse(draft).success;
  const dirty = !sameSettings(draft, rule);
  const atDefaults = sameSettings(draft, rule.defaults);
  const differs = !sameSettings(draftOf(rule), rule.defaults);
  const paramErrors = form.formState.errors.params as Record<string, { message?: string } | undefined> | undefined;

  const submit = form.handleSubmit((body) =>
    save.mutateAsync({ params: { path: { rule: rule.rule } }, body }).then(
      (answer) => {
        onSaved(answer);
        setSaved(true);
      },
      () => {},
    ),
  );

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
        <form onSubmit={(e) => void submit(e)} autoComplete="off" noValidate>
          <div className="rule-controls">
            <label className="switch">
              <input type="checkbox" role="switch" {...form.register('enabled')} data-testid="rule-enabled" />
              <span>{t('rules.enable')}</span>
            </label>
            <label className="rule-severity">
              <span>{t('rules.severity')}</span>
              <select {...form.register('severity')} data-testid="rule-severity">
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
                    max={MAX_RULE_PARAM}
                    step="any"
                    {...form.register(`params.${key}`)}
                    aria-invalid={!validParam(draft.params[key] ?? '')}
                    aria-describedby={paramErrors?.[key] ? `rule-${rule.rule}-${key}-error` : undefined}
                    data-testid={`rule-param-${key}`}
                  />
                  {paramErrors?.[key]?.message && (
                    <span className="field-error" id={`rule-${rule.rule}-${key}-error`} data-testid="field-error">
                      {messageIn(lang, paramErrors[key].message)}
                    </span>
                  )}
                  <span className="hint">{t('rules.default', { value: rule.defaults.params[key]!.toLocaleString('vi-VN') })}</span>
                </label>
              ))}
            </fieldset>
          ) : (
            <p className="hint">{t('rules.noParams')}</p>
          )}
          <ErrorBox error={save.error} testId="rule-error" />
          {saved && !dirty && (
            <Notice kind="success" testId="rule-saved">
              {t('rules.saved', { name })}
            </Notice>
          )}
          <div className="button-row">
            <button type="submit" className="btn btn-primary" disabled={!valid || !dirty || form.formState.isSubmitting} data-testid="rule-save">
              {t('rules.save')}
            </button>
            <button type="button" className="btn" disabled={atDefaults} onClick={() => form.reset(draftOf(rule.defaults))} data-testid="rule-reset">
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
  const rules = $api.useQuery('get', '/api/monitoring/rules');
  // saving a rule answers all of them as they now run
  const show = (list: RuleList) => queryClient.setQueryData($api.queryOptions('get', '/api/monitoring/rules').queryKey, list);
  const data = rules.data;
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
      <Loaded query={rules}>
        {(list) => (
          <div className="rules-grid">
            {list.items.map((rule) => (
              <RuleCard key={rule.rule} rule={rule} mayEdit={mayEdit} onSaved={show} />
            ))}
          </div>
        )}
      </Loaded>
    </div>
  );
}
