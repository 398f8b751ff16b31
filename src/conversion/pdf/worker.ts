/**
 * Worker thread entry: opens the document once, then parses the pages the parent asks for, one message per
 * page (so the parent merges in order and memory stays bounded).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodedBuffers, pictureEncoder } from './image-encode';
import { openPdf } from './open';
import { parsePage, type ParsePageOptions } from './page-parse';
import { failedPage, type RawPage } from './raw';

export interface WorkerInit {
  data: SharedArrayBuffer;
  encodePictures: boolean;
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
  const { pdfjs, doc } = opened;
  const perPage: ParsePageOptions = init.encodePictures ? { onImage: pictureEncoder() } : {};
  port.on('message', (msg: WorkerRequest) => {
    if (msg.type === 'close') {
      void doc.destroy().finally(() => port.close());
      return;
    }
    void (async () => {
      for (const index of msg.pages) {
        let page: RawPage;
        try {
          page = await parsePage(pdfjs, doc, index, perPage);
        } catch (err) {
          page = failedPage(index, (err as Error)?.message ?? String(err));
        }
        port.postMessage({ type: 'page', page } satisfies WorkerReply, encodedBuffers(page.images));
      }
      port.postMessage({ type: 'idle' } satisfies WorkerReply);
    })();
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}

void main();
