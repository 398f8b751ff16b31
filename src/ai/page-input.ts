/** What one page looks like to the model, and the keys its reading is cached under. */
import { createHash } from 'node:crypto';
import type { Block } from '../conversion/model/content';
import type { LayoutArtifact, Line, PageLayout } from '../conversion/model/layout';
import type { PageInput, PageLineInput } from './reading';
import { blockText } from './blocks';
import { words } from './words';

/** Lines the model sees: everything the layout stage did not already mark as header/footer/page number. */
export function contentLines(page: PageLayout): Line[] {
  return page.lines.filter((line) => !line.artifact && line.text.trim() !== '');
}

function lineInput(line: Line, index: number, layout: LayoutArtifact, text = line.text): PageLineInput {
  return {
    index,
    text,
    x: line.box.x,
    y: line.box.y,
    w: line.box.w,
    size: line.size,
    font: layout.fonts[line.fontId]?.name ?? line.fontId,
    bold: line.bold,
    italic: line.italic,
    monospace: line.monospace,
    column: line.column,
  };
}

const SUMMARY_CHARS = 70;

function summarise(block: Block): string {
  const text = blockText(block).replace(/\s+/g, ' ').trim();
  const short = text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS)}…` : text;
  switch (block.kind) {
    case 'heading':
      return `heading(${block.level}): ${short}`;
    case 'table':
      return `table ${block.rows.length}x${block.rows[0]?.length ?? 0}: ${short}`;
    case 'figure':
      return `figure${block.caption ? ` with caption: ${short}` : ''}`;
    default:
      return `${block.kind}: ${short}`;
  }
}

export function buildPageInput(layout: LayoutArtifact, page: PageLayout, blocks: Block[]): PageInput {
  return {
    page: page.index,
    width: page.width,
    height: page.height,
    columns: page.columns,
    complexityReasons: page.complexity.reasons,
    lines: contentLines(page).map((line, i) => lineInput(line, i, layout)),
    heuristicReading: blocks.map(summarise),
    imageCount: page.images.length,
  };
}

export function pageWordCount(input: PageInput): number {
  return input.lines.reduce((n, line) => n + words(line.text).length, 0);
}

function geometry(input: PageInput, maskDigits: boolean): string {
  const lines = input.lines.map((l) => [
    maskDigits ? l.text.replace(/\d+/g, '#') : l.text,
    Math.round(l.x),
    Math.round(l.y),
    Math.round(l.w),
    Math.round(l.size * 10),
    l.font,
    l.bold,
    l.italic,
    l.monospace,
    l.column,
  ]);
  return JSON.stringify([
    Math.round(input.width),
    Math.round(input.height),
    input.columns,
    input.imageCount,
    lines,
  ]);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Same text at the same places → same key, whatever the page number or running header says. */
export function contentKey(input: PageInput): string {
  return sha256(geometry(input, false));
}

/** Same layout and words, numbers aside: pages sharing a template (e.g. numbered forms or tables). */
export function templateKey(input: PageInput): string {
  return sha256(geometry(input, true));
}

/** The numbers of a page in line order: how a template reading is carried over to a sibling page. */
export function pageNumbers(input: PageInput): string[] {
  return input.lines.flatMap((line) => line.text.match(/\d+/g) ?? []);
}
