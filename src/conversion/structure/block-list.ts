/**
 * The book's blocks while structure is being decided: lookups by id and by page, replacement of a block.
 * Anchoring a long book's outline replaces a block for almost every entry; the lookups are rebuilt only when
 * asked for after a change (a 1000-page book has ~20,000 blocks and ~2,000 entries).
 */
import type { Block } from '../model/content';

/** How far from the hint indexOf looks before it falls back to the full index. */
const HINT_REACH = 3;

export class BlockList {
  private byId = new Map<string, number>();
  private byPage = new Map<number, number[]>();
  /** Every id a block has had: ids of removed blocks stay taken (a new id never repeats an old one). */
  private readonly ids = new Set<string>();
  private stale = true;
  /** Blocks in page order (as extract writes them): a page's blocks are then found by binary search. */
  private pageOrdered: boolean;

  constructor(public blocks: Block[]) {
    for (const block of blocks) this.ids.add(block.id);
    this.pageOrdered = blocks.every((block, i) => i === 0 || blocks[i - 1].page <= block.page);
  }

  /** First index whose page is at least `page` (blocks in page order). */
  private firstOnOrAfter(page: number): number {
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.blocks[mid].page < page) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private index(): void {
    if (!this.stale) return;
    this.byId.clear();
    this.byPage.clear();
    this.blocks.forEach((block, index) => {
      this.byId.set(block.id, index);
      const list = this.byPage.get(block.page);
      if (list) list.push(index);
      else this.byPage.set(block.page, [index]);
    });
    this.stale = false;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Index of the block with this id (-1 if none); `near`, where it is likely to be, spares a full reindex. */
  indexOf(id: string, near?: number): number {
    if (near !== undefined) {
      const from = Math.max(0, near - HINT_REACH);
      const to = Math.min(this.blocks.length - 1, near + HINT_REACH);
      for (let i = from; i <= to; i++) if (this.blocks[i].id === id) return i;
    }
    this.index();
    return this.byId.get(id) ?? -1;
  }

  onPage(page: number): number[] {
    if (this.pageOrdered) {
      const out: number[] = [];
      for (let i = this.firstOnOrAfter(page); i < this.blocks.length && this.blocks[i].page === page; i++)
        out.push(i);
      return out;
    }
    this.index();
    return this.byPage.get(page) ?? [];
  }

  /** Replaces blocks [index, index + count) with `replacement`. */
  replace(index: number, count: number, replacement: Block[]): void {
    for (const block of replacement) this.ids.add(block.id);
    const samePlace =
      count === 1 && replacement.length === 1 && replacement[0].page === this.blocks[index].page;
    if (samePlace) {
      if (!this.stale) {
        this.byId.delete(this.blocks[index].id);
        this.byId.set(replacement[0].id, index);
      }
      this.blocks[index] = replacement[0];
      return;
    }
    this.blocks.splice(index, count, ...replacement);
    this.stale = true;
    if (this.pageOrdered) this.pageOrdered = this.inPageOrder(index - 1, index + replacement.length);
  }

  private inPageOrder(from: number, to: number): boolean {
    for (let i = Math.max(1, from); i <= Math.min(to, this.blocks.length - 1); i++)
      if (this.blocks[i - 1].page > this.blocks[i].page) return false;
    return true;
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
