/**
 * Artifacts as JSON files, written piece by piece: a 1000-page layout is ~30 MB of JSON, and one
 * JSON.stringify of it would hold that whole string (and its intermediate pieces) in memory at once.
 */
import { open } from 'node:fs/promises';

/** Flushes the buffered text to the file once it holds this many characters. */
const FLUSH_CHARS = 1 << 20;

/**
 * Writes `value` as JSON; the same text as JSON.stringify(value), but each element of a top-level array
 * property (pages, blocks, chapters) is stringified on its own and written out in batches.
 */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  const file = await open(path, 'w');
  try {
    let buffer = '';
    const emit = async (text: string) => {
      buffer += text;
      if (buffer.length >= FLUSH_CHARS) {
        await file.write(buffer);
        buffer = '';
      }
    };
    if (value === null || typeof value !== 'object' || Array.isArray(value) || 'toJSON' in value) {
      await emit(JSON.stringify(value) ?? 'null');
    } else {
      await emit('{');
      let first = true;
      for (const [key, v] of Object.entries(value)) {
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        await emit(`${first ? '' : ','}${JSON.stringify(key)}:`);
        first = false;
        if (Array.isArray(v)) {
          await emit('[');
          for (let i = 0; i < v.length; i++) await emit((i ? ',' : '') + (JSON.stringify(v[i]) ?? 'null'));
          await emit(']');
        } else {
          await emit(JSON.stringify(v));
        }
      }
      await emit('}');
    }
    await file.write(buffer);
  } finally {
    await file.close();
  }
}
