/** The book's blocks while structure is being decided: lookups by id and by page, replacement of a block. */
import type { Block } from '../model/content';

export class BlockList {
  private byId = new Map<string, number>();
  private byPage = new Map<number, number[]>();

  constructor(public blocks: Block[]) {
    this.reindex();
  }

  private reindex(): void {
    this.byId.clear();
    this.byPage.clear();
    this.blocks.forEach((block, index) => {
      this.byId.set(block.id, index);
      const list = this.byPage.get(block.page);
      if (list) list.push(index);
      else this.byPage.set(block.page, [index]);
    });
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  indexOf(id: string): number {
    return this.byId.get(id) ?? -1;
  }

  onPage(page: number): number[] {
    return this.byPage.get(page) ?? [];
  }

  /** Replaces blocks [index, index + count) with `replacement`. */
  replace(index: number, count: number, replacement: Block[]): void {
    const samePlace =
      count === 1 && replacement.length === 1 && replacement[0].page === this.blocks[index].page;
    if (samePlace) {
      this.byId.delete(this.blocks[index].id);
      this.blocks[index] = replacement[0];
      this.byId.set(replacement[0].id, index);
      return;
    }
    this.blocks.splice(index, count, ...replacement);
    this.reindex();
  }

  /** Index of the block nearest to (page, y): the first one at or below y on that page, else the next one. */
  closestTo(page: number, y: number | null): number {
    const onPage = this.onPage(page);
    const below = onPage.find((index) => y === null || this.blocks[index].y >= y - 2);
    if (below !== undefined) return below;
    if (onPage.length > 0) return onPage[onPage.length - 1];
    const next = this.blocks.findIndex((block) => block.page > page);
    return next >= 0 ? next : this.blocks.length - 1;
  }
}
