/**
 * Turns a validated AI reading of one page into content blocks — or refuses, so the heuristic blocks stay.
 * Refuses when the reading adds or loses text (compared with the page's lines and with the heuristic
 * blocks), drops body text as "artifacts", or cannot be stitched to a paragraph continued across pages.
 */
import type { Block, FigureBlock, Inline } from '../conversion/model/content';
import type { PageInput, PageReading, ReadingBlock } from './reading';
import { blockText, inlineText } from './blocks';
import {
  compareWords,
  hyphenPairs,
  type Multiset,
  multiset,
  minus,
  size,
  withinTolerance,
  words,
} from './words';

export interface PageContext {
  input: PageInput;
  /** The heuristic blocks that start on this page, in order. */
  heuristic: Block[];
  /** The block just before this page's first block, when it starts on an earlier page. */
  previousBlocks?: Block[];
  /** Words of the next page's content lines (to recognise a paragraph continued there). */
  nextPageWords: string[];
}

export type ApplyResult =
  | {
      ok: true;
      blocks: Block[];
      idMap: Map<string, string>;
      /** The reading says its first paragraph is the rest of one begun on the previous page. */
      joinPrevious: boolean;
      /** The reading says its last paragraph goes on on the next page. */
      joinNext: boolean;
    }
  | { ok: false; reason: string };

const MAX_ARTIFACT_LINE_WORDS = 12;
/** Lines the heuristics printed may be dropped as artifacts only in the top and bottom tenth of the page. */
const MARGIN = 0.1;
/** Against the heuristic blocks, a reading may differ by 2 words or 0.5% of the page, whichever is more. */
const FINAL_TOLERANCE = 0.005;

type Style = Omit<Inline, 'text'>;

interface StyledToken {
  /** The token without surrounding sentence punctuation ("parse()," → "parse()"). */
  key: string;
  word: string;
  style: Style;
  used: boolean;
}

