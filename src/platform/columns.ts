import { customType } from 'drizzle-orm/pg-core';

/** bytea as a Node Buffer on both drivers (PGlite gives Uint8Array, pg gives Buffer). */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});
