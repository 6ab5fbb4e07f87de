import { describe, expect, it } from 'vitest';
import { versionChanges, type VersionShape } from './version-diff.ts';

const v1: VersionShape = {
  processingDays: 5,
  documents: [
    { name: 'Tờ khai đăng ký khai sinh', required: true, copies: 1 },
    { name: 'Giấy chứng sinh', required: true, copies: 1 },
  ],
  purpose: 'Đăng ký khai sinh: nhân thân của cha, mẹ.',
  npdFields: ['ho_ten', 'so_dinh_danh'],
  retentionYears: null,
  lookupStages: { receiving: ['desk'], processing: ['assignee'] },
};

describe('the changes between two versions of a procedure', () => {
  it('should not report a change for the same content, papers in another case or order included', () => {
    expect(versionChanges(v1, { ...v1, documents: [...v1.documents].reverse().map((d) => ({ ...d, name: d.name.toUpperCase() })) })).toEqual([]);
  });

  it('names each part that changed, in the order of the receipt', () => {
    const v2: VersionShape = {
      processingDays: 3,
      documents: [
        { name: 'Giấy chứng sinh', required: true, copies: 2 },
        { name: 'Văn bản ủy quyền', required: false, copies: 1 },
      ],
      purpose: 'Đăng ký khai sinh: nhân thân và nơi cư trú của cha, mẹ.',
      npdFields: ['ho_ten', 'noi_thuong_tru'],
      retentionYears: 20,
      lookupStages: { receiving: ['desk'], processing: ['assignee', 'desk'] },
    };
    expect(versionChanges(v1, v2)).toEqual([
      { part: 'processingDays', before: 5, after: 3 },
      { part: 'documentChanged', name: 'Giấy chứng sinh', before: { required: true, copies: 1 }, after: { required: true, copies: 2 } },
      { part: 'documentAdded', name: 'Văn bản ủy quyền' },
      { part: 'documentRemoved', name: 'Tờ khai đăng ký khai sinh' },
      { part: 'fieldAdded', field: 'noi_thuong_tru' },
      { part: 'fieldRemoved', field: 'so_dinh_danh' },
      { part: 'purpose', before: v1.purpose, after: v2.purpose },
      { part: 'lookupStages', stage: 'processing', before: ['assignee'], after: ['assignee', 'desk'] },
      { part: 'retentionYears', before: null, after: 20 },
    ]);
  });
});
