import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { archiveMonth, exportBundle, monthsToArchive, parseVerifierKey, startWitnessServer, verifyExportedFile, verifyJournal } from '../modules/journal/index.ts';
import { verifyResult } from '../modules/results/index.ts';
import { NpdGateway, reconcile } from '../modules/registry/index.ts';
import { loadConfig } from '../platform/config.ts';
import { systemClock } from '../platform/clock.ts';
import { DataDirLockedError } from '../platform/data-dir-lock.ts';
import { operatorMessage, serializeError } from '../platform/log.ts';
import { lockDormantAccounts } from '../modules/accounts/index.ts';
import { createSetupToken, systemAdminExists, BREAK_GLASS_EVENT, breakGlassUnlock } from '../modules/auth/index.ts';
import { provinceNames } from '../modules/units/index.ts';
import { openDatabase, systemInTx } from '../system.ts';
import { serve } from '../server.ts';

/** Commands that touch data open it under the same data-directory lock as the server, so they refuse while it runs. */
async function withDatabase(fn: (inTx: ReturnType<typeof systemInTx>) => Promise<void>, options: { asOwner?: boolean } = {}) {
  const config = loadConfig();
  const { database, keys, release } = await openDatabase(config, options);
  try {
    await fn(systemInTx(database, config, keys, systemClock));
  } finally {
    await database.close();
    release();
  }
}

const program = new Command('motcua').description('motcua: the one-stop-shop system (configuration from the environment, see README)');

program.command('serve').description('run the web server (the default of `npm start`)').action(serve);

program
  .command('migrate')
  .description('apply database migrations and exit')
  .action(() => withDatabase(async () => console.log('migrations applied')));

program
  .command('setup-link')
  .description('print a new one-time link to create the first system administrator (only while none exists)')
  .action(() =>
    withDatabase((inTx) =>
      inTx(async (ctx) => {
        if (await systemAdminExists(ctx)) throw new Error('A system administrator already exists; the setup link is only for the first one.');
        console.log(`${ctx.config.publicUrl}/setup#${await createSetupToken(ctx)}`);
      }),
    ),
  );

program
  .command('lock-dormant')
  .description('lock accounts unused for MOTCUA_DORMANT_DAYS days now (the server also does this every hour)')
  .action(() => withDatabase(async (inTx) => console.log(`${await inTx(lockDormantAccounts)} account(s) locked`)));

/** The operating-system account running the command; a uid without a passwd entry (a container) is named by its number. */
function osUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

program
  .command('unlock <username>')
  .description('break glass: unlock an account (dormant or locked) when no administrator can, e.g. the only system administrator; journaled and notified to the security officers')
  .requiredOption('--reason <text>', 'why (10 to 500 characters), journaled and shown to the security officers')
  .action(async (username: string, options: { reason: string }) => {
    try {
      await withDatabase(async (inTx) => {
        const r = await inTx((ctx) => breakGlassUnlock(ctx, { username, reason: options.reason, osUser: osUserName(), host: os.hostname() }));
        if (r.outcome === 'unknown_username') {
          console.error(`Không có tài khoản "${r.username}": không mở khóa gì; lần thử đã được ghi nhật ký. / No account "${r.username}": nothing unlocked; the attempt is journaled.`);
          process.exitCode = 1;
        } else if (r.outcome === 'departed') {
          console.error(`Tài khoản ${r.username} đã nghỉ việc: không được kích hoạt lại (R18); cấp tài khoản mới nếu cần. Lần thử đã được ghi nhật ký.`);
          console.error(`Account ${r.username} has left: it is never reactivated (R18); issue a new account if needed. The attempt is journaled.`);
          process.exitCode = 1;
        } else if (r.outcome === 'already_active') {
          console.log(`Tài khoản ${r.username} đang hoạt động, không bị khóa; không thay đổi gì. / Account ${r.username} is active and not locked out; nothing changed.`);
        } else {
          console.log(`Đã mở khóa tài khoản ${r.username} (${r.fullName}; vai trò: ${r.roles.join(', ') || '—'}): trạng thái trước "${r.previousStatus}", xóa ${r.failuresCleared} lần đăng nhập sai; ghi nhật ký ${BREAK_GLASS_EVENT}.`);
          console.log(`Unlocked account ${r.username} (${r.fullName}; roles: ${r.roles.join(', ') || '—'}): was "${r.previousStatus}", ${r.failuresCleared} failed attempt(s) cleared; journaled as ${BREAK_GLASS_EVENT}.`);
          if (r.securityOfficersNotified > 0) {
            console.log(`Đã thông báo ${r.securityOfficersNotified} cán bộ an toàn thông tin. / ${r.securityOfficersNotified} security officer(s) notified.`);
          } else {
            console.log('CẢNH BÁO: không có cán bộ an toàn thông tin nào để thông báo; hãy báo trực tiếp. / WARNING: no security officer to notify; tell them directly.');
          }
        }
      });
    } catch (err) {
      if (!(err instanceof DataDirLockedError)) throw err;
      throw new Error(
        `${err.message}\nMáy chủ đang giữ cơ sở dữ liệu nhúng: dừng máy chủ rồi chạy lại lệnh unlock (với PostgreSQL, lệnh chạy được khi máy chủ đang chạy). Không thay đổi gì.` +
          `\nThe server holds the embedded database: stop the server, then run unlock again (on PostgreSQL it runs while the server runs). Nothing changed.`,
      );
    }
  });

