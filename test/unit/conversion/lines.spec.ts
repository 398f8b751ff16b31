import { buildFragments, type FragmentContext } from '../../../src/conversion/analyze/lines';
import { composeAccents } from '../../../src/conversion/analyze/accents';
import type { RawSpan } from '../../../src/conversion/pdf/raw';

const ctx: FragmentContext = {
  fonts: {
    r: { id: 'r', name: 'CMR9', bold: false, italic: false, monospace: false },
    b: { id: 'b', name: 'CMBX12', bold: true, italic: false, monospace: false },
    t: { id: 't', name: 'CMTT10', bold: false, italic: false, monospace: true },
  },
  links: [],
};

/** A span of `text` with its baseline at `base`, in font `fontId` at `size` points (0.5 em per character). */
function span(text: string, x: number, base: number, size: number, fontId = 'r'): RawSpan {
  return {
    text,
    x,
    y: base - 0.8 * size,
    w: 0.5 * size * text.length,
    h: size,
    base,
    size,
    fontId,
    spaceBefore: true,
  };
}

function texts(rows: ReturnType<typeof buildFragments>): string[][] {
  return rows.map((r) => r.map((l) => l.text));
}

describe('buildFragments', () => {
  it('keeps an index letter heading of the right column out of the left column rows it overlaps', () => {
    // Left column: 9pt entries 11pt apart; right column: a 14pt letter "T" whose height covers two of them,
    // one on the same baseline, set 17pt past the end of the left entry (less than 1.6 em of 14pt, more
    // than 1.6 em of 9pt).
    const spans = [
      span('png . . . 80', 90, 317, 9),
      span('points . . 71', 90, 328, 9),
      span('T', 161, 317.2, 14.3, 'b'),
    ];
    const rows = texts(buildFragments(spans, ctx));
    expect(rows).toContainEqual(['png . . . 80', 'T']);
    expect(rows).toContainEqual(['points . . 71']);
  });

  it('does not chain two rows of small type through a bigger letter beside them', () => {
    // "vcov" and "vector" are one under the other in the right column; the 14pt "R" of the left column
    // overlaps both in height. They must stay two lines, not one with their letters interleaved.
    const spans = [
      span('vcov . . . 59', 315, 542.6, 9),
      span('R', 89.5, 549.5, 14.3, 'b'),
      span('vector . . 8', 315, 553, 9),
    ];
    const rows = texts(buildFragments(spans, ctx)).flat();
    expect(rows).toEqual(expect.arrayContaining(['vcov . . . 59', 'vector . . 8', 'R']));
  });

  it('joins a footnote mark to the word it follows, even when the line starts far to its left', () => {
    const spans = [
      span('Comments', 90, 300, 10),
      span('almost', 133, 300, 10),
      { ...span('2', 163.5, 296, 6), spaceBefore: false },
    ];
    expect(texts(buildFragments(spans, ctx))).toEqual([['Comments almost2']]);
  });

  it('keeps two lines of tiny type apart when a bigger title shares the second one`s baseline', () => {
    // A slide thumbnail: "There Is No" over "Largest Prime" at 3.5pt, beside an 8.3pt title.
    const spans = [
      span('There', 87.6, 78.8, 3.5),
      span('Is', 97.7, 78.8, 3.5),
      span('No', 101.4, 78.8, 3.5),
      span('Largest', 86, 82.8, 3.5),
      span('Prime', 98.4, 82.8, 3.5),
      span('Title', 140, 83.1, 8.3),
    ];
    const all = texts(buildFragments(spans, ctx)).flat();
    expect(all).toContain('There Is No');
    expect(all).toContain('Largest Prime');
  });
});

describe('spaces between spans', () => {
  it('parts inline code from the next word at a gap narrower than a word space between two prose fonts', () => {
    // TeX via dvips: "… and tcp.recvmsg.return are actually …", 0.1496 em after the typewriter run.
    const code = { ...span('tcp.recvmsg.return', 100, 300, 9.96, 't'), spaceBefore: false };
    const are = { ...span('are', code.x + code.w + 1.49, 300, 9.96), spaceBefore: false };
    // A typewriter run glued to a word ("ints") and prose fonts 0.12 em apart (an italic letter's
    // correction: "r" + "andom") stay one word.
    const int = { ...span('int', 100, 320, 9.96, 't'), spaceBefore: false };
    const s = { ...span('s', int.x + int.w, 320, 9.96), spaceBefore: false };
    const r = { ...span('r', 100, 340, 9.96, 'b'), spaceBefore: false };
    const andom = { ...span('andom', r.x + r.w + 1.2, 340, 9.96), spaceBefore: false };
    expect(texts(buildFragments([code, are, int, s, r, andom], ctx))).toEqual([
      ['tcp.recvmsg.return are'],
      ['ints'],
      ['random'],
    ]);
  });
});

describe('accents built from two glyphs', () => {
  it('joins a spacing accent to the letter it is set over or under', () => {
    expect(composeAccents('na\u00A8\u0131ve')).toBe('naïve');
    expect(composeAccents('Fran\u00B8cois')).toBe('François');
    expect(composeAccents('e\u00B4')).toBe('é');
    // No precomposed letter: left as printed. ASCII "^" and "~" (code) are never touched.
    expect(composeAccents('q\u00B8 r')).toBe('q\u00B8 r');
    expect(composeAccents('a^b ~c')).toBe('a^b ~c');
  });

  it('moves an accent that ends one span onto the letter that starts the touching next span', () => {
    const spans = [
      span('Fran\u00B8', 388.4, 587.5, 10.9),
      { ...span('cois', 410.4, 587.5, 10.9), spaceBefore: false },
    ];
    expect(texts(buildFragments(spans, ctx))).toEqual([['François']]);
  });
});
