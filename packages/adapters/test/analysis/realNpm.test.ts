import { expect } from 'chai';
import axios from 'axios';
import { AnalyzeSource, ValidatePackage } from '@catwalk/core';
import { FakeClock, InMemoryAnalysisCache, RecordingLogger } from '@catwalk/core/testing';
import { createPackageRegistry } from '../../src/registry/index.js';
import { createRepoSource } from '../../src/sources/module.js';
import { createAnalyzer } from '../../src/analysis/module.js';

const MEMORY_TOOLS = [
  'add_observations',
  'create_entities',
  'create_relations',
  'delete_entities',
  'delete_observations',
  'delete_relations',
  'open_nodes',
  'read_graph',
  'search_nodes',
];

async function npmReachable(): Promise<boolean> {
  try {
    const response = await axios.head('https://registry.npmjs.org/@modelcontextprotocol%2fserver-memory', { timeout: 5000, validateStatus: () => true });
    return response.status < 500;
  } catch {
    return false;
  }
}

describe('analyzeSource("npm:@modelcontextprotocol/server-memory") against the REAL npm registry', function () {
  this.timeout(60_000);

  before(async function () {
    if (!(await npmReachable())) {
      console.log('    [skipped] registry.npmjs.org is unreachable: the live npm analysis test needs network access');
      this.skip();
    }
  });

  it('returns the real package, runtime npm, MEMORY_FILE_PATH (optional) and the memory tools', async () => {
    const clock = new FakeClock(new Date('2026-01-01T00:00:00Z'));
    const registry = createPackageRegistry();
    const cache = new InMemoryAnalysisCache(clock);
    const analyzeSource = new AnalyzeSource({
      repoSource: createRepoSource({ allowLocal: false }),
      analyzer: createAnalyzer({}, { registry }),
      cache,
      validatePackage: new ValidatePackage({ registry, clock }),
      clock,
      logger: new RecordingLogger(),
    });
    const result = await analyzeSource.execute({ source: 'npm:@modelcontextprotocol/server-memory' });
    const { config } = result;
    expect(config.package?.name).to.equal('@modelcontextprotocol/server-memory');
    expect(config.package?.runtime).to.equal('npm');
    expect(config.package?.version).to.match(/^\d+\.\d+\.\d+/);
    expect(config.notMcpServer).to.equal(undefined);
    const memory = config.envVars.find((v) => v.name === 'MEMORY_FILE_PATH');
    expect(memory, 'MEMORY_FILE_PATH').to.not.equal(undefined);
    expect(memory!.required).to.equal(false);
    expect(memory!.secret).to.equal(false);
    expect(memory!.format).to.equal('filepath');
    expect(config.envVars.filter((v) => v.required)).to.deep.equal([]);
    expect(config.tools.map((t) => t.name)).to.include.members(MEMORY_TOOLS);
    expect(config.evidence.find((e) => e.field === 'tool.read_graph')?.file).to.match(/\.js$/);
    expect(result.form.fields.map((f: { name: string }) => f.name)).to.include('MEMORY_FILE_PATH');
    // The second call is served by the cache.
    const again = await analyzeSource.execute({ source: 'npm:@modelcontextprotocol/server-memory' });
    expect(again.cached).to.equal(true);
  });
});
