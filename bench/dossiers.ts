/**
 * Reception figures (issue 4): with DOSSIERS dossiers seeded (default 1,000,000 on PostgreSQL, 100,000 on PGlite) and
 * about three documents' metadata each, the reception search by code, by a name typed without diacritics and by
 * personal ID (p50/p95 through the real service, visibility filter included), the statistics of a province-year, and
 * the intake of a dossier with two 1 MB scans. The floor printed beside them is a primary-key lookup on the same
 * database: the ratio is how far each is from it.
 * Run: DATABASE_URL=postgres://… npx tsx bench/dossiers.ts   (PGlite without DATABASE_URL)
 */
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import type { Actor } from '../src/authz/actor.ts';
import { insertAccount } from '../src/modules/accounts/accounts.service.ts';
import { seedCalendar } from '../src/modules/calendar/calendar.service.ts';
import { uploadDocument } from '../src/modules/documents/documents.service.ts';
import { listDossiers, receiveDossier } from '../src/modules/dossiers/dossiers.service.ts';
import { ensureJournalPartitions } from '../src/modules/journal/retention.ts';
import { importCatalogue } from '../src/modules/procedures/catalogue.service.ts';
import { offerProcedure } from '../src/modules/procedures/procedures.service.ts';
import { dossierStatistics } from '../src/modules/statistics/statistics.service.ts';
import { importProvince } from '../src/modules/units/units.service.ts';
import { units } from '../src/modules/units/units.tables.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import type { Ctx } from '../src/platform/context.ts';
import { Keys } from '../src/platform/crypto.ts';
import { migrate, openPglite, openPostgres } from '../src/platform/db.ts';
import { systemInTx } from '../src/system.ts';
import { foldVietnamese } from '../common/text.ts';

const postgres = Boolean(process.env.DATABASE_URL);
const DOSSIERS = Number(process.env.DOSSIERS ?? (postgres ? 1_000_000 : 100_000));
const RUNS = 200;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

const database = postgres ? await openPostgres(process.env.DATABASE_URL!) : await openPglite();
await migrate(database);
const clock = new ManualClock('2026-11-23T02:00:00Z');
const config = loadConfig({ NODE_ENV: 'test' });
const system = systemInTx(database, config, Keys.random(), clock);

const { province, communes, accountId } = await system(async (ctx) => {
  await ensureJournalPartitions(ctx.tx, clock.now());
  const province = await importProvince(ctx.tx, config.provinceCode, clock.now());
  await importCatalogue(ctx);
  await seedCalendar(ctx);
  const communes = await ctx.tx.select().from(units).where(sql`${units.kind} = 'commune'`);
  const account = await insertAccount(ctx, { username: 'bench.desk', personalId: '019090000001', fullName: 'Bench', position: '', email: '', phone: '', unitId: province.id, password: 'Sông-Cầu-mùa-thu-2026', mustChangePassword: false });
  return { province, communes, accountId: account.id };
});
const actor: Actor = {
  accountId,
  username: 'bench.desk',
  unitId: province.id,
  unitPath: province.path,
  grants: (['system_admin', 'reception_officer', 'leader'] as const).map((role, i) => ({ id: String(i), role, unitId: province.id, unitPath: province.path })),
};
const asDesk = <T>(fn: (ctx: Ctx) => Promise<T>) => system((ctx) => fn({ ...ctx, actor }));
const offered = await asDesk((ctx) =>
  offerProcedure(ctx, {
    code: '1.001193',
    level: 'commune',
    version: { processingDays: 5, documents: [{ name: 'Giấy chứng sinh', required: true, copies: 1 }], purpose: 'Đăng ký khai sinh.', npdFields: ['ho_ten'], retentionYears: null, note: 'Benchmark' },
  }),
);
const versionId = offered.current.id;

