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

/** Words the book uses in its running text: a heading's words should be among them (the book is its own dictionary). */
function bodyVocabulary(blocks: readonly Block[]): Set<string> {
  const vocabulary = new Set<string>();
  for (const block of blocks) {
    if (block.kind === 'paragraph' || block.kind === 'list_item' || block.kind === 'footnote') {
      for (const word of wordsOf(blockText(block))) vocabulary.add(word);
    }
  }
  return vocabulary;
}

const VOWELS = 'aeiouyàáâäãåæèéêëìíîïòóôöõøùúûüœ';

/** A word shaped like a word: vowels, no long consonant clusters, not a short unit repeated ("kikikiki"). */
function wordShaped(word: string): boolean {
  const letters = word.toLowerCase().replace(/[^\p{L}]/gu, '');
  const distinct = new Set(letters).size;
  if (letters.length < 3 || distinct <= 2 || (distinct <= 3 && letters.length >= 8)) return false;
  const vowels = [...letters].filter((c) => VOWELS.includes(c)).length / letters.length;
  const longestConsonantRun = Math.max(
    0,
    ...letters.split(new RegExp(`[${VOWELS}]`)).map((run) => run.length),
  );
  return vowels > 0 && vowels <= 0.7 && longestConsonantRun <= 5;
}

/** Rejects decorative letters, figure labels and author lists that a size-based detector calls headings. */
function plausibleHeading(text: string, vocabulary: ReadonlySet<string>): boolean {
  if ((text.match(/,/g) ?? []).length >= 3) return false;
  const words = wordsOf(text).filter((w) => /\p{L}{3}/u.test(w));
  if (words.length === 0) return false;
  const known = words.filter((w) => vocabulary.has(w)).length;
  if (known / words.length >= 0.5) return true;
  const averageLength = words.reduce((sum, w) => sum + w.length, 0) / words.length;
  return words.every(wordShaped) && (words.length === 1 || averageLength <= 8);
}

const CAPTION_RE = /^(figure|fig\.|table|listing)\s*\d/i;

/**
 * A section heading is followed by running text soon (figure labels are followed by more labels or a caption),
 * or by a list of two items or more (a section that opens with the list of its sub-sections).
 */
function followedByBody(blocks: readonly Block[], index: number): boolean {
  for (let i = index + 1; i < Math.min(blocks.length, index + 4); i++) {
    const block = blocks[i];
    if (block.kind === 'heading' || block.kind === 'figure') continue;
    const text = blockText(block).trim();
    if (CAPTION_RE.test(text)) return false;
    if (block.kind === 'code' || block.kind === 'table' || wordsOf(text).length >= 8) return true;
    if (block.kind === 'list_item' && blocks[i + 1]?.kind === 'list_item') return true;
  }
  return false;
}

/** Ids of heading candidates that come three or more in a row on one page: labels of a figure, not sections. */
function labelRunIds(blocks: readonly Block[]): Set<string> {
  const ids = new Set<string>();
  let start = 0;
  while (start < blocks.length) {
    let end = start;
    while (end < blocks.length && blocks[end].kind === 'heading' && blocks[end].page === blocks[start].page)
      end++;
    if (end - start >= 3) for (let i = start; i < end; i++) ids.add(blocks[i].id);
    start = Math.max(end, start + 1);
  }
  return ids;
}

function asParagraph(block: HeadingBlock): Block {
  return { kind: 'paragraph', id: block.id, page: block.page, y: block.y, inlines: block.inlines };
}

/**
 * A short paragraph that opens with a bold run ("The Buried Moon" + " by Edmund Dulac"): a heading set at body
 * size, as word processors export them. A short tail (byline) stays in the heading; a longer sentence after the
 * bold run stays a paragraph of its own.
 */
function splitBoldLead(block: Block, level: number, taken: (id: string) => boolean): Block[] | null {
  if (block.kind !== 'paragraph' || block.inlines.length === 0 || !block.inlines[0].bold) return null;
  let boldEnd = 0;
  while (
    boldEnd < block.inlines.length &&
    (block.inlines[boldEnd].bold || !block.inlines[boldEnd].text.trim())
  ) {
    boldEnd++;
  }
  const lead = block.inlines.slice(0, boldEnd);
  const rest = block.inlines.slice(boldEnd);
  const leadText = lead
    .map((i) => i.text)
    .join('')
    .trim();
  const leadWords = wordsOf(leadText).length;
  const allWords = wordsOf(blockText(block)).length;
  if (leadWords === 0 || leadWords > 12 || allWords > 25 || /[.:;!?]$/.test(leadText)) return null;
  if (!/^[\p{Lu}\p{N}]/u.test(leadText)) return null;
  const restText = rest
    .map((i) => i.text)
    .join('')
    .trim();
  const restWords = wordsOf(restText).length;
  // A short unfinished tail is part of the title line (a byline, a subtitle): keep the line whole.
  if (restWords === 0 || (restWords <= 10 && !/[.!?]$/.test(restText))) return [toHeading(block, level)];
  const heading = toHeading(block, level, lead);
  let id = `${block.id}-p1`;
  for (let n = 2; taken(id); n++) id = `${block.id}-p${n}`;
  const trimmed = rest.map((inline, i) => (i === 0 ? { ...inline, text: inline.text.trimStart() } : inline));
  return [heading, { kind: 'paragraph', id, page: block.page, y: block.y, inlines: trimmed }];
}

/** Decides which blocks are headings and their levels, for a book without an outline. */
export function detectHeadings(blocks: readonly Block[]): Block[] {
  const repeated = repeatedTexts(blocks);
  const vocabulary = bodyVocabulary(blocks);
  const labels = labelRunIds(blocks);
  const checked = blocks.map((block, index): Block => {
    if (block.kind === 'heading') {
      const text = blockText(block).trim();
      const key = normalizeText(text).replace(/\d+/g, '#');
      const numbered = numberingOf(text) !== null;
      const label = !numbered && (labels.has(block.id) || !followedByBody(blocks, index));
      const implausible = !numbered && !plausibleHeading(text, vocabulary);
      if (label || implausible || !looksLikeHeadingText(text) || repeated.has(key)) {
        return asParagraph(block);
      }
      return { ...block, text, level: levelOf({ ...block, text }) };
    }
    if (isBoldNumberedLine(block) && hasInlines(block)) {
      const heading = toHeading(block, 6);
      return { ...heading, level: levelOf(heading) };
    }
    return block;
  });
  const sizeLevels = checked.flatMap((b) => (b.kind === 'heading' ? [b.level] : []));
  const boldLevel = Math.min(6, (sizeLevels.length ? Math.max(...sizeLevels) : 0) + 1);
  const ids = new Set(checked.map((b) => b.id));
  const out = checked.flatMap((block, index) => {
    const original = blocks[index];
    const eligible =
      original.kind === 'paragraph' && !labels.has(original.id) && followedByBody(blocks, index);
    const split = eligible ? splitBoldLead(block, boldLevel, (id) => ids.has(id)) : null;
    if (split && !plausibleHeading(blockText(split[0]), vocabulary)) return [block];
    for (const piece of split ?? []) ids.add(piece.id);
    return split ?? [block];
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
