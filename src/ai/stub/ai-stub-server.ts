/**
 * A local stand-in for the OpenAI Chat Completions (POST /v1/chat/completions) and Anthropic Messages
 * (POST /v1/messages) APIs, for tests and the AI bench: the real SDKs talk to it through their base URL.
 * Each request takes the next scripted behaviour (or the default one): an answer (after a latency), an HTTP
 * error (429 with Retry-After, 500, 401, ...), a hang (for timeouts), a malformed answer or a broken body.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type StubLine, type StubPage, readPage } from './stub-reading';

export type { StubLine, StubPage };

export type StubApi = 'openai' | 'anthropic';

export interface StubRequest {
  api: StubApi;
  model: string;
  authorization: string;
  bodySize: number;
  headingSizes: number[];
  pages: StubPage[];
  prompt: string;
  /** Characters of system + user messages. */
  promptChars: number;
  startedAt: number;
}

export type StubBehaviour =
  | { kind: 'answer'; delayMs?: number; answer?: (req: StubRequest) => unknown }
  | { kind: 'text'; text: string; delayMs?: number }
  | { kind: 'error'; status: number; retryAfter?: string; retryAfterMs?: number; delayMs?: number }
  | { kind: 'hang' }
  | { kind: 'broken_body' };

export interface StubOptions {
  /** Behaviour when the script is empty (default: a correct answer at once). */
  fallback?: StubBehaviour;
}

const LINE = /^L(\d+) x=(\S+) y=(\S+) w=(\S+) s=(\S+) f=(.*?)(?: \[(\w*)\])? c=(\d+) \| (.*)$/;
const PAGE = /^## page (\d+) \((\d+)x(\d+) pt, (\d+) column/;

/** Pages and lines back out of the prompt our providers send (see src/ai/prompt.ts). */
export function parsePrompt(prompt: string): { bodySize: number; headingSizes: number[]; pages: StubPage[] } {
  const bodySize = Number(/Body text size: ([\d.]+)/.exec(prompt)?.[1] ?? 10);
  const headingSizes = (/heading sizes: ([\d., ]+)\./.exec(prompt)?.[1] ?? '')
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
  const pages: StubPage[] = [];
  for (const line of prompt.split('\n')) {
    const head = PAGE.exec(line);
    if (head) {
      const [, page, width, height, columns] = head.map(Number);
      pages.push({ page, width, height, columns, lines: [] });
    }
    const m = LINE.exec(line);
    if (m && pages.length) {
      const flags = m[7] ?? '';
      pages[pages.length - 1].lines.push({
        index: Number(m[1]),
        x: Number(m[2]),
        y: Number(m[3]),
        width: Number(m[4]),
        size: Number(m[5]),
        font: m[6],
        bold: flags.includes('b'),
        italic: flags.includes('i'),
        monospace: flags.includes('m'),
        column: Number(m[8]),
        text: m[9],
      });
    }
  }
  return { bodySize, headingSizes, pages };
}

