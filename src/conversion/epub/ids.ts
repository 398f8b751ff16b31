/** Stable, unique XML ids for every block, and where each block lives (for internal links). */
import type { Chapter } from '../model/book';
import { isXmlId, toXmlId } from './xml';

export function chapterFile(chapterId: string): string {
  return `${toXmlId(chapterId)}.xhtml`;
}

export class IdMap {
  private readonly ids = new Map<string, string>();
  private readonly files = new Map<string, string>();

  constructor(chapters: readonly Chapter[]) {
    const used = new Set<string>();
    for (const chapter of chapters) {
      const file = chapterFile(chapter.id);
      for (const block of chapter.blocks) {
        if (this.ids.has(block.id)) continue;
        let id = isXmlId(block.id) ? block.id : toXmlId(block.id);
        for (let n = 2; used.has(id); n++) id = `${toXmlId(block.id)}_${n}`;
        used.add(id);
        this.ids.set(block.id, id);
        this.files.set(block.id, file);
      }
    }
  }

  /** The XML id of a block (only the first block with a given source id gets it). */
  idOf(blockId: string): string | undefined {
    return this.ids.get(blockId);
  }

  /** "ch004.xhtml#b123" for a block, or null when no such block was written. */
  hrefOf(blockId: string): string | null {
    const id = this.ids.get(blockId);
    const file = this.files.get(blockId);
    return id && file ? `${file}#${id}` : null;
  }
}
