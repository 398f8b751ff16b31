/**
 * One page → spans, images, fonts (links: see links.ts), from a single pass over pdf.js's operator list (the text state is
 * tracked here, the way pdf.js's canvas renderer does), so no page is parsed twice.
 */
import { createHash } from 'node:crypto';
import type { FontInfo } from '../model/layout';
import { fontIdFor, fontInfoFrom, stripSubset } from './fonts';
import type { PdfjsDocument, PdfjsFont, PdfjsGlyph, PdfjsImage, PdfjsModule, PdfjsPage } from './pdfjs';
import type { RawImage, RawPage, RawSpan } from './raw';
import { texEncodingOf, texGlyphText } from './tex-encodings';
import { isSpacingAccent } from '../analyze/accents';

type Matrix = [number, number, number, number, number, number];

function mul(m1: readonly number[], m2: readonly number[]): Matrix {
  return [
    m1[0] * m2[0] + m1[2] * m2[1],
    m1[1] * m2[0] + m1[3] * m2[1],
    m1[0] * m2[2] + m1[2] * m2[3],
    m1[1] * m2[2] + m1[3] * m2[3],
    m1[0] * m2[4] + m1[2] * m2[5] + m1[4],
    m1[1] * m2[4] + m1[3] * m2[5] + m1[5],
  ];
}

interface TextState {
  ctm: Matrix;
  font: PdfjsFont | null;
  fontId: string;
  /** The TeX encoding the font's name implies, for glyphs pdf.js left unmapped. */
  texEncoding: ReturnType<typeof texEncodingOf>;
  fontSize: number;
  fontDirection: number;
  charSpacing: number;
  wordSpacing: number;
  hScale: number;
  leading: number;
  rise: number;
  tm: Matrix;
  x: number;
  y: number;
  lineX: number;
  lineY: number;
}

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];
/** A gap wider than this (in ems) between two glyphs ends a span (the line builder turns it into a space). */
export const WORD_GAP_EM = 0.15;
/** A space glyph that moves the pen less than this (in ems) leaves no visible gap. */
const COLLAPSED_SPACE_EM = 0.08;

/**
 * A space character that word and character spacing (Tw, Tc) shrink to almost nothing is not a word break:
 * Ghostscript's output of groff pages sets "neg ative" with such a space inside the word. The glyphs'
 * positions then decide, as for text without space characters.
 */
function collapsedSpace(advance: number, fontSize: number): boolean {
  return Math.abs(fontSize) > 0 && advance < COLLAPSED_SPACE_EM * Math.abs(fontSize);
}

/** At most this many vector drawing boxes are kept per page. */
const MAX_DRAWINGS = 3000;

interface GlyphBox {
  x0: number;
  x1: number;
  base: number;
}

/** Two glyph boxes on one baseline that share more than a sliver of their width. */
function overlapping(a: GlyphBox, b: GlyphBox, size: number): boolean {
  return Math.abs(a.base - b.base) < 0.6 * size && Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0.05 * size;
}

class SpanBuilder {
  readonly spans: RawSpan[] = [];
  rotatedChars = 0;
  private cur: RawSpan | null = null;
  private pendingSpace = false;
  /** The last glyph shown (null after a space). */
  private last: GlyphBox | null = null;
  /** A spacing accent just shown, until the next glyph tells whether it sits over a letter. */
  private accent: (GlyphBox & { span: RawSpan; size: number; overPrev: boolean }) | null = null;

  space(): void {
    this.settleAccent(null);
    this.flush();
    this.pendingSpace = true;
    this.last = null;
  }

  /** The end of the page. */
  finish(): void {
    this.settleAccent(null);
    this.flush();
  }

  /**
   * TeX sets an accent over or under its letter (their boxes overlap: "na¨ıve"); groff sets "ˆC" (Control-C)
   * and "˜/.bashrc" as characters beside the next one. An accent of some width that overlaps neither
   * neighbour gets a span of its own, which the line builder never composes with a letter.
   */
  private settleAccent(next: GlyphBox | null): void {
    const a = this.accent;
    if (!a) return;
    this.accent = null;
    if (a.x1 - a.x0 <= 0.1 * a.size || a.overPrev || (next && overlapping(a, next, a.size))) return;
    const span = a.span;
    let lone = span;
    if (span.text.length > 1) {
      lone = { ...span, text: span.text.slice(-1), x: a.x0, w: a.x1 - a.x0, spaceBefore: false };
      span.text = span.text.slice(0, -1);
      span.w = Math.max(0, a.x0 - span.x);
      if (span === this.cur) {
        this.spans.push(span);
        this.cur = lone;
      } else {
        this.spans.splice(this.spans.lastIndexOf(span) + 1, 0, lone);
      }
    }
    // The next glyph starts a span of its own.
    if (lone === this.cur) this.flush();
  }

