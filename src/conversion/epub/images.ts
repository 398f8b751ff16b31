/** Images the book uses, read from the asset store and checked (type from the bytes, not the name). */
import { createHash } from 'node:crypto';
import type { AssetStore } from '../assets';
import type { BookStructure } from '../model/book';
import { toXmlId } from './xml';

export interface BookImage {
  assetName: string;
  id: string;
  href: string;
  mediaType: 'image/png' | 'image/jpeg';
  data: Uint8Array;
}

export function sniffImageType(data: Uint8Array): 'image/png' | 'image/jpeg' | null {
  if (data.length > 8 && data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) {
    return 'image/png';
  }
  if (data.length > 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  return null;
}

function referencedAssets(book: BookStructure): string[] {
  const names = new Set<string>();
  if (book.coverAsset) names.add(book.coverAsset);
  for (const chapter of book.chapters) {
    for (const block of chapter.blocks) if (block.kind === 'figure') names.add(block.image.name);
  }
  return [...names];
}

function fileName(assetName: string, mediaType: BookImage['mediaType']): string {
  const base = assetName.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/\.[A-Za-z0-9]+$/, '');
  return `${base}.${mediaType === 'image/png' ? 'png' : 'jpg'}`;
}

/**
 * Loads every referenced image; missing or unreadable ones are reported and left out. Assets with the same
 * bytes (a rule or an icon the PDF embeds anew at each use) share one file: their names map to one BookImage.
 */
export async function loadImages(
  book: BookStructure,
  assets: AssetStore,
  warn: (message: string) => void,
): Promise<Map<string, BookImage>> {
  const images = new Map<string, BookImage>();
  const usedFiles = new Set<string>();
  const byContent = new Map<string, BookImage>();
  for (const name of referencedAssets(book)) {
    let data: Uint8Array;
    try {
      data = await assets.get(name);
    } catch {
      warn(`Image ${name} is missing from the assets; left out.`);
      continue;
    }
    const mediaType = sniffImageType(data);
    if (!mediaType) {
      warn(`Image ${name} is neither PNG nor JPEG; left out.`);
      continue;
    }
    const digest = createHash('sha256').update(data).digest('hex');
    const same = byContent.get(digest);
    if (same) {
      images.set(name, same);
      continue;
    }
    let file = fileName(name, mediaType);
    for (let n = 2; usedFiles.has(file); n++) file = fileName(`${name}_${n}`, mediaType);
    usedFiles.add(file);
    const image: BookImage = {
      assetName: name,
      id: toXmlId(`img-${file}`),
      href: `images/${file}`,
      mediaType,
      data,
    };
    images.set(name, image);
    byContent.set(digest, image);
  }
  return images;
}
