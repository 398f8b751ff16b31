/**
 * Splits the book into content documents: one per top-level TOC entry (front matter before the first one
 * is its own chapter), going one level deeper inside entries that would make a giant file, and never
 * into hundreds of slivers.
 */
import type { Block } from '../model/content';
import type { Chapter, TocEntry } from '../model/book';
import { blockText, wordsOf } from './text';

export interface TocNode {
  title: string;
  /** Block the entry points at; null only when the book has no blocks. */
  blockId: string | null;
  children: TocNode[];
}

/** A chapter spanning more pages than this is split at its sub-entries when it has any. */
const BIG_CHAPTER_PAGES = 25;
/**
 * Sub-entries this short on average (pages) are the entries of one chapter (a command reference, a glossary),
 * not the chapters of a part or the stories of a collection: the chapter stays one document unless it spans
 * more than HUGE_CHAPTER_PAGES, and then splits only into runs of entries of BIG_CHAPTER_PAGES or more.
 */
const MIN_SUBCHAPTER_PAGES = 1.5;
const HUGE_CHAPTER_PAGES = 60;
const MAX_CHAPTERS = 200;
/** Without any structure, a chapter per this many pages. */
const PAGES_PER_CHUNK = 12;

export function chapterId(index: number): string {
  return `ch${String(index + 1).padStart(3, '0')}`;
}

function pageSpan(blocks: readonly Block[], from: number, to: number): number {
  if (to <= from) return 0;
  return blocks[to - 1].page - blocks[from].page + 1;
}

interface SplitPoint {
  index: number;
  node: TocNode;
}

function pointOf(node: TocNode, indexOf: (id: string) => number): SplitPoint | null {
  if (node.blockId === null) return null;
  const index = indexOf(node.blockId);
  return index >= 0 ? { index, node } : null;
}

function sortedUnique(points: SplitPoint[]): SplitPoint[] {
  const byIndex = new Map<number, SplitPoint>();
  for (const point of [...points].sort((a, b) => a.index - b.index)) {
    if (!byIndex.has(point.index)) byIndex.set(point.index, point);
  }
  return [...byIndex.values()];
}

/** The sub-entries a long chapter splits at: all of them when they are chapter-sized, else runs of them. */
function subChapters(
  parent: SplitPoint,
  children: TocNode[],
  span: number,
  blocks: readonly Block[],
  indexOf: (id: string) => number,
): TocNode[] {
  if (children.length === 0 || span / children.length >= MIN_SUBCHAPTER_PAGES) return children;
  if (span <= HUGE_CHAPTER_PAGES) return [];
  const kept: TocNode[] = [];
  let lastPage = blocks[parent.index].page;
  for (const point of sortedUnique(children.flatMap((node) => pointOf(node, indexOf) ?? []))) {
    if (blocks[point.index].page - lastPage < BIG_CHAPTER_PAGES) continue;
    kept.push(point.node);
    lastPage = blocks[point.index].page;
  }
  return kept;
}

/** Split points: top-level entries, refined into the sub-entries of over-long ones. */
function chooseSplitPoints(
  toc: readonly TocNode[],
  blocks: readonly Block[],
  indexOf: (id: string) => number,
) {
  let level: TocNode[] = toc.length === 1 ? [...toc, ...toc[0].children] : [...toc];
  for (let round = 0; round < 3; round++) {
    const points = sortedUnique(level.flatMap((node) => pointOf(node, indexOf) ?? []));
    const next: TocNode[] = [];
    let refined = false;
    points.forEach((point, i) => {
      next.push(point.node);
      const end = points[i + 1]?.index ?? blocks.length;
      const span = pageSpan(blocks, point.index, end);
      if (point.node.children.length === 0 || span <= BIG_CHAPTER_PAGES) return;
      const children = subChapters(point, point.node.children, span, blocks, indexOf);
      next.push(...children);
      refined ||= children.length > 0;
    });
    if (!refined || next.length > MAX_CHAPTERS) break;
    level = next;
  }
  return thinOut(sortedUnique(level.flatMap((node) => pointOf(node, indexOf) ?? [])), blocks);
}

