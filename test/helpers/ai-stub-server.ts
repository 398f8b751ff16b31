/**
 * The AI stub server for tests (it lives in src/ai/stub/ because `npm run bench:ai`, compiled from src/, uses it
 * too), plus small hand-built layout/content fixtures for the AI tests.
 */
import type { Block, ContentArtifact } from '../../src/conversion/model/content';
import type { LayoutArtifact, Line, PageLayout } from '../../src/conversion/model/layout';
import { type AiConfig, parseAiConfig } from '../../src/ai/config';
import type { AiStubServer } from '../../src/ai/stub/ai-stub-server';

export * from '../../src/ai/stub/ai-stub-server';

export interface FixtureLine {
  text: string;
  /** Default 10 (the body size); larger = heading. */
  size?: number;
  artifact?: Line['artifact'];
  column?: number;
}

/** A block without its id and page (the fixture sets them); y optional. */
export type BlockSpec = Block extends infer B
  ? B extends Block
    ? Omit<B, 'id' | 'page' | 'y'> & { y?: number }
    : never
  : never;

export interface FixturePage {
  complex?: boolean;
  reasons?: string[];
  lines: Array<string | FixtureLine>;
  /** The heuristic blocks; default: big lines → headings, the other lines → one paragraph. */
  blocks?: BlockSpec[];
}

function toLine(spec: string | FixtureLine, i: number): Line {
  const l = typeof spec === 'string' ? { text: spec } : spec;
  const size = l.size ?? 10;
  const box = { x: 72 + (l.column ?? 0) * 250, y: 72 + i * 14, w: 400, h: size * 1.2 };
  return {
    text: l.text,
    box,
    spans: [{ text: l.text, box, fontId: 'f1', size }],
    fontId: 'f1',
    size,
    bold: size > 10,
    italic: false,
    monospace: false,
    column: l.column ?? 0,
    artifact: l.artifact,
  };
}

function defaultBlocks(lines: Line[]): FixturePage['blocks'] {
  const blocks: NonNullable<FixturePage['blocks']> = [];
  let body: string[] = [];
  const flush = () => {
    if (body.length) blocks.push({ kind: 'paragraph', inlines: [{ text: body.join(' ') }] });
    body = [];
  };
  for (const line of lines) {
    if (line.artifact) continue;
    if (line.size > 10) {
      flush();
      blocks.push({ kind: 'heading', level: 1, text: line.text, inlines: [{ text: line.text }] });
    } else body.push(line.text);
  }
  flush();
  return blocks;
}

/** Layout + heuristic content for a few pages. Block ids are "b0", "b1", ... */
export function buildFixture(pages: FixturePage[]): { layout: LayoutArtifact; content: ContentArtifact } {
  const layoutPages: PageLayout[] = [];
  const blocks: Block[] = [];
  pages.forEach((spec, index) => {
    const lines = spec.lines.map(toLine);
    const complex = spec.complex ?? false;
    layoutPages.push({
      index,
      width: 612,
      height: 792,
      lines,
      columns: Math.max(1, ...lines.map((l) => l.column + 1)),
      images: [],
      links: [],
      complexity: { complex, reasons: complex ? (spec.reasons ?? ['table_grid']) : [] },
    });
    for (const b of spec.blocks ?? defaultBlocks(lines) ?? []) {
      blocks.push({ ...b, id: `b${blocks.length}`, page: index, y: b.y ?? 72 } as Block);
    }
  });
  const layout: LayoutArtifact = {
    version: 1,
    pageCount: pages.length,
    pages: layoutPages,
    fonts: { f1: { id: 'f1', name: 'Times-Roman', bold: false, italic: false, monospace: false } },
    fontStats: { bodySize: 10, headingSizes: [16], monospaceFontIds: [] },
    outline: [],
    metadata: {},
    runningPatterns: [],
  };
  const content: ContentArtifact = {
    version: 1,
    blocks,
    assets: [],
    stats: { pages: pages.length, blocks: blocks.length, words: 0, emptyPages: [] },
  };
  return { layout, content };
}

/** AI configuration pointing at the stub; `keys` picks which providers have a key. */
export function stubConfig(
  stub: AiStubServer,
  env: Record<string, string> = {},
  keys: Array<'openai' | 'anthropic'> = ['openai', 'anthropic'],
): AiConfig {
  return parseAiConfig({
    AI_MODE: 'all',
    ...(keys.includes('openai') ? { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: stub.openaiBaseURL } : {}),
    ...(keys.includes('anthropic')
      ? { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: stub.anthropicBaseURL }
      : {}),
    AI_MAX_RETRIES: '0',
    AI_TIMEOUT_MS: '5000',
    ...env,
  });
}
