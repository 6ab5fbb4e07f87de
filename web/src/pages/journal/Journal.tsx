import { keepPreviousData, useMutation, type InfiniteData } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { $api, query, queryClient, saveFile, type JournalEntry } from '../../api/index.ts';
import { ErrorBox, Loading, usePageTitle } from '../../components.tsx';
import { useZodForm } from '../../components/form.tsx';
import { useI18n } from '../../i18n.ts';
import { can, useMe } from '../../session.ts';
import { CheckpointPanel, FailClosedBanner } from './CheckpointPanel.tsx';
import { EntryDialog } from './EntryDialog.tsx';
import { emptyDraft, journalSearch, paramsOf, type Draft, type Params } from './journal-search.ts';
import { JournalResults } from './JournalResults.tsx';
import { JournalSearch } from './JournalSearch.tsx';

const PAGE_SIZE = 50;

/** The journal's entries matching a search, newest first, PAGE_SIZE at a time ("load more" asks before the last seq shown). */
function useEntries(applied: Params) {
  const init = { params: { query: { ...applied, limit: PAGE_SIZE } } };
  const entries = $api.useInfiniteQuery('get', '/api/journal/entries', init, {
    pageParamName: 'beforeSeq',
    // null: the first page has no beforeSeq at all (the query leaves nulls out)
    initialPageParam: null as number | null,
    getNextPageParam: (last) => (last.items.length === PAGE_SIZE ? last.items[last.items.length - 1]!.seq : undefined),
    placeholderData: keepPreviousData,
  });
  /** Asks again from the newest entry, as a new search does: the pages loaded beyond the first are dropped. */
  const restart = () => {
    const { queryKey } = $api.queryOptions('get', '/api/journal/entries', init);
    queryClient.setQueryData<InfiniteData<unknown>>(queryKey, (old) => old && { pages: old.pages.slice(0, 1), pageParams: old.pageParams.slice(0, 1) });
    void entries.refetch();
  };
  return { ...entries, restart };
}

/** The export of a selection: fetch + blob, so that errors show on the page and no URL with a personal ID lands in the downloads list. */
const downloadExport = (params: Params) => saveFile(`/api/journal/export${query({ ...params })}`);

export function JournalPage() {
  const { t } = useI18n();
  const me = useMe();
  usePageTitle(t('journal.title'));
  const form = useZodForm(journalSearch, emptyDraft);
  const [applied, setApplied] = useState<Params>({});
  const [open, setOpen] = useState<JournalEntry | null>(null);
  const status = $api.useQuery('get', '/api/journal/checkpoint');
  const entries = useEntries(applied);
  const exportFile = useMutation({ mutationFn: downloadExport });
  const tableRef = useRef<HTMLElement>(null);
  const items = entries.data?.pages.flatMap((p) => p.items);

  /** Searches with these parameters; the same search again asks the server again. */
  const search = (params: Params) => {
    if (JSON.stringify(params) === JSON.stringify(applied)) entries.restart();
    else setApplied(params);
    exportFile.reset();
  };
  const applyDraft = (next: Draft) => {
    form.reset(next);
    search(paramsOf(next));
  };
  const exportSelection = () => {
    const parsed = journalSearch.safeParse(form.getValues());
    if (!parsed.success || exportFile.isPending) return;
    search(parsed.data);
    exportFile.mutate(parsed.data);
  };

  const filtered = Object.values(applied).some((v) => v !== undefined);

  return (
    <div className="page" data-testid="journal-page">
      <div className="page-head">
        <h1>{t('journal.title')}</h1>
        <div className="button-row">
          <button
            type="button"
            className="btn"
            onClick={() => {
              entries.restart();
              void status.refetch();
            }}
            data-testid="journal-refresh"
          >
            ↻ {t('journal.refresh')}
          </button>
        </div>
      </div>
      {status.data?.failClosed && <FailClosedBanner />}
      <p className="muted">{t('journal.intro')}</p>
      <CheckpointPanel query={status} />

      <JournalSearch
        form={form}
        pickAccounts={can(me, 'accounts.read')}
        onApply={search}
        onClear={() => applyDraft(emptyDraft)}
        onExport={exportSelection}
        exporting={exportFile.isPending}
        exportError={exportFile.error}
        exported={exportFile.data}
      />

      <ErrorBox error={entries.error} />
      {!items && !entries.error && <Loading />}
      {items && (
        <JournalResults
          ref={tableRef}
          items={items}
          more={entries.hasNextPage}
          busy={entries.isFetching}
          filtered={filtered}
          onOpen={setOpen}
          onMore={() => void entries.fetchNextPage()}
        />
      )}
      {open !== null && (
        <EntryDialog
          listed={open}
          onClose={() => {
            const seq = open.seq;
            setOpen(null);
            // Back to the row the dialog was opened from, for keyboard users.
            window.requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid=journal-row][data-seq="${seq}"]`)?.focus());
          }}
          onFilter={(change) => {
            setOpen(null);
            applyDraft({ ...form.getValues(), ...change });
            tableRef.current?.scrollIntoView({ block: 'start' });
          }}
        />
      )}
    </div>
  );
}
