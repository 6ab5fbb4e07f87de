import type { LookupStages } from '../../../../common/lookup-stages.ts';
import { foldVietnamese } from '../../../../common/text.ts';

/** What a version holds, as the editor and the server's answers both give it. */
export interface VersionShape {
  processingDays: number;
  documents: readonly { name: string; required: boolean; copies: number }[];
  purpose: string;
  npdFields: readonly string[];
  retentionYears: number | null;
  lookupStages?: { [S in keyof LookupStages]: readonly string[] };
}

/** What changed from one version to the next, part by part; an empty list: nothing. */
export type VersionChange =
  | { part: 'processingDays'; before: number; after: number }
  | { part: 'retentionYears'; before: number | null; after: number | null }
  | { part: 'purpose'; before: string; after: string }
  | { part: 'documentAdded' | 'documentRemoved'; name: string }
  | { part: 'documentChanged'; name: string; before: { required: boolean; copies: number }; after: { required: boolean; copies: number } }
  | { part: 'fieldAdded' | 'fieldRemoved'; field: string }
  | { part: 'lookupStages'; stage: keyof LookupStages; before: readonly string[]; after: readonly string[] };

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * The changes from `before` to `after`, in the order of the receipt: time limit, papers, the population data read,
 * who may look up, and how long the dossier is kept. Papers are matched by name, case and diacritics aside (as the
 * server refuses two papers of one name); a renamed paper shows as one removed and one added.
 */
export function versionChanges(before: VersionShape, after: VersionShape): VersionChange[] {
  const changes: VersionChange[] = [];
  if (before.processingDays !== after.processingDays) changes.push({ part: 'processingDays', before: before.processingDays, after: after.processingDays });
  const key = (name: string) => foldVietnamese(name.trim());
  const was = new Map(before.documents.map((d) => [key(d.name), d]));
  const now = new Map(after.documents.map((d) => [key(d.name), d]));
  for (const d of after.documents) {
    const old = was.get(key(d.name));
    if (!old) changes.push({ part: 'documentAdded', name: d.name });
    else if (old.required !== d.required || old.copies !== d.copies) {
      changes.push({ part: 'documentChanged', name: d.name, before: { required: old.required, copies: old.copies }, after: { required: d.required, copies: d.copies } });
    }
  }
  for (const d of before.documents) if (!now.has(key(d.name))) changes.push({ part: 'documentRemoved', name: d.name });
  for (const field of after.npdFields) if (!before.npdFields.includes(field)) changes.push({ part: 'fieldAdded', field });
  for (const field of before.npdFields) if (!after.npdFields.includes(field)) changes.push({ part: 'fieldRemoved', field });
  if (before.purpose.trim() !== after.purpose.trim()) changes.push({ part: 'purpose', before: before.purpose, after: after.purpose });
  for (const stage of ['receiving', 'processing'] as const) {
    const b = before.lookupStages?.[stage] ?? [];
    const a = after.lookupStages?.[stage] ?? [];
    if (!sameList(b, a)) changes.push({ part: 'lookupStages', stage, before: b, after: a });
  }
  if (before.retentionYears !== after.retentionYears) changes.push({ part: 'retentionYears', before: before.retentionYears, after: after.retentionYears });
  return changes;
}
