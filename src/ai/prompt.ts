/** What the model is told. Changing the wording changes PROMPT_VERSION, which invalidates cached answers. */
import type { PageInput, ReadRequest } from './reading';

export const PROMPT_VERSION = 'reading-v2';

export const SYSTEM_PROMPT = [
  'You read pages of a PDF book (usually technical) and give their logical reading for a reflowable e-book.',
  'Each page comes as text lines with position (x, y from the top-left, width, in points), font size, font name,',
  'style flags and column, plus what a heuristic parser made of it. Answer with the record_reading JSON only.',
  'Rules:',
  '- Use ONLY text that is on the page; copy it verbatim (you may join hyphenated line ends and lines of one',
  '  paragraph). Never summarise, translate, correct or invent text. Every line must appear in exactly one block',
  '  or be listed in artifact_lines.',
  '- artifact_lines: indexes of running headers/footers, page numbers and debris (e.g. stray ligature glyphs).',
  '  Never list body text there.',
  '- Order blocks in reading order (columns top to bottom, left column first; side notes after their paragraph).',
  '- Roles: paragraph; heading (level 1 = chapter title, 2 = section, 3+ = subsections; judge by size and boldness',
  '  relative to the body size); list_item (marker as printed, ordered for numbers/letters); code (keep line',
  '  breaks as \\n and leading spaces); table (rows of cells, header_row when the first row holds column titles);',
  '  caption (figure/table captions); footnote (label as printed).',
  '- Paragraphs are whole: join all lines of a paragraph, also across columns. A paragraph that begins on an',
  '  earlier page or goes on after this page is given as the part printed here; then set continues_previous_page',
  '  (the first block is the rest of a paragraph begun before) or continues_on_next_page (the last block goes on).',
  '- A grid of cells (rows of aligned short texts) is a table, one string per cell; do not turn a table into text.',
  '- Give one entry in "pages" per page you were sent, with its page number.',
].join('\n');

function flags(line: PageInput['lines'][number]): string {
  return [line.bold ? 'b' : '', line.italic ? 'i' : '', line.monospace ? 'm' : ''].join('');
}

function renderPage(page: PageInput): string {
  const head = `## page ${page.page} (${Math.round(page.width)}x${Math.round(page.height)} pt, ${page.columns} column(s)${
    page.complexityReasons.length ? `, hard: ${page.complexityReasons.join(', ')}` : ''
  }${page.imageCount ? `, ${page.imageCount} image(s)` : ''})`;
  const lines = page.lines.map(
    (l) =>
      `L${l.index} x=${Math.round(l.x)} y=${Math.round(l.y)} w=${Math.round(l.w)} s=${l.size.toFixed(1)} ` +
      `f=${l.font}${flags(l) ? ` [${flags(l)}]` : ''} c=${l.column} | ${l.text}`,
  );
  const heuristic = page.heuristicReading.map((b) => `- ${b}`);
  return [head, 'lines:', ...lines, 'heuristic reading:', ...heuristic].join('\n');
}

export function renderUserPrompt(request: ReadRequest): string {
  const fonts = `Body text size: ${request.fonts.bodySize.toFixed(1)} pt; heading sizes: ${
    request.fonts.headingSizes.map((s) => s.toFixed(1)).join(', ') || 'none'
  }.`;
  return [fonts, ...request.pages.map(renderPage)].join('\n\n');
}

/** Rough token count (4 characters a token) to reserve budget before a call. */
export function estimateTokens(request: ReadRequest): number {
  const input = (SYSTEM_PROMPT.length + renderUserPrompt(request).length) / 4;
  const output =
    request.pages.reduce((sum, p) => sum + p.lines.reduce((s, l) => s + l.text.length, 0), 0) / 3;
  return Math.ceil(input + output + 200);
}
