/**
 * Simple tables: a run of rows that each split into the same number of cells (2+) at wide gaps, with cell
 * starts aligned from row to row. Anything less regular stays text.
 */
import type { FontInfo, Line } from '../model/layout';

export interface DetectedTable {
  rows: string[][];
  headerRow: boolean;
}

interface Cell {
  x: number;
  text: string;
  bold: boolean;
}

const CELL_GAP_EM = 1.5;

function cells(line: Line, fonts: Record<string, FontInfo>): Cell[] {
  const out: Cell[] = [];
  let cur: Cell | null = null;
  let right = -Infinity;
  for (const s of line.spans) {
    const gap = s.box.x - right;
    if (!cur || gap > CELL_GAP_EM * line.size) {
      cur = { x: s.box.x, text: '', bold: true };
      out.push(cur);
    }
    cur.text += s.text;
    if (!fonts[s.fontId]?.bold && s.text.trim()) cur.bold = false;
    right = s.box.x + s.box.w;
  }
  for (const c of out) c.text = c.text.replace(/\s+/g, ' ').trim();
  return out.filter((c) => c.text);
}

export function detectTable(lines: Line[], fonts: Record<string, FontInfo>): DetectedTable | null {
  if (lines.length < 2) return null;
  const rows = lines.map((l) => cells(l, fonts));
  const n = rows[0].length;
  if (n < 2 || rows.some((r) => r.length !== n)) return null;
  // Dot leaders (tables of contents) are not tables.
  if (rows.some((r) => r.some((c) => /\.\s?\.\s?\.\s?\./.test(c.text)))) return null;
  for (let c = 0; c < n; c++) {
    const xs = rows.map((r) => r[c].x);
    const spread = Math.max(...xs) - Math.min(...xs);
    if (spread > 2.5 * lines[0].size) return null;
  }
  return {
    rows: rows.map((r) => r.map((c) => c.text)),
    headerRow: rows[0].every((c) => c.bold) && !rows[1].every((c) => c.bold),
  };
}
