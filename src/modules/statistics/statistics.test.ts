import ExcelJS from 'exceljs';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerBirthRegistration, receive } from '../../../test/dossier-fixtures.ts';
import { startTestSystem, type Client, type Officer, type TestSystem } from '../../../test/harness.ts';

let sys: TestSystem;
let procedureId: string;
let officers: Officer[];
let desk: Client;
let leader: Client;
let inspector: Client;

async function at(vietnamTime: string) {
  [desk, leader, inspector] = (await sys.at(vietnamTime, officers, '10.11.0')) as [Client, Client, Client];
}

beforeAll(async () => {
  sys = await startTestSystem();
  procedureId = await offerBirthRegistration(sys);
  const commune = sys.communes[0]!;
  officers = [
    await sys.officer({ username: 's.desk', unit: commune, roles: ['reception_officer'] }),
    await sys.officer({ username: 's.leader', unit: commune, roles: ['leader'] }),
    await sys.officer({ username: 's.inspector', unit: sys.province, roles: ['inspector'] }),
  ];
  await at('2026-03-02T09:00:00');
  // three dossiers on Monday 2 March (due Monday 9 March): one settled on time, one late, one left open
  const onTime = await receive(desk, procedureId, commune.id);
  const late = await receive(desk, procedureId, commune.id, { channel: 'online' });
  await receive(desk, procedureId, commune.id);
  // Circular 01/2023: the first has a paper digitised at the desk, the second one reused from an earlier result and
  // one from the population database, the third none (not digitised)
  await paper(onTime.id, 'digitized');
  await paper(late.id, 'reused');
  await paper(late.id, 'from_npd');
  for (const d of [onTime, late]) await desk.post(`/api/dossiers/${d.id}/assign`, { unitId: commune.id });
  await at('2026-03-06T09:00:00');
  await leader.post(`/api/dossiers/${onTime.id}/approve`, {});
  await at('2026-03-11T09:00:00');
  await leader.post(`/api/dossiers/${late.id}/approve`, {});
});
afterAll(() => sys.close());

async function paper(dossierId: string, kind: string) {
  const pdf = await PDFDocument.create();
  pdf.addPage([200, 200]);
  const res = await desk.post(`/api/dossiers/${dossierId}/documents?name=giay.pdf&kind=${kind}`, Buffer.from(await pdf.save()), { 'content-type': 'application/pdf' });
  if (res.statusCode !== 200) throw new Error(res.body);
}

describe('R22: statistics of dossiers per unit and period', () => {
  it('counts received, settled on time and late, in progress and overdue, with the Decision 766 indicators', async () => {
    const stats = (await inspector.get('/api/statistics?from=2026-03-01&to=2026-03-31')).json();
    expect(stats.total).toEqual({ received: 3, online: 1, digitized: 2, reused: 1, settledOnTime: 1, settledLate: 1, inProgress: 1, overdue: 1, settledDays: 6.5 });
    expect(stats.indicators).toEqual({ onTimeRate: 0.5, averageSettledDays: 6.5, onlineShare: 1 / 3, digitizationRate: 2 / 3, reuseRate: 1 / 3 });
    expect(stats.byProcedure).toEqual([expect.objectContaining({ code: '1.001193', received: 3 })]);
    expect(stats.byUnit).toEqual([expect.objectContaining({ unitId: sys.communes[0]!.id, received: 3 })]);
  });

  it('Decision 766: digitisation and reuse rates count each dossier received in the period once, however many papers it has', async () => {
    const stats = (await inspector.get(`/api/statistics?from=2026-03-02&to=2026-03-02&unitId=${sys.communes[0]!.id}`)).json();
    // three received: two with papers (all digitised, reused or from the NPD), one of them reusing a result
    expect(stats.byUnit).toEqual([expect.objectContaining({ received: 3, digitized: 2, reused: 1 })]);
    expect(stats.byProcedure).toEqual([expect.objectContaining({ received: 3, digitized: 2, reused: 1 })]);
    expect(stats.indicators).toMatchObject({ digitizationRate: 2 / 3, reuseRate: 1 / 3 });
    // a period in which nothing was received has no rate rather than 0 %
    const empty = (await inspector.get('/api/statistics?from=2026-03-03&to=2026-03-31')).json();
    expect(empty.total).toMatchObject({ received: 0, digitized: 0, reused: 0 });
    expect(empty.indicators).toMatchObject({ digitizationRate: null, reuseRate: null });
  });

  it('a period before the dossiers counts nothing', async () => {
    expect((await inspector.get('/api/statistics?from=2026-02-01&to=2026-02-28')).json().total.received).toBe(0);
  });

  it('exports the same figures as an .xlsx workbook', async () => {
    const res = await leader.get(`/api/statistics/export?from=2026-03-01&to=2026-03-31&unitId=${sys.communes[0]!.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="thong-ke-2026-03-01-2026-03-31.xlsx"');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const rows = book.getWorksheet('Theo đơn vị')!.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
    expect(rows.at(-1)).toEqual(['Tổng cộng', 3, 1, 2, 1, 1, 1, 1, 1, 6.5]);
  });

  it('should not show a unit’s statistics to a leader of another unit (404) nor to a reception officer (403)', async () => {
    expect((await leader.get(`/api/statistics?from=2026-03-01&to=2026-03-31&unitId=${sys.communes[1]!.id}`)).statusCode).toBe(404);
    expect((await desk.get('/api/statistics?from=2026-03-01&to=2026-03-31')).statusCode).toBe(403);
  });

  it('should refuse a reversed or over-long period', async () => {
    expect((await inspector.get('/api/statistics?from=2026-03-31&to=2026-03-01')).statusCode).toBe(400);
    expect((await inspector.get('/api/statistics?from=2024-01-01&to=2026-03-01')).statusCode).toBe(400);
  });
});
