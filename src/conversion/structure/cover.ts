/** The cover: the largest image on the first page, when there is one. */
import type { Block } from '../model/content';

export function chooseCoverAsset(blocks: readonly Block[]): string | undefined {
  let best: { name: string; area: number } | undefined;
  for (const block of blocks) {
    if (block.page > 0) break;
    if (block.kind !== 'figure' || block.rule) continue;
    const area = block.image.width * block.image.height;
    if (!best || area > best.area) best = { name: block.image.name, area };
  }
  return best?.name;
}
