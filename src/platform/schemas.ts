import { z } from 'zod';

/** Shapes shared by every module's routes. */
export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), messageEn: z.string(), details: z.unknown().optional() }),
}).meta({ id: 'Error' });
export const errorResponses = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 410: errorBody, 429: errorBody };
export const idParams = z.strictObject({ id: z.uuid() });
export const reasonBody = z.strictObject({ reason: z.string().trim().min(3, 'Hãy ghi lý do.').max(500) });
/** Why a citizen's file is opened (R01): sent in the body, so it stays out of addresses, history and logs; journaled. */
export const openReasonBody = z.strictObject({ reason: z.string().trim().min(3, 'Hãy ghi lý do xem/tải / give the reason').max(500) });
export const unitRef = z.object({ id: z.string(), code: z.string(), name: z.string() }).meta({ id: 'UnitRef' });
export const isoDate = z.string();
export const noContent = z.null();

/** A file answered as its bytes (a Buffer is sent unserialized): declared as binary content of the given media types. */
export const fileAnswer = (description: string, mediaTypes: readonly string[]) =>
  z.any().meta({ description, content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])) });
export const PDF = 'application/pdf';
export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
