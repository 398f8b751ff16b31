/** identify_structure's artifact: the book as chapters and a table of contents. */
import type { Block } from './content';

export interface BookMetadata {
  title: string;
  authors: string[];
  language: string;
  /** A stable identifier (urn:uuid:...). */
  identifier: string;
  subject?: string;
  description?: string;
  publisher?: string;
  /** ISO-8601 dates. */
  published?: string;
  modified: string;
}

export interface Chapter {
  /** Stable id, also the content document's base name (e.g. "ch003"). */
  id: string;
  title: string;
  blocks: Block[];
}

export interface TocEntry {
  title: string;
  chapterId: string;
  /** Id of the block (usually the heading) the entry points at; undefined = top of the chapter. */
  anchorId?: string;
  children: TocEntry[];
}

export interface BookStructure {
  version: 1;
  metadata: BookMetadata;
  chapters: Chapter[];
  toc: TocEntry[];
  /** "outline" when the PDF outline gave the TOC, "headings" when it came from detected headings, "pages" as a last resort. */
  tocSource: 'outline' | 'headings' | 'pages';
  /** Asset name of the cover image, if one was chosen. */
  coverAsset?: string;
}
