/**
 * Anchors each PDF outline entry at the block it names: the heading on the destination page near the
 * destination's y whose text is the entry's title (possibly after its numbering), not the page top.
 */
import type { Block, CodeBlock, HeadingBlock } from '../model/content';
import type { OutlineEntry } from '../model/layout';
import { BlockList } from './block-list';
import { findTitleRange, hasInlines, splitAtTitle, toHeading } from './block-split';
import { isBareNumbering, isNumberingPrefix, numberingOf } from './numbering';
import { blockText, indexOfWords, inlineText, wordOverlap, wordsOf } from './text';

export interface FlatEntry {
  title: string;
  /** 1 = top level. */
  depth: number;
  pageIndex: number | null;
  y: number | null;
  /** Index of the parent entry in the flat list, -1 for top-level entries. */
  parent: number;
}

export interface Anchor {
  /** Id of the block the entry points at; null when the book has no blocks at all. */
  blockId: string | null;
  /** True when the entry's title was found in the text (false: placed at the closest block). */
  matched: boolean;
}

interface Match {
  index: number;
  quality: number;
  /** Title found at word `offset` of the block (0 = the block starts with it, after any numbering). */
  offset: number;
  /** Words of the block the heading takes (numbering + title). */
  headingWords: string[];
  /** Following heading blocks the title continues into. */
  continues: number;
}

const ACCEPT = 0.45;
const MAX_WORDS = 80;

export function flattenOutline(outline: readonly OutlineEntry[]): FlatEntry[] {
  const flat: FlatEntry[] = [];
  const walk = (entries: readonly OutlineEntry[], depth: number, parent: number): void => {
    for (const entry of entries) {
      const index = flat.length;
      flat.push({ title: entry.title.trim(), depth, pageIndex: entry.pageIndex, y: entry.y, parent });
      walk(entry.children, depth + 1, index);
    }
  };
  walk(outline, 1, -1);
  return flat;
}

/** A one-line code block can be a heading set in a monospace font ("6.3.2 attach() and detach()"). */
function isShortCodeLine(block: Block): block is CodeBlock {
  return block.kind === 'code' && !block.text.trim().includes('\n') && wordsOf(block.text).length <= 15;
}

function canHoldHeading(block: Block): boolean {
  return (
    block.kind === 'heading' ||
    block.kind === 'paragraph' ||
    block.kind === 'list_item' ||
    isShortCodeLine(block)
  );
}

function codeAsHeading(block: CodeBlock, level: number): HeadingBlock {
  const text = block.text.trim();
  return {
    kind: 'heading',
    id: block.id,
    page: block.page,
    y: block.y,
    level,
    text,
    inlines: [{ text, monospace: true }],
  };
}

/** Heading blocks right after `index` whose words continue the title. */
function continuation(list: BlockList, index: number, have: string[], title: string[]): number {
  let words = have;
  for (let k = 1; k <= 2; k++) {
    const next = list.blocks[index + k];
    if (!next || next.kind !== 'heading' || next.page !== list.blocks[index].page) return 0;
    words = [...words, ...leadWordsOf(next)];
    const at = indexOfWords(words, title);
    if (at >= 0 && (at === 0 || isNumberingPrefix(words, at))) return k;
    if (words.length >= title.length + 4) return 0;
  }
  return 0;
}

function numberingBefore(words: readonly string[], at: number): number {
  for (let k = Math.min(3, at); k >= 1; k--) {
    if (isBareNumbering(words.slice(at - k, at))) return k;
  }
  return 0;
}

/**
 * A title inside a block is a heading glued to text only when it is set off like one: after a sentence end
 * or a section number, starting with a capital or digit. A mere mention in a sentence is not.
 */
