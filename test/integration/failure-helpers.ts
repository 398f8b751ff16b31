/** Shared by the failure-semantics integration specs (not a test file itself). */
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A small text PDF the real engine converts in a few seconds. */
export async function smallPdf(
  pages = 2,
  label = 'A short paragraph of text for the converter.',
): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let index = 0; index < pages; index += 1) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Chapter ${index + 1}`, { x: 72, y: 780, size: 20, font });
    page.drawText(`Page ${index + 1}: ${label}`, { x: 72, y: 740, size: 12, font });
  }
  return Buffer.from(await doc.save());
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
