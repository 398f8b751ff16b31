/** Headings when there is no outline: the extractor's candidates, checked, plus bold numbered lines. */
import type { Block, HeadingBlock } from '../model/content';
import { hasInlines, toHeading } from './block-split';
import { numberingOf } from './numbering';
import { blockText, normalizeText, wordsOf } from './text';

const MAX_HEADING_CHARS = 160;
const MAX_HEADING_WORDS = 18;

function looksLikeHeadingText(text: string): boolean {
  const words = wordsOf(text);
  if (words.length === 0 || words.length > MAX_HEADING_WORDS || text.length > MAX_HEADING_CHARS) return false;
  if (!/\p{L}/u.test(text)) return false;
  return !/[,;]$/.test(text.trim());
}

function isBoldNumberedLine(block: Block): boolean {
  if (block.kind !== 'paragraph') return false;
  const text = blockText(block).trim();
  const allBold = block.inlines.every((inline) => inline.bold || inline.text.trim() === '');
  return allBold && numberingOf(text) !== null && looksLikeHeadingText(text) && !/[.:]$/.test(text);
}

/** Heading texts that recur on many pages are running titles the layout pass missed, not sections. */
function repeatedTexts(blocks: readonly Block[]): Set<string> {
  const pagesByText = new Map<string, Set<number>>();
  for (const block of blocks) {
    if (block.kind !== 'heading') continue;
    const key = normalizeText(blockText(block)).replace(/\d+/g, '#');
    const pages = pagesByText.get(key) ?? new Set<number>();
    pages.add(block.page);
    pagesByText.set(key, pages);
  }
  return new Set([...pagesByText].filter(([, pages]) => pages.size >= 3).map(([text]) => text));
}

function levelOf(heading: HeadingBlock): number {
  const numbering = numberingOf(heading.text);
  return numbering ? Math.min(6, numbering.depth) : Math.min(6, Math.max(1, heading.level));
}

/** Compresses the used levels to 1..n so that the book's largest headings are h1. */
function compressLevels(blocks: Block[]): void {
  const used = [...new Set(blocks.flatMap((b) => (b.kind === 'heading' ? [b.level] : [])))].sort(
    (a, b) => a - b,
  );
  const rank = new Map(used.map((level, i) => [level, Math.min(6, i + 1)]));
  for (const block of blocks)
    if (block.kind === 'heading') block.level = rank.get(block.level) ?? block.level;
}

/** Decides which blocks are headings and their levels, for a book without an outline. */
export function detectHeadings(blocks: readonly Block[]): Block[] {
  const repeated = repeatedTexts(blocks);
  const out = blocks.map((block): Block => {
    if (block.kind === 'heading') {
      const text = blockText(block);
      const key = normalizeText(text).replace(/\d+/g, '#');
      if (!looksLikeHeadingText(text) || repeated.has(key)) {
        return { kind: 'paragraph', id: block.id, page: block.page, y: block.y, inlines: block.inlines };
      }
      const heading = { ...block, text: text.trim() };
      return { ...heading, level: levelOf(heading) };
    }
    if (isBoldNumberedLine(block) && hasInlines(block)) {
      const heading = toHeading(block, 6);
      return { ...heading, level: levelOf(heading) };
    }
    return block;
  });
  compressLevels(out);
  return out;
}

/**
 * With an outline: headings it names got their level from their depth; other heading candidates sit one
 * level below the section they are in (they are sub-sections the outline does not list).
 */
export function levelUnlistedHeadings(blocks: Block[], anchoredDepth: ReadonlyMap<string, number>): Block[] {
  let depth = 0;
  return blocks.map((block): Block => {
    if (block.kind !== 'heading') return block;
    const listed = anchoredDepth.get(block.id);
    if (listed !== undefined) {
      depth = listed;
      return { ...block, level: Math.min(6, listed) };
    }
    if (!looksLikeHeadingText(blockText(block))) {
      return { kind: 'paragraph', id: block.id, page: block.page, y: block.y, inlines: block.inlines };
    }
    return { ...block, level: Math.min(6, depth + 1) };
  });
}
