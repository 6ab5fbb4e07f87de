import { customType } from 'drizzle-orm/pg-core';

/** bytea as a Node Buffer on both drivers (PGlite gives Uint8Array, pg gives Buffer). */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

/** A transaction id (xid8) as its decimal text: compared in SQL only, never as a JS number (it may pass 2^53). */
export const xid8 = customType<{ data: string; driverData: string }>({
  dataType: () => 'xid8',
  fromDriver: (value) => String(value),
});
