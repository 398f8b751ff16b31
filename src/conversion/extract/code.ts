/** Code blocks: monospace lines, with line breaks and indentation kept. */
import type { FontInfo, Line } from '../model/layout';

function charWidth(lines: Line[], fonts: Record<string, FontInfo>): number {
  let chars = 0;
  let width = 0;
  for (const l of lines) {
    for (const s of l.spans) {
      if (!fonts[s.fontId]?.monospace) continue;
      const t = s.text.trimEnd();
      if (t.length < 2) continue;
      chars += [...t].length;
      width += s.box.w;
    }
  }
  if (chars > 0) return width / chars;
  return 0.525 * (lines[0]?.size ?? 10);
}

export function codeText(lines: Line[], fonts: Record<string, FontInfo>, lineSpacing: number): string {
  if (lines.length === 0) return '';
  const cw = charWidth(lines, fonts);
  const left = Math.min(...lines.map((l) => l.box.x));
  const out: string[] = [];
  let prev: Line | null = null;
  for (const l of lines) {
    if (prev && l.box.y - prev.box.y > 1.7 * lineSpacing && l.box.y > prev.box.y) out.push('');
    const indent = Math.max(0, Math.round((l.box.x - left) / cw));
    out.push(' '.repeat(Math.min(indent, 80)) + l.text.replace(/\s+$/, ''));
    prev = l;
  }
  return out.join('\n');
}
