/** The OCF container: "mimetype" first and stored, then everything else (images stored, text deflated). */
import { zipSync, type Zippable } from 'fflate';

export interface PackageFile {
  path: string;
  data: Uint8Array | string;
  /** Already compressed data (images): store instead of deflating again. */
  store?: boolean;
}

const encoder = new TextEncoder();

export function zipEpub(files: readonly PackageFile[], mtime: Date): Uint8Array {
  const entries: Zippable = {
    mimetype: [encoder.encode('application/epub+zip'), { level: 0, mtime }],
  };
  for (const file of files) {
    const data = typeof file.data === 'string' ? encoder.encode(file.data) : file.data;
    entries[file.path] = [data, { level: file.store ? 0 : 6, mtime }];
  }
  return zipSync(entries);
}