const EDGE_PUNCTUATION = /^[.,;:!?"'“”‘’]+|[.,;:!?"'“”‘’]+$/g;
/** How far ahead of the last match a token is looked for before searching the whole page. */
const STYLE_WINDOW = 60;

function tokenKey(token: string): string {
  return token.normalize('NFKC').replace(EDGE_PUNCTUATION, '');
}

/** A block's whitespace-separated tokens, each with the style covering most of its characters. */
function styledTokens(inlines: Inline[]): Array<{ token: string; style: Style }> {
  const out: Array<{ token: string; style: Style }> = [];
  let token = '';
  const weights = new Map<Inline, number>();
  const flush = () => {
    if (token) {
      const [best] = [...weights].sort((x, y) => y[1] - x[1]);
      const { text: _text, ...style } = best[0];
      out.push({ token, style });
    }
    token = '';
    weights.clear();
  };
  for (const inline of inlines) {
    for (const ch of inline.text) {
      if (/\s/.test(ch)) flush();
      else {
        token += ch;
        weights.set(inline, (weights.get(inline) ?? 0) + 1);
      }
    }
  }
  flush();
  return out;
}

/**
 * Styles (bold, italic, monospace, links) of the heuristic tokens, so the AI blocks keep them: each reading token
 * takes the style of the same token in the heuristic text, looked for in reading order first.
 */
class StyleBank {
  private readonly tokens: StyledToken[] = [];
  private cursor = 0;
  /** How the heuristics printed each word: with an inner hyphen ("object-oriented") or joined ("example"). */
  private readonly forms = new Map<string, 'hyphen' | 'joined'>();

  /** `blocks` give styles and word forms; `neighbours` (blocks of the previous page) only word forms. */
  constructor(blocks: Block[], neighbours: Block[] = []) {
    for (const block of blocks) this.add(inlinesOf(block), true);
    for (const block of neighbours) this.add(inlinesOf(block), false);
  }

  private add(inlines: Inline[], withStyle: boolean): void {
    for (const { token, style } of styledTokens(inlines)) {
      const word = words(token).join('');
      if (word && !this.forms.has(word))
        this.forms.set(word, /\p{L}[-\u2010]\p{L}/u.test(token) ? 'hyphen' : 'joined');
      if (withStyle && word) this.tokens.push({ key: tokenKey(token), word, style, used: false });
    }
  }

  private find(match: (t: StyledToken) => boolean): number {
    const end = Math.min(this.tokens.length, this.cursor + STYLE_WINDOW);
    for (let i = this.cursor; i < end; i++) if (!this.tokens[i].used && match(this.tokens[i])) return i;
    return this.tokens.findIndex((t) => !t.used && match(t));
  }

  /** The style of `token` in the heuristic text (exact token first, then the same word); {} if absent. */
  take(token: string): Style {
    const key = tokenKey(token);
    const word = words(token).join('');
    let i = this.find((t) => t.key === key);
    if (i < 0 && word) i = this.find((t) => t.word === word);
    if (i < 0) return {};
    this.tokens[i].used = true;
    this.cursor = i + 1;
    return this.tokens[i].style;
  }

  /** Re-joins words the reading left split at a line end ("pro- gram") the way the heuristics printed them. */
  dehyphenate(text: string): string {
    const split = /([\p{L}\p{N}][\p{L}\p{N}-]*)[-\u00ad\u2010]\s+([\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*)/gu;
    return text.replace(split, (whole, left: string, right: string) => {
      const form = this.forms.get(words(left + right).join(''));
      if (form === 'hyphen') return `${left}-${right}`;
      return form === 'joined' ? left + right : whole;
    });
  }
}

function inlinesOf(block: Block): Inline[] {
  switch (block.kind) {
    case 'paragraph':
    case 'heading':
    case 'list_item':
    case 'footnote':
      return block.inlines;
    case 'figure':
      return block.caption ?? [];
    default:
      return [];
  }
}

function sameStyle(a: Style, b: Style): boolean {
  return (
    Boolean(a.bold) === Boolean(b.bold) &&
    Boolean(a.italic) === Boolean(b.italic) &&
    Boolean(a.monospace) === Boolean(b.monospace) &&
    a.href === b.href
  );
}

function styledInlines(text: string, bank: StyleBank): Inline[] {
  const inlines: Inline[] = [];
  let current: Style | undefined;
  for (const token of bank.dehyphenate(text).split(/\s+/).filter(Boolean)) {
    const word = words(token).join('');
    const style = word ? bank.take(token) : (current ?? {});
    const last = inlines.at(-1);
    if (last && current && sameStyle(current, style)) last.text += ` ${token}`;
    else {
      if (last) last.text += ' ';
      inlines.push({ text: token, ...cleanStyle(style) });
    }
    current = style;
  }
  return inlines;
}

function cleanStyle(style: Style): Style {
  const out: Style = {};
  if (style.bold) out.bold = true;
  if (style.italic) out.italic = true;
  if (style.monospace) out.monospace = true;
  if (style.href) out.href = style.href;
  return out;
}

function readingText(block: ReadingBlock): string {
  switch (block.role) {
    case 'table':
      return block.rows.map((row) => row.join(' ')).join('\n');
    case 'list_item':
      return `${block.marker} ${block.text}`;
    case 'footnote':
      return `${block.label} ${block.text}`;
    default:
      return block.text;
  }
}

interface Dropped {
  /** Words of dropped lines in the top and bottom tenth of the page (running heads, page numbers). */
  margin: string[];
  /** Those lines' text. */
  marginText: string[];
  /** Words of dropped lines elsewhere: allowed only if the heuristics dropped them too (checked later). */
  body: string[];
}

/** Checks the artifact lines; returns the words they drop, or a reason to refuse. */
function droppedWords(input: PageInput, reading: PageReading): Dropped | string {
  const dropped: Dropped = { margin: [], marginText: [], body: [] };
  for (const index of new Set(reading.artifact_lines)) {
    const line = input.lines[index];
    if (!line) return `artifact line ${index} does not exist`;
    const lineWords = words(line.text);
    if (lineWords.length > MAX_ARTIFACT_LINE_WORDS) return `line ${index} is body text, not an artifact`;
    const inMargin = line.y < input.height * MARGIN || line.y > input.height * (1 - MARGIN);
    (inMargin ? dropped.margin : dropped.body).push(...lineWords);
    if (inMargin) dropped.marginText.push(line.text);
  }
  return dropped;
}

function sequenceEquals(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((word, i) => word === b[i]);
}

/** Splits a text after its first `count` words: [the words seen, the rest of the text]. */
function splitAfterWords(text: string, count: number): [string[], string] {
  const tokens = text.split(/(\s+)/);
  const seen: string[] = [];
  let i = 0;
  while (i < tokens.length && seen.length < count) {
    seen.push(...words(tokens[i]));
    i++;
  }
  return [seen, tokens.slice(i).join('').trim()];
}

/** The last `count` words of a block's inlines, as inlines (a paragraph's continuation onto the next page). */
function trailingInlines(inlines: Inline[], count: number): Inline[] {
  const out: Inline[] = [];
  let remaining = count;
  for (let i = inlines.length - 1; i >= 0 && remaining > 0; i--) {
    const tokens = inlines[i].text.split(/(\s+)/);
    let j = tokens.length;
    while (j > 0 && remaining > 0) {
      j--;
      remaining -= words(tokens[j]).length;
    }
    out.unshift({ ...inlines[i], text: tokens.slice(j).join('') });
  }
  return out;
}

interface Continuity {
  /** Words at the top of the page that belong to the previous page's last block. */
  head: string[];
  /** Inlines of this page's last heuristic block that are printed on the next page. */
  tail: Inline[];
  tailWords: number;
  /** Start of a word hyphenated across the page break ("rep"), printed whole in the tail. */
  fragment: string;
}

const PROBE_WORDS = 8;

function indexOfSequence(haystack: string[], needle: string[], from = 0): number {
  if (needle.length === 0) return -1;
  for (let i = from; i + needle.length <= haystack.length; i++) {
    if (needle.every((word, j) => haystack[i + j] === word)) return i;
  }
  return -1;
}

/** The longest n such that the last n words of `a` are the first n words of `b`. */
function overlap(a: string[], b: string[]): number {
  for (let n = Math.min(a.length, b.length); n > 0; n--) {
    const offset = a.length - n;
    let i = 0;
    while (i < n && a[offset + i] === b[i]) i++;
    if (i === n) return n;
  }
  return 0;
}

/** The top of the page held by `previous` (a paragraph continued here), or []. */
function continuedFrom(previous: Block, pageWords: string[]): string[] {
  const prevWords = words(blockText(previous));
  const n = overlap(prevWords, pageWords);
  if (n > 0) return pageWords.slice(0, n);
  // A word hyphenated across the page break: the page starts "ple of the", the block holds "example of the".
  const m = overlap(prevWords, pageWords.slice(1));
  if (m > 0 && prevWords[prevWords.length - m - 1]?.endsWith(pageWords[0])) return pageWords.slice(0, m + 1);
  const probe = pageWords.slice(0, PROBE_WORDS);
  for (let i = indexOfSequence(prevWords, probe); i >= 0; i = indexOfSequence(prevWords, probe, i + 1)) {
    if (sequenceEquals(prevWords.slice(i, i + pageWords.length), pageWords)) return pageWords;
  }
  return [];
}

/**
 * The top of the page that a block of an earlier page already holds (a paragraph continued here; footnotes
 * may sit between it and this page). Words this page's own first block starts with are not a continuation.
 */
function headOf(ctx: PageContext, pageWords: string[]): string[] {
  if (pageWords.length === 0) return [];
  const ownStart = ctx.heuristic.length ? words(blockText(ctx.heuristic[0])) : [];
  for (const previous of [...(ctx.previousBlocks ?? [])].reverse()) {
    if (previous.page >= ctx.input.page) continue;
    const head = continuedFrom(previous, pageWords);
    if (head.length > 0 && !sequenceEquals(ownStart.slice(0, head.length), head)) return head;
  }
  return [];
}

/** The part of this page's last heuristic block printed on the following page(s). */
function tailOf(
  ctx: PageContext,
  pageWords: string[],
): { inlines: Inline[]; count: number; fragment: string } {
  const last = ctx.heuristic.at(-1);
  const none = { inlines: [], count: 0, fragment: '' };
  if (!last || (last.kind !== 'paragraph' && last.kind !== 'list_item' && last.kind !== 'footnote'))
    return none;
  const lastWords = words(blockText(last));
  let end = overlap(pageWords, lastWords);
  let fragment = '';
  const lastLine = ctx.input.lines.at(-1)?.text.trimEnd() ?? '';
  if (end === 0 && /\p{L}[-\u00ad\u2010]$/u.test(lastLine)) {
    // The page ends inside a word hyphenated across the page break: "rep-" here, "representations" in the block.
    const m = overlap(pageWords.slice(0, -1), lastWords);
    const piece = pageWords.at(-1) ?? '';
    if (m > 0 && lastWords[m]?.startsWith(piece) && lastWords[m] !== piece) [end, fragment] = [m, piece];
  }
  if (end === 0 || end >= lastWords.length) return none;
  const tail = lastWords.slice(end);
  const printedNext = fragment ? [tail[0].slice(fragment.length), ...tail.slice(1)] : tail;
  const check = Math.min(PROBE_WORDS, printedNext.length, ctx.nextPageWords.length);
  if (check === 0 || !sequenceEquals(printedNext.slice(0, check), ctx.nextPageWords.slice(0, check)))
    return none;
  return { inlines: trailingInlines(last.inlines, tail.length), count: tail.length, fragment };
}

function continuity(ctx: PageContext, pageWords: string[]): Continuity {
  const tail = tailOf(ctx, pageWords);
  return { head: headOf(ctx, pageWords), tail: tail.inlines, tailWords: tail.count, fragment: tail.fragment };
}

/**
 * Where each block starts on the page: the y of the line holding its first words, looked for from the line where
 * the previous block started (blocks come in reading order), then anywhere; else the previous block's y.
 */
class Locator {
  private readonly lineWords: string[][];
  private cursor = 0;
  private y: number;

  constructor(private readonly input: PageInput) {
    this.lineWords = input.lines.map((line) => words(line.text));
    this.y = input.lines[0]?.y ?? 0;
  }

  private matches(i: number, first: string[]): boolean {
    const lw = this.lineWords[i];
    for (let j = 0; j < lw.length; j++) {
      if (lw[j] !== first[0]) continue;
      if (first.length === 1 || j + 1 >= lw.length || lw[j + 1] === first[1]) return true;
    }
    return false;
  }

  locate(text: string): number {
    const first = words(text).slice(0, 2);
    if (first.length === 0) return this.y;
    const n = this.lineWords.length;
    for (let k = 0; k < n; k++) {
      const i = (this.cursor + k) % n;
      if (this.matches(i, first)) {
        this.cursor = i;
        this.y = this.input.lines[i].y;
        return this.y;
      }
    }
    return this.y;
  }
}

function toBlock(block: ReadingBlock, bank: StyleBank, page: number, y: number): Block {
  const base = { id: '', page, y };
  switch (block.role) {
    case 'paragraph':
    case 'caption':
      return { ...base, kind: 'paragraph', inlines: styledInlines(block.text, bank) };
    case 'heading':
      return {
        ...base,
        kind: 'heading',
        level: block.level,
        text: block.text.trim(),
        inlines: styledInlines(block.text, bank),
      };
    case 'list_item':
      words(block.marker).forEach((w) => bank.take(w));
      return {
        ...base,
        kind: 'list_item',
        marker: block.marker,
        ordered: block.ordered,
        inlines: styledInlines(block.text, bank),
      };
    case 'code':
      return { ...base, kind: 'code', text: block.text };
    case 'table':
      return { ...base, kind: 'table', rows: block.rows, headerRow: block.header_row };
    case 'footnote':
      words(block.label).forEach((w) => bank.take(w));
      return { ...base, kind: 'footnote', label: block.label, inlines: styledInlines(block.text, bank) };
  }
}

type Built = { block: Block; caption: boolean };

/** Letters and digits only: compares texts whatever their spacing and line-end hyphens. */
function wordKey(text: string): string {
  return words(text).join('');
}

/**
 * Which built block becomes which figure's caption: first a block whose words are a figure's heuristic caption,
 * then the remaining AI captions to the nearest figure still free.
 */
function matchCaptions(built: Built[], figures: FigureBlock[]): Map<Block, FigureBlock> {
  const assigned = new Map<Block, FigureBlock>();
  const used = new Set<FigureBlock>();
  const captionKey = (f: FigureBlock) => (f.caption ? wordKey(inlineText(f.caption)) : '');
  for (const { block } of built) {
    if (block.kind !== 'paragraph') continue;
    const key = wordKey(blockText(block));
    const figure = figures.find((f) => !used.has(f) && key !== '' && captionKey(f) === key);
    if (figure) {
      assigned.set(block, figure);
      used.add(figure);
    }
  }
  for (const { block, caption } of built) {
    if (!caption || assigned.has(block) || block.kind !== 'paragraph') continue;
    const free = figures.filter((f) => !used.has(f));
    const nearest = free.sort((a, b) => Math.abs(a.y - block.y) - Math.abs(b.y - block.y))[0];
    if (nearest) {
      assigned.set(block, nearest);
      used.add(nearest);
    }
  }
  return assigned;
}

/** A figure keeps its heuristic caption unless the reading already prints that text elsewhere. */
function withoutRepeatedCaption(figure: FigureBlock, built: Built[]): FigureBlock {
  if (!figure.caption) return figure;
  const caption = wordKey(inlineText(figure.caption));
  const repeated = caption !== '' && built.some(({ block }) => wordKey(blockText(block)).includes(caption));
  return repeated ? { ...figure, caption: undefined } : figure;
}

/** Puts the page's figures back: as the holder of their caption block when there is one, else by position. */
function placeFigures(built: Built[], figures: FigureBlock[]): Block[] {
  const sorted = [...figures].sort((a, b) => a.y - b.y);
  const assigned = matchCaptions(built, sorted);
  const captioned = new Set(assigned.values());
  const out: Block[] = [];
  const placed = new Set<FigureBlock>();
  const place = (figure: FigureBlock, block?: Block) => {
    placed.add(figure);
    const caption = block?.kind === 'paragraph' ? block.inlines : undefined;
    out.push(caption ? { ...figure, caption } : withoutRepeatedCaption(figure, built));
  };
  for (const { block } of built) {
    for (const figure of sorted) {
      if (!placed.has(figure) && !captioned.has(figure) && figure.y <= block.y) place(figure);
    }
    const figure = assigned.get(block);
    if (figure) place(figure, block);
    else out.push(block);
  }
  for (const figure of sorted) if (!placed.has(figure)) place(figure);
  return out;
}

/** New blocks take the replaced blocks' ids in order (links keep working); ids of dropped blocks map to a kept one. */
function assignIds(
  blocks: Block[],
  heuristic: Block[],
  page: number,
  idsInUse: Set<string>,
): Map<string, string> {
  const oldIds = heuristic.filter((b) => b.kind !== 'figure').map((b) => b.id);
  const queue = [...oldIds];
  let minted = 0;
  for (const block of blocks) {
    if (block.kind === 'figure') continue;
    let id = queue.shift();
    while (id === undefined) {
      const candidate = `ai${page}x${minted++}`;
      if (!idsInUse.has(candidate)) id = candidate;
    }
    idsInUse.add(id);
    block.id = id;
  }
  const target = blocks.filter((b) => b.kind !== 'figure').at(-1)?.id;
  const idMap = new Map<string, string>();
  if (target) for (const id of queue) idMap.set(id, target);
  return idMap;
}

function wordsOf(blocks: Block[]): string[] {
  return blocks.flatMap((b) => words(blockText(b)));
}

/** The page's words in order, a word hyphenated at a line end counted once, joined ("exam-" + "ple" → "example"). */
function joinedWords(lines: string[]): string[] {
  const out: string[] = [];
  let pending = false;
  for (const line of lines) {
    const lineWords = words(line);
    if (pending && lineWords.length > 0 && out.length > 0)
      out.push(`${out.pop() ?? ''}${lineWords.shift() ?? ''}`);
    out.push(...lineWords);
    pending = /\p{L}[-\u00ad\u2010]$/u.test(line.trimEnd());
  }
  return out;
}

/** The reading's prose with line-end hyphenation undone the way the heuristics did it. */
function rejoin(block: ReadingBlock, bank: StyleBank): ReadingBlock {
  switch (block.role) {
    case 'code':
    case 'table':
      return block;
    default:
      return { ...block, text: bank.dehyphenate(block.text) };
  }
}

/** The page's reading as blocks, or why it was refused. `idsInUse` gains the ids it mints. */
export function applyReading(ctx: PageContext, reading: PageReading, idsInUse: Set<string>): ApplyResult {
  const { input } = ctx;
  const dropped = droppedWords(input, reading);
  if (typeof dropped === 'string') return { ok: false, reason: dropped };
  const lineTexts = input.lines.map((l) => l.text);
  const pairs = hyphenPairs(lineTexts);
  const pageWords = joinedWords(lineTexts);
  const keptLines = input.lines.filter((l) => !reading.artifact_lines.includes(l.index));
  const readingWords = reading.blocks.flatMap((b) => words(readingText(b)));
  const vsPage = compareWords(
    keptLines.flatMap((l) => words(l.text)),
    readingWords,
    pairs,
  );
  if (!withinTolerance(vsPage))
    return { ok: false, reason: `text differs from the page (+${vsPage.added}/-${vsPage.lost} words)` };

  const heuristicWords = wordsOf(ctx.heuristic);
  const bank = new StyleBank(ctx.heuristic, ctx.previousBlocks ?? []);
  const cont = continuity(ctx, joinedWords(lineTexts));
  const blocksIn = stripHead(
    reading.blocks.map((b) => rejoin(b, bank)),
    cont.head,
  );
  if (!blocksIn) return { ok: false, reason: 'paragraph continued from the previous page not at the top' };

  const locator = new Locator(input);
  let y = input.lines[0]?.y ?? 0;
  const built = blocksIn.map((b) => {
    y = locator.locate(readingText(b));
    return { block: toBlock(b, bank, input.page, y), caption: b.role === 'caption' };
  });
  appendTail(built, cont, input.page, y);
  const figures = ctx.heuristic.filter((b): b is FigureBlock => b.kind === 'figure');
  const blocks = placeFigures(built, figures);
  if (blocks.length === 0)
    return { ok: false, reason: 'nothing of its own on the page (continued paragraph)' };

  const onlyOnPage = minus(minus(multiset(pageWords), multiset(heuristicWords)), multiset(cont.head));
  if (mayDuplicatePrevious(ctx, pageWords, cont.head, onlyOnPage)) {
    return { ok: false, reason: 'the top of the page may repeat the previous page’s paragraph' };
  }
  if (losesCode(ctx.heuristic, blocks)) return { ok: false, reason: 'reading turns code into prose' };
  const tablesLost = countTables(ctx.heuristic) - countTables(blocks);
  if (tablesLost > 0)
    return { ok: false, reason: `reading loses ${tablesLost} table(s) the heuristics found` };
  if (brokenSentences(blocks) > brokenSentences(ctx.heuristic)) {
    return { ok: false, reason: 'reading breaks paragraphs mid-sentence' };
  }
  const verdict = finalCheck(heuristicWords, [...wordsOf(blocks), ...dropped.margin], pairs);
  if (verdict) return { ok: false, reason: verdict };
  const lostTokens = lostHeuristicTokens(ctx.heuristic, blocks, dropped.marginText, lineTexts);
  if (lostTokens.length > 0) {
    return {
      ok: false,
      reason: `reading loses word(s) the heuristics printed: ${lostTokens.slice(0, 3).join(', ')}`,
    };
  }
  const idMap = assignIds(blocks, ctx.heuristic, input.page, idsInUse);
  const firstOwn = blocks.find((b) => b.kind !== 'figure' && b.kind !== 'footnote');
  const lastOwn = [...blocks].reverse().find((b) => b.kind !== 'figure' && b.kind !== 'footnote');
  return {
    ok: true,
    blocks,
    idMap,
    // Joins the heuristics did not make: only when the reading says so and the words were not stitched already.
    joinPrevious:
      reading.continues_previous_page === true && cont.head.length === 0 && firstOwn?.kind === 'paragraph',
    joinNext:
      reading.continues_on_next_page === true && cont.tail.length === 0 && lastOwn?.kind === 'paragraph',
  };
}

/** Removes the continued paragraph's words from the top of the reading; undefined when they are not there. */
function stripHead(blocks: ReadingBlock[], head: string[]): ReadingBlock[] | undefined {
  const out = [...blocks];
  let done = 0;
  while (done < head.length) {
    const first = out[0];
    if (!first || first.role === 'table' || first.role === 'list_item' || first.role === 'footnote')
      return undefined;
    const [seen, rest] = splitAfterWords(first.text, head.length - done);
    if (!sequenceEquals(seen, head.slice(done, done + seen.length))) return undefined;
    done += seen.length;
    if (rest === '' || seen.length === 0) out.shift();
    else out[0] = { ...first, text: rest };
    if (seen.length === 0 && rest !== '') return undefined;
  }
  return out;
}

/** "… objects' rep-" → "… objects'" when the tail holds the whole word. */
function withoutTrailingFragment(text: string, fragment: string): string {
  const tokens = text.trimEnd().split(/(\s+)/);
  const lastToken = tokens.at(-1) ?? '';
  if (words(lastToken).join('') !== fragment) return text;
  return tokens.slice(0, -1).join('').trimEnd();
}

function appendTail(
  built: Array<{ block: Block; caption: boolean }>,
  cont: Continuity,
  page: number,
  y: number,
): void {
  if (cont.tail.length === 0) return;
  const last = built.at(-1)?.block;
  if (last && (last.kind === 'paragraph' || last.kind === 'list_item' || last.kind === 'footnote')) {
    const lastInline = last.inlines.at(-1);
    if (lastInline && cont.fragment)
      lastInline.text = withoutTrailingFragment(lastInline.text, cont.fragment);
    if (lastInline && !/\s$/.test(lastInline.text)) lastInline.text += ' ';
    last.inlines.push(...cont.tail);
  } else {
    built.push({ block: { id: '', page, y, kind: 'paragraph', inlines: cont.tail }, caption: false });
  }
}

/**
 * When the page's first words are missing from its heuristic blocks yet appear near the end of the previous
 * page's last block, and were not recognised as its continuation, a reading would print them twice.
 */
function mayDuplicatePrevious(
  ctx: PageContext,
  pageWords: string[],
  head: string[],
  recovered: Multiset,
): boolean {
  const previous = (ctx.previousBlocks ?? []).filter((b) => b.page < ctx.input.page);
  if (head.length > 0 || previous.length === 0) return false;
  const probe = pageWords.slice(0, 4).filter((w) => (recovered.get(w) ?? 0) > 0);
  if (probe.length < Math.min(2, pageWords.length)) return false;
  return previous.some((block) => {
    const tail = new Set(words(blockText(block)).slice(-80));
    return probe.every((w) => tail.has(w));
  });
}

/** Words as an independent judge counts them: runs of letters, digits and "_" (so "27th" is not "27 th"). */
function tokens(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}_]+/gu) ?? []
  );
}

