/** The cover: the first page's image when the book has one, otherwise a generated SVG title page. */
import type { BookMetadata } from '../model/book';
import { escapeAttr, escapeText, xhtmlHead, XHTML_TAIL } from './xml';

const WIDTH = 600;
const HEIGHT = 900;
const CHARS_PER_LINE = 22;

function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) lines.push(current);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = `${lines[maxLines - 1].slice(0, width - 1)}…`;
  }
  return lines;
}

function textLines(lines: readonly string[], y: number, size: number, weight: string): string {
  return lines
    .map(
      (line, i) =>
        `<text x="${WIDTH / 2}" y="${y + i * size * 1.25}" font-size="${size}" font-weight="${weight}" ` +
        `text-anchor="middle" font-family="serif" fill="#1d2b3a">${escapeText(line)}</text>`,
    )
    .join('\n');
}

export function generatedCoverSvg(meta: BookMetadata): string {
  const title = wrap(meta.title, CHARS_PER_LINE, 6);
  const authors = wrap(meta.authors.join(', '), CHARS_PER_LINE * 1.4, 3);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${WIDTH}" height="${HEIGHT}" ` +
    `viewBox="0 0 ${WIDTH} ${HEIGHT}">\n` +
    `<title>${escapeText(meta.title)}</title>\n` +
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#f3efe6"/>\n` +
    `<rect x="30" y="30" width="${WIDTH - 60}" height="${HEIGHT - 60}" fill="none" stroke="#1d2b3a" stroke-width="3"/>\n` +
    `${textLines(title, 300, 40, 'bold')}\n${textLines(authors, 720, 26, 'normal')}\n</svg>\n`
  );
}

export function coverXhtml(meta: BookMetadata, imageHref: string): string {
  return (
    xhtmlHead(meta.title, meta.language, 'cover') +
    `<section class="cover" epub:type="cover">\n` +
    `<img src="${escapeAttr(imageHref)}" alt="${escapeAttr(`Cover: ${meta.title}`)}"/>\n</section>\n` +
    XHTML_TAIL
  );
}
