/**
 * Loading pdf.js (an ES module) from this CommonJS code base, and the minimal typed surface we use.
 * pdf.js runs in "fake worker" mode inside whatever thread calls it: our own worker threads give the parallelism.
 */
import { installSyncDecompression } from './sync-decompress';
import { dirname, join } from 'node:path';

export interface PdfjsGlyph {
  unicode: string;
  /** The code the PDF's text used for this glyph. */
  originalCharCode?: number;
  width: number;
  isSpace: boolean;
  vmetric?: number[] | null;
}

export interface PdfjsFont {
  name?: string;
  loadedName?: string;
  bold?: boolean;
  black?: boolean;
  italic?: boolean;
  vertical?: boolean;
  isType3Font?: boolean;
  fontMatrix?: number[];
  defaultVMetrics?: number[];
  isMonospace?: boolean;
}

export interface PdfjsImage {
  width: number;
  height: number;
  kind?: number;
  data?: Uint8Array | Uint8ClampedArray;
  bitmap?: unknown;
  /** Reference of the image XObject, e.g. "12R". */
  ref?: string | null;
}

export interface PdfjsObjs {
  has(id: string): boolean;
  get(id: string, callback?: (value: unknown) => void): unknown;
}

export interface PdfjsViewport {
  width: number;
  height: number;
  transform: number[];
}

export interface PdfjsAnnotation {
  subtype: string;
  annotationType?: number;
  /** Set by getAnnotationsByType. */
  pageIndex?: number;
  rect: number[];
  url?: string;
  unsafeUrl?: string;
  dest?: string | unknown[] | null;
  action?: string;
}

export interface PdfjsOperatorList {
  fnArray: number[];
  argsArray: unknown[][];
}

export interface PdfjsPage {
  getViewport(params: { scale: number }): PdfjsViewport;
  getOperatorList(params?: { annotationMode?: number; intent?: string }): Promise<PdfjsOperatorList>;
  cleanup(): boolean;
  objs: PdfjsObjs;
  commonObjs: PdfjsObjs;
}

export interface PdfjsRef {
  num: number;
  gen: number;
}

export interface PdfjsOutlineItem {
  title: string;
  dest: string | unknown[] | null;
  url?: string | null;
  items: PdfjsOutlineItem[];
}

export interface PdfjsMetadata {
  info: Record<string, unknown>;
  metadata: { get(name: string): unknown } | null;
}

export interface PdfjsDocument {
  numPages: number;
  getPage(pageNumber: number): Promise<PdfjsPage>;
  getOutline(): Promise<PdfjsOutlineItem[] | null>;
  getDestination(id: string): Promise<unknown[] | null>;
  getDestinations(): Promise<Record<string, unknown[]>>;
  getPageIndex(ref: PdfjsRef): Promise<number>;
  /** Annotations of the given types on all pages but the skipped ones (no per-page text extraction). */
  getAnnotationsByType(
    types: Set<number>,
    pageIndexesToSkip: Set<number> | null,
  ): Promise<PdfjsAnnotation[] | null>;
  getMetadata(): Promise<PdfjsMetadata>;
  /** Frees document-wide caches (fonts, images, parsed objects) on both sides of pdf.js. */
  cleanup(keepLoadedFonts?: boolean): Promise<void>;
  destroy(): Promise<void>;
}

export interface PdfjsLoadingTask {
  promise: Promise<PdfjsDocument>;
  destroy(): Promise<void>;
}

export interface PdfjsModule {
  getDocument(params: Record<string, unknown>): PdfjsLoadingTask;
  OPS: Record<string, number>;
  AnnotationMode: Record<string, number>;
  AnnotationType: Record<string, number>;
  ImageKind: Record<string, number>;
  PDFDateString: { toDateObject(input: string): Date | null };
  VerbosityLevel: Record<string, number>;
}

let loaded: Promise<PdfjsModule> | undefined;

/**
 * The legacy build bundles core-js, which on Node 20 replaces some native built-ins that work perfectly well
 * (Array.prototype.push, JSON.parse, JSON.stringify, ...) with much slower polyfills, for the whole thread.
 * Built-ins that existed before the import are put back; only missing ones (that pdf.js needs) are kept.
 */
function snapshotBuiltins(): () => void {
  const g = globalThis as unknown as Record<string, unknown>;
  const holders: object[] = [JSON, Math, Reflect];
  for (const name of Object.getOwnPropertyNames(g)) {
    const v = g[name];
    if (typeof v === 'function' && /^[A-Z]/.test(name) && (v as { prototype?: unknown }).prototype) {
      holders.push(v as object, (v as { prototype: object }).prototype);
    }
  }
  const typed = Object.getPrototypeOf(Uint8Array) as { prototype: object };
  holders.push(typed, typed.prototype);
  const saved = holders.map((h) => {
    const descs = new Map<PropertyKey, PropertyDescriptor>();
    for (const key of Reflect.ownKeys(h)) {
      const d = Object.getOwnPropertyDescriptor(h, key);
      if (d) descs.set(key, d);
    }
    return { h, descs };
  });
  return () => {
    for (const { h, descs } of saved) {
      for (const [key, d] of descs) {
        const now = Object.getOwnPropertyDescriptor(h, key);
        if (now && (now.value !== d.value || now.get !== d.get || now.set !== d.set)) {
          try {
            Object.defineProperty(h, key, d);
          } catch {
            // non-configurable: leave it
          }
        }
      }
    }
  };
}

async function importPdfjs(): Promise<PdfjsModule> {
  installSyncDecompression();
  const restore = snapshotBuiltins();
  try {
    // Loading the worker side here too (pdf.js runs it in this thread) avoids a second lazy import later.
    const workerModule: string = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
    const worker = (await import(workerModule)) as { WorkerMessageHandler?: unknown };
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= worker;
    return (await import('pdfjs-dist/legacy/build/pdf.mjs')) as unknown as PdfjsModule;
  } finally {
    restore();
  }
}

/** The pdf.js module (legacy build: the one meant for Node), imported once per thread. */
export function loadPdfjs(): Promise<PdfjsModule> {
  loaded ??= importPdfjs();
  return loaded;
}

let assetDir: string | undefined;

function pdfjsDir(): string {
  assetDir ??= dirname(require.resolve('pdfjs-dist/package.json'));
  return assetDir;
}

/**
 * getDocument parameters that keep pdf.js self-contained and safe: no eval, no font faces, no system fonts,
 * no network (data is passed in, helper data is read from the installed package).
 */
export function documentParams(data: Uint8Array, pdfjs: PdfjsModule): Record<string, unknown> {
  const dir = pdfjsDir();
  return {
    data,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    useWorkerFetch: false,
    disableAutoFetch: true,
    disableStream: true,
    stopAtErrors: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    standardFontDataUrl: join(dir, 'standard_fonts') + '/',
    cMapUrl: join(dir, 'cmaps') + '/',
    cMapPacked: true,
    wasmUrl: join(dir, 'wasm') + '/',
    iccUrl: join(dir, 'iccs') + '/',
  };
}