/**
 * Words of the heuristic blocks (as tokens) the new blocks no longer hold, where the page prints them that way
 * (whole on a line, or split by a line-end hyphen): text recall can only stay or rise. A token the page does not
 * print (two words the heuristics glued together) may go.
 */
function lostHeuristicTokens(
  heuristic: Block[],
  blocks: Block[],
  margin: string[],
  lines: string[],
): string[] {
  const before = multiset(heuristic.flatMap((b) => tokens(blockText(b))));
  const after = multiset([...blocks.flatMap((b) => tokens(blockText(b))), ...margin.flatMap(tokens)]);
  const printed = new Set(lines.flatMap(tokens));
  for (let i = 0; i + 1 < lines.length; i++) {
    const left = tokens(lines[i]).at(-1);
    const right = tokens(lines[i + 1])[0];
    if (left && right && /[-\u00ad\u2010]$/.test(lines[i].trimEnd())) printed.add(left + right);
  }
  return [...minus(before, after).keys()].filter((token) => printed.has(token));
}

function characters(list: string[]): Multiset {
  return multiset(list.flatMap((word) => [...word]));
}

/**
 * Paragraph boundaries inside a sentence, counted as the judge counts them: consecutive paragraphs (any other
 * block in between is skipped) where the first ends in a letter, a comma or a hyphen and the next starts in
 * lower case. Headings count as paragraphs (the structure stage turns some back into paragraphs).
 */
