import type { AxiosInstance } from 'axios';
import { CatwalkError } from '@catwalk/core';
import type { HttpRequestSpec } from './http.js';
import { llmHttpClient, providerError, send } from './http.js';
import type { LlmPrompt, LlmProvider } from './provider.js';

/** The Messages API version header Catwalk speaks. */
export const ANTHROPIC_VERSION = '2023-06-01';
/** Default model (override with CATWALK_LLM_MODEL). */
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-5';

/** Options of {@link AnthropicProvider}. */
export interface AnthropicOptions {
  readonly apiKey: string;
  readonly model?: string;
  /** Default `https://api.anthropic.com`. */
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
}

/**
 * Builds `POST {base}/v1/messages` (Anthropic Messages API): `x-api-key`, `anthropic-version`, body
 * `{ model, max_tokens, system, messages, temperature: 0 }`. Pure.
 */
export function anthropicToRequest(prompt: LlmPrompt, options: { apiKey: string; model: string; baseUrl: string }): HttpRequestSpec {
  return {
    url: `${options.baseUrl.replace(/\/+$/, '')}/v1/messages`,
    headers: { 'x-api-key': options.apiKey, 'anthropic-version': ANTHROPIC_VERSION },
    body: {
      model: options.model,
      max_tokens: prompt.maxTokens,
      temperature: 0,
      system: prompt.system,
      messages: prompt.messages.map((m) => ({ role: m.role, content: m.content })),
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a Messages API answer: 2xx `{ type: 'message', content: [{ type: 'text', text }], stop_reason }` → the
 * concatenated text; errors `{ type: 'error', error: { type, message } }` → `analysis_failed`. Pure.
 */
export function anthropicFromResponse(status: number, body: unknown, headers: Record<string, unknown> = {}): string {
  if (status < 200 || status >= 300) {
    const type = isObject(body) && isObject(body['error']) && typeof body['error']['type'] === 'string' ? body['error']['type'] : undefined;
    throw providerError('anthropic', status, type, headers);
  }
  if (!isObject(body) || !Array.isArray(body['content'])) {
    throw new CatwalkError('analysis_failed', 'The LLM provider (anthropic) answered with an unexpected shape.', { provider: 'anthropic' }, { retryable: true });
  }
  const text = body['content']
    .filter((block): block is { type: 'text'; text: string } => isObject(block) && block['type'] === 'text' && typeof block['text'] === 'string')
    .map((block) => block.text)
    .join('');
  if (text.trim() === '') throw new CatwalkError('analysis_failed', 'The LLM provider (anthropic) returned no text.', { provider: 'anthropic' });
  return text;
}

/** The Anthropic Messages API as an {@link LlmProvider}. */
export class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic';
  readonly model: string;
  readonly #apiKey: string;
  readonly #baseUrl: string;
  readonly #http: AxiosInstance;

  constructor(options: AnthropicOptions) {
    this.#apiKey = options.apiKey;
    this.model = options.model ?? DEFAULT_ANTHROPIC_MODEL;
    this.#baseUrl = options.baseUrl ?? 'https://api.anthropic.com';
    this.#http = llmHttpClient(options.timeoutMs);
  }

  async complete(prompt: LlmPrompt): Promise<string> {
    const spec = anthropicToRequest(prompt, { apiKey: this.#apiKey, model: this.model, baseUrl: this.#baseUrl });
    const { status, body, headers } = await send(this.#http, spec, this.name);
    return anthropicFromResponse(status, body, headers);
  }
}
