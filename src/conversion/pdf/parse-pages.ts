/**
 * Parses every page of a document, on worker threads when that pays off, else in the calling thread.
 * Pages are handed out in small contiguous chunks (font caches stay warm, load stays balanced).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { throwIfAborted } from '../errors';
import { pictureEncoder } from './image-encode';
import { parsePage, type ParsePageOptions } from './page-parse';
import type { ParsingDocument } from './parsing-document';
import { failedPage, type RawPage } from './raw';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker';

export interface ParsePagesOptions {
  parallelism?: number;
  signal?: AbortSignal;
  onPage?: (done: number, total: number) => void;
  /** Called on each page as it arrives (in any order); what it returns is kept instead (e.g. a slimmed page). */
  onRawPage?: (page: RawPage) => RawPage;
  /** Encode the pictures as pages are parsed (RawImage.encoded), once per picture and thread. */
  encodePictures?: boolean;
  /**
   * false: the calling thread only hands out pages and collects them, and all `parallelism` parsers are worker
   * threads (it still parses what a dead worker leaves behind). Default true: it is one of the parsers.
   */
  callingThreadParses?: boolean;
}

function pageOptions(options: ParsePagesOptions): ParsePageOptions {
  return options.encodePictures ? { onImage: pictureEncoder() } : {};
}

/** Below this many pages, starting threads (each loads pdf.js and the document) costs more than it saves. */
export const MIN_PAGES_FOR_WORKERS = 16;
const WORKER_HEAP_MB = 192;

/**
 * Parsing threads when the caller does not say: one core is left to V8's own helper threads (GC, compiler),
 * which a parsing thread keeps busy too. Measured on 2 cores: one parsing thread converts every corpus book
 * faster than two (each extra thread also loads pdf.js, opens the document and parses its fonts again).
 */
export function defaultParserThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

interface WorkerLaunch {
  /** A file to run, or (eval) code that registers tsx and then requires the TypeScript worker. */
  source: string;
  eval: boolean;
}

/**
 * The compiled worker; from TypeScript sources (tests, dev) the worker registers tsx's CommonJS hook first
 * (`--import tsx` in a worker's execArgv does not reach worker threads on Node 20).
 */
