/** The text of content blocks as a reader sees it; shared by the engine's stages and the AI pass. */
import type { Block, Inline } from './model/content';

export function inlineText(inlines: readonly Inline[]): string {
  return inlines.map((inline) => inline.text).join('');
}

/** All the text a block shows, markers and labels included. */
export function blockText(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return inlineText(block.inlines);
    case 'heading':
      return inlineText(block.inlines) || block.text;
    case 'list_item':
      return `${block.marker} ${inlineText(block.inlines)}`;
    case 'code':
      return block.text;
    case 'table':
      return block.rows.map((row) => row.join(' ')).join('\n');
    case 'figure':
      return block.caption ? inlineText(block.caption) : '';
    case 'footnote':
      return `${block.label} ${inlineText(block.inlines)}`;
  }
}
