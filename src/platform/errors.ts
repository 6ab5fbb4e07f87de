import type { JournalEvent } from './context.ts';

/** An error a person will read: a stable English code for programs, Vietnamese and English text for people. */
export class AppError extends Error {
  /** Refusals and failures to journal: the transaction rolls back, so they are recorded in a new one. */
  events: JournalEvent[] = [];

  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly messageVi: string,
    readonly messageEn: string,
    readonly details?: unknown,
  ) {
    super(messageEn);
  }

  recording(...events: JournalEvent[]): this {
    this.events.push(...events);
    return this;
  }
}

export const notFound = () => new AppError(404, 'not_found', 'Không tìm thấy.', 'Not found.');
export const forbidden = () =>
  new AppError(403, 'forbidden', 'Bạn không có quyền thực hiện thao tác này.', 'You are not allowed to do this.');
/** The schemas' refusal: `details` names each field (`path`) with what is wrong with it. */
export const invalidInput = (details: { path: string; message: string }[]) => new AppError(400, 'invalid_input', 'Dữ liệu gửi lên không hợp lệ.', 'Invalid input.', details);
export const invalid = (code: string, vi: string, en: string, details?: unknown) => new AppError(400, code, vi, en, details);
export const conflict = (code: string, vi: string, en: string) => new AppError(409, code, vi, en);
