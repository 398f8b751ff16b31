/**
 * Line-end hyphenation, decided with the book as its own dictionary: "algo-" + "rithm" becomes "algorithm"
 * when "algorithm" occurs elsewhere in the book, or when "algo-rithm" never does; otherwise the hyphen is a
 * real one ("well-" + "known" → "well-known").
 */
import type { LayoutArtifact } from '../model/layout';

const WORD_RE = /[\p{L}\p{M}]+(?:[-‐][\p{L}\p{M}]+)*/gu;
const HYPHEN_END_RE = /([\p{L}\p{M}]+)[-‐\u00AD]$/u;
const LEADING_WORD_RE = /^([\p{L}\p{M}]+)/u;

export class BookDictionary {
  private readonly words = new Set<string>();
  private readonly compounds = new Set<string>();

  static fromLayout(layout: LayoutArtifact): BookDictionary {
    const dict = new BookDictionary();
    for (const page of layout.pages) {
      for (const line of page.lines) {
        if (line.artifact) continue;
        const text = line.text;
        const matches = [...text.matchAll(WORD_RE)];
        matches.forEach((m, i) => {
          const w = m[0].toLowerCase();
          const end = (m.index ?? 0) + m[0].length;
          // A word cut by a line-end hyphen is not evidence for anything.
          if (i === matches.length - 1 && /^[-‐\u00AD]\s*$/.test(text.slice(end))) return;
          if (/[-‐]/.test(w)) {
            dict.compounds.add(w.replace(/‐/g, '-'));
            for (const part of w.split(/[-‐]/)) dict.words.add(part);
          } else {
            dict.words.add(w);
          }
        });
      }
    }
    return dict;
  }

  has(word: string): boolean {
    return this.words.has(word.toLowerCase());
  }

  hasCompound(word: string): boolean {
    return this.compounds.has(word.toLowerCase());
  }

  /**
   * How to join a line ending in `prev` with the next line starting with `next`:
   * 'join' (drop the hyphen, no space), 'keep' (keep the hyphen, no space) or 'space' (not hyphenated).
   * In code (`code`: the hyphen is set in a monospace font) a hyphen is the identifier's own ("bitops-bitwise-"
   * + "and") unless the book uses the joined word.
   */
  decide(prev: string, next: string, code = false): 'join' | 'keep' | 'space' {
    const m = HYPHEN_END_RE.exec(prev.trimEnd());
    if (!m) return 'space';
    const n = LEADING_WORD_RE.exec(next.trimStart());
    if (!n) return 'keep';
    const first = m[1];
    const second = n[1];
    if (prev.trimEnd().endsWith('\u00AD')) return 'join';
    const joined = first + second;
    // Words in capitals ("ELE-" + "MENT", "DEFEC-" + "TIVE") split like any other: only a compound the book
    // uses ("NON-ASCII") keeps its hyphen.
    const capitals = (w: string) => w === w.toUpperCase() && w !== w.toLowerCase();
    // "non-" + "Linear": a capital after the hyphen is a compound, never a split word.
    if (!(capitals(first) && capitals(second)) && second[0] !== second[0].toLowerCase()) return 'keep';
    if (this.has(joined)) return 'join';
    if (this.hasCompound(`${first}-${second}`)) return 'keep';
    return code ? 'keep' : 'join';
  }
}