function workerLaunch(): WorkerLaunch | null {
  const js = join(__dirname, 'worker.js');
  if (existsSync(js)) return { source: js, eval: false };
  const ts = join(__dirname, 'worker.ts');
  if (!existsSync(ts)) return null;
  try {
    const tsx = require.resolve('tsx/cjs');
    return { source: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(ts)});`, eval: true };
  } catch {
    return null;
  }
}

/** Parses one page into out[index]; a page pdf.js cannot parse becomes an empty page carrying the error. */
async function parseInto(
  source: ParsingDocument,
  index: number,
  options: ParsePagesOptions,
  perPage: ParsePageOptions,
  out: RawPage[],
): Promise<void> {
  try {
    out[index] = await parsePage(source.pdfjs, source.doc, index, perPage);
  } catch (err) {
    out[index] = failedPage(index, (err as Error)?.message ?? String(err));
  }
  await source.pageDone();
  if (options.onRawPage) out[index] = options.onRawPage(out[index]);
}

export async function parsePagesInThread(
  source: ParsingDocument,
  indices: number[],
  options: ParsePagesOptions,
  total: number,
  out: RawPage[],
  doneBefore = 0,
): Promise<void> {
  let done = doneBefore;
  const perPage = pageOptions(options);
  for (const index of indices) {
    throwIfAborted(options.signal);
    await parseInto(source, index, options, perPage, out);
    options.onPage?.(++done, total);
  }
}

/**
 * Parses all pages. With parallelism N the calling thread is one of the N parsers and N-1 worker threads
 * do the rest; chunks of pages are handed out from one queue (contiguous pages keep font caches warm).
 */
export async function parseAllPages(
  data: Uint8Array,
  source: ParsingDocument,
  options: ParsePagesOptions = {},
): Promise<RawPage[]> {
  const total = source.doc.numPages;
  const out: RawPage[] = new Array(total);
  const all = Array.from({ length: total }, (_, i) => i);
  const launch = workerLaunch();
  const threads = Math.max(1, Math.min(options.parallelism ?? defaultParserThreads(), Math.ceil(total / 4)));
  if (!launch || threads <= 1 || total < MIN_PAGES_FOR_WORKERS) {
    await parsePagesInThread(source, all, options, total, out);
    return out;
  }
  const shared = new SharedArrayBuffer(data.byteLength);
  new Uint8Array(shared).set(data);
  const chunk = Math.max(1, Math.min(8, Math.ceil(total / (threads * 6))));
  const queue: number[][] = [];
  for (let i = 0; i < total; i += chunk) queue.push(all.slice(i, i + chunk));
  let done = 0;
  const workers: Worker[] = [];
  const leftovers: number[] = [];
  let failure: unknown = null;

  const callingThreadParses = options.callingThreadParses ?? true;
  const workerCount = callingThreadParses ? threads - 1 : threads;
  const workersDone = new Promise<void>((resolve) => {
    let alive = workerCount;
    const assigned = new Map<Worker, number[][]>();
    const feed = (w: Worker) => {
      const mine = assigned.get(w) ?? [];
      // Keep two chunks in flight per worker: the calling thread may be busy when a worker asks for more.
      while (mine.length < 2 && queue.length) {
        const next = queue.shift() as number[];
        mine.push(next);
        w.postMessage({ type: 'pages', pages: next } satisfies WorkerRequest);
      }
      assigned.set(w, mine);
      if (mine.length === 0) w.postMessage({ type: 'close' } satisfies WorkerRequest);
    };
    const retire = (w: Worker) => {
      // A worker that died leaves its pages to the calling thread.
      for (const c of assigned.get(w) ?? []) leftovers.push(...c.filter((i) => !out[i]));
      assigned.delete(w);
      if (--alive === 0) resolve();
    };
    for (let t = 0; t < workerCount; t++) {
      // A heap ceiling makes V8 collect early instead of growing (a worker that still runs out leaves its
      // pages to the calling thread).
      const w = new Worker(launch.source, {
        eval: launch.eval,
        workerData: {
          data: shared,
          encodePictures: options.encodePictures ?? false,
          renewEvery: source.renewEvery,
        } satisfies WorkerInit,
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      });
      workers.push(w);
      w.on('message', (msg: WorkerReply) => {
        if (msg.type === 'ready') feed(w);
        else if (msg.type === 'page') {
          out[msg.page.index] = options.onRawPage ? options.onRawPage(msg.page) : msg.page;
          options.onPage?.(++done, total);
        } else if (msg.type === 'idle') {
          assigned.get(w)?.shift();
          feed(w);
        } else if (msg.type === 'fatal') {
          void w.terminate();
        }
      });
      w.on('error', () => undefined);
      w.on('exit', () => retire(w));
    }
  });
  const stop = () => {
    for (const w of workers) void w.terminate();
  };
  const onAbort = () => stop();
  options.signal?.addEventListener('abort', onAbort);
  try {
    // The calling thread takes chunks from the same queue, letting worker messages in between pages.
    const perPage = pageOptions(options);
    while (callingThreadParses && queue.length) {
      const next = queue.shift() as number[];
      for (const index of next) {
        throwIfAborted(options.signal);
        await parseInto(source, index, options, perPage, out);
        options.onPage?.(++done, total);
        await new Promise((r) => setImmediate(r));
      }
    }
    await Promise.race([
      workersDone,
      new Promise<void>((_, reject) => {
        if (options.signal) {
          const check = () => {
            try {
              throwIfAborted(options.signal);
            } catch (err) {
              reject(err);
            }
          };
          check();
          options.signal.addEventListener('abort', check);
        }
      }),
    ]);
  } catch (err) {
    failure = err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop();
  }
  if (failure) throw failure;
  const missing = all.filter((i) => !out[i]);
  if (missing.length || leftovers.length) {
    await parsePagesInThread(
      source,
      [...new Set([...missing, ...leftovers])].sort((a, b) => a - b),
      options,
      total,
      out,
      done,
    );
  }
  return out;
}
