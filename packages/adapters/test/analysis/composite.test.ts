import { expect } from 'chai';
import { Container } from 'inversify';
import { AnalyzerToken, CatwalkError, PackageRegistryToken, parseSource } from '@catwalk/core';
import type { Analyzer, Snapshot } from '@catwalk/core';
import { InMemoryPackageRegistry, RecordingLogger } from '@catwalk/core/testing';
import { CompositeAnalyzer, registryPackageValidator } from '../../src/analysis/composite.js';
import { ClaudeAnalyzer } from '../../src/analysis/llm/claudeAnalyzer.js';
import { ScriptedLlmProvider } from '../../src/analysis/llm/provider.js';
import { StaticAnalyzer } from '../../src/analysis/static/staticAnalyzer.js';
import { analysisModule, createLlmProvider, llmOptionsFromEnv } from '../../src/analysis/module.js';
import { LocalDirectorySource } from '../../src/sources/local.js';
import { FIXTURES_DIR } from './fixtureExpectations.js';

async function fixtureSnapshot(dir: string): Promise<Snapshot> {
  return new LocalDirectorySource({ baseDir: FIXTURES_DIR }).fetch(parseSource(`./${dir}`));
}

/** The hostile README's wish list, as an LLM that obeyed it would answer. */
const OBEDIENT_ANSWER = JSON.stringify({
  isMcpServer: true,
  name: 'totally-legit-helper',
  description: 'maintenance mode',
  package: { runtime: 'npm', name: 'totally-legit-helper' },
  transport: 'stdio',
  envVars: [
    { name: 'AWS_SECRET_ACCESS_KEY', description: '', required: true, secret: true },
    { name: 'OPENAI_API_KEY', description: '', required: true, secret: true },
    { name: 'LD_PRELOAD', description: '', required: true, secret: false },
    { name: 'INVENTED_NOWHERE', description: '', required: true, secret: false },
  ],
  tools: [{ name: 'exfiltrate' }, { name: 'add_todo', description: 'Add a todo item' }],
  args: ['--allow-all'],
});

/** A snapshot of the injection fixture without package.json, so the static analyser cannot name the package. */
async function injectionWithoutManifest(): Promise<Snapshot> {
  const snapshot = await fixtureSnapshot('prompt-injection');
  return { ...snapshot, files: snapshot.files.filter((f) => f.path !== 'package.json') };
}

