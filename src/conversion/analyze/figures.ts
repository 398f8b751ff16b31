/**
 * Figure regions: where vector drawings (and pictures) cluster. Text inside such a region is a diagram's
 * labels, not running text; extract keeps it apart so it does not cut the paragraphs around the figure.
 */
import type { Box } from '../model/layout';
import type { RawPage } from '../pdf/raw';

const JOIN_DISTANCE = 6;
/** A region needs this many painted shapes (or a picture) to be a figure rather than a rule or a frame. */
const MIN_SHAPES = 4;

interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  shapes: number;
  image: boolean;
}

function near(r: Region, x0: number, y0: number, x1: number, y1: number): boolean {
  return (
    x0 <= r.x1 + JOIN_DISTANCE &&
    x1 >= r.x0 - JOIN_DISTANCE &&
    y0 <= r.y1 + JOIN_DISTANCE &&
    y1 >= r.y0 - JOIN_DISTANCE
  );
}

export function figureRegions(raw: RawPage): Box[] {
  const pageArea = raw.width * raw.height;
  let regions: Region[] = [];
  const add = (x: number, y: number, w: number, h: number, image: boolean) => {
    if (w * h > 0.8 * pageArea) return; // page backgrounds and frames
    if (!image && (w < 2 || h < 2)) return; // rules, underlines, table lines
    const x1 = x + w;
    const y1 = y + h;
    const hit = regions.find((r) => near(r, x, y, x1, y1));
    if (hit) {
      hit.x0 = Math.min(hit.x0, x);
      hit.y0 = Math.min(hit.y0, y);
      hit.x1 = Math.max(hit.x1, x1);
      hit.y1 = Math.max(hit.y1, y1);
      hit.shapes++;
      hit.image ||= image;
    } else regions.push({ x0: x, y0: y, x1, y1, shapes: 1, image });
  };
  const d = raw.drawings;
  for (let i = 0; i + 3 < d.length; i += 4) add(d[i], d[i + 1], d[i + 2], d[i + 3], false);
  for (const im of raw.images) add(im.x, im.y, im.w, im.h, true);
  // Regions that grew into each other merge.
  for (let changed = true; changed;) {
    changed = false;
    const merged: Region[] = [];
    for (const r of regions) {
      const hit = merged.find((m) => near(m, r.x0, r.y0, r.x1, r.y1));
      if (hit) {
        hit.x0 = Math.min(hit.x0, r.x0);
        hit.y0 = Math.min(hit.y0, r.y0);
        hit.x1 = Math.max(hit.x1, r.x1);
        hit.y1 = Math.max(hit.y1, r.y1);
        hit.shapes += r.shapes;
        hit.image ||= r.image;
        changed = true;
      } else merged.push({ ...r });
    }
    regions = merged;
  }
  return regions
    .filter((r) => (r.shapes >= MIN_SHAPES || r.image) && (r.x1 - r.x0) * (r.y1 - r.y0) < 0.8 * pageArea)
    .filter((r) => r.x1 - r.x0 > 20 && r.y1 - r.y0 > 20)
    .map((r) => ({ x: r.x0, y: r.y0, w: r.x1 - r.x0, h: r.y1 - r.y0 }));
}
