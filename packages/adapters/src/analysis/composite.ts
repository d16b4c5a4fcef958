import { isCatwalkError, parseMcpConfig } from '@catwalk/core';
import type { Analyzer, AnalyzerName, EnvVarSpec, Evidence, Logger, McpConfig, PackageRegistry, Snapshot, ToolSpec } from '@catwalk/core';
import { isUserEnvName } from './static/env.js';

/** Confirms that a package exists in its registry (an LLM-named package must pass this before it is used). */
export type PackageValidator = (pkg: { runtime: 'npm' | 'python'; name: string }) => Promise<boolean>;

/** A validator backed by the PackageRegistry port; a registry that cannot answer confirms nothing (fail closed). */
export function registryPackageValidator(registry: PackageRegistry): PackageValidator {
  return async (pkg) => {
    try {
      const found = await registry.lookup({ runtime: pkg.runtime, name: pkg.name });
      return found.kind === 'found';
    } catch {
      return false;
    }
  };
}

/** Options of {@link CompositeAnalyzer}. */
export interface CompositeAnalyzerOptions {
  /** Checks an LLM-named package against its registry. Without one, such a package must at least appear in the files. */
  readonly validatePackage?: PackageValidator;
  /** `gaps` (default): ask the LLM only when the static result lacks a package or tools; `always`: every time. */
  readonly llmPolicy?: 'gaps' | 'always';
  readonly logger?: Logger;
}

/**
 * Static analysis first; the LLM (when configured) fills the gaps. Conflicts go to facts: a package named by a
 * manifest beats the LLM, an LLM package must pass the registry check, LLM env vars and tools must name
 * something that literally appears in the snapshot (an invented one is dropped), and argv never comes from the
 * LLM. Each field's evidence says which analyser gave it; `analyzers` lists all that contributed. When the LLM
 * fails, the static result is returned (and the failure logged): analysis still works without it.
 */
export class CompositeAnalyzer implements Analyzer {
  readonly name = 'composite' as const;
  readonly #static: Analyzer;
  readonly #llm: Analyzer | undefined;
  readonly #options: CompositeAnalyzerOptions;

  constructor(staticAnalyzer: Analyzer, llm: Analyzer | undefined, options: CompositeAnalyzerOptions = {}) {
    this.#static = staticAnalyzer;
    this.#llm = llm;
    this.#options = options;
  }

  async analyze(snapshot: Snapshot): Promise<McpConfig> {
    const base = await this.#static.analyze(snapshot);
    if (this.#llm === undefined || !this.#needsLlm(base)) return base;
    let guess: McpConfig;
    try {
      guess = await this.#llm.analyze(snapshot);
    } catch (error) {
      if (!isCatwalkError(error)) throw error;
      this.#options.logger?.warn('LLM analysis failed; using the static result', { source: snapshot.key, code: error.code, reason: error.message });
      return base;
    }
    return this.#merge(base, guess, snapshot);
  }

  #needsLlm(base: McpConfig): boolean {
    if (this.#options.llmPolicy === 'always') return true;
    return base.package === null || base.tools.length === 0 || base.notMcpServer !== undefined;
  }

  async #merge(base: McpConfig, guess: McpConfig, snapshot: Snapshot): Promise<McpConfig> {
    // Hidden markdown (HTML comments) is not documentation: text there cannot vouch for an LLM's claim.
    const corpus = snapshot.files.map((f) => (/\.(?:md|mdx|markdown)$/i.test(f.path) ? f.content.replace(/<!--[\s\S]*?-->/g, ' ') : f.content)).join('\n');
    const appears = (word: string) => new RegExp(`(?<![A-Za-z0-9_-])${escapeRegex(word)}(?![A-Za-z0-9_-])`).test(corpus);
    const evidence: Evidence[] = [...base.evidence];
    const used = new Set<AnalyzerName>(base.analyzers);
    const fromLlm = (field: string) => {
      used.add('claude');
      const cited = guess.evidence.filter((e) => e.field === field);
      evidence.push(...(cited.length > 0 ? cited : [{ field, file: snapshot.origin.slice(0, 1000), analyzer: 'claude' as const, confidence: 'low' as const }]));
    };

    let pkg = base.package;
    if (pkg === null && guess.package !== null && (await this.#confirmPackage(guess.package, appears))) {
      const { runtime, name } = guess.package;
      pkg = { runtime, name };
      fromLlm('package');
      fromLlm('runtime');
    }

    const envVars: EnvVarSpec[] = [...base.envVars];
    for (const spec of guess.envVars) {
      const known = envVars.findIndex((v) => v.name === spec.name);
      if (known >= 0) {
        const current = envVars[known]!;
        if (current.description === '' && spec.description !== '') {
          envVars[known] = { ...current, description: spec.description };
          fromLlm(`env.${spec.name}.description`);
        }
        continue;
      }
      if (!isUserEnvName(spec.name) || !appears(spec.name)) continue;
      const { default: dflt, ...rest } = spec;
      // A default the LLM proposes for a secret would be stored as a credential hint: never.
      envVars.push(spec.secret || dflt === undefined ? rest : { ...rest, default: dflt });
      fromLlm(`env.${spec.name}`);
    }

    const tools: ToolSpec[] = [...base.tools];
    for (const tool of guess.tools) {
      const known = tools.findIndex((t) => t.name === tool.name);
      if (known >= 0) {
        const current = tools[known]!;
        if (current.description === undefined && tool.description !== undefined) {
          tools[known] = { ...current, description: tool.description };
          fromLlm(`tool.${tool.name}.description`);
        }
        continue;
      }
      if (!appears(tool.name)) continue;
      tools.push(tool);
      fromLlm(`tool.${tool.name}`);
    }

    // "Not an MCP server" stands unless the LLM found something the files confirm.
    const confirmedByLlm = pkg !== base.package || tools.length > base.tools.length;
    const notMcpServer = base.notMcpServer !== undefined && !confirmedByLlm ? base.notMcpServer : undefined;
    const description = base.description !== '' ? base.description : guess.description;
    const { notMcpServer: _previous, ...rest } = base;
    return parseMcpConfig({
      ...rest,
      description,
      package: pkg,
      envVars: envVars.slice(0, 64),
      tools: tools.slice(0, 500),
      evidence: evidence.slice(0, 2000),
      analyzers: [...used],
      ...(notMcpServer === undefined ? {} : { notMcpServer }),
    });
  }

  async #confirmPackage(pkg: NonNullable<McpConfig['package']>, appears: (word: string) => boolean): Promise<boolean> {
    if (this.#options.validatePackage !== undefined) {
      const ok = await this.#options.validatePackage({ runtime: pkg.runtime, name: pkg.name });
      if (!ok) this.#options.logger?.warn('LLM-named package failed the registry check; ignored', { runtime: pkg.runtime, name: pkg.name });
      return ok;
    }
    return appears(pkg.name);
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
