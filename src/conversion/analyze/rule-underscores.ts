/**
 * Underscores drawn as rules. TeX's fonts in the OT1 encoding have no underscore glyph: `\_` is a short filled
 * rule on the baseline ("glp_create_prob" in a bold heading is "glp", a rule, "create", a rule, "prob"). Without
 * the rule the words fall apart ("glp create prob") and no longer match the identifier the book means.
 * A rule becomes an underscore when it is short (about a third of an em, at most an em), thin, sits on a text
 * baseline right after the end of a span, and no glyph stands above it (an underline lies under its text).
 */
import type { RawSpan } from '../pdf/raw';

const MIN_WIDTH_EM = 0.2;
const MAX_WIDTH_EM = 0.8;
const MAX_THICKNESS_EM = 0.12;
/** How far the rule may sit from the baseline (above or below), in ems. */
const BASELINE_EM = 0.15;
/** How far the span before may end from the rule's start (TeX kerns 0.06 em before it), in ems. */
const JOIN_EM = 0.2;

function isRuleSized(w: number, h: number, size: number): boolean {
  return w >= MIN_WIDTH_EM * size && w <= MAX_WIDTH_EM * size && h >= 0 && h <= MAX_THICKNESS_EM * size;
}

/** The span whose end the rule continues: same baseline, ending just before the rule. */
function spanBefore(spans: readonly RawSpan[], x: number, middle: number): RawSpan | undefined {
  return spans.find((s) => {
    const right = s.x + s.w;
    return (
      Math.abs(middle - s.base) <= BASELINE_EM * s.size &&
      right <= x + 0.05 * s.size &&
      x - right <= JOIN_EM * s.size
    );
  });
}

/** A glyph over the rule's extent on that baseline: the rule underlines it. */
function overlapsText(spans: readonly RawSpan[], x: number, w: number, base: number, size: number): boolean {
  return spans.some(
    (s) =>
      Math.abs(s.base - base) <= BASELINE_EM * size &&
      s.x < x + w - 0.05 * size &&
      s.x + s.w > x + 0.05 * size,
  );
}

/** `spans` plus an "_" span for every rule that stands for an underscore (drawings: flattened x, y, w, h boxes). */
export function withRuleUnderscores(spans: RawSpan[], drawings: readonly number[]): RawSpan[] {
  const rules: Array<{ x: number; y: number; w: number; h: number }> = [];
  for (let i = 0; i + 3 < drawings.length; i += 4) {
    const [x, y, w, h] = [drawings[i], drawings[i + 1], drawings[i + 2], drawings[i + 3]];
    // Cheap first cut (sizes of 4–40 pt text) before looking at any span.
    if (w >= 0.8 && w <= 32 && h <= 4.8) rules.push({ x, y, w, h });
  }
  if (rules.length === 0) return spans;
  rules.sort((a, b) => a.x - b.x);
  const out = spans.slice();
  for (const r of rules) {
    const before = spanBefore(out, r.x, r.y + r.h / 2);
    if (!before || !isRuleSized(r.w, r.h, before.size)) continue;
    if (overlapsText(out, r.x, r.w, before.base, before.size)) continue;
    const { y, h, base, size, fontId } = before;
    out.push({ text: '_', x: r.x, y, w: r.w, h, base, size, fontId });
  }
  return out;
}
