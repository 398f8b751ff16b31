/**
 * Worker thread entry: opens the document, then parses the pages the parent asks for, one request after the
 * other, one message per page (so the parent merges in order and memory stays bounded).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodedBuffers, pictureEncoder } from './image-encode';
import { openPdf } from './open';
import { parsePage, type ParsePageOptions } from './page-parse';
import { ParsingDocument } from './parsing-document';
import { failedPage, type RawPage } from './raw';

export interface WorkerInit {
  data: SharedArrayBuffer;
  encodePictures: boolean;
  /** Pages parsed from one opened copy of the document (see ParsingDocument). */
  renewEvery: number;
}

export type WorkerRequest = { type: 'pages'; pages: number[] } | { type: 'close' };

export type WorkerReply =
  { type: 'ready' } | { type: 'page'; page: RawPage } | { type: 'idle' } | { type: 'fatal'; message: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const init = workerData as WorkerInit;
  const data = new Uint8Array(init.data);
  let opened;
  try {
    opened = await openPdf(data);
  } catch (err) {
    port.postMessage({ type: 'fatal', message: (err as Error).message } satisfies WorkerReply);
    return;
  }
  const source = new ParsingDocument(opened.pdfjs, opened.doc, data, init.renewEvery);
  const perPage: ParsePageOptions = init.encodePictures ? { onImage: pictureEncoder() } : {};
  const parseChunk = async (pages: number[]): Promise<void> => {
    for (const index of pages) {
      let page: RawPage;
      try {
        page = await parsePage(source.pdfjs, source.doc, index, perPage);
      } catch (err) {
        page = failedPage(index, (err as Error)?.message ?? String(err));
      }
      await source.pageDone();
      port.postMessage({ type: 'page', page } satisfies WorkerReply, encodedBuffers(page.images));
    }
    port.postMessage({ type: 'idle' } satisfies WorkerReply);
  };
  // One request at a time: the document may be renewed between two pages, never under a page being read.
  let turn = Promise.resolve();
  port.on('message', (msg: WorkerRequest) => {
    turn = turn.then(() =>
      msg.type === 'close' ? source.close().finally(() => port.close()) : parseChunk(msg.pages),
    );
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}

void main();
