/** One chapter as an XHTML content document. */
import type { Chapter } from '../model/book';
import type {
  Block,
  CodeBlock,
  FigureBlock,
  Inline,
  ListItemBlock,
  ParagraphBlock,
  TableBlock,
} from '../model/content';
import type { IdMap } from './ids';
import { escapeAttr, escapeText, safeExternalHref, xhtmlHead, XHTML_TAIL } from './xml';

export interface RenderContext {
  ids: IdMap;
  /** Manifest path ("images/x.png") of an image asset, or null when it is not in the book. */
  imageHref: (assetName: string) => string | null;
  language: string;
  bookTitle: string;
  /** Ids already written into the current document (a repeated source id gets no second id). */
  written?: Set<string>;
}

function linkTarget(href: string, ctx: RenderContext): string | null {
  if (href.startsWith('#')) return ctx.ids.hrefOf(href.slice(1));
  return safeExternalHref(href);
}

function sameStyle(a: Inline, b: Inline): boolean {
  return (
    !!a.bold === !!b.bold && !!a.italic === !!b.italic && !!a.monospace === !!b.monospace && a.href === b.href
  );
}

/** Adjacent runs with the same formatting become one, so the markup stays small. */
function mergeRuns(inlines: readonly Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const inline of inlines) {
    const last = out[out.length - 1];
    if (last && sameStyle(last, inline)) last.text += inline.text;
    else out.push({ ...inline });
  }
  return out;
}

export function renderInlines(inlines: readonly Inline[], ctx: RenderContext): string {
  return mergeRuns(inlines)
    .map((inline) => {
      let html = escapeText(inline.text.replace(/[\r\n]+/g, ' '));
      if (html === '') return '';
      if (inline.monospace) html = `<code>${html}</code>`;
      if (inline.italic) html = `<em>${html}</em>`;
      if (inline.bold) html = `<strong>${html}</strong>`;
      const target = inline.href ? linkTarget(inline.href, ctx) : null;
      if (target) html = `<a href="${escapeAttr(target)}">${html}</a>`;
      return html;
    })
    .join('');
}

function idAttr(block: Block, ctx: RenderContext): string {
  const id = ctx.ids.idOf(block.id);
  if (!id || ctx.written?.has(id)) return '';
  ctx.written?.add(id);
  return ` id="${escapeAttr(id)}"`;
}

function renderCode(block: CodeBlock, ctx: RenderContext): string {
  return `<pre${idAttr(block, ctx)}><code>${escapeText(block.text.replace(/\r\n?/g, '\n'))}</code></pre>`;
}

function renderTable(block: TableBlock, ctx: RenderContext): string {
  const rows = block.rows.filter((row) => row.length > 0);
  if (rows.length === 0) return `<div${idAttr(block, ctx)}></div>`;
  const row = (cells: string[], tag: 'td' | 'th') =>
    `<tr>${cells.map((cell) => `<${tag}>${escapeText(cell)}</${tag}>`).join('')}</tr>`;
  const head = block.headerRow ? `<thead>${row(rows[0], 'th')}</thead>` : '';
  const body = (block.headerRow ? rows.slice(1) : rows).map((cells) => row(cells, 'td')).join('\n');
  return `<table${idAttr(block, ctx)}>${head}${body ? `<tbody>${body}</tbody>` : ''}</table>`;
}

