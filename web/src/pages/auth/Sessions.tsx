import { useState } from 'react';
import { $api, type SessionInfo } from '../../api/index.ts';
import { ConfirmDialog, usePageTitle } from '../../components.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { SessionTable } from '../../components/SessionTable.tsx';
import { useI18n } from '../../i18n.ts';
import { useSession } from '../../session.ts';

export function SessionsPage() {
  const { t } = useI18n();
  const { signOut } = useSession();
  usePageTitle(t('sessions.title'));
  const sessions = $api.useQuery('get', '/api/sessions');
  const end = $api.useMutation('delete', '/api/sessions/{id}');
  const [ending, setEnding] = useState<SessionInfo | null>(null);
  return (
    <div className="page">
      <h1>{t('sessions.title')}</h1>
      <p className="muted">{t('sessions.intro')}</p>
      <Loaded query={sessions}>
        {(data) => (
          <section className="card table-card">
            <SessionTable sessions={data.items} onEnd={setEnding} />
          </section>
        )}
      </Loaded>
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
            await end.mutateAsync({ params: { path: { id: ending.id } } });
            if (ending.current) {
              await signOut('signedOut');
              return;
            }
            setEnding(null);
            await sessions.refetch();
          }}
        />
      )}
    </div>
  );
}