/** With too many split points, keep only those that start at least a few pages after the last kept one. */
function thinOut(points: SplitPoint[], blocks: readonly Block[]): SplitPoint[] {
  if (points.length <= MAX_CHAPTERS || blocks.length === 0) return points;
  const pages = blocks[blocks.length - 1].page - blocks[0].page + 1;
  const minPages = pages / MAX_CHAPTERS;
  const kept: SplitPoint[] = [];
  for (const point of points) {
    const last = kept[kept.length - 1];
    if (!last || blocks[point.index].page - blocks[last.index].page >= minPages) kept.push(point);
  }
  return kept;
}

/** Blocks that show nothing but headings (and rules drawn between them). */
function onlyHeadings(blocks: readonly Block[]): boolean {
  return blocks.every((b) => b.kind === 'heading' || (b.kind === 'figure' && b.rule));
}

/** A chapter that would hold nothing but headings (a title page, a part title) runs on into the next one. */
function mergeHeadingOnlyChapters(
  starts: { index: number; title: string }[],
  blocks: readonly Block[],
): void {
  for (let i = 0; i + 1 < starts.length;) {
    if (onlyHeadings(blocks.slice(starts[i].index, starts[i + 1].index))) starts.splice(i + 1, 1);
    else i++;
  }
}

export interface ChapterPlan {
  chapters: Chapter[];
  toc: TocEntry[];
}

function tocEntries(nodes: readonly TocNode[], chapterOf: (id: string | null) => string): TocEntry[] {
  return nodes.map((node) => ({
    title: node.title,
    chapterId: chapterOf(node.blockId),
    anchorId: node.blockId ?? undefined,
    children: tocEntries(node.children, chapterOf),
  }));
}

/** Builds the chapters from the final blocks and the TOC tree (entries anchored at block ids). */
export function planChapters(
  blocks: Block[],
  toc: readonly TocNode[],
  frontMatterTitle: string,
): ChapterPlan {
  const indexById = new Map(blocks.map((block, i) => [block.id, i]));
  const indexOf = (id: string): number => indexById.get(id) ?? -1;
  const points = chooseSplitPoints(toc, blocks, indexOf);
  const starts: { index: number; title: string }[] = points.map((p) => ({
    index: p.index,
    title: p.node.title,
  }));
  if (starts.length === 0 || starts[0].index > 0) starts.unshift({ index: 0, title: frontMatterTitle });
  mergeHeadingOnlyChapters(starts, blocks);
  const chapters: Chapter[] = starts.map((start, i) => ({
    id: chapterId(i),
    title: start.title,
    blocks: blocks.slice(start.index, starts[i + 1]?.index ?? blocks.length),
  }));
  const chapterOf = (id: string | null): string => {
    const index = id === null ? 0 : Math.max(0, indexOf(id));
    let found = 0;
    for (let i = 0; i < starts.length && starts[i].index <= index; i++) found = i;
    return chapters[found].id;
  };
  return { chapters, toc: tocEntries(toc, chapterOf) };
}

/** A TOC tree from heading levels (h1 entries at the top, deeper ones nested), down to `maxLevel`. */
export function tocFromHeadings(blocks: readonly Block[], maxLevel = 3): TocNode[] {
  const root: TocNode[] = [];
  const stack: { level: number; node: TocNode }[] = [];
  for (const block of blocks) {
    if (block.kind !== 'heading' || block.level > maxLevel) continue;
    const node: TocNode = { title: blockText(block).trim(), blockId: block.id, children: [] };
    while (stack.length > 0 && stack[stack.length - 1].level >= block.level) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) parent.node.children.push(node);
    else root.push(node);
    stack.push({ level: block.level, node });
  }
  return root;
}

/** Last resort: a chapter every few pages, each TOC entry named after the words it starts with. */
export function tocFromPages(blocks: readonly Block[]): TocNode[] {
  const nodes: TocNode[] = [];
  let chunkStartPage = -Infinity;
  for (const block of blocks) {
    if (block.page - chunkStartPage < PAGES_PER_CHUNK) continue;
    const words = wordsOf(blockText(block));
    if (words.length === 0) continue;
    const text = blockText(block).trim().split(/\s+/).slice(0, 8).join(' ');
    nodes.push({ title: text, blockId: block.id, children: [] });
    chunkStartPage = block.page;
  }
  return nodes;
}
