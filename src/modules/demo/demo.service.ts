import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Role } from '../../authz/roles.ts';
import type { Ctx } from '../../platform/context.ts';
import { generateOneTimePassword, insertAccount, insertGrant, officersView } from '../accounts/index.ts';
import { record } from '../journal/index.ts';
import { offerSuggestedProcedures } from '../procedures/index.ts';
import { getProvince, insertOrgUnit, unitsView } from '../units/index.ts';

const accounts = officersView('accounts');
const units = unitsView('units');

/** A synthetic, valid-looking personal ID (province of the deployment, born in the 1980s); never a real person's. */
function demoPersonalId(provinceCode: string): string {
  return `0${provinceCode}${crypto.randomInt(0, 2)}8${crypto.randomInt(0, 10)}${String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

const DEMO_OFFICERS: { username: string; fullName: string; position: string; unit: 'province' | 'provinceDesk' | 'commune' | 'communeDesk'; roles: Role[] }[] = [
  { username: 'demo.quantri', fullName: 'Trần Minh Quân', position: 'Chuyên viên CNTT', unit: 'province', roles: ['system_admin'] },
  { username: 'demo.qtxa', fullName: 'Lê Thị Hạnh', position: 'Công chức Văn phòng - Thống kê', unit: 'commune', roles: ['unit_admin'] },
  { username: 'demo.lanhdao', fullName: 'Nguyễn Văn Hùng', position: 'Chủ tịch UBND xã', unit: 'commune', roles: ['leader'] },
  { username: 'demo.tiepnhan', fullName: 'Phạm Thu Trang', position: 'Công chức Một cửa', unit: 'communeDesk', roles: ['reception_officer'] },
  { username: 'demo.xuly', fullName: 'Đỗ Quang Huy', position: 'Công chức Tư pháp - Hộ tịch', unit: 'commune', roles: ['processing_officer'] },
  { username: 'demo.tiepnhantinh', fullName: 'Vũ Ngọc Anh', position: 'Chuyên viên Trung tâm PVHCC', unit: 'provinceDesk', roles: ['reception_officer'] },
  { username: 'demo.antoan', fullName: 'Đặng Thị Thu', position: 'Chuyên viên an toàn thông tin, Sở KH&CN', unit: 'province', roles: ['security_officer'] },
  { username: 'demo.congan', fullName: 'Hoàng Đức Thắng', position: 'Cán bộ PC06 Công an tỉnh', unit: 'province', roles: ['inspector'] },
  { username: 'demo.nhathau', fullName: 'Bùi Văn Tài', position: 'Kỹ thuật viên nhà thầu vận hành', unit: 'province', roles: ['contractor'] },
];

/**
 * Development only: a few units and officers for someone trying the system out, clearly marked DEMO.
 * Loaded once, into an empty database; the one-time passwords are returned for the console.
 */
export async function loadDemoData(ctx: Ctx): Promise<string[]> {
  const [anyAccount] = await ctx.tx.select({ id: accounts.id }).from(accounts).limit(1);
  if (anyAccount) return [];
  const province = (await getProvince(ctx.tx))!;
  const [commune] = await ctx.tx.select().from(units).where(eq(units.parentId, province.id)).orderBy(units.code).limit(1);
  const now = ctx.clock.now();
  const center = await insertOrgUnit(ctx.tx, province, { code: `${province.code}.PVHCC`, name: '[DEMO] Trung tâm Phục vụ hành chính công tỉnh', kind: 'department' }, now);
  const placed = {
    province,
    provinceDesk: await insertOrgUnit(ctx.tx, center, { code: `${province.code}.PVHCC.Q01`, name: '[DEMO] Quầy tiếp nhận số 1', kind: 'desk' }, now),
    commune: commune!,
    communeDesk: await insertOrgUnit(ctx.tx, commune!, { code: `${commune!.code}.MC`, name: `[DEMO] Bộ phận Một cửa ${commune!.fullName}`, kind: 'desk' }, now),
  };
  const lines = [`DEMO: tài khoản thử nghiệm / demo accounts (one-time passwords, to be changed at first sign-in):`];
  for (const officer of DEMO_OFFICERS) {
    const password = generateOneTimePassword();
    const unit = placed[officer.unit];
    const account = await insertAccount(ctx, {
      username: officer.username,
      fullName: officer.fullName,
      personalId: demoPersonalId(province.code),
      position: officer.position,
      email: `${officer.username}@demo.invalid`,
      phone: '',
      unitId: unit.id,
      password,
      mustChangePassword: true,
    });
    await record(ctx, { type: 'account.issue', target: { type: 'account', id: account.id }, unitId: unit.id, details: { username: officer.username, via: 'demo' } });
    for (const role of officer.roles) await insertGrant(ctx, account.id, role, unit.id);
    lines.push(`  ${officer.username.padEnd(20)} ${password}   ${officer.roles.join(', ')} @ ${unit.fullName}`);
  }
  const offered = await offerSuggestedProcedures(ctx);
  lines.push(`DEMO: ${offered} thủ tục được cung cấp với phiên bản gợi ý / procedures offered with suggested versions (khai sinh, khai tử, kết hôn, cư trú, lý lịch tư pháp).`);
  return lines;
}