/** The verifier key the server wrote beside its signing key. */
function localVerifierKey(): string {
  const file = path.join(loadConfig().dataDir, 'journal-verifier.txt');
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist yet: the server writes it at its first start (or pass --key where the command takes one)`);
  return fs.readFileSync(file, 'utf8').trim();
}

function printReport(summary: string, problems: string[]) {
  console.log(summary);
  for (const problem of problems) console.log(`DAMAGE: ${problem}`);
  if (problems.length > 0) process.exitCode = 2;
  else console.log('OK: every entry and every checkpoint verifies');
}

const journalCommand = program.command('journal').description('the tamper-evident journal (R25)');
journalCommand
  .command('verify')
  .description('recompute every leaf and the whole Merkle tree from the rows and check every signed checkpoint')
  .option('--key <vkey>', 'the verifier key to trust (default: journal-verifier.txt in the data directory)')
  .action((options: { key?: string }) =>
    withDatabase(async (inTx) => {
      const report = await inTx((ctx) => verifyJournal(ctx.tx, parseVerifierKey(options.key ?? localVerifierKey())));
      printReport(`${report.size} entries in the tree, ${report.checkpoints} checkpoints, ${report.pending} not yet integrated`, report.problems);
    }),
  );

journalCommand
  .command('export')
  .description('write the whole journal with its checkpoints as a bundle an inspector verifies offline')
  .requiredOption('--out <file>', 'where to write the bundle (JSON)')
  .action((options: { out: string }) =>
    withDatabase(async (inTx) => {
      const vkey = localVerifierKey();
      const bundle = await inTx((ctx) => exportBundle(ctx.tx, vkey));
      fs.writeFileSync(options.out, JSON.stringify(bundle));
      console.log(`${bundle.positions.length} entries and ${bundle.checkpoints.length} checkpoints written to ${options.out}; verifier key: ${vkey}`);
    }),
  );

journalCommand
  .command('verify-export <file>')
  .description('verify an exported journal, or a selection exported from the journal page, on any machine, without the database')
  .requiredOption('--key <vkey>', 'the journal verifier key, obtained from the province independently of the file')
  .action((file: string, options: { key: string }) => {
    const report = verifyExportedFile(JSON.parse(fs.readFileSync(file, 'utf8')), options.key);
    printReport(report.summary, report.problems);
  });

journalCommand
  .command('archive')
  .description(`move each month older than MOTCUA_JOURNAL_RETENTION_MONTHS (default 12, at least 3) out of the database into a file that verifies on its own; runs as the database owner`)
  .requiredOption('--out <dir>', 'directory for the archive files (journal-YYYY-MM.json); keep them as long as the law requires')
  .action((options: { out: string }) =>
    withDatabase(
      async (inTx) => {
        const vkey = localVerifierKey();
        const months = await inTx((ctx) => monthsToArchive(ctx.tx, ctx.clock.now(), ctx.config.journal.retentionMonths));
        if (months.length === 0) console.log('no month is past the retention period');
        for (const month of months) {
          const { file, entries } = await inTx((ctx) => archiveMonth(ctx, month, options.out, vkey));
          console.log(`${month.slice(0, 7)}: ${entries} entries archived${file ? ` to ${file}` : ''}; its partition is dropped`);
        }
      },
      { asOwner: true },
    ),
  );

journalCommand
  .command('witness')
  .description('run a witness (for the police or inspectorate): keeps the latest checkpoint, refuses any that rewrites history')
  .requiredOption('--log-key <vkey>', 'the verifier key of the journal to witness')
  .option('--state <dir>', 'where the witness keeps its key and its latest checkpoint', './witness')
  .option('--port <port>', 'port to listen on', '9380')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .action(async (options: { logKey: string; state: string; port: string; host: string }) => {
    const { vkey } = await startWitnessServer({
      port: Number(options.port),
      host: options.host,
      stateDir: options.state,
      name: `witness/${os.hostname()}`,
      log: parseVerifierKey(options.logKey),
    });
    console.log(`witness listening on http://${options.host}:${options.port}/add-checkpoint; its cosignature/v1 verifier key: ${vkey}`);
  });