  flush(): void {
    if (this.cur) {
      if (this.cur.text.length > 0) this.spans.push(this.cur);
      this.cur = null;
    }
  }

  glyph(
    text: string,
    x0: number,
    x1: number,
    base: number,
    size: number,
    fontId: string,
    ascent: number,
  ): void {
    const box: GlyphBox = { x0, x1, base };
    this.settleAccent(box);
    this.addGlyph(text, x0, x1, base, size, fontId, ascent);
    if (isSpacingAccent(text) && this.cur) {
      const overPrev = this.last !== null && overlapping(this.last, box, size);
      this.accent = { ...box, span: this.cur, size, overPrev };
    }
    this.last = box;
  }

  private addGlyph(
    text: string,
    x0: number,
    x1: number,
    base: number,
    size: number,
    fontId: string,
    ascent: number,
  ): void {
    const cur = this.cur;
    if (
      cur &&
      cur.fontId === fontId &&
      Math.abs(cur.size - size) < 0.05 * size &&
      Math.abs(cur.base - base) < 0.2 * size &&
      x0 >= cur.x + cur.w - 0.35 * size &&
      x0 - (cur.x + cur.w) < WORD_GAP_EM * size
    ) {
      cur.text += text;
      cur.w = Math.max(cur.w, x1 - cur.x);
      return;
    }
    this.flush();
    const top = base - size * ascent;
    this.cur = { text, x: x0, y: top, w: Math.max(0, x1 - x0), h: size, base, size, fontId };
    if (this.pendingSpace) this.cur.spaceBefore = true;
    this.pendingSpace = false;
  }
}

function imageName(img: PdfjsImage): string | null {
  // The image XObject's reference ("12R") is stable across threads and shared by every page showing it.
  if (typeof img.ref === 'string' && /^\d+R\d*$/.test(img.ref)) return `img-${img.ref}`;
  const data = img.data;
  if (!data || data.byteLength === 0) return null;
  const h = createHash('sha1');
  h.update(`${img.width}x${img.height}:${img.kind ?? 0}:`);
  h.update(data);
  return `img-${h.digest('hex').slice(0, 16)}`;
}

/** The decoded image behind an operator-list id; pdf.js may deliver it a little after the operator list. */
function getObj(page: PdfjsPage, objId: string, waitMs = 10000): Promise<PdfjsImage | null> {
  const store = objId.startsWith('g_') ? page.commonObjs : page.objs;
  try {
    if (store.has(objId)) return Promise.resolve(store.get(objId) as PdfjsImage);
  } catch {
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), waitMs);
    try {
      store.get(objId, (value: unknown) => {
        clearTimeout(timer);
        resolve((value as PdfjsImage) ?? null);
      });
    } catch {
      clearTimeout(timer);
      resolve(null);
    }
  });
}

