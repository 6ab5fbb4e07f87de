/** Word documents (docx) in the state format: the header, and the rules and borderless tables it is built of. */
import { AlignmentType, BorderStyle, Paragraph, Table, TableCell, TableLayoutType, TableRow, TextRun, WidthType, type IBorderOptions } from 'docx';
import { RULE_THICKNESS, type HeaderLine, type StateHeader } from './state-header.ts';

const NONE: IBorderOptions = { style: BorderStyle.NONE, size: 0, color: 'auto' };
export const NO_BORDERS = { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE };
export const NO_CELL_BORDERS = { top: NONE, bottom: NONE, left: NONE, right: NONE };
/** Word's cells keep a little room on each side, in twips. */
export const CELL_PADDING = 57;

const twips = (points: number) => Math.round(points * 20);

/** The short horizontal line Decree 30 draws under a name, the motto or a summary: `indent` twips from each side. */
export function docxRule(indent: number, before = 120, after = 0): Paragraph {
  return new Paragraph({
    indent: { left: indent, right: indent },
    spacing: { before, after },
    // a border's size is in eighths of a point
    border: { top: { style: BorderStyle.SINGLE, size: RULE_THICKNESS * 8, color: '000000', space: 1 } },
    children: [new TextRun({ text: '', size: 4 })],
  });
}

function headerParagraph(line: HeaderLine, contentWidth: number): Paragraph {
  if (line.kind === 'rule') return docxRule(Math.max(0, Math.round((contentWidth - twips(line.width)) / 2)), twips(line.before));
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { before: twips(line.before) },
    // sizes are in half-points
    children: [new TextRun({ text: line.text, size: Math.round(line.size * 2), bold: line.bold ?? false, italics: line.italic ?? false })],
  });
}

/** The state document header as a borderless table of two rows. */
export function stateHeaderDocx(header: StateHeader): Table {
  const widths = header.columns.map(twips);
  return new Table({
    width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: header.rows.map(
      (row) =>
        new TableRow({
          children: row.map(
            (lines, i) =>
              new TableCell({
                width: { size: widths[i]!, type: WidthType.DXA },
                borders: NO_CELL_BORDERS,
                margins: { left: CELL_PADDING, right: CELL_PADDING },
                // an empty cell still holds a paragraph in Word
                children: lines.length > 0 ? lines.map((l) => headerParagraph(l, widths[i]! - 2 * CELL_PADDING)) : [new Paragraph({})],
              }),
          ),
        }),
    ),
  });
}