export function brokenSentences(blocks: Block[]): number {
  let broken = 0;
  let previous: string | undefined;
  for (const block of blocks) {
    if (block.kind !== 'paragraph' && block.kind !== 'heading') continue;
    const text = inlineText(block.inlines).trim();
    if (!text) continue;
    if (previous !== undefined && isBrokenPair(previous, text)) broken++;
    previous = text;
  }
  return broken;
}

export function isBrokenPair(end: string, start: string): boolean {
  return /[A-Za-z,-]$/.test(end.trimEnd()) && /^\p{Ll}/u.test(start.trimStart());
}

function countTables(blocks: Block[]): number {
  return blocks.filter((b) => b.kind === 'table').length;
}

/** Code the heuristics recognised must stay code (its line breaks and indentation matter). */
function losesCode(heuristic: Block[], blocks: Block[]): boolean {
  const codeWords = (list: Block[]) =>
    multiset(list.filter((b) => b.kind === 'code').flatMap((b) => words(blockText(b))));
  const before = codeWords(heuristic);
  let total = 0;
  for (const count of before.values()) total += count;
  let lost = 0;
  for (const count of minus(before, codeWords(blocks)).values()) lost += count;
  return lost > Math.max(2, total * 0.1);
}

/**
 * Against the heuristic blocks (margin artifacts count as kept): at most 2 words or 0.5 % added or lost, and not
 * one letter or digit they printed missing, however the words are split.
 */
function finalCheck(
  heuristicWords: string[],
  kept: string[],
  pairs: Array<[string, string]>,
): string | undefined {
  const comparison = compareWords(heuristicWords, kept, pairs);
  if (!withinTolerance(comparison, FINAL_TOLERANCE)) {
    return `reading disagrees with the heuristic blocks (+${comparison.added}/-${comparison.lost} words)`;
  }
  const lostCharacters = size(minus(characters(heuristicWords), characters(kept)));
  if (lostCharacters > 0) return `reading loses ${lostCharacters} character(s) of the heuristic text`;
  return undefined;
}
