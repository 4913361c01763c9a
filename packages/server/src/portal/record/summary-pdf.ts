/**
 * Prints a patient summary (summary-bundle.ts's SummaryView) as a PDF a patient can read, print
 * or hand to another clinic: the patient's name and details, then each section as a table, on
 * US Letter pages with the name repeated at the top of every page. Made with pdfkit; the font
 * (DejaVu Sans, from the dejavu-fonts-ttf package) is embedded, so names in any Latin, Greek or
 * Cyrillic script print as written and nothing is fetched at run time. pdfkit is loaded on the
 * first summary printed, not at start-up: its import takes about half a second of CPU.
 */
import { createRequire } from 'node:module';
import type PDFDocument from 'pdfkit';
import { SUMMARY_TITLE, type SummaryView } from './summary-bundle.ts';

const require = createRequire(import.meta.url);
const REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

const MARGIN = 54;
const ACCENT = '#0b7a75';
const MUTED = '#5b6776';
const CELL_GAP = 8;

type Doc = InstanceType<typeof PDFDocument>;

/** Draws one table row at the current position (a new page first when it would not fit). */
function row(doc: Doc, cells: readonly string[], widths: readonly number[], font: 'regular' | 'bold', onNewPage: () => void): void {
  doc.font(font).fontSize(9.5);
  const height = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: widths[i]! - CELL_GAP })));
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) {
    doc.addPage();
    onNewPage();
    doc.font(font).fontSize(9.5);
  }
  const top = doc.y;
  let x = MARGIN;
  cells.forEach((cell, i) => {
    doc.text(cell, x, top, { width: widths[i]! - CELL_GAP });
    x += widths[i]!;
  });
  doc.x = MARGIN;
  doc.y = top + height + 4;
}

/** The summary as PDF bytes. */
export async function renderSummaryPdf(view: SummaryView): Promise<Buffer> {
  const { default: PDFKit } = await import('pdfkit');
  const doc = new PDFKit({ size: 'LETTER', margin: MARGIN, lang: 'en-US', displayTitle: true, info: { Title: `${SUMMARY_TITLE}: ${view.patientName}`, Creator: 'Continuum' } });
  doc.registerFont('regular', REGULAR);
  doc.registerFont('bold', BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const runningHead = (): void => {
    doc.font('regular').fontSize(8).fillColor(MUTED).text(`${SUMMARY_TITLE} · ${view.patientName}`, MARGIN, MARGIN - 24, { width });
    doc.fillColor('black');
    doc.x = MARGIN;
    doc.y = MARGIN;
  };

  doc.font('regular').fontSize(9).fillColor(MUTED).text(`CONTINUUM · ${SUMMARY_TITLE.toUpperCase()}`);
  doc.font('bold').fontSize(20).fillColor('black').text(view.patientName);
  doc.moveDown(0.3);
  for (const [label, value] of view.facts) {
    doc.font('bold').fontSize(10).text(`${label}: `, { continued: true }).font('regular').text(value);
  }

  for (const section of view.sections) {
    doc.moveDown(1);
    if (doc.y + 60 > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      runningHead();
    }
    doc.font('bold').fontSize(13).fillColor(ACCENT).text(section.title, MARGIN, doc.y, { width });
    doc.fillColor('black').moveDown(0.3);
    if (section.rows.length === 0) {
      doc.font('regular').fontSize(9.5).fillColor(MUTED).text(section.emptyText, { width });
      doc.fillColor('black');
      continue;
    }
    // The name of the thing and its details share the room; a date needs little.
    const weights = section.columns.length === 2 ? [3, 1] : [2, 2, 1];
    const total = weights.reduce((a, b) => a + b, 0);
    const widths = section.columns.map((_, i) => (width * (weights[i] ?? 1)) / total);
    const header = (): void => {
      row(doc, section.columns, widths, 'bold', runningHead);
      doc.moveTo(MARGIN, doc.y - 2).lineTo(MARGIN + width, doc.y - 2).lineWidth(0.5).strokeColor(MUTED).stroke();
      doc.y += 2;
    };
    header();
    for (const cells of section.rows) {
      row(doc, cells, widths, 'regular', () => {
        runningHead();
        header();
      });
    }
  }

  doc.moveDown(2);
  doc.font('regular').fontSize(8).fillColor(MUTED).text('This summary holds confidential health information. It lists what the clinic had recorded when it was made; ask your care team about anything that looks wrong.', MARGIN, doc.y, { width });
  doc.end();
  return done;
}
