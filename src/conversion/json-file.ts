/**
 * Artifacts as JSON files, written piece by piece: a 1000-page layout is ~30 MB of JSON, and one
 * JSON.stringify of it would hold that whole string (and its intermediate pieces) in memory at once.
 */
import { open, readFile } from 'node:fs/promises';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * A value already serialized as JSON, written into the file as it is. It is kept deflated until then: a long
 * book's pages are ~90 MB of JSON strings (two bytes a character once a page holds a typographic quote).
 */
export class JsonText {
  private readonly packed: Buffer;

  constructor(text: string) {
    this.packed = deflateRawSync(text, { level: 1 });
  }

  get text(): string {
    return inflateRawSync(this.packed).toString('utf8');
  }
}

/** Flushes the buffered text to the file once it holds this many characters. */
const FLUSH_CHARS = 1 << 20;

/**
 * Writes `value` as JSON; the same text as JSON.stringify(value), but each element of a top-level array
 * property (pages, blocks, chapters) is stringified on its own (or taken as is when it is JsonText) and written
 * out in batches.
 */
function elementJson(value: unknown): string {
  return value instanceof JsonText ? value.text : (JSON.stringify(value) ?? 'null');
}

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
          for (let i = 0; i < v.length; i++) await emit((i ? ',' : '') + elementJson(v[i]));
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

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

function isJsonSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(buf: Uint8Array, i: number): number {
  while (isJsonSpace(buf[i])) i++;
  return i;
}

function stringEnd(buf: Uint8Array, i: number): number {
  for (let j = i + 1; j < buf.length; j++) {
    if (buf[j] === BACKSLASH) j++;
    else if (buf[j] === QUOTE) return j + 1;
  }
  throw new SyntaxError('Unterminated string in JSON');
}

/** Where the JSON value starting at i ends (UTF-8 bytes: structural characters are ASCII, never inside a character). */
function valueEnd(buf: Uint8Array, i: number): number {
  const first = buf[i];
  if (first === QUOTE) return stringEnd(buf, i);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let j = i;
    while (
      j < buf.length &&
      !isJsonSpace(buf[j]) &&
      buf[j] !== COMMA &&
      buf[j] !== CLOSE_BRACE &&
      buf[j] !== CLOSE_BRACKET
    )
      j++;
    return j;
  }
  let depth = 0;
  for (let j = i; j < buf.length; j++) {
    const b = buf[j];
    if (b === QUOTE) j = stringEnd(buf, j) - 1;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if ((b === CLOSE_BRACE || b === CLOSE_BRACKET) && --depth === 0) return j + 1;
  }
  throw new SyntaxError('Unterminated object or array in JSON');
}

function expectByte(buf: Uint8Array, i: number, byte: number): void {
  if (buf[i] !== byte)
    throw new SyntaxError(`Unexpected ${JSON.stringify(String.fromCharCode(buf[i] ?? 0))} in JSON at ${i}`);
}

function parseSlice(buf: Buffer, from: number, to: number): unknown {
  return JSON.parse(buf.toString('utf8', from, to));
}

/** Parses the array starting at i, element by element; returns it and where it ends. */
function parseArrayPieces(buf: Buffer, i: number): { value: unknown[]; end: number } {
  const value: unknown[] = [];
  i = skipSpace(buf, i + 1);
  if (buf[i] === CLOSE_BRACKET) return { value, end: i + 1 };
  for (;;) {
    const end = valueEnd(buf, i);
    value.push(parseSlice(buf, i, end));
    i = skipSpace(buf, end);
    if (buf[i] === CLOSE_BRACKET) return { value, end: i + 1 };
    expectByte(buf, i, COMMA);
    i = skipSpace(buf, i + 1);
  }
}

/**
 * JSON.parse of a file's bytes, but a top-level object's array properties are parsed element by element: the
 * whole file never becomes one string (a long book's layout would be ~90 MB of string next to its objects).
 */
export function parseJsonPieces(buf: Buffer): unknown {
  let i = skipSpace(buf, 0);
  if (buf[i] !== OPEN_BRACE) return JSON.parse(buf.toString('utf8'));
  const out: Record<string, unknown> = {};
  i = skipSpace(buf, i + 1);
  if (buf[i] === CLOSE_BRACE) return out;
  for (;;) {
    expectByte(buf, i, QUOTE);
    const keyEnd = stringEnd(buf, i);
    const key = parseSlice(buf, i, keyEnd) as string;
    i = skipSpace(buf, keyEnd);
    expectByte(buf, i, COLON);
    i = skipSpace(buf, i + 1);
    let value: unknown;
    if (buf[i] === OPEN_BRACKET) {
      const parsed = parseArrayPieces(buf, i);
      value = parsed.value;
      i = parsed.end;
    } else {
      const end = valueEnd(buf, i);
      value = parseSlice(buf, i, end);
      i = end;
    }
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    i = skipSpace(buf, i);
    if (buf[i] === CLOSE_BRACE) break;
    expectByte(buf, i, COMMA);
    i = skipSpace(buf, i + 1);
  }
  if (skipSpace(buf, i + 1) !== buf.length) throw new SyntaxError('Unexpected data after JSON');
  return out;
}

/** Reads an artifact written by writeJsonFile (or any JSON file) with parseJsonPieces. */
export async function readJsonFile<T>(path: string): Promise<T> {
  return parseJsonPieces(await readFile(path)) as T;
}