function renderFigure(block: FigureBlock, ctx: RenderContext): string {
  const src = ctx.imageHref(block.image.name);
  const caption = block.caption && block.caption.length > 0 ? renderInlines(block.caption, ctx) : '';
  if (!src)
    return caption
      ? `<p${idAttr(block, ctx)} class="caption">${caption}</p>`
      : `<div${idAttr(block, ctx)}></div>`;
  if (block.rule) {
    const width = block.rule.widthPercent ? ` style="width: ${block.rule.widthPercent}%"` : '';
    return `<div${idAttr(block, ctx)} class="rule"><img src="${escapeAttr(src)}" alt=""${width}/></div>`;
  }
  const img = `<img src="${escapeAttr(src)}" alt="${escapeAttr(block.alt)}"/>`;
  return `<figure${idAttr(block, ctx)}>${img}${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
}

function renderListItem(block: ListItemBlock, ctx: RenderContext): string {
  const marker = block.marker.trim() ? `<span class="marker">${escapeText(block.marker.trim())}</span> ` : '';
  return `<li${idAttr(block, ctx)}>${marker}${renderInlines(block.inlines, ctx)}</li>`;
}

function renderBlock(block: Exclude<Block, ListItemBlock>, ctx: RenderContext): string {
  switch (block.kind) {
    case 'heading': {
      const level = Math.min(6, Math.max(1, Math.round(block.level)));
      const runs = block.inlines.length > 0 ? block.inlines : [{ text: block.text }];
      // A heading is bold already: an all-bold run would only add a <strong> around the whole title.
      const inlines = runs.every((r) => r.bold || !r.text.trim())
        ? runs.map((r) => ({ ...r, bold: false }))
        : runs;
      return `<h${level}${idAttr(block, ctx)}>${renderInlines(inlines, ctx)}</h${level}>`;
    }
    case 'paragraph':
      return `<p${idAttr(block, ctx)}>${renderInlines(block.inlines, ctx)}</p>`;
    case 'code':
      return renderCode(block, ctx);
    case 'table':
      return renderTable(block, ctx);
    case 'figure':
      return renderFigure(block, ctx);
    case 'footnote': {
      const label = block.label.trim()
        ? `<span class="fn-label">${escapeText(block.label.trim())}</span> `
        : '';
      return `<div${idAttr(block, ctx)} class="footnote">${label}${renderInlines(block.inlines, ctx)}</div>`;
    }
  }
}

/** Consecutive list items grouped into one list, other blocks one by one. */
function renderSequence(blocks: readonly Block[], ctx: RenderContext): string[] {
  const parts: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  const closeList = () => {
    if (!list) return;
    const tag = list.ordered ? 'ol' : 'ul';
    parts.push(`<${tag} class="list">\n${list.items.join('\n')}\n</${tag}>`);
    list = null;
  };
  for (const block of blocks) {
    if (block.kind === 'list_item') {
      if (list && list.ordered !== block.ordered) closeList();
      list ??= { ordered: block.ordered, items: [] };
      list.items.push(renderListItem(block, ctx));
      continue;
    }
    closeList();
    parts.push(renderBlock(block, ctx));
  }
  closeList();
  return parts;
}

function isDisplayBlock(block: Block | undefined): boolean {
  return block?.kind === 'code' || block?.kind === 'list_item';
}

/** A paragraph that carries on the sentence of the one before a display block ("... the command" [code] "which"). */
function continues(before: ParagraphBlock, after: Block | undefined): after is ParagraphBlock {
  if (after?.kind !== 'paragraph') return false;
  const end = inlinePlain(before.inlines).trimEnd();
  return !/[.!?]["'\u201d)]*$/.test(end) && /^\p{Ll}/u.test(inlinePlain(after.inlines).trimStart());
}

function inlinePlain(inlines: readonly Inline[]): string {
  return inlines.map((inline) => inline.text).join('');
}

/**
 * Length of the run starting at `start` that is one paragraph interrupted by display code or a list:
 * paragraph, display blocks, continuation paragraph (repeatedly). 0 when there is no such run.
 */
function continuedRun(blocks: readonly Block[], start: number): number {
  let end = start;
  for (;;) {
    const head = blocks[end];
    if (head.kind !== 'paragraph') break;
    let j = end + 1;
    while (isDisplayBlock(blocks[j])) j++;
    if (j === end + 1 || !continues(head, blocks[j])) break;
    end = j;
  }
  return end > start ? end - start + 1 : 0;
}

/** One paragraph with its display blocks inside: text, <pre>/<ul>, text — a single element, as typeset. */
function renderContinuedParagraph(run: readonly Block[], ctx: RenderContext): string {
  const [first, ...rest] = run as [ParagraphBlock, ...Block[]];
  const parts = [renderInlines(first.inlines, ctx)];
  let display: Block[] = [];
  for (const block of rest) {
    if (block.kind !== 'paragraph') {
      display.push(block);
      continue;
    }
    parts.push(...renderSequence(display, ctx));
    display = [];
    parts.push(`<span${idAttr(block, ctx)} class="cont">${renderInlines(block.inlines, ctx)}</span>`);
  }
  return `<div${idAttr(first, ctx)} class="para">${parts.join('\n')}</div>`;
}

/** The chapter's body markup: blocks in order, lists grouped, paragraphs interrupted by code kept whole. */
export function renderBlocks(blocks: readonly Block[], ctx: RenderContext): string {
  const parts: string[] = [];
  let pending: Block[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const run = continuedRun(blocks, i);
    if (run === 0) {
      pending.push(blocks[i]);
      continue;
    }
    parts.push(...renderSequence(pending, ctx));
    pending = [];
    parts.push(renderContinuedParagraph(blocks.slice(i, i + run), ctx));
    i += run - 1;
  }
  parts.push(...renderSequence(pending, ctx));
  return parts.join('\n');
}

export function renderChapter(chapter: Chapter, ctx: RenderContext): string {
  const title = chapter.title.trim() || ctx.bookTitle;
  const body = renderBlocks(chapter.blocks, { ...ctx, written: new Set<string>() });
  return `${xhtmlHead(title, ctx.language)}<section class="chapter">\n${body}\n</section>\n${XHTML_TAIL}`;
}
