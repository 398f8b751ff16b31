/** The PDF's outline (bookmarks), each entry resolved to a page index and a y position (top-left origin). */
import type { OutlineEntry } from '../model/layout';
import { resolveDest } from '../pdf/links';
import type { PdfjsDocument, PdfjsOutlineItem } from '../pdf/pdfjs';
import { cleanText } from './text-clean';

const MAX_ENTRIES = 5000;

/** An outline entry whose destination is known in its page's PDF user space (pages not parsed yet). */
export interface OutlineTarget {
  title: string;
  page: number | null;
  userX?: number;
  userY?: number;
  children: OutlineTarget[];
}

/** Reads the outline and resolves each entry's destination to a page and a point in that page's user space. */
export async function readOutlineTargets(doc: PdfjsDocument): Promise<OutlineTarget[]> {
  let items: PdfjsOutlineItem[] | null;
  try {
    items = await doc.getOutline();
  } catch {
    return [];
  }
  if (!items) return [];
  let count = 0;
  const visit = async (list: PdfjsOutlineItem[], depth: number): Promise<OutlineTarget[]> => {
    const out: OutlineTarget[] = [];
    for (const item of list) {
      if (++count > MAX_ENTRIES || depth > 12) break;
      const d = await resolveDest(doc, item.dest);
      out.push({
        title: cleanText(item.title ?? '')
          .replace(/\s+/g, ' ')
          .trim(),
        page: d ? d.page : null,
        userX: d?.x,
        userY: d?.y,
        children: item.items?.length ? await visit(item.items, depth + 1) : [],
      });
    }
    return out;
  };
  return visit(items, 0);
}

/** Places outline targets on the parsed pages: page index and y in top-left page space (viewport transforms). */
export function placeOutline(targets: OutlineTarget[], transforms: number[][]): OutlineEntry[] {
  return targets.map((t) => {
    let pageIndex: number | null = null;
    let y: number | null = null;
    if (t.page !== null && t.page >= 0 && t.page < transforms.length) {
      pageIndex = t.page;
      if (t.userY !== undefined) {
        const m = transforms[t.page];
        y = Math.max(0, m[1] * (t.userX ?? 0) + m[3] * t.userY + m[5]);
      }
    }
    return { title: t.title, pageIndex, y, children: placeOutline(t.children, transforms) };
  });
}
