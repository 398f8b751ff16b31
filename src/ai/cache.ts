/**
 * Page readings cached in Redis by hash(page content) + model + prompt version: retries and re-conversions
 * do not pay twice. A second entry per template (numbers masked) lets sibling pages reuse one analysis.
 */
import type Redis from 'ioredis';
import { PROMPT_VERSION } from './prompt';
import { type PageReading, pageReadingSchema } from './reading';
import { z } from 'zod';

export interface TemplateEntry {
  reading: PageReading;
  /** The numbers of the page the reading was made for, in line order. */
  numbers: string[];
}

const templateEntrySchema = z.object({ reading: pageReadingSchema, numbers: z.array(z.string()) });

export interface ReadingCache {
  get(model: string, contentKey: string): Promise<PageReading | undefined>;
  getTemplate(model: string, templateKey: string): Promise<TemplateEntry | undefined>;
  put(model: string, contentKey: string, templateKey: string, entry: TemplateEntry): Promise<void>;
}

/** The Redis commands the cache needs (ioredis's client has them). */
type RedisLike = Pick<Redis, 'get' | 'set'>;

export class RedisReadingCache implements ReadingCache {
  constructor(
    private readonly redis: RedisLike,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  private key(kind: 'c' | 't', model: string, hash: string): string {
    return `${this.prefix}ai:${PROMPT_VERSION}:${model}:${kind}:${hash}`;
  }

  async get(model: string, contentKey: string): Promise<PageReading | undefined> {
    const raw = await this.redis.get(this.key('c', model, contentKey));
    return parse(raw, pageReadingSchema);
  }

  async getTemplate(model: string, templateKey: string): Promise<TemplateEntry | undefined> {
    const raw = await this.redis.get(this.key('t', model, templateKey));
    return parse(raw, templateEntrySchema);
  }

  async put(model: string, contentKey: string, templateKey: string, entry: TemplateEntry): Promise<void> {
    await this.redis.set(
      this.key('c', model, contentKey),
      JSON.stringify(entry.reading),
      'EX',
      this.ttlSeconds,
    );
    await this.redis.set(this.key('t', model, templateKey), JSON.stringify(entry), 'EX', this.ttlSeconds);
  }
}

function parse<T>(raw: string | null, schema: z.ZodType<T>): T | undefined {
  if (!raw) return undefined;
  try {
    const result = schema.safeParse(JSON.parse(raw));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** A reading made for one page, carried to a sibling page of the same template by swapping its numbers. */
export function transferReading(
  entry: TemplateEntry,
  targetNumbers: string[],
  page: number,
): PageReading | undefined {
  if (entry.numbers.length !== targetNumbers.length) return undefined;
  const map = new Map<string, string>();
  for (let i = 0; i < entry.numbers.length; i++) {
    const known = map.get(entry.numbers[i]);
    if (known !== undefined && known !== targetNumbers[i]) return undefined;
    map.set(entry.numbers[i], targetNumbers[i]);
  }
  const swap = (text: string) => text.replace(/\d+/g, (n) => map.get(n) ?? n);
  const blocks = entry.reading.blocks.map((block) => {
    switch (block.role) {
      case 'table':
        return { ...block, rows: block.rows.map((row) => row.map(swap)) };
      case 'list_item':
        return { ...block, marker: swap(block.marker), text: swap(block.text) };
      case 'footnote':
        return { ...block, label: swap(block.label), text: swap(block.text) };
      default:
        return { ...block, text: swap(block.text) };
    }
  });
  return { page, blocks, artifact_lines: entry.reading.artifact_lines };
}
