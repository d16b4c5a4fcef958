import { ContainerModule } from 'inversify';
import { AnalyzerToken, LoggerToken, PackageRegistryToken } from '@catwalk/core';
import type { Analyzer, Logger, PackageRegistry } from '@catwalk/core';
import type { PackageValidator } from './composite.js';
import { CompositeAnalyzer, registryPackageValidator } from './composite.js';
import { AnthropicProvider } from './llm/anthropic.js';
import { ClaudeAnalyzer } from './llm/claudeAnalyzer.js';
import type { CondenseOptions } from './llm/condense.js';
import { OpenRouterProvider } from './llm/openrouter.js';
import type { LlmProvider } from './llm/provider.js';
import { StaticAnalyzer } from './static/staticAnalyzer.js';

/** LLM settings; with neither key the analyser is static only. Anthropic wins when both keys are set. */
export interface LlmOptions {
  /** `ANTHROPIC_API_KEY`. */
  readonly anthropicApiKey?: string;
  /** `OPENROUTER_API_KEY`. */
  readonly openrouterApiKey?: string;
  /** `CATWALK_LLM_MODEL`. */
  readonly model?: string;
  /** `ANTHROPIC_BASE_URL` (default https://api.anthropic.com). */
  readonly anthropicBaseUrl?: string;
  /** `OPENROUTER_BASE_URL` (default https://openrouter.ai). */
  readonly openrouterBaseUrl?: string;
  readonly condense?: CondenseOptions;
  /** A provider to use instead of the HTTP ones (tests, embedding). */
  readonly provider?: LlmProvider;
}

/** Options of {@link analysisModule}. */
export interface AnalysisModuleOptions extends LlmOptions {
  readonly llmPolicy?: 'gaps' | 'always';
  /** Checks LLM-named packages; by default the bound PackageRegistry (if any) is used. */
  readonly validatePackage?: PackageValidator;
}

/** Reads the LLM settings from the environment (`ANTHROPIC_API_KEY`, `OPENROUTER_API_KEY`, `CATWALK_LLM_MODEL`, base URLs). */
export function llmOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): LlmOptions {
  const pick = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const entries = {
    anthropicApiKey: pick('ANTHROPIC_API_KEY'),
    openrouterApiKey: pick('OPENROUTER_API_KEY'),
    model: pick('CATWALK_LLM_MODEL'),
    anthropicBaseUrl: pick('ANTHROPIC_BASE_URL'),
    openrouterBaseUrl: pick('OPENROUTER_BASE_URL'),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as LlmOptions;
}

/** The LLM provider the options describe, or undefined when no key is configured. */
export function createLlmProvider(options: LlmOptions): LlmProvider | undefined {
  if (options.provider !== undefined) return options.provider;
  if (options.anthropicApiKey !== undefined) {
    return new AnthropicProvider({
      apiKey: options.anthropicApiKey,
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.anthropicBaseUrl === undefined ? {} : { baseUrl: options.anthropicBaseUrl }),
    });
  }
  if (options.openrouterApiKey !== undefined) {
    return new OpenRouterProvider({
      apiKey: options.openrouterApiKey,
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.openrouterBaseUrl === undefined ? {} : { baseUrl: options.openrouterBaseUrl }),
    });
  }
  return undefined;
}

/** Builds the analyser the options describe: static, plus the LLM when a key (or provider) is given. */
export function createAnalyzer(options: AnalysisModuleOptions = {}, deps: { registry?: PackageRegistry; logger?: Logger } = {}): Analyzer {
  const provider = createLlmProvider(options);
  const llm = provider === undefined ? undefined : new ClaudeAnalyzer(provider, options.condense === undefined ? {} : { condense: options.condense });
  const validatePackage = options.validatePackage ?? (deps.registry === undefined ? undefined : registryPackageValidator(deps.registry));
  return new CompositeAnalyzer(new StaticAnalyzer(), llm, {
    ...(validatePackage === undefined ? {} : { validatePackage }),
    ...(options.llmPolicy === undefined ? {} : { llmPolicy: options.llmPolicy }),
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
  });
}

/**
 * Binds `AnalyzerToken` to the composite analyser (singleton). Uses the container's `PackageRegistryToken` and
 * `LoggerToken` when they are bound.
 */
export function analysisModule(options: AnalysisModuleOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<Analyzer>(AnalyzerToken)
      .toDynamicValue((context) => {
        const registry = context.get<PackageRegistry>(PackageRegistryToken, { optional: true });
        const logger = context.get<Logger>(LoggerToken, { optional: true });
        return createAnalyzer(options, { ...(registry === undefined ? {} : { registry }), ...(logger === undefined ? {} : { logger }) });
      })
      .inSingletonScope();
  });
}
