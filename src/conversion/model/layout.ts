/**
 * analyze_layout's artifact: what each page holds, where, in which font.
 * Coordinates are PDF points with the origin at the page's top-left corner (y grows downwards).
 */
import type { AssetRef } from './content';
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface FontInfo {
  /** pdf.js's loaded font id (e.g. "g_d0_f3"); only a key, says nothing about the font. */
  id: string;
  /** The real font name from the PDF (subset prefix removed), e.g. "CMTT10", "Helvetica-Bold". */
  name: string;
  bold: boolean;
  italic: boolean;
  monospace: boolean;
}

export interface TextSpan {
  text: string;
  box: Box;
  fontId: string;
  size: number;
}

export interface Line {
  text: string;
  box: Box;
  spans: TextSpan[];
  /** Dominant font of the line (by character count). */
  fontId: string;
  size: number;
  bold: boolean;
  italic: boolean;
  monospace: boolean;
  /** Column index (0-based) the line belongs to; 0 on single-column pages. */
  column: number;
  /** Set when the line is a running header, footer or page number to be dropped. */
  artifact?: 'header' | 'footer' | 'page_number';
}

export interface ImageRef {
  /** Stable name of the image within the document (same image on several pages → same name). */
  name: string;
  box: Box;
  /** Intrinsic pixel size. */
  width: number;
  height: number;
  /** The encoded picture in the job's assets; absent for decoration and images that could not be encoded. */
  asset?: AssetRef;
}

export interface LinkRef {
  box: Box;
  /** External target (http, https, mailto only — anything else is dropped). */
  url?: string;
  /** Internal target: page index and y (top-left origin) when known. */
  destPage?: number;
  destY?: number;
}

export interface PageComplexity {
  complex: boolean;
  /** Why, e.g. "multi_column", "table_grid", "formula", "images", "garbled_text", "image_only". */
  reasons: string[];
}

export interface PageLayout {
  /** 0-based page index. */
  index: number;
  width: number;
  height: number;
  /** Lines in reading order (columns resolved). */
  lines: Line[];
  columns: number;
  images: ImageRef[];
  links: LinkRef[];
  complexity: PageComplexity;
  /** Areas where vector drawings and pictures cluster (diagrams); text inside them is a figure's labels. */
  figureRegions?: Box[];
}

export interface OutlineEntry {
  title: string;
  /** 0-based page index the entry points at, null when it cannot be resolved. */
  pageIndex: number | null;
  /** y (top-left origin) of the destination on that page, null when the destination has none. */
  y: number | null;
  children: OutlineEntry[];
}

export interface DocumentMetadata {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string;
  language?: string;
  creator?: string;
  producer?: string;
  /** ISO-8601 strings. */
  creationDate?: string;
  modificationDate?: string;
}

export interface FontStatistics {
  /** Most common text size (by characters) — the body text size. */
  bodySize: number;
  /** Sizes larger than the body, largest first, that look like heading sizes. */
  headingSizes: number[];
  /** Font ids whose real name is monospace. */
  monospaceFontIds: string[];
}

export interface LayoutArtifact {
  version: 1;
  pageCount: number;
  pages: PageLayout[];
  fonts: Record<string, FontInfo>;
  fontStats: FontStatistics;
  outline: OutlineEntry[];
  metadata: DocumentMetadata;
  /** Masked (digits → #) texts recognised as running headers/footers. */
  runningPatterns: string[];
}