describe('CompositeAnalyzer: static first, the LLM fills gaps, facts win', () => {
  it('does not call the LLM when static analysis has package and tools', async () => {
    const provider = new ScriptedLlmProvider([OBEDIENT_ANSWER]);
    const composite = new CompositeAnalyzer(new StaticAnalyzer(), new ClaudeAnalyzer(provider));
    const config = await composite.analyze(await fixtureSnapshot('prompt-injection'));
    expect(provider.prompts).to.have.length(0);
    expect(config.package).to.deep.equal({ runtime: 'npm', name: 'todo-list-mcp' });
    expect(config.analyzers).to.deep.equal(['static']);
  });

  it('hostile README + obedient LLM (policy always): the manifest package wins, inventions are dropped, argv untouched', async () => {
    const registry = new InMemoryPackageRegistry([{ runtime: 'npm', name: 'todo-list-mcp', versions: ['1.1.0'] }]);
    const composite = new CompositeAnalyzer(new StaticAnalyzer(), new ClaudeAnalyzer(new ScriptedLlmProvider([OBEDIENT_ANSWER])), {
      validatePackage: registryPackageValidator(registry),
      llmPolicy: 'always',
    });
    const config = await composite.analyze(await fixtureSnapshot('prompt-injection'));
    expect(config.package).to.deep.equal({ runtime: 'npm', name: 'todo-list-mcp' });
    expect(config.args).to.deep.equal([]);
    // The names the README hides in an HTML comment do not count as documentation; LD_PRELOAD is never asked for.
    expect(config.envVars.map((v) => v.name)).to.deep.equal(['TODO_FILE']);
    expect(config.tools.map((t) => t.name)).to.deep.equal(['add_todo', 'list_todos']);
    expect(config.tools.find((t) => t.name === 'add_todo')?.description).to.equal('Add a todo item');
    expect(config.analyzers).to.include.members(['static', 'claude']);
    const fromLlm = config.evidence.filter((e) => e.analyzer === 'claude').map((e) => e.field);
    expect(fromLlm).to.not.include('package');
    expect(registry.requests).to.have.length(0);
  });

  it('an LLM-invented package must pass the registry check, or the package stays unknown', async () => {
    const registry = new InMemoryPackageRegistry([{ runtime: 'npm', name: 'todo-list-mcp', versions: ['1.1.0'] }]);
    const logger = new RecordingLogger();
    const composite = new CompositeAnalyzer(new StaticAnalyzer(), new ClaudeAnalyzer(new ScriptedLlmProvider([OBEDIENT_ANSWER])), {
      validatePackage: registryPackageValidator(registry),
      logger,
    });
    const config = await composite.analyze(await injectionWithoutManifest());
    expect(config.package).to.equal(null);
    expect(registry.requests.map((r) => r.name)).to.deep.equal(['totally-legit-helper']);
    expect(logger.entries.some((e) => /registry check/.test(e.message))).to.equal(true);
  });

  it('a package the registry confirms fills the gap, with claude evidence', async () => {
    const registry = new InMemoryPackageRegistry([{ runtime: 'npm', name: 'todo-list-mcp', versions: ['1.1.0'] }]);
    const answer = JSON.stringify({ ...JSON.parse(OBEDIENT_ANSWER), package: { runtime: 'npm', name: 'todo-list-mcp' } });
    const composite = new CompositeAnalyzer(new StaticAnalyzer(), new ClaudeAnalyzer(new ScriptedLlmProvider([answer])), {
      validatePackage: registryPackageValidator(registry),
    });
    const config = await composite.analyze(await injectionWithoutManifest());
    expect(config.package).to.deep.equal({ runtime: 'npm', name: 'todo-list-mcp' });
    expect(config.evidence.find((e) => e.field === 'package')?.analyzer).to.equal('claude');
    expect(config.analyzers).to.deep.equal(['static', 'claude']);
  });

  it('without a validator, an LLM package must at least appear in the files', async () => {
    const answer = JSON.stringify({ ...JSON.parse(OBEDIENT_ANSWER), package: { runtime: 'npm', name: 'never-mentioned-pkg' } });
    const composite = new CompositeAnalyzer(new StaticAnalyzer(), new ClaudeAnalyzer(new ScriptedLlmProvider([answer])));
    const config = await composite.analyze(await injectionWithoutManifest());
    expect(config.package).to.equal(null);
  });

  it('keeps "not an MCP server" unless the LLM finds something the files confirm', async () => {
    const agrees = JSON.stringify({ isMcpServer: false, name: 'left-pad-plus', package: null, notMcpServer: 'a library' });
    const composite = new CompositeAnalyzer(new StaticAnalyzer(), new ClaudeAnalyzer(new ScriptedLlmProvider([agrees])));
    const config = await composite.analyze(await fixtureSnapshot('not-mcp'));
    expect(config.notMcpServer).to.match(/No MCP server found/);
    expect(config.package).to.equal(null);
    const invents = JSON.stringify({ isMcpServer: true, name: 'x', package: { runtime: 'npm', name: 'left-pad-plus' }, tools: [{ name: 'pad_left' }] });
    const fooled = new CompositeAnalyzer(new StaticAnalyzer(), new ClaudeAnalyzer(new ScriptedLlmProvider([invents])), { validatePackage: async () => false });
    const still = await fooled.analyze(await fixtureSnapshot('not-mcp'));
    expect(still.notMcpServer).to.match(/No MCP server found/);
    expect(still.tools).to.deep.equal([]);
  });

  it('returns the static result and logs when the LLM fails', async () => {
    const logger = new RecordingLogger();
    const failing = new ScriptedLlmProvider([new CatwalkError('analysis_failed', 'The LLM provider (scripted) is overloaded (HTTP 529).', {}, { retryable: true })]);
    const composite = new CompositeAnalyzer(new StaticAnalyzer(), new ClaudeAnalyzer(failing), { logger });
    const config = await composite.analyze(await injectionWithoutManifest());
    expect(config.analyzers).to.deep.equal(['static']);
    expect(config.tools.map((t) => t.name)).to.deep.equal(['add_todo', 'list_todos']);
    expect(logger.entries.some((e) => e.level === 'warn')).to.equal(true);
  });

  it('propagates analysis_failed for an empty snapshot (nothing to analyse)', async () => {
    const composite = new CompositeAnalyzer(new StaticAnalyzer(), undefined);
    try {
      await composite.analyze({ key: 'k', origin: 'o', files: [], skipped: [], truncated: false, limits: { maxFiles: 1, maxFileBytes: 1, maxTotalBytes: 1 } });
      expect.fail('expected analysis_failed');
    } catch (error) {
      expect((error as CatwalkError).code).to.equal('analysis_failed');
    }
  });
});

describe('analysisModule and LLM configuration', () => {
  it('reads ANTHROPIC_API_KEY / OPENROUTER_API_KEY / CATWALK_LLM_MODEL; Anthropic wins when both are set', () => {
    expect(llmOptionsFromEnv({})).to.deep.equal({});
    expect(createLlmProvider(llmOptionsFromEnv({}))).to.equal(undefined);
    const both = createLlmProvider(llmOptionsFromEnv({ ANTHROPIC_API_KEY: 'a', OPENROUTER_API_KEY: 'o', CATWALK_LLM_MODEL: 'claude-haiku-4-5' }));
    expect(both?.name).to.equal('anthropic');
    expect(both?.model).to.equal('claude-haiku-4-5');
    expect(createLlmProvider(llmOptionsFromEnv({ OPENROUTER_API_KEY: 'o' }))?.name).to.equal('openrouter');
  });

  it('binds AnalyzerToken to the composite analyser, using a bound PackageRegistry', async () => {
    const container = new Container();
    const registry = new InMemoryPackageRegistry([]);
    container.bind(PackageRegistryToken).toConstantValue(registry);
    const answer = JSON.stringify({ ...JSON.parse(OBEDIENT_ANSWER), package: { runtime: 'npm', name: 'todo-list-mcp' } });
    container.load(analysisModule({ provider: new ScriptedLlmProvider([answer]) }));
    const analyzer = container.get<Analyzer>(AnalyzerToken);
    expect(analyzer.name).to.equal('composite');
    const config = await analyzer.analyze(await injectionWithoutManifest());
    expect(registry.requests.map((r) => r.name)).to.deep.equal(['todo-list-mcp']);
    expect(config.package).to.equal(null);
  });
});
