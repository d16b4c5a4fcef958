import type { AxiosInstance } from 'axios';
import { CatwalkError } from '@catwalk/core';
import type { HttpRequestSpec } from './http.js';
import { llmHttpClient, providerError, send } from './http.js';
import type { LlmPrompt, LlmProvider } from './provider.js';

/** Default OpenRouter model (override with CATWALK_LLM_MODEL). */
export const DEFAULT_OPENROUTER_MODEL = 'anthropic/claude-sonnet-4.5';

/** Options of {@link OpenRouterProvider}. */
export interface OpenRouterOptions {
  readonly apiKey: string;
  readonly model?: string;
  /** Default `https://openrouter.ai`. */
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
}

/**
 * Builds `POST {base}/api/v1/chat/completions` (OpenRouter, OpenAI-compatible): `Authorization: Bearer`, body
 * `{ model, messages: [system, …], max_tokens, temperature: 0, response_format: { type: 'json_object' } }`. Pure.
 */
export function openRouterToRequest(prompt: LlmPrompt, options: { apiKey: string; model: string; baseUrl: string }): HttpRequestSpec {
  return {
    url: `${options.baseUrl.replace(/\/+$/, '')}/api/v1/chat/completions`,
    headers: { Authorization: `Bearer ${options.apiKey}`, 'X-Title': 'Catwalk' },
    body: {
      model: options.model,
      max_tokens: prompt.maxTokens,
      temperature: 0,
      response_format: { type: 'json_object' },
      messages: [{ role: 'system', content: prompt.system }, ...prompt.messages.map((m) => ({ role: m.role, content: m.content }))],
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a chat-completions answer: `choices[0].message.content`. OpenRouter may answer 200 with `{ error }` or a
 * choice whose `finish_reason` is `error`; both become `analysis_failed`. Pure.
 */
export function openRouterFromResponse(status: number, body: unknown, headers: Record<string, unknown> = {}): string {
  const errorType = (value: unknown) =>
    isObject(value) && isObject(value['error']) ? String(value['error']['code'] ?? value['error']['type'] ?? 'error') : undefined;
  if (status < 200 || status >= 300) throw providerError('openrouter', status, errorType(body), headers);
  if (isObject(body) && body['error'] !== undefined) {
    const code = isObject(body['error']) ? Number(body['error']['code']) : NaN;
    throw providerError('openrouter', Number.isFinite(code) ? code : 502, errorType(body));
  }
  const choice = isObject(body) && Array.isArray(body['choices']) ? body['choices'][0] : undefined;
  const message = isObject(choice) ? choice['message'] : undefined;
  if (isObject(choice) && choice['finish_reason'] === 'error') throw providerError('openrouter', 502, 'finish_reason_error');
  const content = isObject(message) ? message['content'] : undefined;
  if (typeof content !== 'string' || content.trim() === '') {
    throw new CatwalkError('analysis_failed', 'The LLM provider (openrouter) answered with an unexpected shape.', { provider: 'openrouter' }, { retryable: true });
  }
  return content;
}

/** OpenRouter chat completions as an {@link LlmProvider}. */
export class OpenRouterProvider implements LlmProvider {
  readonly name = 'openrouter';
  readonly model: string;
  readonly #apiKey: string;
  readonly #baseUrl: string;
  readonly #http: AxiosInstance;

  constructor(options: OpenRouterOptions) {
    this.#apiKey = options.apiKey;
    this.model = options.model ?? DEFAULT_OPENROUTER_MODEL;
    this.#baseUrl = options.baseUrl ?? 'https://openrouter.ai';
    this.#http = llmHttpClient(options.timeoutMs);
  }

  async complete(prompt: LlmPrompt): Promise<string> {
    const spec = openRouterToRequest(prompt, { apiKey: this.#apiKey, model: this.model, baseUrl: this.#baseUrl });
    const { status, body, headers } = await send(this.#http, spec, this.name);
    return openRouterFromResponse(status, body, headers);
  }
}