program
  .command('result')
  .description('electronic results (Decree 45/2020)')
  .command('verify <file>')
  .description('check an electronic result offline: the statement is signed by the unit’s key, and FILE is the file it signs')
  .requiredOption('--statement <file>', 'the signed statement given with the result')
  .requiredOption('--key <vkey>', 'the issuing unit’s verifier key (GET /api/units/<id>/result-key), obtained independently, or a file holding it')
  .action((file: string, options: { statement: string; key: string }) => {
    const key = fs.existsSync(options.key) ? fs.readFileSync(options.key, 'utf8').trim() : options.key;
    const check = verifyResult(fs.readFileSync(options.statement, 'utf8'), key, fs.readFileSync(file));
    if (!check.signatureValid) {
      console.log(`INVALID: ${check.problem}`);
      process.exitCode = 2;
      return;
    }
    const s = check.statement!;
    console.log(`result ${s.code} of dossier ${s.dossier} (procedure ${s.procedure}), issued ${s.issued} by unit ${s.unit}: signature valid`);
    // offline, a revocation cannot be known: say where to check it
    console.log(`key ${key.split('+')[1]}: check that it was not revoked before ${s.issued} (GET /api/units/${s.unit}/result-key: keys[].status, compromisedSince)`);
    if (check.fileMatches) console.log(`OK: ${file} is the signed file (SHA-256 ${s.sha256})`);
    else {
      console.log(`MISMATCH: ${file} is not the signed file (the statement signs SHA-256 ${s.sha256})`);
      process.exitCode = 2;
    }
  });

program
  .command('npd')
  .description('the NPD gateway (issue 5)')
  .command('reconcile')
  .description('match the NPD’s own log of our requests against the lookup records (R35, R36); exit 2 if the NPD received a request the gateway never recorded')
  .option('--from <iso>', 'start of the period (default: 24 hours ago)')
  .option('--to <iso>', 'end of the period (default: now)')
  .action((options: { from?: string; to?: string }) =>
    withDatabase((inTx) =>
      inTx(async (ctx) => {
        const to = options.to ? new Date(options.to) : ctx.clock.now();
        const from = options.from ? new Date(options.from) : new Date(to.getTime() - 24 * 3600_000);
        if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) throw new Error('--from and --to must be ISO dates, --from before --to');
        const gateway = new NpdGateway(ctx.config.npd);
        try {
          const r = await reconcile(ctx, gateway, from, to);
          console.log(`${r.from} → ${r.to}: the NPD received ${r.npdRequests} request(s); the gateway recorded ${r.records} lookup(s); ${r.matched} matched`);
          for (const u of r.unrecorded) console.log(`UNRECORDED (a lookup outside the gateway?): ${u.at} ${u.service} MaYeuCau=${u.requestId} MaDonVi=${u.unitCode} MaCanBo=${u.officer}`);
          for (const u of r.unanswered) console.log(`NOT AT THE NPD (${u.explanation}): lookup ${u.id} started ${u.startedAt}`);
          if (r.unrecorded.length > 0) process.exitCode = 2;
          else console.log('OK: every request the NPD received was recorded by the gateway');
        } finally {
          await gateway.close();
        }
      }),
    ),
  );

program
  .command('provinces')
  .description('list the province codes MOTCUA_PROVINCE_CODE accepts')
  .action(() => provinceNames().forEach((p) => console.log(`${p.code}  ${p.fullName}`)));

// Node prints an uncaught error whole, and a failed query's message carries its parameters (a citizen's data).
const crash = (err: unknown) => {
  console.error(`motcua: uncaught error ${JSON.stringify(serializeError(err))}`);
  process.exit(1);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

program.parseAsync().catch((err: unknown) => {
  console.error(operatorMessage(err));
  process.exit(1);
});
