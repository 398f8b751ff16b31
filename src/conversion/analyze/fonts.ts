/** Font statistics: body size, heading sizes, monospace fonts. */
import type { FontInfo, FontStatistics, Line } from '../model/layout';

export function fontStatistics(lines: Iterable<Line>, fonts: Record<string, FontInfo>): FontStatistics {
  const bySize = new Map<number, number>();
  let total = 0;
  for (const line of lines) {
    if (line.artifact) continue;
    for (const s of line.spans) {
      const k = Math.round(s.size * 2) / 2;
      const n = s.text.replace(/\s/g, '').length;
      bySize.set(k, (bySize.get(k) ?? 0) + n);
      total += n;
    }
  }
  let bodySize = 10;
  let best = -1;
  for (const [size, n] of bySize) {
    if (n > best) {
      best = n;
      bodySize = size;
    }
  }
  const minChars = Math.max(3, Math.min(40, 0.0005 * total));
  const headingSizes = [...bySize]
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