/** A correct reading of every page of the request (see stub-reading.ts): what a good model answers. */
export function correctReading(req: StubRequest): unknown {
  return { pages: req.pages.map((page) => readPage(page, req.bodySize, req.headingSizes)) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface ChatBody {
  model: string;
  messages?: Array<{ role: string; content: string }>;
  system?: string;
}

/** Everything the model reads (system prompt included): what input tokens are counted on. */
function fullPromptLength(body: ChatBody): number {
  return (
    (body.system?.length ?? 0) +
    (body.messages ?? []).reduce((n, m) => n + JSON.stringify(m.content).length, 0)
  );
}

function promptOf(body: ChatBody): string {
  return (body.messages ?? [])
    .filter((m) => m.role === 'user')
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
    .join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class AiStubServer {
  readonly requests: StubRequest[] = [];
  private readonly queue: StubBehaviour[] = [];
  private inFlight = 0;
  maxInFlight = 0;
  fallback: StubBehaviour;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    options: StubOptions,
  ) {
    this.fallback = options.fallback ?? { kind: 'answer' };
  }

  static async start(options: StubOptions = {}): Promise<AiStubServer> {
    const holder: { stub?: AiStubServer } = {};
    const server = createServer((req, res) => {
      void holder.stub?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.stub = new AiStubServer(server, `http://127.0.0.1:${port}`, options);
    return holder.stub;
  }

  get openaiBaseURL(): string {
    return `${this.url}/v1`;
  }

  get anthropicBaseURL(): string {
    return this.url;
  }

  /** Forgets requests and script, and sets the fallback behaviour (default: a correct answer at once). */
  reset(fallback: StubBehaviour = { kind: 'answer' }): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.maxInFlight = 0;
    this.fallback = fallback;
  }

  /** Queues behaviours for the next requests, in order. */
  script(...behaviours: StubBehaviour[]): void {
    this.queue.push(...behaviours);
  }

  requestsFor(api: StubApi): StubRequest[] {
    return this.requests.filter((r) => r.api === api);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const api: StubApi | undefined =
      req.url === '/v1/chat/completions' ? 'openai' : req.url === '/v1/messages' ? 'anthropic' : undefined;
    if (req.method !== 'POST' || !api) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    const body = JSON.parse(await readBody(req)) as ChatBody;
    const prompt = promptOf(body);
    const parsed = parsePrompt(prompt);
    const request: StubRequest = {
      api,
      model: body.model,
      authorization: String(req.headers.authorization ?? req.headers['x-api-key'] ?? ''),
      prompt,
      promptChars: fullPromptLength(body),
      startedAt: Date.now(),
      ...parsed,
    };
    this.requests.push(request);
    const behaviour = this.queue.shift() ?? this.fallback;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.respond(behaviour, request, res);
    } finally {
      this.inFlight--;
    }
  }

  private async respond(behaviour: StubBehaviour, request: StubRequest, res: ServerResponse): Promise<void> {
    if (behaviour.kind === 'hang') {
      await new Promise<void>((resolve) => res.on('close', () => resolve()));
      return;
    }
    if (behaviour.kind !== 'broken_body' && behaviour.delayMs) await sleep(behaviour.delayMs);
    if (res.destroyed) return;
    switch (behaviour.kind) {
      case 'broken_body':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "x", "choices": [');
        return;
      case 'error':
        return this.sendError(request.api, behaviour, res);
      case 'text':
        return this.sendAnswer(request, behaviour.text, res);
      case 'answer':
        return this.sendAnswer(request, (behaviour.answer ?? correctReading)(request), res);
    }
  }

  private sendError(
    api: StubApi,
    behaviour: Extract<StubBehaviour, { kind: 'error' }>,
    res: ServerResponse,
  ): void {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (behaviour.retryAfter !== undefined) headers['retry-after'] = behaviour.retryAfter;
    if (behaviour.retryAfterMs !== undefined) headers['retry-after-ms'] = String(behaviour.retryAfterMs);
    const message = `stub error ${behaviour.status}`;
    const payload =
      api === 'openai'
        ? { error: { message, type: 'stub_error', code: String(behaviour.status) } }
        : {
            type: 'error',
            error: { type: behaviour.status === 429 ? 'rate_limit_error' : 'api_error', message },
          };
    res.writeHead(behaviour.status, headers).end(JSON.stringify(payload));
  }

  private sendAnswer(request: StubRequest, answer: unknown, res: ServerResponse): void {
    const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
    const inputTokens = Math.ceil(request.promptChars / 4);
    const outputTokens = Math.ceil(text.length / 4);
    const payload =
      request.api === 'openai'
        ? {
            id: `chatcmpl-${this.requests.length}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: request.model,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: text, refusal: null },
                finish_reason: 'stop',
                logprobs: null,
              },
            ],
            usage: {
              prompt_tokens: inputTokens,
              completion_tokens: outputTokens,
              total_tokens: inputTokens + outputTokens,
            },
          }
        : {
            id: `msg_${this.requests.length}`,
            type: 'message',
            role: 'assistant',
            model: request.model,
            content:
              typeof answer === 'string'
                ? [{ type: 'text', text }]
                : [
                    {
                      type: 'tool_use',
                      id: `toolu_${this.requests.length}`,
                      name: 'record_reading',
                      input: answer,
                    },
                  ],
            stop_reason: typeof answer === 'string' ? 'end_turn' : 'tool_use',
            stop_sequence: null,
            usage: { input_tokens: inputTokens, output_tokens: outputTokens },
          };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  }
}
