/**
 * Parses every page of a document, on worker threads when that pays off, else in the calling thread.
 * Pages are handed out in small contiguous chunks (font caches stay warm, load stays balanced).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { throwIfAborted } from '../errors';
import { parsePage } from './page-parse';
import type { PdfjsDocument, PdfjsModule } from './pdfjs';
import type { RawPage } from './raw';
import type { WorkerReply, WorkerRequest } from './worker';

export interface ParsePagesOptions {
  parallelism?: number;
  signal?: AbortSignal;
  onPage?: (done: number, total: number) => void;
}

/** Below this many pages, starting threads (each loads pdf.js and the document) costs more than it saves. */
export const MIN_PAGES_FOR_WORKERS = 8;

interface WorkerLaunch {
  file: string;
  execArgv: string[];
}

/** The compiled worker; from TypeScript sources (tests, dev) the worker runs through tsx when it is installed. */
function workerLaunch(): WorkerLaunch | null {
  const js = join(__dirname, 'worker.js');
  if (existsSync(js)) return { file: js, execArgv: [] };
  const ts = join(__dirname, 'worker.ts');
  if (!existsSync(ts)) return null;
  try {
    require.resolve('tsx');
    return { file: ts, execArgv: ['--import', 'tsx'] };
  } catch {
    return null;
  }
}

function failedPage(index: number, message: string): RawPage {
  return {
    index,
    width: 612,
    height: 792,
    transform: [1, 0, 0, -1, 0, 792],
    spans: [],
    images: [],
    links: [],
    rotatedChars: 0,
    paths: 0,
    fonts: [],
    error: message,
  };
}

export async function parsePagesInThread(
  pdfjs: PdfjsModule,
  doc: PdfjsDocument,
  indices: number[],
  options: ParsePagesOptions,
  total: number,
  out: RawPage[],
  doneBefore = 0,
): Promise<void> {
  let done = doneBefore;
  for (const index of indices) {
    throwIfAborted(options.signal);
    try {
      out[index] = await parsePage(pdfjs, doc, index);
    } catch (err) {
      out[index] = failedPage(index, (err as Error)?.message ?? String(err));
    }
    options.onPage?.(++done, total);
  }
}

export async function parseAllPages(
  data: Uint8Array,
  pdfjs: PdfjsModule,
  doc: PdfjsDocument,
  options: ParsePagesOptions = {},
): Promise<RawPage[]> {
  const total = doc.numPages;
  const out: RawPage[] = new Array(total);
  const all = Array.from({ length: total }, (_, i) => i);
  const launch = workerLaunch();
  const threads = Math.max(1, Math.min(options.parallelism ?? availableParallelism(), Math.ceil(total / 4)));
  if (!launch || threads <= 1 || total < MIN_PAGES_FOR_WORKERS) {
    await parsePagesInThread(pdfjs, doc, all, options, total, out);
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

  await new Promise<void>((resolve, reject) => {
    let finished = false;
    let alive = threads;
    const assigned = new Map<Worker, Set<number>>();
    const finish = (err?: unknown) => {
      if (finished) return;
      finished = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => {
      try {
        throwIfAborted(options.signal);
      } catch (err) {
        finish(err);
      }
    };
    options.signal?.addEventListener('abort', onAbort);
    const feed = (w: Worker) => {
      const next = queue.shift();
      if (!next) {
        w.postMessage({ type: 'close' } satisfies WorkerRequest);
        return;
      }
      assigned.set(w, new Set(next));
      w.postMessage({ type: 'pages', pages: next } satisfies WorkerRequest);
    };
    const retire = (w: Worker) => {
      // A worker that died leaves its pages to the calling thread.
      const pending = assigned.get(w);
      if (pending) leftovers.push(...pending);
      assigned.delete(w);
      if (--alive === 0) {
        leftovers.push(...queue.flat());
        queue.length = 0;
        finish();
      }
    };
    for (let t = 0; t < threads; t++) {
      const w = new Worker(launch.file, { workerData: { data: shared }, execArgv: launch.execArgv });
      workers.push(w);
      w.on('message', (msg: WorkerReply) => {
        if (finished) return;
        if (msg.type === 'ready' || msg.type === 'idle') feed(w);
        else if (msg.type === 'page') {
          out[msg.page.index] = msg.page;
          assigned.get(w)?.delete(msg.page.index);
          options.onPage?.(++done, total);
        } else if (msg.type === 'fatal') {
          void w.terminate();
        }
      });
      w.on('error', () => undefined);
      w.on('exit', () => retire(w));
    }
  });
  if (leftovers.length) {
    leftovers.sort((a, b) => a - b);
    await parsePagesInThread(pdfjs, doc, leftovers, options, total, out, done);
  }
  return out;
}