function setOffInside(block: Block, title: readonly string[]): boolean {
  if (!hasInlines(block)) return false;
  const raw = inlineText(block.inlines);
  const range = findTitleRange(raw, title);
  if (!range) return false;
  const before = raw.slice(0, range.start).trimEnd();
  const startsLikeTitle = /^[\p{Lu}\p{N}]/u.test(raw.slice(range.start));
  return startsLikeTitle && (/[.!?:]["'\u201d)]*$/.test(before) || /(^|\s)\d+(\.\d+)*\.?$/.test(before));
}

/** The first words of each block, normalised once (blocks are replaced, never mutated, so the cache stays true). */
const leadingWords = new WeakMap<Block, string[]>();

function leadWordsOf(block: Block): string[] {
  let words = leadingWords.get(block);
  if (!words) {
    words = wordsOf(blockText(block).slice(0, MAX_WORDS * 20)).slice(0, MAX_WORDS);
    leadingWords.set(block, words);
  }
  return words;
}

/**
 * A heading that is the title spelled with other hyphens or spaces ("Non-regular files" for the outline's
 * "Nonregular files"), after any numbering: the same letters in the same order.
 */
function sameTitleLetters(words: readonly string[], title: readonly string[]): boolean {
  const letters = title.join('');
  for (let numbering = 0; numbering <= Math.min(3, words.length - 1); numbering++) {
    if (numbering > 0 && !isBareNumbering(words.slice(0, numbering))) continue;
    if (words.slice(numbering).join('') === letters) return true;
  }
  return false;
}

function matchBlock(list: BlockList, index: number, title: string[]): Match | null {
  const block = list.blocks[index];
  if (!canHoldHeading(block)) return null;
  const words = leadWordsOf(block);
  const listMarker = block.kind === 'list_item' ? wordsOf(block.marker).length : 0;
  const at = indexOfWords(words, title);
  const bonus = block.kind === 'heading' ? 0.08 : 0;
  if (block.kind === 'code') {
    const whole = (at === 0 || isNumberingPrefix(words, at)) && words.length - at - title.length <= 2;
    return whole ? { index, quality: 0.9, offset: 0, headingWords: words, continues: 0 } : null;
  }
  if (at === 0 || (at > 0 && (at <= listMarker || isNumberingPrefix(words, at)))) {
    return {
      index,
      quality: 1 + bonus,
      offset: 0,
      headingWords: words.slice(0, at + title.length),
      continues: 0,
    };
  }
  if (at > 0) {
    if (!setOffInside(block, title)) return null;
    const numbering = numberingBefore(words, at);
    const headingWords = words.slice(at - numbering, at + title.length);
    return { index, quality: 0.75 - Math.min(0.2, at / 200) + bonus, offset: at, headingWords, continues: 0 };
  }
  if (block.kind === 'heading' && words.length < title.length + 4) {
    const continues = continuation(list, index, words, title);
    if (continues > 0) return { index, quality: 0.95, offset: 0, headingWords: title, continues };
  }
  if (block.kind === 'heading' && words.length <= title.length + 6 && sameTitleLetters(words, title)) {
    return { index, quality: 0.9 + bonus, offset: 0, headingWords: words, continues: 0 };
  }
  const shortEnough = block.kind === 'heading' || words.length <= title.length + 2;
  if (shortEnough && title.length >= 3 && wordOverlap(title, words.slice(0, title.length + 4)) >= 0.8) {
    return {
      index,
      quality: 0.6 + bonus,
      offset: 0,
      headingWords: words.slice(0, title.length),
      continues: 0,
    };
  }
  return null;
}

function positionPenalty(block: Block, entry: FlatEntry, pageHeight: number): number {
  if (entry.pageIndex === null) return 0.1;
  if (block.page === entry.pageIndex) {
    if (entry.y === null) return 0;
    const dy = block.y - entry.y;
    if (dy < -24) return 0.3 + -dy / pageHeight;
    return (Math.max(0, dy) / pageHeight) * 0.4;
  }
  return 0.25 + (block.y / pageHeight) * 0.2;
}

export class OutlineAnchorer {
  private readonly anchored = new Set<string>();
  private previous = -1;
  /** Ids of blocks merged into another block → the id that survived. */
  readonly redirects = new Map<string, string>();
  /** Depth of the shallowest entry anchored at each heading id. */
  readonly headingDepth = new Map<string, number>();

  constructor(
    private readonly list: BlockList,
    private readonly pageHeight: (page: number) => number,
    /** Texts of the running-head lines dropped from a page (none when not given). */
    private readonly runningText: (page: number) => readonly string[] = () => [],
  ) {}

  anchorAll(entries: readonly FlatEntry[]): Anchor[] {
    return entries.map((entry) => this.anchor(entry));
  }

  private candidates(entry: FlatEntry): number[] {
    if (entry.pageIndex === null) {
      return this.list.blocks.map((_, i) => i).filter((i) => i > this.previous);
    }
    return [...this.list.onPage(entry.pageIndex), ...this.list.onPage(entry.pageIndex + 1)];
  }

  private best(entry: FlatEntry, title: string[]): Match | null {
    let best: Match | null = null;
    let bestScore = ACCEPT;
    for (const index of this.candidates(entry)) {
      const match = matchBlock(this.list, index, title);
      if (!match) continue;
      const block = this.list.blocks[index];
      let score = match.quality - positionPenalty(block, entry, this.pageHeight(block.page));
      if (index < this.previous) score -= 0.15;
      if (this.anchored.has(block.id)) score -= 0.3;
      if (entry.pageIndex === null && match.quality < 0.95) continue;
      if (score > bestScore) {
        best = match;
        bestScore = score;
      }
    }
    return best;
  }

  private anchor(entry: FlatEntry): Anchor {
    if (this.list.blocks.length === 0) return { blockId: null, matched: false };
    const title = wordsOf(entry.title);
    const match = title.length > 0 ? this.best(entry, title) : null;
    const heading = match ? this.applyMatch(match, entry.depth) : this.labelledHeading(entry, title);
    if (!heading) return this.fallback(entry);
    this.anchored.add(heading.id);
    this.previous = this.list.indexOf(heading.id, match?.index);
    for (const [from, to] of this.redirects) if (this.headingDepth.has(from)) this.moveDepth(from, to);
    const depth = this.headingDepth.get(heading.id);
    this.headingDepth.set(heading.id, Math.min(depth ?? entry.depth, entry.depth));
    return { blockId: heading.id, matched: true };
  }

  private moveDepth(from: string, to: string): void {
    const depth = this.headingDepth.get(from) ?? 6;
    this.headingDepth.delete(from);
    this.headingDepth.set(to, Math.min(depth, this.headingDepth.get(to) ?? depth));
  }

  /** The id a block has now, after merges. */
  resolve(id: string): string {
    let current = id;
    for (let hops = 0; hops < 10 && this.redirects.has(current); hops++)
      current = this.redirects.get(current) ?? current;
    return current;
  }

  private fallback(entry: FlatEntry): Anchor {
    const page = entry.pageIndex ?? this.list.blocks[Math.max(0, this.previous)].page;
    const index = this.list.closestTo(page, entry.pageIndex === null ? null : entry.y);
    const id = this.list.blocks[index].id;
    this.anchored.add(id);
    return { blockId: id, matched: false };
  }

  /** Turns the matched block (or the matched part of it) into a heading; returns the heading. */
  private applyMatch(match: Match, depth: number): HeadingBlock {
    const level = Math.min(6, depth);
    const block = this.list.blocks[match.index];
    if (match.continues > 0) return this.mergeHeadings(match.index, match.continues, level);
    if (isShortCodeLine(block)) {
      const heading = codeAsHeading(block, level);
      this.list.replace(match.index, 1, [heading]);
      return heading;
    }
    if (!hasInlines(block)) throw new Error('matched a block without text runs');
    const allWords = wordsOf(inlineText(block.inlines)).length;
    const extra = allWords - match.headingWords.length - match.offset;
    const fitsWhole = match.offset === 0 && extra <= (block.kind === 'heading' ? 8 : 2);
    if (!fitsWhole) {
      const split = splitAtTitle(block, match.headingWords, level, (id) => this.list.has(id));
      if (split) {
        this.list.replace(match.index, 1, split.blocks);
        return split.heading;
      }
    }
    const heading =
      block.kind === 'heading' ? { ...block, level: Math.min(block.level, level) } : toHeading(block, level);
    heading.level = level;
    this.list.replace(match.index, 1, [heading]);
    return this.absorbNumberingLabel(match.index, heading);
  }

  private mergeHeadings(index: number, count: number, level: number): HeadingBlock {
    const parts = this.list.blocks.slice(index, index + count + 1) as HeadingBlock[];
    const inlines = parts.flatMap((part, i) => (i === 0 ? part.inlines : [{ text: ' ' }, ...part.inlines]));
    const heading: HeadingBlock = { ...parts[0], level, inlines, text: inlineText(inlines) };
    for (const part of parts.slice(1)) this.redirects.set(part.id, heading.id);
    this.list.replace(index, count + 1, [heading]);
    return heading;
  }

  /**
   * A chapter label printed in the running head of the chapter's first page ("Chapter 2." above the rule,
   * the title "Using SystemTap" below it, as DocBook/FOP sets them) is dropped with the running text, so the
   * outline's "Chapter 2. Using SystemTap" matches no block: the heading on the entry's page that is the
   * title without that label is the entry's heading, and gets its label back.
   */
  private labelledHeading(entry: FlatEntry, title: readonly string[]): HeadingBlock | null {
    if (entry.pageIndex === null || !numberingOf(title.join(' '))) return null;
    const running = this.runningText(entry.pageIndex);
    if (running.length === 0) return null;
    for (let index = 0; index < this.list.blocks.length; index++) {
      const block = this.list.blocks[index];
      if (block.page !== entry.pageIndex || block.kind !== 'heading' || this.anchored.has(block.id)) continue;
      const words = wordsOf(block.text);
      const labelWords = title.length - words.length;
      if (words.length === 0 || labelWords < 1 || title.slice(labelWords).join(' ') !== words.join(' '))
        continue;
      const label = title.slice(0, labelWords).join(' ');
      if (!isBareNumbering(title.slice(0, labelWords))) continue;
      const printed = running.find((text) => wordsOf(text).join(' ') === label);
      if (!printed) continue;
      const inlines = [{ text: `${printed.trim()} ` }, ...block.inlines];
      const heading: HeadingBlock = {
        ...block,
        level: Math.min(6, entry.depth),
        inlines,
        text: inlineText(inlines),
      };
      this.list.replace(index, 1, [heading]);
      return heading;
    }
    return null;
  }

  /** "Chapter 3" set as its own line above the title: fold it into the heading. */
  private absorbNumberingLabel(index: number, heading: HeadingBlock): HeadingBlock {
    const previous = this.list.blocks[index - 1];
    if (!previous || previous.kind !== 'heading' || previous.page !== heading.page) return heading;
    if (this.anchored.has(previous.id) || this.anchored.has(heading.id)) return heading;
    if (!isBareNumbering(wordsOf(blockText(previous)))) return heading;
    const inlines = [...previous.inlines, { text: ' ' }, ...heading.inlines];
    const merged: HeadingBlock = {
      ...heading,
      id: previous.id,
      y: previous.y,
      inlines,
      text: inlineText(inlines),
    };
    this.list.replace(index - 1, 2, [merged]);
    this.redirects.set(heading.id, merged.id);
    return merged;
  }
}
