/** PageReader on Anthropic Messages, the reading forced through one tool call (record_reading). */
import Anthropic from '@anthropic-ai/sdk';
import type { ProviderConfig } from '../config';
import { ANSWER_JSON_SCHEMA, type PageReader, type ReadRequest, type ReadResult } from '../reading';
import { SYSTEM_PROMPT, renderUserPrompt } from '../prompt';
import { parseJsonLoosely } from './parse';
import type { ClientOptions } from './openai';

const MAX_OUTPUT_TOKENS = 8192;

export class AnthropicPageReader implements PageReader {
  readonly provider = 'anthropic' as const;
  readonly model: string;
  private readonly client: Anthropic;

  constructor(config: ProviderConfig, options: ClientOptions, model?: string) {
    this.model = model ?? config.model;
    this.client = new Anthropic({
      apiKey: config.apiKey,
      baseURL: config.baseURL,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
      fetch: options.fetch,
    });
  }

  async read(request: ReadRequest): Promise<ReadResult> {
    const message = await this.client.messages.create({
      model: this.model,
      max_tokens: MAX_OUTPUT_TOKENS,
      system: SYSTEM_PROMPT,
      messages: [{ role: 'user', content: renderUserPrompt(request) }],
      tools: [
        {
          name: 'record_reading',
          description: 'Record the logical reading of the pages.',
          input_schema: { ...ANSWER_JSON_SCHEMA, type: 'object' },
        },
      ],
      tool_choice: { type: 'tool', name: 'record_reading' },
    });
    return {
      answer: answerOf(message.content),
      usage: { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens },
    };
  }
}

function answerOf(content: Anthropic.ContentBlock[]): unknown {
  for (const block of content) {
    if (block.type === 'tool_use') return block.input;
  }
  const text = content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  return parseJsonLoosely(text);
}
