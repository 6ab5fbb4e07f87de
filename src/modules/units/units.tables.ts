import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const units = pgTable('units', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  fullName: text('full_name').notNull(),
  fullNameEn: text('full_name_en'),
  kind: text('kind').$type<UnitKind>().notNull(),
  unitType: text('unit_type'),
  parentId: uuid('parent_id'),
  path: text('path').notNull(),
  searchText: text('search_text').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export type UnitKind = 'province' | 'commune' | 'department' | 'desk' | 'office';
export type UnitRow = typeof units.$inferSelect;