// Seeding in SQL: names from the commonest surnames, middle and given names; a year of receipts; statuses spread.
const SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Phan', 'Trương', 'Bùi', 'Đặng', 'Đỗ', 'Ngô', 'Hồ', 'Dương', 'Hà', 'Lý', 'Trịnh', 'Đinh', 'Lâm', 'Đoàn'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Ngọc', 'Thu', 'Hữu', 'Thanh', 'Quang', 'Xuân'];
const GIVEN = ['An', 'Anh', 'Bình', 'Châu', 'Dũng', 'Giang', 'Hà', 'Hải', 'Hằng', 'Hiếu', 'Hoa', 'Hùng', 'Hương', 'Huy', 'Khánh', 'Lan', 'Linh', 'Long', 'Mai', 'Nam', 'Nga', 'Nhung', 'Phong', 'Phương', 'Quân', 'Sơn', 'Tâm', 'Thảo', 'Thắng', 'Trang', 'Trung', 'Tuấn', 'Vân', 'Yến'];
const arr = (xs: string[]) => sql.raw(`(ARRAY[${xs.map((x) => `'${x}'`).join(',')}])`);
let t = performance.now();
const unitIds = communes.map((c) => c.id);
const unitCodes = communes.map((c) => c.code.toUpperCase());
for (let from = 0; from < DOSSIERS; from += 100_000) {
  const to = Math.min(DOSSIERS, from + 100_000);
  await database.db.execute(sql`
    INSERT INTO dossiers (id, code, procedure_version_id, procedure_code, received_unit_id, processing_unit_id, status, channel, received_at, received_by,
      working_days, due_at, settled_at, applicant_personal_id, applicant_name, applicant_birth_date, applicant_phone, applicant_email, applicant_address, search_text, search_words, updated_at)
    SELECT gen_random_uuid(), c,
      ${versionId}, '1.001193', (${arr(unitIds)}::uuid[])[1 + i % ${unitIds.length}], CASE WHEN i % 10 > 0 THEN (${arr(unitIds)}::uuid[])[1 + i % ${unitIds.length}] END,
      (ARRAY['received','processing','processing','supplement_requested','settled','settled','result_returned','result_returned','result_returned','withdrawn'])[1 + i % 10],
      (ARRAY['in_person','online','post'])[1 + i % 3], r, ${accountId}, 5, r + interval '7 days',
      CASE WHEN i % 10 BETWEEN 4 AND 8 THEN r + ((i % 11) || ' days')::interval END,
      '0190' || lpad((i % 100)::text, 2, '0') || lpad(i::text, 6, '0'), n, make_date(1900 + i % 100, 1 + i % 12, 1 + i % 28), '0912345678', '', 'Thái Nguyên', lower(c) || ' ' || f, string_to_array(lower(c) || ' ' || f, ' '), r
    FROM (
      SELECT i, r, s || ' ' || m || ' ' || g AS n, fs || ' ' || fm || ' ' || fg AS f,
        ${arr(unitCodes)}[1 + i % ${unitCodes.length}] || '-' || to_char(r AT TIME ZONE '+07', 'YYMMDD') || '-' || lpad((i / ${unitCodes.length})::text, 7, '0') AS c
      FROM generate_series(${from}::int, ${to - 1}::int) AS i,
        LATERAL (SELECT timestamptz '2026-01-01 08:00+07' + ((i::bigint * 7919) % 31536000) * interval '1 second' AS r) AS rt,
        LATERAL (SELECT ${arr(SURNAMES)}[1 + (i * 31) % ${SURNAMES.length}] AS s, ${arr(MIDDLE)}[1 + (i * 17) % ${MIDDLE.length}] AS m, ${arr(GIVEN)}[1 + (i * 13) % ${GIVEN.length}] AS g,
          ${arr(SURNAMES.map(foldVietnamese))}[1 + (i * 31) % ${SURNAMES.length}] AS fs, ${arr(MIDDLE.map(foldVietnamese))}[1 + (i * 17) % ${MIDDLE.length}] AS fm, ${arr(GIVEN.map(foldVietnamese))}[1 + (i * 13) % ${GIVEN.length}] AS fg) AS names
    ) AS seeded`);
}
// Documents' metadata, about 3 a dossier (0 to 6 by a hash of the code: a seventh of the dossiers are paper-only, so
// the digitisation rate is not trivially 100%), mostly digitised, some from the NPD, some reused. Only the metadata the
// statistics and lists read: no document_contents rows (nothing here reads the bytes; 3M encryptions would only slow
// the seeding).
await database.db.execute(sql`
  INSERT INTO documents (id, dossier_id, kind, component, file_name, media_type, size, sha256, uploaded_by, uploaded_at)
  SELECT gen_random_uuid(), d.id, (ARRAY['digitized','digitized','digitized','digitized','digitized','digitized','from_npd','from_npd','reused','digitized'])[1 + (h % 10 + j) % 10],
    CASE WHEN j = 1 THEN 'Giấy chứng sinh' END, 'giay-to-' || j || '.pdf', 'application/pdf', 200000 + h % 800000 + j,
    sha256((d.id::text || j)::bytea), ${accountId}, d.received_at + j * interval '1 minute'
  FROM (SELECT id, received_at, hashtext(code) & 2147483647 AS h FROM dossiers) AS d, LATERAL generate_series(1, d.h % 7) AS j`);
