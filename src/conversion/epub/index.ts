/**
 * generate_epub: writes the EPUB 3 package itself (see README.md, "The conversion engine" for why not epub-gen-memory):
 * one XHTML document per chapter, nested nav + NCX, cover, stylesheet, images, accessibility metadata.
 */
import { throwIfAborted } from '../errors';
import type { BookStructure } from '../model/book';
import type { GenerateEpub } from '../stages';
import { coverXhtml, generatedCoverSvg } from './cover';
import { chapterFile, IdMap } from './ids';
import { loadImages, type BookImage } from './images';
import { navItems, renderNav, renderNcx, type Landmark, type NavItem } from './nav';
import { CONTAINER_XML, renderOpf, type ManifestItem } from './opf';
import { STYLESHEET } from './styles';
import { renderChapter } from './xhtml';
import { toXmlId } from './xml';
import { zipEpub, type PackageFile } from './zip';

const XHTML = 'application/xhtml+xml';

function bookNav(book: BookStructure, ids: IdMap): NavItem[] {
  const titles = new Map(book.chapters.map((chapter) => [chapter.id, chapter.title]));
  const items = navItems(book.toc, ids, (id) => titles.get(id) ?? book.metadata.title);
  if (items.length > 0 || book.chapters.length === 0) return items;
  return book.chapters.map((chapter) => ({
    title: chapter.title.trim() || book.metadata.title,
    href: chapterFile(chapter.id),
    children: [],
  }));
}

interface CoverParts {
  files: PackageFile[];
  manifest: ManifestItem[];
  coverImageId: string;
}

function coverParts(book: BookStructure, images: Map<string, BookImage>): CoverParts {
  const image = book.coverAsset ? images.get(book.coverAsset) : undefined;
  if (image) {
    return {
      files: [{ path: 'OEBPS/cover.xhtml', data: coverXhtml(book.metadata, image.href) }],
      manifest: [{ id: 'cover', href: 'cover.xhtml', mediaType: XHTML }],
      coverImageId: image.id,
    };
  }
  return {
    files: [
      { path: 'OEBPS/images/cover.svg', data: generatedCoverSvg(book.metadata) },
      { path: 'OEBPS/cover.xhtml', data: coverXhtml(book.metadata, 'images/cover.svg') },
    ],
    manifest: [
      { id: 'cover-image', href: 'images/cover.svg', mediaType: 'image/svg+xml', properties: 'cover-image' },
      { id: 'cover', href: 'cover.xhtml', mediaType: XHTML },
    ],
    coverImageId: 'cover-image',
  };
}

export const generateEpub: GenerateEpub = async (book, ctx) => {
  throwIfAborted(ctx.signal);
  const warn = ctx.warn ?? (() => undefined);
  const meta = book.metadata;
  const ids = new IdMap(book.chapters);
  const images = await loadImages(book, ctx.assets, warn);
  const render = {
    ids,
    imageHref: (name: string) => images.get(name)?.href ?? null,
    language: meta.language,
    bookTitle: meta.title,
  };
  const files: PackageFile[] = [{ path: 'META-INF/container.xml', data: CONTAINER_XML }];
  const chapterItems: ManifestItem[] = [];
  book.chapters.forEach((chapter, i) => {
    throwIfAborted(ctx.signal);
    const href = chapterFile(chapter.id);
    files.push({ path: `OEBPS/${href}`, data: renderChapter(chapter, render) });
    chapterItems.push({ id: toXmlId(`c-${chapter.id}`), href, mediaType: XHTML });
    ctx.onProgress?.((0.8 * (i + 1)) / book.chapters.length);
  });
  const nav = bookNav(book, ids);
  const cover = coverParts(book, images);
  const firstContent = nav[0]?.href.split('#')[0] ?? chapterItems[0]?.href ?? 'cover.xhtml';
  const landmarks: Landmark[] = [
    { type: 'cover', title: 'Cover', href: 'cover.xhtml' },
    { type: 'toc', title: 'Contents', href: 'nav.xhtml#toc' },
    { type: 'bodymatter', title: 'Start of content', href: firstContent },
  ];
  files.push(
    { path: 'OEBPS/nav.xhtml', data: renderNav(nav, landmarks, meta) },
    { path: 'OEBPS/toc.ncx', data: renderNcx(nav, meta) },
    { path: 'OEBPS/style.css', data: STYLESHEET },
    ...cover.files,
  );
  const imageFiles = [...new Set(images.values())];
  const imageItems: ManifestItem[] = imageFiles.map((image) => ({
    id: image.id,
    href: image.href,
    mediaType: image.mediaType,
    properties: image.id === cover.coverImageId ? 'cover-image' : undefined,
  }));
  for (const image of imageFiles) files.push({ path: `OEBPS/${image.href}`, data: image.data, store: true });
  const manifest: ManifestItem[] = [
    { id: 'nav', href: 'nav.xhtml', mediaType: XHTML, properties: 'nav' },
    { id: 'ncx', href: 'toc.ncx', mediaType: 'application/x-dtbncx+xml' },
    { id: 'css', href: 'style.css', mediaType: 'text/css' },
    ...cover.manifest,
    ...chapterItems,
    ...imageItems,
  ];
  const hasImages = images.size > 0;
  const opf = renderOpf({
    meta,
    manifest,
    spine: ['cover', 'nav', ...chapterItems.map((item) => item.id)],
    hasImages,
    hasAltText: [...book.chapters].some((c) =>
      c.blocks.some((b) => b.kind === 'figure' && b.alt.trim() !== ''),
    ),
    coverImageId: cover.coverImageId,
  });
  files.splice(1, 0, { path: 'OEBPS/content.opf', data: opf });
  const modified = new Date(meta.modified);
  const epub = zipEpub(files, Number.isNaN(modified.getTime()) ? new Date() : modified);
  ctx.onProgress?.(1);
  return epub;
};
