/**
 * Raster images → PNG or JPEG bytes, encoded where pdf.js decodes them (during analyze_layout's one pass over
 * each page, on whichever thread parses the page), so no page is parsed a second time for its pictures.
 */
import type { Sharp, SharpOptions } from 'sharp';
import type { PdfjsImage } from './pdfjs';
import type { EncodedImage, RawImage } from './raw';

/** Images smaller than this (either side, in pixels) are decoration: bullets, rules, icons. */
export const MIN_IMAGE_PX = 32;
/** Painted smaller than this (either side, in points), an image is invisible: a spacer, not a picture. */
export const MIN_IMAGE_BOX_PT = 2;
/**
 * A long thin strip is a rule, visible however thin (down to MIN_RULE_THICKNESS_PT): word processors export
 * HTML-style horizontal lines as pictures squeezed to a point or two (2448×48 px painted 468×1.44 pt).
 */
const MIN_RULE_LENGTH_PT = 36;
const MAX_RULE_THICKNESS_PT = 4;
const MIN_RULE_THICKNESS_PT = 0.5;
const MIN_RULE_ASPECT = 20;
const JPEG_ABOVE_PIXELS = 1_000_000;

// pdf.js ImageKind values.
const GRAYSCALE_1BPP = 1;
const RGB_24BPP = 2;
const RGBA_32BPP = 3;

/** Whether an image is painted as a horizontal rule: a long strip a few points high at most. */
export function isRuleBox(box: { w: number; h: number }): boolean {
  return (
    box.h >= MIN_RULE_THICKNESS_PT &&
    box.h <= MAX_RULE_THICKNESS_PT &&
    box.w >= MIN_RULE_LENGTH_PT &&
    box.w >= MIN_RULE_ASPECT * box.h
  );
}

/** Whether an image is big enough, in pixels and on the page, to be shown in the book (a figure or a rule). */
export function isPicture(image: Pick<RawImage, 'width' | 'height'> & { w: number; h: number }): boolean {
  return (
    image.width >= MIN_IMAGE_PX &&
    image.height >= MIN_IMAGE_PX &&
    ((image.w >= MIN_IMAGE_BOX_PT && image.h >= MIN_IMAGE_BOX_PT) || isRuleBox(image))
  );
}

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

type SharpFactory = ((input: Buffer, options: SharpOptions) => Sharp) & { cache(enabled: boolean): unknown };
let sharpLoaded: Promise<SharpFactory> | undefined;

/**
 * sharp (libvips) loads only for books that have pictures: it costs a few hundred ms at start-up. Its operation
 * cache is turned off: each picture is encoded once, and the cache only held on to decoded pixels.
 */
function loadSharp(): Promise<SharpFactory> {
  sharpLoaded ??= import('sharp').then((m) => {
    const sharp = (m as unknown as { default: SharpFactory }).default ?? (m as unknown as SharpFactory);
    sharp.cache(false);
    return sharp;
  });
  return sharpLoaded;
}

/** PNG (lossless; JPEG for large colour pictures), or null for pixel formats we cannot read. */
export async function encodeImage(img: PdfjsImage): Promise<EncodedImage | null> {
  const px = rawPixels(img);
  if (!px) return null;
  const sharp = await loadSharp();
  const input = sharp(px.data, { raw: { width: img.width, height: img.height, channels: px.channels } });
  if (img.width * img.height > JPEG_ABOVE_PIXELS && px.channels !== 1) {
    const bytes = await input.flatten({ background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer();
    return { bytes: new Uint8Array(bytes), mediaType: 'image/jpeg' };
  }
  const bytes = await input.png({ compressionLevel: 6 }).toBuffer();
  return { bytes: new Uint8Array(bytes), mediaType: 'image/png' };
}

/**
 * An onImage hook for parsePage that encodes each picture once per thread (the same logo on every page is
 * encoded the first time only) and attaches the bytes to the page's RawImage.
 */
export function pictureEncoder(): (image: RawImage, pixels: PdfjsImage) => Promise<void> {
  const encoded = new Set<string>();
  return async (image, pixels) => {
    if (!isPicture(image) || encoded.has(image.name)) return;
    encoded.add(image.name);
    try {
      const result = await encodeImage(pixels);
      if (result) image.encoded = result;
    } catch {
      // An image libvips cannot encode is left out of the book, like one pdf.js cannot decode.
    }
  };
}

/** The transferable buffers of a page's encoded images (moved, not copied, to the parent thread). */
export function encodedBuffers(images: RawImage[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const im of images) {
    const buf = im.encoded?.bytes.buffer;
    if (buf instanceof ArrayBuffer && !out.includes(buf)) out.push(buf);
  }
  return out;
}
