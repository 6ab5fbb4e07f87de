/**
 * Printing the papers the one-stop desk hands a citizen (forms 01–05, forms.templates.ts): which one the dossier's
 * state calls for, as a PDF; each print is journaled with the citizens it names.
 */
import type { Ctx } from '../../platform/context.ts';
import { conflict } from '../../platform/errors.ts';
import { renderPdf, type PdfDocument } from '../../platform/print/pdf.ts';
import { record } from '../journal/index.ts';
import { citizensOf } from './dossiers.repo.ts';
import { loadVisible } from './dossiers.service.ts';
import { formEvents, officerName, unitChain, type FormEvent, type FormEventAction } from './forms.repo.ts';
import { apology, receipt, refusal, stopNotice, supplementRequest, type FormInput } from './forms.templates.ts';

export { vietnameseDay } from '../../platform/print/state-header.ts';
export { vietnameseTime } from './forms.templates.ts';

export const FORMS = ['receipt', 'supplement', 'refusal', 'apology'] as const;
export type FormKind = (typeof FORMS)[number];

export interface PrintedForm {
  bytes: Uint8Array;
  /** ASCII only: safe in any Content-Disposition */
  fileName: string;
}

const notApplicable = (vi: string, en: string) => conflict('form_not_applicable', vi, en);

/** Which paper the dossier's state calls for, or 409 with what is missing. */
async function paperFor(ctx: Ctx, form: FormKind, f: FormInput, events: FormEvent[]): Promise<{ document: PdfDocument; slug: string }> {
  const d = f.dossier;
  const latest = (...actions: FormEventAction[]) => events.find((e) => actions.includes(e.action));
  // the unit that took the step issues the paper; a dossier not yet assigned is the desk's
  const office = (event: FormEvent) => unitChain(ctx.tx, event.unitId ?? d.processingUnitId ?? d.receivedUnitId);
  switch (form) {
    case 'receipt':
      if (d.status === 'not_accepted') {
        throw notApplicable('Hồ sơ không được tiếp nhận nên không có giấy tiếp nhận; hãy in phiếu từ chối tiếp nhận.', 'The dossier was not accepted: it has a refusal, not a receipt.');
      }
      return { document: await receipt(f), slug: 'giay-tiep-nhan' };
    case 'supplement': {
      const event = latest('request_supplement');
      if (!event) throw notApplicable('Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nên không có phiếu yêu cầu bổ sung.', 'No supplement was requested for this dossier.');
      return { document: await supplementRequest(f, event, await office(event)), slug: 'phieu-yeu-cau-bo-sung' };
    }
    case 'refusal': {
      const event = d.status === 'not_accepted' ? latest('not_accept') : d.status === 'stopped' ? latest('stop') : undefined;
      if (!event) {
        throw notApplicable('Hồ sơ không bị từ chối tiếp nhận hay dừng giải quyết nên không có phiếu từ chối.', 'The dossier was neither refused nor stopped.');
      }
      return event.action === 'not_accept'
        ? { document: await refusal(f, event), slug: 'phieu-tu-choi' }
        : { document: await stopNotice(f, event, await office(event)), slug: 'thong-bao-dung-giai-quyet' };
    }
    case 'apology': {
      const event = latest('apologize');
      if (!event || !d.apologyDueAt) throw notApplicable('Hồ sơ chưa có văn bản xin lỗi và hẹn lại ngày trả kết quả.', 'No apology was made for this dossier.');
      return { document: await apology(f, event, await office(event)), slug: 'van-ban-xin-loi' };
    }
  }
}

/** A form of a dossier the actor may see (404 otherwise, R18), as a PDF; the print is journaled with the citizens it names. */
export async function printForm(ctx: Ctx, id: string, form: FormKind): Promise<PrintedForm> {
  const { row } = await loadVisible(ctx, id);
  const d = row.dossier;
  const input: FormInput = {
    dossier: d,
    procedureName: row.procedureName,
    documents: row.version.documents,
    receiverName: await officerName(ctx.tx, d.receivedBy),
    desk: await unitChain(ctx.tx, d.receivedUnitId),
    printedAt: ctx.clock.now(),
  };
  const { document, slug } = await paperFor(ctx, form, input, await formEvents(ctx.tx, id));
  await record(ctx, {
    type: 'dossier.print',
    target: { type: 'dossier', id },
    unitId: d.receivedUnitId,
    details: { form, code: d.code },
    citizens: await citizensOf(ctx.tx, d),
  });
  return { bytes: await renderPdf(document), fileName: `${slug}-${d.code.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf` };
}
