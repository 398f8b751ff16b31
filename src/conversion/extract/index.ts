/**
 * extract_content: the layout's lines → ordered, typed blocks (paragraphs joined across breaks, heading
 * candidates, list items, code, tables, figures with their images, footnotes), inline styles and links.
 */
import { throwIfAborted } from '../errors';
import type { AssetRef, Block, ContentArtifact, FigureBlock, Inline } from '../model/content';
import type { FontInfo, ImageRef, LayoutArtifact, Line, PageLayout } from '../model/layout';
import type { ExtractContent, StageContext } from '../stages';
import { BULLET_RE, CAPTION_RE, NUMBERED_HEADING_RE, ORDERED_RE, headingLevel } from './classify';
import { codeText } from './code';
import { BookDictionary } from './dehyphenate';
import { isPicture, isRuleBox } from '../pdf/image-encode';
import { inlinesText, lineInlines, mergeInlines, trimInlines } from './inlines';
import { bodyLineSpacing, groupLines, type Group } from './paragraphs';
import { detectTable } from './tables';

/** Images painted at the same place on this many pages are decoration (logos, backgrounds): shown once. */
const REPEATED_IMAGE_PAGES = 3;

function chooseFigures(layout: LayoutArtifact): Map<number, ImageRef[]> {
  const byName = new Map<string, number[]>();
  for (const p of layout.pages) {
    for (const im of p.images) {
      if (!isPicture({ width: im.width, height: im.height, w: im.box.w, h: im.box.h })) continue;
      const pages = byName.get(im.name) ?? [];
      if (pages[pages.length - 1] !== p.index) pages.push(p.index);
      byName.set(im.name, pages);
    }
  }
  const seen = new Set<string>();
  const out = new Map<number, ImageRef[]>();
  for (const p of layout.pages) {
    for (const im of p.images) {
      const pages = byName.get(im.name);
      if (!pages) continue;
      const repeated = pages.length >= REPEATED_IMAGE_PAGES;
      if (repeated && seen.has(im.name)) continue;
      // One figure per picture and page.
      const key = `${im.name}@${p.index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      seen.add(im.name);
      const list = out.get(p.index) ?? [];
      list.push(im);
      out.set(p.index, list);
    }
  }
  return out;
}

/** A rule's width as a share of the page's text width, when it is clearly narrower (a short centred rule). */
function ruleWidthPercent(image: ImageRef, page: PageLayout | undefined): number | undefined {
  const body = page?.lines.filter((l) => !l.artifact) ?? [];
  if (body.length === 0) return undefined;
  const left = Math.min(...body.map((l) => l.box.x));
  const right = Math.max(...body.map((l) => l.box.x + l.box.w));
  if (right - left <= 0) return undefined;
  const percent = Math.round((100 * image.box.w) / (right - left) / 5) * 5;
  return percent < 90 ? Math.max(5, percent) : undefined;
}

interface BuildContext {
  layout: LayoutArtifact;
  fonts: Record<string, FontInfo>;
  dict: BookDictionary;
  lineSpacing: number;
}

/** Joins a group's lines into inline runs: spaces between lines, line-end hyphens resolved. */
function joinLines(lines: Array<{ line: Line; page: number }>, ctx: BuildContext): Inline[] {
  const out: Inline[] = [];
  let prevText = '';
  for (const { line, page } of lines) {
    const inl = lineInlines(line, ctx.fonts, ctx.layout.pages[page]?.links ?? []);
    if (out.length) {
      const last = out[out.length - 1];
      const decision = ctx.dict.decide(prevText, line.text, Boolean(last.monospace));
      if (decision === 'join') last.text = last.text.replace(/[-‐\u00AD]\s*$/, '');
      else if (decision === 'keep') last.text = last.text.replace(/\s+$/, '');
      else if (!/\s$/.test(last.text)) last.text += ' ';
    }
    out.push(...inl);
    prevText = line.text;
  }
  return trimInlines(mergeInlines(out));
}

function stripMarker(inlines: Inline[], re: RegExp): { marker: string; inlines: Inline[] } {
  const first = inlines[0];
  if (!first) return { marker: '', inlines };
  const m = re.exec(first.text);
  if (!m) return { marker: '', inlines };
  const rest = [{ ...first, text: first.text.slice(m[0].length) }, ...inlines.slice(1)];
  return { marker: m[1], inlines: trimInlines(rest) };
}

/** The encoded picture of each chosen figure (analyze_layout wrote them); warns about pictures it could not keep. */
function figureAssets(figures: Map<number, ImageRef[]>, ctx: StageContext): Map<string, AssetRef> {
  const assets = new Map<string, AssetRef>();
  const lost = new Set<string>();
  for (const list of figures.values()) {
    for (const im of list) {
      if (im.asset) assets.set(im.name, im.asset);
      else lost.add(im.name);
    }
  }
  if (lost.size) ctx.warn?.(`${lost.size} picture(s) could not be decoded and were left out.`);
  return assets;
}

export const extractContent: ExtractContent = async (layout, ctx) => {
  throwIfAborted(ctx.signal);
  const fonts = layout.fonts;
  const stats = layout.fontStats;
  const lineSpacing = bodyLineSpacing(layout.pages, stats);
  const dict = BookDictionary.fromLayout(layout);
  const figures = chooseFigures(layout);
  const bctx: BuildContext = { layout, fonts, dict, lineSpacing };
  const groups = groupLines({ pages: layout.pages, stats, lineSpacing, figures });
  ctx.onProgress?.(0.3);

  const assetsByName = figureAssets(figures, ctx);
  throwIfAborted(ctx.signal);
  ctx.onProgress?.(0.8);

  const blocks: Block[] = [];
  let seq = 0;
  const id = () => `b${++seq}`;
  for (let gi = 0; gi < groups.length; gi++) {
    const g: Group = groups[gi];
    const first = g.lines[0]?.line;
    const base = { page: g.page, y: g.y };
    switch (g.kind) {
      case 'figure': {
        const image = g.image as ImageRef;
        const asset = assetsByName.get(image.name);
        if (!asset) break;
        if (isRuleBox(image.box)) {
          const rule = { widthPercent: ruleWidthPercent(image, layout.pages[g.page]) };
          blocks.push({ id: id(), kind: 'figure', ...base, image: asset, alt: '', rule });
          break;
        }
        const fig: FigureBlock = { id: id(), kind: 'figure', ...base, image: asset, alt: 'Figure' };
        // A caption right below (or right above) the picture.
        const next = groups[gi + 1];
        const prevBlock = blocks[blocks.length - 1];
        if (
          next &&
          next.kind === 'para' &&
          CAPTION_RE.test(next.lines[0].line.text) &&
          next.page === g.page
        ) {
          fig.caption = joinLines(next.lines, bctx);
          fig.alt = inlinesText(fig.caption).slice(0, 300);
          gi++;
        } else if (
          prevBlock &&
          prevBlock.kind === 'paragraph' &&
          prevBlock.page === g.page &&
          CAPTION_RE.test(inlinesText(prevBlock.inlines))
        ) {
          blocks.pop();
          fig.caption = prevBlock.inlines;
          fig.alt = inlinesText(prevBlock.inlines).slice(0, 300);
        }
        blocks.push(fig);
        break;
      }
      case 'heading': {
        const inlines = joinLines(g.lines, bctx);
        const text = inlinesText(inlines);
        if (!text) break;
        blocks.push({
          id: id(),
          kind: 'heading',
          ...base,
          level: headingLevel(first.size, stats),
          text,
          inlines,
        });
        break;
      }
      case 'code': {
        const text = codeText(
          g.lines.map((l) => l.line),
          fonts,
          lineSpacing,
        );
        if (text.trim()) blocks.push({ id: id(), kind: 'code', ...base, text });
        break;
      }
      case 'footnote': {
        const inlines = joinLines(g.lines, bctx);
        const m = /^(\d{1,3}|[*†‡§¶]+)\s*/.exec(inlinesText(inlines));
        const label = m ? m[1] : '';
        const rest = m ? stripMarker(inlines, /^(\d{1,3}|[*†‡§¶]+)\s*/).inlines : inlines;
        if (rest.length) blocks.push({ id: id(), kind: 'footnote', ...base, label, inlines: rest });
        break;
      }
      case 'list': {
        const inlines = joinLines(g.lines, bctx);
        const bullet = stripMarker(inlines, BULLET_RE);
        const ordered = bullet.marker ? null : stripMarker(inlines, ORDERED_RE);
        const marker = bullet.marker || ordered?.marker || '';
        const rest = bullet.marker ? bullet.inlines : (ordered?.inlines ?? inlines);
        if (!rest.length) break;
        blocks.push({ id: id(), kind: 'list_item', ...base, marker, ordered: !bullet.marker, inlines: rest });
        break;
      }
      case 'figtext': {
        const inlines = trimInlines(
          mergeInlines(
            g.lines.flatMap((l, i) => [
              ...(i > 0 ? [{ text: ' ' }] : []),
              ...lineInlines(l.line, fonts, layout.pages[l.page]?.links ?? []),
            ]),
          ),
        );
        if (inlines.length) blocks.push({ id: id(), kind: 'paragraph', ...base, inlines });
        break;
      }
      case 'para': {
        const table = detectTable(
          g.lines.map((l) => l.line),
          fonts,
        );
        if (table) {
          blocks.push({ id: id(), kind: 'table', ...base, rows: table.rows, headerRow: table.headerRow });
          break;
        }
        const inlines = joinLines(g.lines, bctx);
        if (!inlines.length) break;
        const text = inlinesText(inlines);
        // A short, all-bold line standing alone reads as a heading (run-in titles in body size).
        const allBold = inlines.every((i) => i.bold || !i.text.trim());
        if (
          g.lines.length <= 2 &&
          text.length <= 120 &&
          !/[.,;:]$/.test(text) &&
          (allBold || (NUMBERED_HEADING_RE.test(text) && first.bold))
        ) {
          blocks.push({
            id: id(),
            kind: 'heading',
            ...base,
            level: stats.headingSizes.length + 1,
            text,
            inlines,
          });
          break;
        }
        blocks.push({ id: id(), kind: 'paragraph', ...base, inlines });
        break;
      }
    }
  }
  resolveInternalLinks(blocks);

  const words = blocks.reduce((a, b) => a + countWords(b), 0);
  const emptyPages = layout.pages.filter((p) => !p.lines.some((l) => !l.artifact)).map((p) => p.index);
  const assets = [...new Map([...assetsByName.values()].map((a) => [a.name, a])).values()].sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  ctx.onProgress?.(1);
  const result: ContentArtifact = {
    version: 1,
    blocks,
    assets,
    stats: { pages: layout.pageCount, blocks: blocks.length, words, emptyPages },
  };
  return result;
};

function blockText(b: Block): string {
  switch (b.kind) {
    case 'code':
      return b.text;
    case 'table':
      return b.rows.flat().join(' ');
    case 'figure':
      return b.caption ? inlinesText(b.caption) : '';
    case 'heading':
      return b.text;
    default:
      return inlinesText(b.inlines);
  }
}

function countWords(b: Block): number {
  return (blockText(b).match(/[\p{L}\p{N}]+/gu) ?? []).length;
}

/** "dest:<page>:<y>" → "#<id of the block at that place>" (or no link when nothing is there). */
function resolveInternalLinks(blocks: Block[]): void {
  const byPage = new Map<number, Block[]>();
  for (const b of blocks) {
    const list = byPage.get(b.page) ?? [];
    list.push(b);
    byPage.set(b.page, list);
  }
  const maxPage = Math.max(0, ...byPage.keys());
  const target = (page: number, y: number): string | undefined => {
    for (let p = page; p <= maxPage; p++) {
      const list = byPage.get(p);
      if (!list?.length) continue;
      if (p > page) return list[0].id;
      const sorted = [...list].sort((a, b) => a.y - b.y);
      const hit = sorted.find((b) => b.y >= y - 4) ?? null;
      if (hit) return hit.id;
    }
    return undefined;
  };
  const fix = (inlines: Inline[] | undefined) => {
    if (!inlines) return;
    for (const i of inlines) {
      if (!i.href?.startsWith('dest:')) continue;
      const [, p, y] = i.href.split(':');
      const t = target(Number(p), Number(y));
      if (t) i.href = `#${t}`;
      else delete i.href;
    }
  };
  for (const b of blocks) {
    if (b.kind === 'figure') fix(b.caption);
    else if (b.kind !== 'code' && b.kind !== 'table') fix(b.inlines);
  }
}
