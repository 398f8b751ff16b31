/** What a line is, on its own: body text, heading candidate, code, list start, footnote start, caption. */
import type { FontStatistics, Line, PageLayout } from '../model/layout';

export type LineKind = 'body' | 'heading' | 'code' | 'footnote';

export const BULLET_RE = /^([•◦▪▫‣∙·●○■□►▸▹➢➤✓✔\u2022\u2023\u2043\u2219*–—-])\s+/u;
export const ORDERED_RE = /^(\(?(?:\d{1,3}|[a-z]|[ivxlc]{1,5})[.)])\s+/i;
export const CAPTION_RE = /^(figure|fig\.|table|listing|plate|chart|illustration)\s*[\dIVX]+[.:\s]/i;
export const NUMBERED_HEADING_RE =
  /^((?:chapter|part|section|appendix)\s+[\dIVXA-Z]+\b|\d+(?:\.\d+){0,4}\.?\s+\S|[A-Z]\.\d+(?:\.\d+)*\s+\S)/i;
/** A table-of-contents line: title, dot leaders, page number. */
export const DOT_LEADER_RE = /(?:\.\s?){4,}\s*[\dIVXLCivxlc]+$/;
const FOOTNOTE_MARK_RE = /^(\d{1,3}|[*†‡§¶]+)\s*\S/;

export interface ClassifyContext {
  stats: FontStatistics;
  page: PageLayout;
}

export function headingLevel(size: number, stats: FontStatistics): number {
  const i = stats.headingSizes.findIndex((s) => Math.abs(s - size) < 0.3);
  if (i >= 0) return i + 1;
  const bigger = stats.headingSizes.filter((s) => s > size).length;
  return bigger + 1;
}

/** A listing line with its line number in the text font: "202" then only monospace text ("}%"). */
function numberedCodeLine(line: Line, stats: FontStatistics): boolean {
  const spans = line.spans.filter((s) => s.text.trim());
  if (spans.length < 2 || !/^\d{1,5}$/.test(spans[0].text.trim())) return false;
  return spans.slice(1).every((s) => stats.monospaceFontIds.includes(s.fontId));
}

export function classifyLine(line: Line, ctx: ClassifyContext): LineKind {
  const body = ctx.stats.bodySize;
  if ((line.monospace || numberedCodeLine(line, ctx.stats)) && line.size < body * 1.3) return 'code';
  if (
    line.size >= body * 1.12 &&
    /\p{L}/u.test(line.text) &&
    line.text.length < 200 &&
    !DOT_LEADER_RE.test(line.text)
  ) {
    return 'heading';
  }
  if (
    line.size < body * 0.92 &&
    line.box.y > ctx.page.height * 0.55 &&
    FOOTNOTE_MARK_RE.test(line.text) &&
    (line.spans[0]?.size ?? line.size) <= line.size
  ) {
    return 'footnote';
  }
  return 'body';
}