/** Bounding box of the unit square under a matrix. */
function unitBox(m: Matrix): { x: number; y: number; w: number; h: number } {
  const xs = [m[4], m[0] + m[4], m[2] + m[4], m[0] + m[2] + m[4]];
  const ys = [m[5], m[1] + m[5], m[3] + m[5], m[1] + m[3] + m[5]];
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

export interface ParsePageOptions {
  /** Keep decoded image pixels (extract needs them; analyze only hashes them). */
  onImage?: (image: RawImage, pixels: PdfjsImage) => void | Promise<void>;
}

export async function parsePage(
  pdfjs: PdfjsModule,
  doc: PdfjsDocument,
  index: number,
  options: ParsePageOptions = {},
): Promise<RawPage> {
  const page = await doc.getPage(index + 1);
  try {
    const viewport = page.getViewport({ scale: 1 });
    const vt = viewport.transform as Matrix;
    const result: RawPage = {
      index,
      width: viewport.width,
      height: viewport.height,
      transform: [...vt],
      spans: [],
      images: [],
      links: [],
      rotatedChars: 0,
      paths: 0,
      drawings: [],
      fonts: [],
    };
    const opList = await page.getOperatorList({ annotationMode: pdfjs.AnnotationMode.DISABLE });
    const fonts = new Map<string, FontInfo>();
    const fontCache = new Map<
      string,
      { font: PdfjsFont | null; id: string; texEncoding: ReturnType<typeof texEncodingOf> }
    >();
    const OPS = pdfjs.OPS;
    const spans = new SpanBuilder();
    const stack: TextState[] = [];
    let st: TextState = {
      ctm: vt,
      font: null,
      fontId: '',
      texEncoding: null,
      fontSize: 0,
      fontDirection: 1,
      charSpacing: 0,
      wordSpacing: 0,
      hScale: 1,
      leading: 0,
      rise: 0,
      tm: IDENTITY,
      x: 0,
      y: 0,
      lineX: 0,
      lineY: 0,
    };
    let imageSeq = 0;
    const pendingImages: Array<Promise<void>> = [];

    const moveText = (x: number, y: number) => {
      st.x = st.lineX += x;
      st.y = st.lineY += y;
    };

    const showText = (glyphs: Array<PdfjsGlyph | number | null>) => {
      const font = st.font;
      if (!font || st.fontSize === 0) return;
      const fontSize = st.fontSize;
      const fontMatrix = font.fontMatrix ?? [0.001, 0, 0, 0.001, 0, 0];
      const widthAdvanceScale = fontSize * fontMatrix[0];
      const vertical = Boolean(font.vertical);
      const m = mul(st.ctm, st.tm);
      const hScale = st.hScale * st.fontDirection;
      // Device size: how tall 1 text-space unit is on the page (y direction).
      const sizeDev = fontSize * Math.hypot(m[2], m[3]);
      // Upright text runs left to right with glyphs pointing up the page. The font matrix takes part: a Type 3
      // font whose glyph space points down (FontMatrix [.012 0 0 -.012 0 0], dvips' bitmap fonts) is shown
      // upright through a text matrix that flips y ("1 0 0 -1 x y Tm").
      const fx = fontMatrix[0] < 0 ? -1 : 1;
      const fy = fontMatrix[3] < 0 ? -1 : 1;
      const horizontal =
        !vertical && Math.abs(m[1]) < 1e-3 * Math.abs(m[0]) && fx * m[0] > 0 && fy * m[3] < 0;
      let x = 0;
      const baseY = st.y + st.rise;
      for (const glyph of glyphs) {
        if (glyph === null || glyph === undefined) continue;
        if (typeof glyph === 'number') {
          x += ((vertical ? 1 : -1) * glyph * fontSize) / 1000;
          continue;
        }
        const spacing = (glyph.isSpace ? st.wordSpacing : 0) + st.charSpacing;
        const width = vertical ? (glyph.vmetric ? -glyph.vmetric[0] : glyph.width) : glyph.width;
        const startX = x;
        const adv = width * widthAdvanceScale;
        x += vertical ? adv - spacing * st.fontDirection : adv + spacing * st.fontDirection;
        const uni = texGlyphText(st.texEncoding, glyph.unicode, glyph.originalCharCode);
        if (!uni) continue;
        if (!horizontal) {
          if (uni.trim()) spans.rotatedChars++;
          continue;
        }
        if (uni.trim() === '') {
          if (!collapsedSpace(adv + spacing * st.fontDirection, fontSize)) spans.space();
          continue;
        }
        const tx0 = st.x + startX * hScale;
        const tx1 = st.x + (startX + adv) * hScale;
        const dx0 = m[0] * tx0 + m[2] * baseY + m[4];
        const dx1 = m[0] * tx1 + m[2] * baseY + m[4];
        const dy = m[1] * tx0 + m[3] * baseY + m[5];
        spans.glyph(uni, Math.min(dx0, dx1), Math.max(dx0, dx1), dy, sizeDev, st.fontId, 0.8);
      }
      if (vertical) st.y -= x;
      else st.x += x * hScale;
    };

    const fnArray = opList.fnArray;
    const argsArray = opList.argsArray;
    for (let i = 0; i < fnArray.length; i++) {
      const fn = fnArray[i];
      const args = (argsArray[i] ?? []) as unknown[];
      switch (fn) {
        case OPS.save:
          stack.push({ ...st });
          break;
        case OPS.restore:
          if (stack.length) st = stack.pop() as TextState;
          break;
        case OPS.transform:
          st.ctm = mul(st.ctm, args as number[]);
          break;
        case OPS.paintFormXObjectBegin: {
          stack.push({ ...st });
          const matrix = args[0] as number[] | null;
          if (matrix && matrix.length === 6) st.ctm = mul(st.ctm, matrix);
          break;
        }
        case OPS.paintFormXObjectEnd:
          if (stack.length) st = stack.pop() as TextState;
          break;
        case OPS.beginText:
          st.tm = IDENTITY;
          st.x = st.lineX = 0;
          st.y = st.lineY = 0;
          break;
        case OPS.endText:
          spans.flush();
          break;
        case OPS.setFont: {
          const loadedName = String(args[0]);
          let size = Number(args[1]);
          let entry = fontCache.get(loadedName);
          if (!entry) {
            let font: PdfjsFont | null = null;
            try {
              font = page.commonObjs.get(loadedName) as PdfjsFont;
            } catch {
              font = null;
            }
            const id = fontIdFor(font ?? undefined, loadedName);
            entry = { font, id, texEncoding: font?.name ? texEncodingOf(stripSubset(font.name)) : null };
            fontCache.set(loadedName, entry);
            if (!fonts.has(id)) fonts.set(id, fontInfoFrom(id, font ?? undefined));
          }
          if (size < 0) {
            size = -size;
            st.fontDirection = -1;
          } else {
            st.fontDirection = 1;
          }
          st.font = entry.font;
          st.fontId = entry.id;
          st.texEncoding = entry.texEncoding;
          st.fontSize = size;
          break;
        }
        case OPS.setCharSpacing:
          st.charSpacing = Number(args[0]);
          break;
        case OPS.setWordSpacing:
          st.wordSpacing = Number(args[0]);
          break;
        case OPS.setHScale:
          st.hScale = Number(args[0]) / 100;
          break;
        case OPS.setLeading:
          st.leading = -Number(args[0]);
          break;
        case OPS.setTextRise:
          st.rise = Number(args[0]);
          break;
        case OPS.moveText:
          moveText(Number(args[0]), Number(args[1]));
          break;
        case OPS.setLeadingMoveText:
          st.leading = Number(args[1]);
          moveText(Number(args[0]), Number(args[1]));
          break;
        case OPS.setTextMatrix: {
          const m = (Array.isArray(args[0]) || ArrayBuffer.isView(args[0]) ? args[0] : args) as number[];
          st.tm = [m[0], m[1], m[2], m[3], m[4], m[5]];
          st.x = st.lineX = 0;
          st.y = st.lineY = 0;
          break;
        }
        case OPS.nextLine:
          moveText(0, st.leading);
          break;
        case OPS.showText:
        case OPS.showSpacedText:
          showText(args[0] as Array<PdfjsGlyph | number>);
          break;
        case OPS.nextLineShowText:
          moveText(0, st.leading);
          showText(args[0] as Array<PdfjsGlyph | number>);
          break;
        case OPS.nextLineSetSpacingShowText:
          moveText(0, st.leading);
          st.wordSpacing = Number(args[0]);
          st.charSpacing = Number(args[1]);
          showText(args[2] as Array<PdfjsGlyph | number>);
          break;
        case OPS.constructPath: {
          result.paths++;
          const paint = args[0] as number;
          const mm = args[2] as ArrayLike<number> | null;
          if (mm && paint !== OPS.endPath && result.drawings.length < 4 * MAX_DRAWINGS) {
            const m = st.ctm;
            const xs = [
              m[0] * mm[0] + m[2] * mm[1],
              m[0] * mm[2] + m[2] * mm[1],
              m[0] * mm[0] + m[2] * mm[3],
              m[0] * mm[2] + m[2] * mm[3],
            ];
            const ys = [
              m[1] * mm[0] + m[3] * mm[1],
              m[1] * mm[2] + m[3] * mm[1],
              m[1] * mm[0] + m[3] * mm[3],
              m[1] * mm[2] + m[3] * mm[3],
            ];
            const x = Math.min(...xs) + m[4];
            const y = Math.min(...ys) + m[5];
            const w = Math.max(...xs) + m[4] - x;
            const h = Math.max(...ys) + m[5] - y;
            if (Number.isFinite(x + y + w + h)) result.drawings.push(x, y, w, h);
          }
          break;
        }
        case OPS.paintImageXObject:
        case OPS.paintInlineImageXObject:
        case OPS.paintImageXObjectRepeat: {
          const seq = imageSeq++;
          const inline = fn === OPS.paintInlineImageXObject;
          const objId = inline ? `inline-${index}-${seq}` : String(args[0]);
          const box = unitBox(st.ctm);
          const raw: RawImage = {
            name: `img-p${index}-${seq}`,
            seq,
            objId,
            ...box,
            width: Number(args[1] ?? 0),
            height: Number(args[2] ?? 0),
          };
          result.images.push(raw);
          pendingImages.push(
            (inline ? Promise.resolve(args[0] as PdfjsImage) : getObj(page, objId)).then(async (img) => {
              if (!img) return;
              raw.width = Number(img.width ?? raw.width);
              raw.height = Number(img.height ?? raw.height);
              raw.name = imageName(img) ?? raw.name;
              if (options.onImage) await options.onImage(raw, img);
            }),
          );
          break;
        }
        default:
          break;
      }
    }
    spans.finish();
    await Promise.all(pendingImages);
    result.spans = spans.spans;
    result.rotatedChars = spans.rotatedChars;
    result.fonts = [...fonts.values()];
    return result;
  } finally {
    page.cleanup();
  }
}
