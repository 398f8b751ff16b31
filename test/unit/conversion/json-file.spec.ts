/**
 * Artifact files: written piece by piece (pages possibly as pre-serialized JsonText) and read back element by
 * element. What comes back must be exactly what JSON.parse of the same file gives.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonText, parseJsonPieces, readJsonFile, writeJsonFile } from '../../../src/conversion/json-file';

const tricky = {
  version: 1,
  pages: [
    { text: 'brackets ] } [ { and "quotes", a \\ backslash\\', n: -1.5e-3 },
    { text: 'naïve — “typographic” 日本語 😀', empty: [], nested: [[1, [2]], { a: null }] },
    [],
    'a string element',
    42,
    true,
    null,
  ],
  empty: [],
  fonts: { f1: { name: 'CMTT10', monospace: true } },
  outline: [{ title: 'A, B: C', children: [] }],
  last: 'x',
};

describe('artifact JSON files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'json-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back exactly what JSON.parse gives, strings with brackets, quotes and any characters included', async () => {
    const text = JSON.stringify(tricky);
    const path = join(dir, 'tricky.json');
    await writeFile(path, text);
    const expected = JSON.parse(text) as unknown;
    expect(await readJsonFile(path)).toEqual(expected);
    const spaced = JSON.stringify(JSON.parse(text), null, 2);
    expect(parseJsonPieces(Buffer.from(` \n${spaced}\n `))).toEqual(expected);
    const proto = parseJsonPieces(Buffer.from('{"__proto__": {"polluted": true}, "pages": []}')) as object;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__', 'pages']);
    expect(proto).toEqual(JSON.parse('{"__proto__": {"polluted": true}, "pages": []}'));
  });

  it('reads JSON that is not an object, and refuses broken JSON', () => {
    expect(parseJsonPieces(Buffer.from('[1, {"a": "]"}]'))).toEqual([1, { a: ']' }]);
    expect(parseJsonPieces(Buffer.from('"just a string"'))).toBe('just a string');
    expect(() => parseJsonPieces(Buffer.from('{"pages": [1, 2'))).toThrow(SyntaxError);
    expect(() => parseJsonPieces(Buffer.from('{"a": "unterminated'))).toThrow(SyntaxError);
    expect(() => parseJsonPieces(Buffer.from('{"a": 1} trailing'))).toThrow(SyntaxError);
  });

  it('writes pre-serialized pages as they are, the same file JSON.stringify would write', async () => {
    const path = join(dir, 'layout.json');
    const pages = tricky.pages.map((p) => new JsonText(JSON.stringify(p)));
    await writeJsonFile(path, { ...tricky, pages });
    expect(await readFile(path, 'utf8')).toBe(JSON.stringify(tricky));
    expect(await readJsonFile(path)).toEqual(JSON.parse(JSON.stringify(tricky)));
  });
});
