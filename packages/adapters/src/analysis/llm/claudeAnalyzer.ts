import { CatwalkError, isCatwalkError } from '@catwalk/core';
import type { Analyzer, McpConfig, Snapshot } from '@catwalk/core';
import type { CondenseOptions } from './condense.js';
import { condenseSnapshot } from './condense.js';
import type { LlmMessage, LlmProvider } from './provider.js';
import { SYSTEM_PROMPT, fromAnswer, repairMessage, userMessage } from './prompt.js';

/** Options of {@link ClaudeAnalyzer}. */
export interface ClaudeAnalyzerOptions {
  readonly condense?: CondenseOptions;
  /** Output tokens the model may use; default 4,096. */
  readonly maxOutputTokens?: number;
}

/**
 * The LLM analyser: condenses the snapshot to a token budget, asks the provider for a JSON config, validates it
 * with core's schema, asks once for a repair when it does not validate, and fails with `analysis_failed` after
 * that. Provider failures propagate as `analysis_failed` (retryable when the provider is busy or down).
 */
export class ClaudeAnalyzer implements Analyzer {
  readonly name = 'claude' as const;
  readonly #provider: LlmProvider;
  readonly #options: ClaudeAnalyzerOptions;

  constructor(provider: LlmProvider, options: ClaudeAnalyzerOptions = {}) {
    this.#provider = provider;
    this.#options = options;
  }

  async analyze(snapshot: Snapshot): Promise<McpConfig> {
    const condensed = condenseSnapshot(snapshot, this.#options.condense);
    const maxTokens = this.#options.maxOutputTokens ?? 4096;
    const messages: LlmMessage[] = [{ role: 'user', content: userMessage(snapshot, condensed) }];
    const first = await this.#provider.complete({ system: SYSTEM_PROMPT, messages, maxTokens });
    try {
      return fromAnswer(first, snapshot);
    } catch (error) {
      if (!isCatwalkError(error, 'analysis_failed')) throw error;
      const repaired = await this.#provider.complete({
        system: SYSTEM_PROMPT,
        messages: [...messages, { role: 'assistant', content: first.slice(0, 20_000) }, { role: 'user', content: repairMessage(error.message) }],
        maxTokens,
      });
      try {
        return fromAnswer(repaired, snapshot);
      } catch (second) {
        if (!isCatwalkError(second, 'analysis_failed')) throw second;
        throw new CatwalkError(
          'analysis_failed',
          `The LLM analyser (${this.#provider.name}) gave no valid MCP config after one repair: ${second.message}`,
          { provider: this.#provider.name, model: this.#provider.model, ...(second.details['issues'] === undefined ? {} : { issues: second.details['issues'] }) },
        );
      }
    }
  }
}
