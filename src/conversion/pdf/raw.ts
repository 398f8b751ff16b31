/** What one page's parse yields (in a worker or in-thread), before any layout analysis. */
import type { FontInfo } from '../model/layout';

/** A run of glyphs on one baseline in one font, with no word gap inside. Top-left origin, PDF points. */
export interface RawSpan {
  text: string;
  x: number;
  /** Top of the box (baseline - size * ascent). */
  y: number;
  w: number;
  h: number;
  /** Baseline y. */
  base: number;
  size: number;
  fontId: string;
  /** An explicit space glyph preceded this span. */
  spaceBefore?: boolean;
}

/** A picture encoded for the book (see image-encode.ts). */
export interface EncodedImage {
  bytes: Uint8Array;
  mediaType: 'image/png' | 'image/jpeg';
}

export interface RawImage {
  /** Stable within a document: derived from the decoded pixels (same picture → same name). */
  name: string;
  /** Index of this image among the page's image paints (to find it again). */
  seq: number;
  objId: string;
  x: number;
  y: number;
  w: number;
  h: number;
  width: number;
  height: number;
  /** The picture's bytes, on the first page (per parsing thread) where it is painted; absent for decoration. */
  encoded?: EncodedImage;
}

export interface RawLink {
  x: number;
  y: number;
  w: number;
  h: number;
  url?: string;
  destPage?: number;
  /** Destination point in the target page's PDF user space (converted once all pages are known). */
  destUserX?: number;
  destUserY?: number;
}

export interface RawPage {
  index: number;
  width: number;
  height: number;
  /** pdf.js viewport transform: PDF user space → top-left page space. */
  transform: number[];
  spans: RawSpan[];
  images: RawImage[];
  links: RawLink[];
  /** Count of rotated (non-horizontal) characters skipped. */
  rotatedChars: number;
  /** Counts of vector drawing operations (rules and boxes: a hint for tables and diagrams). */
  paths: number;
  /** Bounding boxes of painted vector paths, flattened [x, y, w, h, x, y, w, h, ...] (top-left origin). */
  drawings: number[];
  fonts: FontInfo[];
  /** Set when the page could not be read (the rest of the document still converts). */
  error?: string;
}

/** The stand-in for a page pdf.js could not parse: no content, the error kept for the layout's warnings. */
export function failedPage(index: number, message: string): RawPage {
  return {
    index,
    width: 612,
    height: 792,
    transform: [1, 0, 0, -1, 0, 792],
    spans: [],
    images: [],
    links: [],
    rotatedChars: 0,
    paths: 0,
    drawings: [],
    fonts: [],
    error: message,
  };
}
