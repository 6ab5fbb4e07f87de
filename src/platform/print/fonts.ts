import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Decree 30/2020 sets Times New Roman for state documents. A Word document names it, and the reader's Word draws it
 * (LibreOffice draws the metric-compatible Liberation Serif in its place).
 */
export const OFFICIAL_FONT = 'Times New Roman';

const FONTS_DIR = new URL('../../../reference/fonts/', import.meta.url);
const file = (name: string) => fileURLToPath(new URL(name, FONTS_DIR));

/**
 * A PDF carries its font: Liberation Serif (SIL Open Font License 1.1, reference/fonts/) has the metrics of Times New
 * Roman and every precomposed Vietnamese letter; a PDF embeds the subset it uses.
 */
export const SERIF_FILES = {
  normal: file('LiberationSerif-Regular.ttf'),
  bold: file('LiberationSerif-Bold.ttf'),
  italics: file('LiberationSerif-Italic.ttf'),
};

type SerifStyle = keyof typeof SERIF_FILES;
let serifBytes: Record<SerifStyle, Buffer> | undefined;

/** The serif's bytes, read once, for what embeds bytes (pdf-lib's watermarks); pdfmake (pdf.ts) is given the paths. */
export function serifFonts(): Readonly<Record<SerifStyle, Buffer>> {
  serifBytes ??= { normal: fs.readFileSync(SERIF_FILES.normal), bold: fs.readFileSync(SERIF_FILES.bold), italics: fs.readFileSync(SERIF_FILES.italics) };
  return serifBytes;
}
