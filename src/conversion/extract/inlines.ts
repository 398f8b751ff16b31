/** Inline runs (bold, italic, monospace, links) from a line's spans. */
import type { Inline } from '../model/content';
import type { FontInfo, Line, LinkRef } from '../model/layout';

export interface LinkTarget {
  link: LinkRef;
}

/** Internal links are written as "dest:<page>:<y>" first and resolved to "#block-id" once blocks exist. */
export function linkHref(link: LinkRef): string | undefined {
  if (link.url) return link.url;
  if (link.destPage !== undefined) return `dest:${link.destPage}:${Math.round(link.destY ?? 0)}`;
  return undefined;
}

function findLink(
  box: { x: number; y: number; w: number; h: number },
  links: LinkRef[],
): LinkRef | undefined {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  return links.find(
    (l) =>
      cx >= l.box.x - 1 && cx <= l.box.x + l.box.w + 1 && cy >= l.box.y - 2 && cy <= l.box.y + l.box.h + 2,
  );
}

export function lineInlines(line: Line, fonts: Record<string, FontInfo>, links: LinkRef[]): Inline[] {
  const out: Inline[] = [];
  for (const span of line.spans) {
    const f = fonts[span.fontId];
    const link = links.length ? findLink(span.box, links) : undefined;
    const inline: Inline = { text: span.text };
    if (f?.bold) inline.bold = true;
    if (f?.italic) inline.italic = true;
    if (f?.monospace) inline.monospace = true;
    const href = link ? linkHref(link) : undefined;
    if (href) inline.href = href;
    out.push(inline);
  }
  return mergeInlines(out);
}

function sameStyle(a: Inline, b: Inline): boolean {
  return (
    Boolean(a.bold) === Boolean(b.bold) &&
    Boolean(a.italic) === Boolean(b.italic) &&
    Boolean(a.monospace) === Boolean(b.monospace) &&
    a.href === b.href
  );
}

function styled(i: Inline): boolean {
  return Boolean(i.bold || i.italic || i.monospace || i.href);
}

/**
 * Merges neighbours of the same style; whitespace at the edges of a styled run moves out of it
 * ("<code>work </code>the" → "<code>work</code> the").
 */
export function mergeInlines(list: Inline[]): Inline[] {
  const pieces: Inline[] = [];
  for (const item of list) {
    if (!item.text) continue;
    if (!styled(item) || !item.text.trim()) {
      pieces.push(item.text.trim() ? { ...item } : { text: item.text });
      continue;
    }
    const lead = /^\s+/.exec(item.text)?.[0] ?? '';
    const trail = /\s+$/.exec(item.text)?.[0] ?? '';
    if (lead) pieces.push({ text: lead });
    pieces.push({ ...item, text: item.text.slice(lead.length, item.text.length - trail.length) });
    if (trail) pieces.push({ text: trail });
  }
  const out: Inline[] = [];
  for (const item of pieces) {
    const last = out[out.length - 1];
    if (last && sameStyle(last, item)) last.text += item.text;
    else out.push(item);
  }
  return out;
}

export function inlinesText(list: Inline[]): string {
  return list.map((i) => i.text).join('');
}

/** Trims whitespace at both ends of a run list. */
export function trimInlines(list: Inline[]): Inline[] {
  const out = list.map((i) => ({ ...i }));
  while (out.length && !out[0].text.trim()) out.shift();
  while (out.length && !out[out.length - 1].text.trim()) out.pop();
  if (out.length) {
    out[0].text = out[0].text.replace(/^\s+/, '');
    out[out.length - 1].text = out[out.length - 1].text.replace(/\s+$/, '');
  }
  return out;
}
