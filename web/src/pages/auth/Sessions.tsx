import { useState } from 'react';
import { del, type SessionInfo } from '../../api/index.ts';
import { ConfirmDialog, ErrorBox, Loading, useApi, usePageTitle } from '../../components.tsx';
import { SessionTable } from '../../components/SessionTable.tsx';
import { useI18n } from '../../i18n.ts';
import { useSession } from '../../session.ts';

export function SessionsPage() {
  const { t } = useI18n();
  const { signOut } = useSession();
  usePageTitle(t('sessions.title'));
  const { data, error, reload } = useApi<{ items: SessionInfo[] }>('/api/sessions');
  const [ending, setEnding] = useState<SessionInfo | null>(null);
  return (
    <div className="page">
      <h1>{t('sessions.title')}</h1>
      <p className="muted">{t('sessions.intro')}</p>
      <ErrorBox error={error} />
      {data ? (
        <section className="card table-card">
          <SessionTable sessions={data.items} onEnd={setEnding} />
        </section>
      ) : (
        !error && <Loading />
      )}
      {ending && (
        <ConfirmDialog
          title={t('sessions.end')}
          text={
            <>
              <p>{t('sessions.endConfirm')}</p>
              {ending.current && <p className="strong">{t('sessions.endCurrent')}</p>}
            </>
          }
          confirmLabel={t('sessions.end')}
          danger
          onClose={() => setEnding(null)}
          onConfirm={async () => {
            await del(`/api/sessions/${encodeURIComponent(ending.id)}`);
            if (ending.current) {
              await signOut('signedOut');
              return;
            }
            setEnding(null);
            reload();
          }}
        />
      )}
    </div>
  );
}
