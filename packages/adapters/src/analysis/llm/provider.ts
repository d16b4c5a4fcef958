/** One turn of a conversation with an LLM. */
export interface LlmMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

/** What is sent to a provider: a system prompt and the conversation so far. */
export interface LlmPrompt {
  readonly system: string;
  readonly messages: readonly LlmMessage[];
  readonly maxTokens: number;
}

/** A chat-completion provider (Anthropic Messages, OpenRouter) reduced to what the analyser needs: text out. */
export interface LlmProvider {
  /** `anthropic`, `openrouter`, `scripted`: shown in logs and errors. */
  readonly name: string;
  /** The model asked. */
  readonly model: string;
  /**
   * Sends the prompt and returns the assistant's text.
   * @throws CatwalkError `analysis_failed` (retryable when the provider is rate limited, overloaded or down).
   */
  complete(prompt: LlmPrompt): Promise<string>;
}

/** A provider that answers from a script (CI and tests never call a real LLM). Every prompt is recorded. */
export class ScriptedLlmProvider implements LlmProvider {
  readonly name = 'scripted';
  readonly model: string;
  readonly prompts: LlmPrompt[] = [];
  readonly #answers: (string | Error | ((prompt: LlmPrompt) => string))[];

  /** `answers` are used in order; the last one repeats. */
  constructor(answers: readonly (string | Error | ((prompt: LlmPrompt) => string))[], model = 'scripted-model') {
    if (answers.length === 0) throw new Error('a scripted provider needs at least one answer');
    this.#answers = [...answers];
    this.model = model;
  }

  async complete(prompt: LlmPrompt): Promise<string> {
    this.prompts.push(prompt);
    const answer = this.#answers.length > 1 ? this.#answers.shift()! : this.#answers[0]!;
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer(prompt) : answer;
  }
}
