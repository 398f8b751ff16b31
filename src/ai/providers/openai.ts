/** PageReader on OpenAI Chat Completions with strict JSON-schema structured output (also vLLM/Ollama-compatible). */
import OpenAI from 'openai';
import type { ProviderConfig } from '../config';
import { ANSWER_JSON_SCHEMA, type PageReader, type ReadRequest, type ReadResult } from '../reading';
import { SYSTEM_PROMPT, renderUserPrompt } from '../prompt';
import { parseJsonLoosely } from './parse';

export interface ClientOptions {
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch;
}

export class OpenAiPageReader implements PageReader {
  readonly provider = 'openai' as const;
  readonly model: string;
  private readonly client: OpenAI;

  constructor(config: ProviderConfig, options: ClientOptions, model?: string) {
    this.model = model ?? config.model;
    this.client = new OpenAI({
      apiKey: config.apiKey,
      baseURL: config.baseURL,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
      fetch: options.fetch,
    });
  }

  async read(request: ReadRequest): Promise<ReadResult> {
    const completion = await this.client.chat.completions.create({
      model: this.model,
      temperature: 0,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: renderUserPrompt(request) },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'record_reading', strict: true, schema: ANSWER_JSON_SCHEMA },
      },
    });
    const content = completion.choices[0]?.message?.content ?? '';
    return {
      answer: parseJsonLoosely(content),
      usage: {
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      },
    };
  }
}
