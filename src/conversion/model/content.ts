/** extract_content's artifact: the document as ordered, typed blocks. */

export interface Inline {
  text: string;
  bold?: boolean;
  italic?: boolean;
  monospace?: boolean;
  /** External link (http/https/mailto) or internal "#block-id". */
  href?: string;
}

interface BlockBase {
  /** Stable unique id, usable as an XHTML id (e.g. "b123"). */
  id: string;
  /** Page (0-based) where the block starts, and y (top-left origin) of its first line. */
  page: number;
  y: number;
}

export interface ParagraphBlock extends BlockBase {
  kind: 'paragraph';
  inlines: Inline[];
}

export interface HeadingBlock extends BlockBase {
  kind: 'heading';
  /** 1 = largest. A candidate: identify_structure decides the final level. */
  level: number;
  text: string;
  inlines: Inline[];
}

export interface ListItemBlock extends BlockBase {
  kind: 'list_item';
  marker: string;
  ordered: boolean;
  inlines: Inline[];
}

export interface CodeBlock extends BlockBase {
  kind: 'code';
  /** Line breaks and indentation kept. */
  text: string;
}

export interface TableBlock extends BlockBase {
  kind: 'table';
  /** rows[r][c] — first row may be a header row. */
  rows: string[][];
  headerRow: boolean;
}

export interface AssetRef {
  /** File name within the job's assets (e.g. "img-0007.png"). */
  name: string;
  mediaType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
}

export interface FigureBlock extends BlockBase {
  kind: 'figure';
  image: AssetRef;
  caption?: Inline[];
  alt: string;
  /**
   * A horizontal rule drawn as a picture (a long strip a point or two high): shown as a separator, without
   * caption or alt text; widthPercent is its share of the text width when clearly less than all of it.
   */
  rule?: { widthPercent?: number };
}

export interface FootnoteBlock extends BlockBase {
  kind: 'footnote';
  label: string;
  inlines: Inline[];
}

export type Block =
  ParagraphBlock | HeadingBlock | ListItemBlock | CodeBlock | TableBlock | FigureBlock | FootnoteBlock;

export interface ContentArtifact {
  version: 1;
  blocks: Block[];
  /** All images written to the asset store. */
  assets: AssetRef[];
  stats: {
    pages: number;
    blocks: number;
    words: number;
    /** Pages that yielded no text at all (image-only / need OCR). */
    emptyPages: number[];
  };
}
