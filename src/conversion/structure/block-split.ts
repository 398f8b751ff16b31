/** Cutting a block where a heading is embedded in it (run-in headings, headings glued to a paragraph). */
import type { Block, HeadingBlock, Inline } from '../model/content';
import { inlineText, wordsOf } from './text';

type InlineBlock = Extract<Block, { inlines: Inline[] }>;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Titles are looked for near a block's start (outline anchoring reads a block's first 80 words): a long
 * paragraph or list is not searched to its end, which made anchoring a long book's outline quadratic.
 */
export const TITLE_SEARCH_CHARS = 4000;

const titlePatterns = new Map<string, RegExp>();

function titlePattern(titleWords: readonly string[]): RegExp {
  const key = titleWords.join('\u0000');
  let re = titlePatterns.get(key);
  if (!re) {
    const pattern = titleWords.map(escapeRegExp).join('[^\\p{L}\\p{N}_]+');
    re = new RegExp(`(?<![\\p{L}\\p{N}_])${pattern}(?![\\p{L}\\p{N}_])`, 'iu');
    if (titlePatterns.size > 1000) titlePatterns.clear();
    titlePatterns.set(key, re);
  }
  return re;
}

/**
 * Character range of `titleWords` (normalised) in the first TITLE_SEARCH_CHARS of `raw`, matching word by word
 * with any separators between.
 */
export function findTitleRange(
  raw: string,
  titleWords: readonly string[],
): { start: number; end: number } | null {
  if (titleWords.length === 0) return null;
  const head = raw.slice(0, TITLE_SEARCH_CHARS);
  const normalized = head.normalize('NFKC');
  // NFKC can change lengths (ligatures); only trust offsets when it did not.
  if (normalized.length !== head.length) return null;
  const match = titlePattern(titleWords).exec(normalized);
  if (!match) return null;
  return { start: match.index, end: match.index + match[0].length };
}

/** Inlines [from, to) by character offset, keeping each piece's formatting. */
export function sliceInlines(inlines: readonly Inline[], from: number, to: number): Inline[] {
  const out: Inline[] = [];
  let pos = 0;
  for (const inline of inlines) {
    const start = pos;
    const end = pos + inline.text.length;
    pos = end;
    const a = Math.max(from, start);
    const b = Math.min(to, end);
    if (b > a) out.push({ ...inline, text: inline.text.slice(a - start, b - start) });
  }
  return out;
}

function trimInlines(inlines: Inline[]): Inline[] {
  const out = inlines.map((inline) => ({ ...inline }));
  if (out.length > 0) out[0].text = out[0].text.replace(/^\s+/, '');
  if (out.length > 0) out[out.length - 1].text = out[out.length - 1].text.replace(/\s+$/, '');
  return out.filter((inline) => inline.text.length > 0);
}

export function hasInlines(block: Block): block is InlineBlock {
  return 'inlines' in block && Array.isArray(block.inlines);
}

export function toHeading(
  block: InlineBlock,
  level: number,
  inlines: Inline[] = block.inlines,
): HeadingBlock {
  const clean = trimInlines(inlines);
  return {
    kind: 'heading',
    id: block.id,
    page: block.page,
    y: block.y,
    level,
    text: inlineText(clean),
    inlines: clean,
  };
}

export interface SplitResult {
  blocks: Block[];
  heading: HeadingBlock;
}

/**
 * Splits `block` into [text before?, heading, text after?] around the title.
 * The heading keeps the block's id when it comes first; other pieces get derived ids.
 */
export function splitAtTitle(
  block: InlineBlock,
  titleWords: readonly string[],
  level: number,
  idTaken: (id: string) => boolean,
): SplitResult | null {
  const raw = inlineText(block.inlines);
  const range = findTitleRange(raw, titleWords);
  if (!range) return null;
  const freshId = (suffix: string): string => {
    let n = 1;
    while (idTaken(`${block.id}-${suffix}${n}`)) n++;
    return `${block.id}-${suffix}${n}`;
  };
  const before = trimInlines(sliceInlines(block.inlines, 0, range.start));
  const after = trimInlines(sliceInlines(block.inlines, range.end, raw.length));
  const keepBefore = wordsOf(inlineText(before)).length > 0;
  const headingId = keepBefore ? freshId('h') : block.id;
  const heading = toHeading(
    { ...block, id: headingId },
    level,
    sliceInlines(block.inlines, range.start, range.end),
  );
  const blocks: Block[] = [];
  if (keepBefore) blocks.push({ ...block, inlines: before });
  blocks.push(heading);
  if (wordsOf(inlineText(after)).length > 0) {
    const rest = stripLeadingPunctuation(after);
    blocks.push({ kind: 'paragraph', id: freshId('p'), page: block.page, y: block.y, inlines: rest });
  }
  return { blocks, heading };
}

function stripLeadingPunctuation(inlines: Inline[]): Inline[] {
  const out = inlines.map((inline) => ({ ...inline }));
  if (out.length > 0) out[0].text = out[0].text.replace(/^[\s.:—–-]+/, '');
  return out.filter((inline) => inline.text.length > 0);
}
