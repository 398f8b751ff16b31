/** identify_structure: chapters, heading levels, table of contents and metadata. */
import { throwIfAborted } from '../errors';
import type { BookStructure } from '../model/book';
import type { Block } from '../model/content';
import type { LayoutArtifact } from '../model/layout';
import type { IdentifyStructure, StageContext } from '../stages';
import { BlockList } from './block-list';
import { planChapters, tocFromHeadings, tocFromPages, type TocNode } from './chapters';
import { chooseCoverAsset } from './cover';
import { detectHeadings, levelUnlistedHeadings } from './headings';
import { buildMetadata } from './metadata';
import { flattenOutline, OutlineAnchorer, type Anchor, type FlatEntry } from './outline-anchors';

interface Outcome {
  blocks: Block[];
  toc: TocNode[];
  source: BookStructure['tocSource'];
}

function treeFromFlat(
  flat: readonly FlatEntry[],
  anchors: readonly Anchor[],
  resolve: (id: string) => string,
) {
  const nodes: TocNode[] = flat.map((entry, i) => {
    const blockId = anchors[i].blockId;
    return { title: entry.title, blockId: blockId === null ? null : resolve(blockId), children: [] };
  });
  const roots: TocNode[] = [];
  flat.forEach((entry, i) => (entry.parent >= 0 ? nodes[entry.parent].children : roots).push(nodes[i]));
  return roots;
}

function fromOutline(layout: LayoutArtifact, blocks: Block[], ctx: StageContext): Outcome {
  const flat = flattenOutline(layout.outline).filter((entry) => entry.title.length > 0);
  const list = new BlockList(blocks);
  const anchorer = new OutlineAnchorer(
    list,
    (page) => layout.pages[page]?.height ?? 792,
    (page) => layout.pages[page]?.lines.filter((l) => l.artifact === 'header').map((l) => l.text) ?? [],
  );
  const anchors = anchorer.anchorAll(flat);
  const unmatched = anchors.filter((anchor) => !anchor.matched).length;
  if (unmatched > 0) {
    ctx.warn?.(`${unmatched} of ${flat.length} outline entries were not found in the text; placed nearby.`);
  }
  const levelled = levelUnlistedHeadings(list.blocks, anchorer.headingDepth);
  return {
    blocks: levelled,
    toc: treeFromFlat(flat, anchors, (id) => anchorer.resolve(id)),
    source: 'outline',
  };
}

function fromHeadings(blocks: Block[]): Outcome {
  const detected = detectHeadings(blocks);
  const toc = tocFromHeadings(detected);
  if (toc.length > 0) return { blocks: detected, toc, source: 'headings' };
  return { blocks: detected, toc: tocFromPages(detected), source: 'pages' };
}

export const identifyStructure: IdentifyStructure = async (layout, content, ctx) => {
  throwIfAborted(ctx.signal);
  const blocks: Block[] = structuredClone(content.blocks);
  const hasOutline = layout.outline.length > 0 && blocks.length > 0;
  const outcome = hasOutline ? fromOutline(layout, blocks, ctx) : fromHeadings(blocks);
  throwIfAborted(ctx.signal);
  const metadata = buildMetadata(layout.metadata, outcome.blocks, new Date());
  const plan = planChapters(outcome.blocks, outcome.toc, metadata.title);
  ctx.onProgress?.(1);
  return {
    version: 1,
    metadata,
    chapters: plan.chapters,
    toc: plan.toc,
    tocSource: outcome.source,
    coverAsset: chooseCoverAsset(outcome.blocks),
  };
};
