/** The navigation document (nested TOC + landmarks) and the NCX for EPUB 2 reading systems. */
import type { BookMetadata, TocEntry } from '../model/book';
import { chapterFile, type IdMap } from './ids';
import { escapeAttr, escapeText, xhtmlHead, XHTML_TAIL } from './xml';

export interface NavItem {
  title: string;
  href: string;
  children: NavItem[];
}

/** Resolves TOC entries to hrefs; entries without any usable title get the chapter's. */
export function navItems(
  toc: readonly TocEntry[],
  ids: IdMap,
  fallbackTitle: (chapterId: string) => string,
): NavItem[] {
  return toc.map((entry) => {
    const anchored = entry.anchorId ? ids.hrefOf(entry.anchorId) : null;
    const title = entry.title.replace(/\s+/g, ' ').trim() || fallbackTitle(entry.chapterId);
    return {
      title,
      href: anchored ?? chapterFile(entry.chapterId),
      children: navItems(entry.children, ids, fallbackTitle),
    };
  });
}

function navList(items: readonly NavItem[], indent: string): string {
  const lis = items.map((item) => {
    const link = `<a href="${escapeAttr(item.href)}">${escapeText(item.title)}</a>`;
    const nested = item.children.length > 0 ? `\n${navList(item.children, `${indent}  `)}\n${indent}` : '';
    return `${indent}<li>${link}${nested}</li>`;
  });
  return `${indent}<ol>\n${lis.join('\n')}\n${indent}</ol>`;
}

export interface Landmark {
  type: 'cover' | 'toc' | 'bodymatter';
  title: string;
  href: string;
}

export function renderNav(
  items: readonly NavItem[],
  landmarks: readonly Landmark[],
  meta: BookMetadata,
): string {
  const marks = landmarks
    .map(
      (mark) =>
        `    <li><a epub:type="${mark.type}" href="${escapeAttr(mark.href)}">${escapeText(mark.title)}</a></li>`,
    )
    .join('\n');
  return (
    xhtmlHead(meta.title, meta.language) +
    '<nav epub:type="toc" id="toc" role="doc-toc">\n<h1>Contents</h1>\n' +
    `${navList(items, '')}\n</nav>\n` +
    '<nav epub:type="landmarks" id="landmarks" hidden="hidden">\n<h2>Landmarks</h2>\n' +
    `  <ol>\n${marks}\n  </ol>\n</nav>\n` +
    XHTML_TAIL
  );
}

function depthOf(items: readonly NavItem[]): number {
  return items.reduce((max, item) => Math.max(max, 1 + depthOf(item.children)), 0);
}

/** NCX: every navPoint that targets the same place shares one playOrder, as the NCX spec requires. */
export function renderNcx(items: readonly NavItem[], meta: BookMetadata): string {
  const order = new Map<string, number>();
  let counter = 0;
  const points = (list: readonly NavItem[], indent: string): string =>
    list
      .map((item) => {
        if (!order.has(item.href)) order.set(item.href, order.size + 1);
        const id = `np${++counter}`;
        const children = item.children.length > 0 ? `\n${points(item.children, `${indent}  `)}` : '';
        return (
          `${indent}<navPoint id="${id}" playOrder="${order.get(item.href)}">` +
          `<navLabel><text>${escapeText(item.title)}</text></navLabel>` +
          `<content src="${escapeAttr(item.href)}"/>${children}\n${indent}</navPoint>`
        );
      })
      .join('\n');
  const navMap = points(items, '  ');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" xml:lang="${escapeAttr(meta.language)}">\n` +
    '<head>\n' +
    `<meta name="dtb:uid" content="${escapeAttr(meta.identifier)}"/>\n` +
    `<meta name="dtb:depth" content="${Math.max(1, depthOf(items))}"/>\n` +
    '<meta name="dtb:totalPageCount" content="0"/>\n<meta name="dtb:maxPageNumber" content="0"/>\n' +
    '</head>\n' +
    `<docTitle><text>${escapeText(meta.title)}</text></docTitle>\n` +
    `<navMap>\n${navMap}\n</navMap>\n</ncx>\n`
  );
}
