/** Title, authors, language, dates and a stable identifier, from the PDF's metadata with fallbacks. */
import { createHash } from 'node:crypto';
import type { BookMetadata } from '../model/book';
import type { Block } from '../model/content';
import type { DocumentMetadata } from '../model/layout';
import { guessLanguage, normalizeLanguageTag } from './language';
import { blockText, wordsOf } from './text';

const SAMPLE_WORDS = 20000;

/** Titles that are really file names or tool boilerplate ("Microsoft Word - x.doc", "untitled"). */
function cleanTitle(raw: string | undefined): string | null {
  const title = (raw ?? '')
    .replace(/^Microsoft (Word|PowerPoint) - /i, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!/\p{L}/u.test(title)) return null;
  if (/\.(pdf|docx?|odt|tex|dvi|indd|pptx?|rtf|txt|qxd)$/i.test(title)) return null;
  if (/^(untitled|no title|title|document\d*)$/i.test(title)) return null;
  return title;
}

function biggestHeading(blocks: readonly Block[]): Block | undefined {
  let best: Block | undefined;
  for (const block of blocks) {
    if (block.kind === 'heading' && (!best || (best.kind === 'heading' && block.level < best.level)))
      best = block;
  }
  return best;
}

/** The first page's biggest heading, else its first line of text, else an early heading. */
function titleFromText(blocks: readonly Block[]): string | null {
  const firstPage = blocks.filter((block) => block.page === blocks[0]?.page);
  const candidate =
    biggestHeading(firstPage) ??
    firstPage.find((block) => block.kind !== 'code' && wordsOf(blockText(block)).length >= 2) ??
    biggestHeading(blocks.filter((block) => block.page <= 2));
  const text = candidate ? blockText(candidate).replace(/\s+/g, ' ').trim() : '';
  return text && text.length <= 200 ? text : null;
}

function splitAuthors(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(/\s*(?:;|&|\band\b)\s*/)
    .map((name) => name.replace(/\s+/g, ' ').trim())
    .filter((name) => /\p{L}/u.test(name));
}

/** ISO date to the form OPF accepts (YYYY-MM-DDThh:mm:ssZ), or undefined when it does not parse. */
export function toW3cDate(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return undefined;
  const year = new Date(time).getUTCFullYear();
  if (year < 1000 || year > 9999) return undefined;
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** urn:uuid built from a SHA-256 of the book's text: the same PDF always gets the same identifier. */
export function contentIdentifier(blocks: readonly Block[], title: string): string {
  const hash = createHash('sha256');
  hash.update(title);
  for (const block of blocks) hash.update(`\u0000${blockText(block)}`);
  const hex = hash.digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function textSample(blocks: readonly Block[]): string[] {
  const sample: string[] = [];
  for (const block of blocks) {
    if (block.kind === 'code') continue;
    sample.push(...wordsOf(blockText(block)));
    if (sample.length >= SAMPLE_WORDS) break;
  }
  return sample;
}

export function buildMetadata(meta: DocumentMetadata, blocks: readonly Block[], now: Date): BookMetadata {
  const title = cleanTitle(meta.title) ?? titleFromText(blocks) ?? 'Untitled document';
  const authors = splitAuthors(meta.author);
  const language = normalizeLanguageTag(meta.language) ?? guessLanguage(textSample(blocks));
  const subject = meta.subject?.trim() || meta.keywords?.trim() || undefined;
  return {
    title,
    authors,
    language,
    identifier: contentIdentifier(blocks, title),
    subject,
    published: toW3cDate(meta.creationDate),
    modified: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}
