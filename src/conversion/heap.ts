/**
 * V8 lets a heap grow well past its live data before a full collection when the machine has memory to
 * spare: converting a 1000-page book peaked at ~530 MB RSS for ~100 MB of live objects. A smaller growing
 * factor keeps the peak near the live set (~340 MB on that book) for a few percent more GC time. The flag is
 * read each time V8 sizes the heap, so setting it at run time works; it applies to the whole process.
 */
import { setFlagsFromString } from 'node:v8';

/** The old generation may grow by this percentage of its live size between full collections. */
export const HEAP_GROWING_PERCENT = 10;

let tuned = false;

export function tuneHeapForConversion(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
