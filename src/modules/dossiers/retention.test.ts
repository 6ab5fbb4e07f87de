import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerBirthRegistration, personalId1990, receive } from '../../../test/dossier-fixtures.ts';
import { startTestSystem, type Client, type Officer, type TestSystem } from '../../../test/harness.ts';
import { purgeDossierPapers } from '../documents/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { purgeExpiredDossiers } from './retention.ts';

/** The job as system.ts runs it, with the documents' part handed in. */
const purge = (ctx: Ctx) => purgeExpiredDossiers(ctx, purgeDossierPapers);

let sys: TestSystem;
let officers: Officer[];
let desk: Client;
let leader: Client;
let admin: Client;
let kept: string;
let limited: string;

async function at(vietnamTime: string) {
  [desk, leader, admin] = (await sys.at(vietnamTime, officers, '10.12.0')) as [Client, Client, Client];
}

async function settleAndReturn(offeredId: string, over: Record<string, unknown> = {}) {
  const d = await receive(desk, offeredId, sys.communes[0]!.id, over);
  const doc = await PDFDocument.create();
  doc.addPage();
  const pdf = Buffer.from(await doc.save());
  const upload = await desk.post(`/api/dossiers/${d.id}/documents?name=giay-chung-sinh.pdf&kind=digitized`, pdf, { 'content-type': 'application/pdf' });
  if (upload.statusCode !== 200) throw new Error(upload.body);
  await desk.post(`/api/dossiers/${d.id}/assign`, { unitId: sys.communes[0]!.id });
  await leader.post(`/api/dossiers/${d.id}/approve`, {});
  await desk.post(`/api/dossiers/${d.id}/return_result`, {});
  return { id: d.id, documentId: upload.json().id as string };
}

beforeAll(async () => {
  // a year passes in this file: passwords must not expire on the way
  sys = await startTestSystem({ MOTCUA_PASSWORD_MAX_AGE_DAYS: '1000' });
  const commune = sys.communes[0]!;
  officers = [
    await sys.officer({ username: 'r.desk', unit: commune, roles: ['reception_officer'] }),
    await sys.officer({ username: 'r.leader', unit: commune, roles: ['leader'] }),
    await sys.officer({ username: 'r.admin', unit: sys.province, roles: ['unit_admin'] }),
  ];
  kept = await offerBirthRegistration(sys);
  await at('2026-03-02T09:00:00');
  // a second offering whose version keeps dossiers one year
  const offered = await admin.post('/api/procedures/offered', {
    code: '1.000894',
    level: 'commune',
    version: { processingDays: 3, documents: [{ name: 'Tờ khai', required: true, copies: 1 }], purpose: 'Đăng ký kết hôn.', npdFields: ['ho_ten'], retentionYears: 1 },
  });
  if (offered.statusCode !== 200) throw new Error(offered.body);
  limited = offered.json().id;
});
afterAll(() => sys.close());

describe('issue 4 item 8: retention of dossiers', () => {
  it('a closed dossier past its retention loses its documents and personal data; a tombstone and a journal entry remain', async () => {
    const pid = personalId1990();
    const spouse = personalId1990();
    const expiring = await settleAndReturn(limited, { applicant: { personalId: pid, fullName: 'Trần Thị Hết Hạn', birthDate: '1990-01-01', phone: '0912000000', email: '', address: 'Thái Nguyên' }, persons: [{ relation: 'Vợ/chồng', personalId: spouse, fullName: 'Lê Văn Chồng', birthDate: '1990-02-02' }] });
    const permanent = await settleAndReturn(kept);
    const open = await receive(desk, limited, sys.communes[0]!.id);

    await at('2027-03-01T09:00:00');
    expect(await sys.inTx(purge)).toBe(0);
    await at('2027-03-03T09:00:00');
    expect(await sys.inTx(purge)).toBe(1);

    const tombRes = await desk.get(`/api/dossiers/${expiring.id}`);
    expect(tombRes.statusCode, tombRes.body).toBe(200);
    const tomb = tombRes.json();
    expect(tomb).toMatchObject({ status: 'result_returned', applicant: { personalId: '', fullName: '', birthDate: null, phone: '' }, persons: [] });
    expect(tomb.purgedAt).not.toBeNull();
    expect((await desk.post(`/api/documents/${expiring.documentId}/download`, { reason: 'Tra cuu' })).statusCode).toBe(410);
    expect((await desk.get(`/api/dossiers?q=${pid}`)).json().items).toEqual([]);
    const [entry] = await sys.journalOf('dossier.purge');
    expect(entry!.citizens.sort()).toEqual([sys.keys.citizenDigest(pid), sys.keys.citizenDigest(spouse)].sort());

    // kept for good, and still open: untouched
    expect((await desk.get(`/api/dossiers/${permanent.id}`)).json().purgedAt).toBeNull();
    expect((await desk.post(`/api/documents/${permanent.documentId}/download`, { reason: 'Tra cuu' })).statusCode).toBe(200);
    expect((await desk.get(`/api/dossiers/${open.id}`)).json().applicant.fullName).not.toBe('');
    expect(await sys.inTx(purge)).toBe(0);
  });
});
