/** The PDF's outline (bookmarks), each entry resolved to a page index and a y position (top-left origin). */
import type { OutlineEntry } from '../model/layout';
import { resolveDest } from '../pdf/links';
import type { PdfjsDocument, PdfjsOutlineItem } from '../pdf/pdfjs';
import { cleanText } from './text-clean';

const MAX_ENTRIES = 5000;

export async function readOutline(doc: PdfjsDocument, transforms: number[][]): Promise<OutlineEntry[]> {
  let items: PdfjsOutlineItem[] | null;
  try {
    items = await doc.getOutline();
  } catch {
    return [];
  }
  if (!items) return [];
  let count = 0;
  const visit = async (list: PdfjsOutlineItem[], depth: number): Promise<OutlineEntry[]> => {
    const out: OutlineEntry[] = [];
    for (const item of list) {
      if (++count > MAX_ENTRIES || depth > 12) break;
      const d = await resolveDest(doc, item.dest);
      let pageIndex: number | null = null;
      let y: number | null = null;
      if (d && d.page >= 0 && d.page < transforms.length) {
        pageIndex = d.page;
        if (d.y !== undefined) {
          const t = transforms[d.page];
          const x = d.x ?? 0;
          y = Math.max(0, t[1] * x + t[3] * d.y + t[5]);
        }
      }
      out.push({
        title: cleanText(item.title ?? '')
          .replace(/\s+/g, ' ')
          .trim(),
        pageIndex,
        y,
        children: item.items?.length ? await visit(item.items, depth + 1) : [],
      });
    }
    return out;
  };
  return visit(items, 0);
}
