import crypto from 'node:crypto';
import { asc, count, eq, gt, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journal } from '../src/modules/journal/journal.tables.ts';
import { integrate, journalSigner } from '../src/modules/journal/sequencer.ts';
import { detect } from '../src/modules/monitoring/detector.ts';
import { monitoringAlerts } from '../src/modules/monitoring/monitoring.tables.ts';
import { offerBirthRegistration, personalId1990, receive } from './dossier-fixtures.ts';
import { startTestSystem, type Client, type Officer, type TestSystem } from './harness.ts';

/**
 * Issue 13, item 12 (R14): every refusal (403, 404) of a signed-in caller is journaled once, wherever it is made, so
 * that the repeated_refusals rule sees an officer or an integration key trying what is beyond their authority; an
 * anonymous caller's are not (a scanner would fill the append-only journal).
 */
let sys: TestSystem;
let offered: string;
let snoopOfficer: Officer;
let snoop: Client;
let otherDossier: { id: string; code: string };
let otherAccount: Officer;
const signer = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);

/** What the server's jobs do every second: the sequencer publishes, the detector reads what was published. */
async function monitor() {
  await integrate(sys.database, signer, sys.clock);
  while ((await sys.inTx(detect)) > 0);
}

async function entryCount(): Promise<number> {
  const [row] = await sys.database.db.select({ n: count() }).from(journal);
  return row!.n;
}

/** The journal entries a request appended. */
async function appendedBy(request: () => Promise<unknown>) {
  const [before] = await sys.database.db.select({ seq: max(journal.seq) }).from(journal);
  await request();
  return sys.database.db.select().from(journal).where(gt(journal.seq, before?.seq ?? 0)).orderBy(asc(journal.seq));
}

const alertsOf = (where: { accountId?: string; clientId?: string }) =>
  sys.database.db
    .select()
    .from(monitoringAlerts)
    .where(where.accountId ? eq(monitoringAlerts.accountId, where.accountId) : eq(monitoringAlerts.clientId, where.clientId!))
    .then((rows) => rows.filter((a) => a.rule === 'repeated_refusals'));

beforeAll(async () => {
  sys = await startTestSystem();
  offered = await offerBirthRegistration(sys);
  const [home, elsewhere] = sys.communes as [(typeof sys.communes)[number], (typeof sys.communes)[number]];
  const desk = await sys.signedIn(await sys.officer({ username: 'rr.desk', unit: home, roles: ['reception_officer'] }), '10.70.0.1');
  otherDossier = await receive(desk, offered, home.id);
  otherAccount = await sys.officer({ username: 'rr.colleague', unit: home, roles: ['reception_officer'] });
  snoopOfficer = await sys.officer({ username: 'rr.snoop', unit: elsewhere, roles: ['reception_officer'] });
  snoop = await sys.signedIn(snoopOfficer, '10.70.0.2');
  await monitor();
});
afterAll(async () => {
  await sys?.close();
});

