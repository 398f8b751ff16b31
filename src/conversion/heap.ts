/**
 * V8 lets a heap grow well past its live data before a full collection when the machine has memory to
 * spare: converting a 1000-page book peaked at ~530 MB RSS for ~100 MB of live objects. A smaller growing
 * factor keeps the peak near the live set (~340 MB on that book) for more GC time: ~10% of the CPU time of a
 * 100-page book, where memory is no concern (R-intro peaks under 200 MB either way). So it is set only once a
 * long book is seen. The flag is read each time V8 sizes a heap, so setting it at run time works; it applies to
 * the whole process (every later stage thread too) and stays set.
 */
import { setFlagsFromString } from 'node:v8';

/** The old generation may grow by this percentage of its live size between full collections. */
export const HEAP_GROWING_PERCENT = 10;
/** Books of this many pages or more get the smaller growing factor. */
export const LONG_BOOK_PAGES = 300;

let tuned = false;

export function tuneHeapForBook(pageCount: number): void {
  if (tuned || pageCount < LONG_BOOK_PAGES) return;
  tuned = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
