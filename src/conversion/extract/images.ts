/**
 * Raster images: re-reads only the pages that show a wanted image, takes pdf.js's decoded pixels and encodes
 * them once per distinct picture (PNG, or JPEG for large ones) into the asset store.
 */
import type { Sharp, SharpOptions } from 'sharp';
import { throwIfAborted } from '../errors';
import type { AssetRef } from '../model/content';
import type { LayoutArtifact } from '../model/layout';
import { openPdf } from '../pdf/open';
import { parsePage } from '../pdf/page-parse';
import type { PdfjsImage } from '../pdf/pdfjs';
import type { StageContext } from '../stages';

/** Images smaller than this (either side, in pixels) are decoration: bullets, rules, icons. */
export const MIN_IMAGE_PX = 32;
const JPEG_ABOVE_PIXELS = 1_000_000;

// pdf.js ImageKind values.
const GRAYSCALE_1BPP = 1;
const RGB_24BPP = 2;
const RGBA_32BPP = 3;

function rawPixels(img: PdfjsImage): { data: Buffer; channels: 1 | 3 | 4 } | null {
  const { width, height, kind, data } = img;
  if (!data || !width || !height) return null;
  if (kind === RGBA_32BPP && data.length >= width * height * 4) {
    return { data: Buffer.from(data.buffer, data.byteOffset, width * height * 4), channels: 4 };
  }
  if (kind === RGB_24BPP && data.length >= width * height * 3) {
    return { data: Buffer.from(data.buffer, data.byteOffset, width * height * 3), channels: 3 };
  }
  if (kind === GRAYSCALE_1BPP) {
    const rowBytes = (width + 7) >> 3;
    if (data.length < rowBytes * height) return null;
    const out = Buffer.alloc(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = (data[y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
        out[y * width + x] = bit ? 255 : 0;
      }
    }
    return { data: out, channels: 1 };
  }
  return null;
}

type SharpFactory = (input: Buffer, options: SharpOptions) => Sharp;
let sharpLoaded: Promise<SharpFactory> | undefined;

/** sharp (libvips) loads only for books that have pictures: it costs a few hundred ms at start-up. */
function loadSharp(): Promise<SharpFactory> {
  sharpLoaded ??= import('sharp').then(
    (m) => (m as unknown as { default: SharpFactory }).default ?? (m as unknown as SharpFactory),
  );
  return sharpLoaded;
}

async function encode(img: PdfjsImage): Promise<{ bytes: Buffer; mediaType: AssetRef['mediaType'] } | null> {
  const px = rawPixels(img);
  if (!px) return null;
  const sharp = await loadSharp();
  const input = sharp(px.data, { raw: { width: img.width, height: img.height, channels: px.channels } });
  if (img.width * img.height > JPEG_ABOVE_PIXELS && px.channels !== 1) {
    const bytes = await input.flatten({ background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer();
    return { bytes, mediaType: 'image/jpeg' };
  }
  const bytes = await input.png({ compressionLevel: 6 }).toBuffer();
  return { bytes, mediaType: 'image/png' };
}

/**
 * Extracts the named images; returns name → asset (images that cannot be decoded are left out).
 * `wanted` maps image name → the pages it appears on.
 */
export async function extractImages(
  pdf: Uint8Array,
  layout: LayoutArtifact,
  wanted: Set<string>,
  ctx: StageContext,
): Promise<Map<string, AssetRef>> {
  const assets = new Map<string, AssetRef>();
  if (wanted.size === 0) return assets;
  const pages = layout.pages.filter((p) => p.images.some((im) => wanted.has(im.name)));
  // File names follow the order of first appearance (page, then drawing order): the same PDF always gives
  // the same EPUB, however the work was scheduled.
  const fileIndex = new Map<string, number>();
  for (const p of pages)
    for (const im of p.images)
      if (wanted.has(im.name) && !fileIndex.has(im.name)) fileIndex.set(im.name, fileIndex.size + 1);
  const { pdfjs, doc } = await openPdf(pdf);
  try {
    for (const page of pages) {
      throwIfAborted(ctx.signal);
      const pending: Promise<void>[] = [];
      await parsePage(pdfjs, doc, page.index, {
        onImage: (image, pixels) => {
          if (!wanted.has(image.name) || assets.has(image.name)) return;
          const name = image.name;
          // Reserve the name now: the same picture may be painted twice on the page.
          assets.set(name, { name: '', mediaType: 'image/png', width: pixels.width, height: pixels.height });
          pending.push(
            (async () => {
              try {
                const enc = await encode(pixels);
                if (!enc) {
                  assets.delete(name);
                  return;
                }
                const n = fileIndex.get(name) ?? fileIndex.size + 1;
                const file = `img-${String(n).padStart(4, '0')}.${enc.mediaType === 'image/png' ? 'png' : 'jpg'}`;
                await ctx.assets.put(file, enc.bytes);
                assets.set(name, {
                  name: file,
                  mediaType: enc.mediaType,
                  width: pixels.width,
                  height: pixels.height,
                });
              } catch {
                assets.delete(name);
              }
            })(),
          );
        },
      });
      await Promise.all(pending);
      if (pages.every((p) => p.images.every((im) => !wanted.has(im.name) || assets.has(im.name)))) break;
    }
  } finally {
    await doc.destroy().catch(() => undefined);
  }
  for (const [k, v] of assets) if (!v.name) assets.delete(k);
  return assets;
}
