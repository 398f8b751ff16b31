/**
 * npm run bench:ai — a 300-page synthetic book through enhanceContent in mode "all" against the local AI stub
 * (both the OpenAI and the Anthropic protocol) answering after 1 s per call. Prints calls, pages per tier,
 * cache hits and the time; then runs again on the same Redis cache to show that a re-run pays nothing.
 * Options: --pages N, --latency MS, --no-redis. Needs Redis at REDIS_URL (default redis://127.0.0.1:6379) unless
 * --no-redis.
 *
 * --corpus DIR [--mode complex|all]: instead, converts every PDF of DIR with the real engine twice — heuristics
 * only, and with the AI pass (the stub giving its plain reading of each page) — and prints the independent
 * judge's figures for both EPUBs side by side (needs python3 and ../shared/tools/epub_judge.py).
 */
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseAiConfig } from '../ai/config';
import { enhanceContent } from '../ai/enhance';
import type { AiReport } from '../ai/report';
import { AiStubServer } from '../ai/stub/ai-stub-server';
import { makeSyntheticBook } from '../ai/synthetic-book';
import { compareCorpus } from '../ai/corpus-compare';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function summarise(label: string, report: AiReport, ms: number, stub: AiStubServer, before: number): string {
  const s = report.summary;
  return [
    `${label}: ${(ms / 1000).toFixed(1)} s`,
    `  HTTP requests to the stub: ${stub.requests.length - before} (openai ${stub.requestsFor('openai').length}, anthropic ${stub.requestsFor('anthropic').length} cumulative)`,
    `  calls: ${s.calls} (${s.batchedCalls} batched), max in flight: ${stub.maxInFlight}`,
    `  pages: strong ${s.pagesStrong}, fast ${s.pagesFast}, heuristics only ${s.pagesHeuristicOnly}`,
    `  enhanced ${s.enhanced}, kept heuristic ${s.keptHeuristic}, cache hits ${s.cacheHits}, template hits ${s.templateHits}`,
    `  tokens: in ${report.tokens.input}, out ${report.tokens.output}; per tier ${JSON.stringify(report.tokens.perTier)}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const corpus = process.argv.indexOf('--corpus');
  if (corpus > 0) {
    const mode = process.argv.includes('all') ? 'all' : 'complex';
    await compareCorpus(process.argv[corpus + 1], mode);
    return;
  }
  const pages = option('pages', 300);
  const latency = option('latency', 1000);
  const useRedis = !process.argv.includes('--no-redis');
  const stub = await AiStubServer.start({ fallback: { kind: 'answer', delayMs: latency } });
  const redis = useRedis
    ? new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true })
    : null;
  const prefix = `bench-ai-${randomBytes(4).toString('hex')}:`;
  try {
    if (redis) await redis.connect();
    const config = parseAiConfig({
      AI_MODE: 'all',
      OPENAI_API_KEY: 'sk-bench',
      OPENAI_BASE_URL: stub.openaiBaseURL,
      ANTHROPIC_API_KEY: 'sk-ant-bench',
      ANTHROPIC_BASE_URL: stub.anthropicBaseURL,
      AI_CACHE_PREFIX: prefix,
    });
    const { layout, content } = makeSyntheticBook({ pages, dividerEvery: 50 });
    console.log(
      `bench:ai — ${pages} pages (${layout.pages.filter((p) => p.complexity.complex).length} complex), ` +
        `stub latency ${latency} ms, AI_CONCURRENCY ${config.concurrency} per provider, cache ${redis ? 'redis' : 'off'}`,
    );
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const t0 = Date.now();
    const first = await enhanceContent(layout, content, { config, redis });
    const firstMs = Date.now() - t0;
    loop.disable();
    console.log(summarise('first run', first.report, firstMs, stub, 0));
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    console.log(
      `  event-loop delay (stub in the same process): p50 ${ms(loop.percentile(50))} ms, ` +
        `p99 ${ms(loop.percentile(99))} ms, max ${ms(loop.max)} ms`,
    );
    const kept = first.report.pages.filter((p) => p.kept).map((p) => `${p.page}: ${p.kept}`);
    if (kept.length) console.log(`  kept heuristic (first 5): ${kept.slice(0, 5).join('; ')}`);
    if (redis) {
      const before = stub.requests.length;
      const t1 = Date.now();
      const second = await enhanceContent(layout, content, { config, redis });
      console.log(summarise('re-run (same cache)', second.report, Date.now() - t1, stub, before));
    }
    console.log(
      firstMs < 45_000
        ? 'PASS: under the 45 s aim'
        : firstMs < 120_000
          ? 'PASS: under 2 min (above the 45 s aim)'
          : 'FAIL: over 2 min',
    );
    if (firstMs >= 120_000) process.exitCode = 1;
  } finally {
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    await stub.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
