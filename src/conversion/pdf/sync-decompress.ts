/**
 * pdf.js inflates every Flate stream (content streams, fonts, images) through the web DecompressionStream,
 * which in Node hops to the libuv thread pool and back for each stream: the parsing thread sits idle between
 * hops (a sixth of analyze_layout's time on a 234-page book). This stand-in has the same interface and the
 * same failure behaviour (a bad stream errors the readable side, and pdf.js then falls back to its own
 * tolerant decoder) but inflates synchronously with zlib in one step. Conversion runs off the service's
 * event loop (stage worker threads), so a synchronous inflate blocks nobody.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

type Inflate = (input: Uint8Array) => Buffer;

const INFLATERS: Record<string, Inflate> = {
  deflate: (input) => inflateSync(input),
  'deflate-raw': (input) => inflateRawSync(input),
  gzip: (input) => gunzipSync(input),
  brotli: (input) => brotliDecompressSync(input),
};

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** A DecompressionStream that collects its input and inflates it in one synchronous call when closed. */
export class SyncDecompressionStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;

  constructor(format: string) {
    const inflate = INFLATERS[format];
    if (!inflate) throw new TypeError(`Unsupported compression format: '${format}'`);
    const chunks: Uint8Array[] = [];
    const stream = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk) {
        chunks.push(chunk);
      },
      flush(controller) {
        const out = inflate(concat(chunks));
        controller.enqueue(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
      },
    });
    this.readable = stream.readable;
    this.writable = stream.writable;
  }
}

/** Makes pdf.js (which looks DecompressionStream up on the global object) inflate synchronously, for this thread. */
export function installSyncDecompression(): void {
  (globalThis as { DecompressionStream?: unknown }).DecompressionStream = SyncDecompressionStream;
}