describe('R14: refusals of signed-in callers are journaled and watched', () => {
  it('R14: an officer refused again and again across routes (403/404 on dossiers, accounts…) raises repeated_refusals', async () => {
    const answers = [
      await snoop.get(`/api/dossiers/${otherDossier.id}`),
      await snoop.get(`/api/accounts/${otherAccount.id}`),
      await snoop.get(`/api/dossiers/${otherDossier.id}/documents`),
      await snoop.get('/api/journal/entries?limit=20'),
      await snoop.post(`/api/dossiers/${otherDossier.id}/lookups`, { personalId: personalId1990(), service: 'verify' }),
    ];
    expect(answers.map((r) => r.statusCode).every((s) => s === 403 || s === 404), answers.map((r) => r.body).join('\n')).toBe(true);
    await monitor();
    const alerts = await alertsOf({ accountId: snoopOfficer.id });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'high', clientId: null, unitId: sys.communes[1]!.id, details: { refusals: 5 } });
    const routes = (alerts[0]!.details.reasons as { route: string | null }[]).map((r) => r.route);
    expect(routes).toEqual(expect.arrayContaining(['GET /api/dossiers/:id', 'GET /api/accounts/:id', 'GET /api/journal/entries', null]));
    // the case the security officer sees is the officer's
    expect(alerts[0]!.explanationVi).toContain('rr.snoop');
  });

  it('R14: an integration key refused repeatedly raises an alert on the key', async () => {
    const admin = await sys.signedIn(await sys.officer({ username: 'rr.system', unit: sys.province, roles: ['system_admin'] }), '10.70.0.3');
    const created = await admin.post('/api/integrations', { name: 'Cổng dịch vụ công thử', unitId: sys.communes[1]!.id, procedures: ['2.000986'], fields: ['ho_ten'] });
    expect(created.statusCode, created.body).toBe(200);
    const { id, key } = created.json() as { id: string; key: string };
    for (const dossierCode of [otherDossier.code, 'H-19-000000-0001', otherDossier.code, 'H-19-000000-0002', otherDossier.code]) {
      const res = await sys.app.inject({
        method: 'POST',
        url: '/api/integration/v1/lookups',
        remoteAddress: '203.0.113.9',
        headers: { authorization: `Bearer ${key}` },
        payload: { dossierCode, personalId: personalId1990(), service: 'verify' },
      });
      expect([403, 404], res.body).toContain(res.statusCode);
    }
    await monitor();
    const alerts = await alertsOf({ clientId: id });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ accountId: null, clientId: id, unitId: sys.communes[1]!.id, details: { refusals: 5 } });
    expect(alerts[0]!.explanationVi).toContain('«Cổng dịch vụ công thử»');
  });

  it('should not journal an anonymous 404 or 401 (a scanner cannot fill the journal)', async () => {
    const scanner = sys.client('198.51.100.66');
    const before = await entryCount();
    const answers = [
      await scanner.get(`/api/dossiers/${otherDossier.id}`),
      await scanner.get('/api/accounts'),
      await scanner.get('/api/no-such-route'),
      await scanner.get('/api/results/H-19-000000-0001-KQ1/verify'),
      await sys.app.inject({ method: 'POST', url: '/api/integration/v1/lookups', headers: { authorization: 'Bearer mck_guess' }, payload: { dossierCode: otherDossier.code, personalId: personalId1990(), service: 'verify' } }),
    ];
    expect(answers.map((r) => r.statusCode)).toEqual([401, 401, 404, 404, 401]);
    expect(await entryCount()).toBe(before);
  });

  it('a refusal is journaled once (a service refusal that already records its event is not recorded twice)', async () => {
    const refusedLookup = await appendedBy(() => snoop.post(`/api/dossiers/${otherDossier.id}/lookups`, { personalId: personalId1990(), service: 'verify' }));
    expect(refusedLookup.map((e) => [e.type, e.outcome])).toEqual([['npd.lookup.refused', 'refused']]);
    const byService = await appendedBy(() => snoop.get(`/api/dossiers/${otherDossier.id}`));
    expect(byService.map((e) => [e.type, e.reason, e.details.status])).toEqual([['request.refused', 'not_found', 404]]);
    const byRoute = await appendedBy(() => snoop.get('/api/journal/entries?limit=5'));
    expect(byRoute.map((e) => [e.type, e.reason, e.details.status])).toEqual([['request.refused', 'forbidden', 403]]);
    expect(byRoute[0]).toMatchObject({ actorAccountId: snoopOfficer.id, actorUnitId: sys.communes[1]!.id });
  });

  it('R14: the route template is recorded, never the URL and its query (which may carry a personal ID)', async () => {
    const personalId = personalId1990();
    const [entry] = await appendedBy(() => snoop.get(`/api/journal/entries?citizenId=${personalId}&limit=5`));
    expect(entry).toMatchObject({ type: 'request.refused', details: { method: 'GET', route: '/api/journal/entries', status: 403 } });
    expect(JSON.stringify(entry)).not.toContain(personalId);
    // a route naming its record: the id is the entry's target, so that the attempts on one record are found by it
    const [onDossier] = await appendedBy(() => snoop.get(`/api/dossiers/${otherDossier.id}`));
    expect(onDossier).toMatchObject({ targetType: 'unknown', targetId: otherDossier.id, details: { method: 'GET', route: '/api/dossiers/:id', status: 404 } });
  });
});
