/**
 * The PageReader contract: a page's positioned lines, font facts and the heuristics' reading go in;
 * a structured reading (ordered blocks with roles, lines to drop) comes out.
 */
import { z } from 'zod';
import type { AiProviderName } from './config';

/** One text line as the model sees it. `index` is what `artifact_lines` refers to. */
export interface PageLineInput {
  index: number;
  text: string;
  x: number;
  y: number;
  w: number;
  size: number;
  font: string;
  bold: boolean;
  italic: boolean;
  monospace: boolean;
  column: number;
}

export interface PageInput {
  /** 0-based page index. */
  page: number;
  width: number;
  height: number;
  columns: number;
  complexityReasons: string[];
  lines: PageLineInput[];
  /** The heuristic reading, one short line per block, e.g. "heading(2): Introduction". */
  heuristicReading: string[];
  /** Images on the page (the model cannot see them; captions nearby matter). */
  imageCount: number;
}

export interface FontFacts {
  bodySize: number;
  headingSizes: number[];
}

export interface ReadRequest {
  pages: PageInput[];
  fonts: FontFacts;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ReadResult {
  /** The model's answer as parsed JSON, or the raw text when it was not JSON (then it fails validation). */
  answer: unknown;
  usage: TokenUsage;
}

/** One provider and model. Throws the SDK's errors unchanged (the caller classifies them). */
export interface PageReader {
  readonly provider: AiProviderName;
  readonly model: string;
  read(request: ReadRequest): Promise<ReadResult>;
}

const text = z.string().max(20_000);

export const readingBlockSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('paragraph'), text }),
  z.object({ role: z.literal('heading'), level: z.number().int().min(1).max(6), text }),
  z.object({ role: z.literal('list_item'), marker: z.string().max(12), ordered: z.boolean(), text }),
  z.object({ role: z.literal('code'), text }),
  z.object({
    role: z.literal('table'),
    rows: z
      .array(z.array(z.string().max(2000)).min(1).max(50))
      .min(1)
      .max(500),
    header_row: z.boolean(),
  }),
  z.object({ role: z.literal('caption'), text }),
  z.object({ role: z.literal('footnote'), label: z.string().max(12), text }),
]);
export type ReadingBlock = z.infer<typeof readingBlockSchema>;

export const pageReadingSchema = z.object({
  page: z.number().int().min(0),
  blocks: z.array(readingBlockSchema).max(2000),
  /** Indexes of lines that are running headers, footers, page numbers or other debris. */
  artifact_lines: z.array(z.number().int().min(0)).max(500),
  /** The first block is the rest of a paragraph begun on the previous page (the page starts mid-paragraph). */
  continues_previous_page: z.boolean().optional(),
  /** The last block is a paragraph that goes on on the next page (the page ends mid-paragraph). */
  continues_on_next_page: z.boolean().optional(),
});
export type PageReading = z.infer<typeof pageReadingSchema>;

export const answerSchema = z.object({ pages: z.array(pageReadingSchema).min(1).max(50) });
export type Answer = z.infer<typeof answerSchema>;

const stringProp = { type: 'string' };
function variant(role: string, extra: Record<string, object>): object {
  const properties = { role: { type: 'string', enum: [role] }, ...extra };
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

/** The same shape as `answerSchema`, as JSON Schema for OpenAI strict structured output and Anthropic tools. */
export const ANSWER_JSON_SCHEMA: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  required: ['pages'],
  properties: {
    pages: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['page', 'blocks', 'artifact_lines', 'continues_previous_page', 'continues_on_next_page'],
        properties: {
          page: { type: 'integer' },
          artifact_lines: { type: 'array', items: { type: 'integer' } },
          continues_previous_page: { type: 'boolean' },
          continues_on_next_page: { type: 'boolean' },
          blocks: {
            type: 'array',
            items: {
              anyOf: [
                variant('paragraph', { text: stringProp }),
                variant('heading', { level: { type: 'integer' }, text: stringProp }),
                variant('list_item', { marker: stringProp, ordered: { type: 'boolean' }, text: stringProp }),
                variant('code', { text: stringProp }),
                variant('table', {
                  rows: { type: 'array', items: { type: 'array', items: stringProp } },
                  header_row: { type: 'boolean' },
                }),
                variant('caption', { text: stringProp }),
                variant('footnote', { label: stringProp, text: stringProp }),
              ],
            },
          },
        },
      },
    },
  },
};
