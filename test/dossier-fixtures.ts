import type { TestSystem, Client } from './harness.ts';
import { importCatalogue } from '../src/modules/procedures/catalogue.service.ts';

/** The province offers birth registration (1.001193, commune level, 5 working days) for dossier tests. */
export async function offerBirthRegistration(sys: TestSystem): Promise<string> {
  await sys.inTx(importCatalogue);
  const admin = await sys.signedIn(await sys.officer({ username: 'fx.procedures', unit: sys.province, roles: ['unit_admin'] }), '10.8.0.1');
  const res = await admin.post('/api/procedures/offered', {
    code: '1.001193',
    level: 'commune',
    version: {
      processingDays: 5,
      documents: [{ name: 'Giấy chứng sinh', required: true, copies: 1 }],
      purpose: 'Đăng ký khai sinh: nhân thân và nơi cư trú của cha, mẹ.',
      npdFields: ['ho_ten', 'noi_thuong_tru'],
      retentionYears: null,
    },
  });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json().id;
}

let serial = 0;
/** A valid personal ID of someone born in 1990 (registered in Thái Nguyên, code 019). */
export function personalId1990(): string {
  serial += 1;
  return `019090${String(serial).padStart(6, '0')}`;
}

export function intake(offeredProcedureId: string, unitId: string, over: Record<string, unknown> = {}) {
  return {
    offeredProcedureId,
    unitId,
    channel: 'in_person',
    applicant: { personalId: personalId1990(), fullName: 'Nguyễn Thị Lan', birthDate: '1990-04-12', phone: '0912345678', email: '', address: 'Phường Phan Đình Phùng, Thái Nguyên' },
    persons: [],
    ...over,
  };
}

export async function receive(desk: Client, offeredProcedureId: string, unitId: string, over: Record<string, unknown> = {}) {
  const res = await desk.post('/api/dossiers', intake(offeredProcedureId, unitId, over));
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json() as { id: string; code: string; status: string; dueAt: string | null };
}
