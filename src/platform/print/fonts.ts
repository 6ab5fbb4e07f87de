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
 * Roman and every precomposed Vietnamese letter; pdfmake embeds the subset a document uses.
 */
export const SERIF_FILES = {
  normal: file('LiberationSerif-Regular.ttf'),
  bold: file('LiberationSerif-Bold.ttf'),
  italics: file('LiberationSerif-Italic.ttf'),
};
