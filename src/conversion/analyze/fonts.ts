/** Font statistics: body size, heading sizes, monospace fonts. */
import type { FontInfo, FontStatistics, Line } from '../model/layout';

/** Counts characters per text size, line by line (pages can be fed one at a time). */
export class FontSizeCounter {
  private readonly bySize = new Map<number, number>();
  private total = 0;

  add(lines: Iterable<Line>): void {
    for (const line of lines) {
      if (line.artifact) continue;
      for (const s of line.spans) {
        const k = Math.round(s.size * 2) / 2;
        const n = s.text.replace(/\s/g, '').length;
        this.bySize.set(k, (this.bySize.get(k) ?? 0) + n);
        this.total += n;
      }
    }
  }

  statistics(fonts: Record<string, FontInfo>): FontStatistics {
    let bodySize = 10;
    let best = -1;
    for (const [size, n] of this.bySize) {
      if (n > best) {
        best = n;
        bodySize = size;
      }
    }
    const minChars = Math.max(3, Math.min(40, 0.0005 * this.total));
    const headingSizes = [...this.bySize]
      .filter(([size, n]) => size >= bodySize * 1.12 && n >= minChars)
      .map(([size]) => size)
      .sort((a, b) => b - a)
      .slice(0, 6);
    const monospaceFontIds = Object.values(fonts)
      .filter((f) => f.monospace)
      .map((f) => f.id)
      .sort();
    return { bodySize, headingSizes, monospaceFontIds };
  }
}

export function fontStatistics(lines: Iterable<Line>, fonts: Record<string, FontInfo>): FontStatistics {
  const counter = new FontSizeCounter();
  counter.add(lines);
  return counter.statistics(fonts);
}