// That insert counted the documents on their dossiers (migration 0012's trigger), rewriting nearly every dossier row at
// once and doubling the table. In service the count follows the intake within minutes and is updated in the row's own
// page (HOT), so the table stays compact: compact it here too before timing passes over it.
await database.db.execute(sql`VACUUM FULL dossiers`);
await database.db.execute(sql`ANALYZE dossiers`);
await database.db.execute(sql`ANALYZE documents`);
const seedSeconds = (performance.now() - t) / 1000;
const documentCount = Number(((await database.db.execute(sql`SELECT count(*) AS n FROM documents`)) as unknown as { rows: { n: number | string }[] }).rows[0]!.n);

async function timed(label: string, run: (i: number) => Promise<unknown>, runs = RUNS) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run(i);
    times.push(performance.now() - start);
  }
  return { label, p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

// a 1 MB scanned paper: one page carrying an incompressible image, as a scanner makes
const scanDoc = await PDFDocument.create();
const image = await scanDoc.embedPng(await sharp(crypto.randomBytes(600 * 580 * 3), { raw: { width: 600, height: 580, channels: 3 } }).png().toBuffer());
scanDoc.addPage([595, 842]).drawImage(image, { x: 0, y: 0, width: 595, height: 842 });
const scan = Buffer.from(await scanDoc.save());

const sample = (await database.db.execute(sql`SELECT id, code, applicant_personal_id AS pid FROM dossiers TABLESAMPLE SYSTEM (1) LIMIT ${RUNS}`)) as unknown as { rows: { id: string; code: string; pid: string }[] };
const picks = sample.rows;
const floor = await timed('primary-key lookup (floor)', (i) => database.db.execute(sql`SELECT * FROM dossiers WHERE id = ${picks[i % picks.length]!.id}`));
const results = [
  await timed('search by code', (i) => asDesk((ctx) => listDossiers(ctx, { q: picks[i % picks.length]!.code, limit: 50, offset: 0 }))),
  await timed('search by name, no diacritics', (i) => asDesk((ctx) => listDossiers(ctx, { q: `${foldVietnamese(SURNAMES[i % SURNAMES.length]!)} ${foldVietnamese(GIVEN[(i * 7) % GIVEN.length]!)}`, limit: 50, offset: 0 }))),
  await timed('search by personal ID', (i) => asDesk((ctx) => listDossiers(ctx, { q: picks[i % picks.length]!.pid, limit: 50, offset: 0 }))),
  await timed('statistics, province-year', () => asDesk((ctx) => dossierStatistics(ctx, { from: '2026-01-01', to: '2026-12-31' })), 5),
  await timed(
    'intake with two 1 MB documents',
    async () => {
      const d = await asDesk((ctx) =>
        receiveDossier(ctx, {
          offeredProcedureId: offered.offered.id,
          unitId: communes[0]!.id,
          channel: 'in_person',
          applicant: { personalId: '019090123456', fullName: 'Nguyễn Thị Lan', birthDate: '1990-04-12', phone: '', email: '', address: '' },
          persons: [],
          receivedPapers: ['Giấy chứng sinh'],
        }),
      );
      for (const name of ['giay-chung-sinh.pdf', 'to-khai.pdf']) {
        await uploadDocument(asDesk, d.id, { name, kind: 'digitized', contentType: 'application/pdf', contentLength: scan.length, read: async () => scan });
      }
    },
    50,
  ),
];

console.log(`scan size ${(scan.length / 1e6).toFixed(2)} MB`);
console.log(`dossiers: ${DOSSIERS.toLocaleString('en')}, documents: ${documentCount.toLocaleString('en')} on ${postgres ? 'PostgreSQL' : 'PGlite'} (seeded in ${seedSeconds.toFixed(0)} s)`);
console.log(`  ${floor.label.padEnd(32)} p50 ${ms(floor.p50)}  p95 ${ms(floor.p95)}`);
for (const r of results) console.log(`  ${r.label.padEnd(32)} p50 ${ms(r.p50)}  p95 ${ms(r.p95)}  (${(r.p95 / floor.p95).toFixed(0)}× the floor)`);
await database.close();
