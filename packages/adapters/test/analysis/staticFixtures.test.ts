import { expect } from 'chai';
import { join } from 'node:path';
import { parseSource } from '@catwalk/core';
import type { McpConfig } from '@catwalk/core';
import { LocalDirectorySource } from '../../src/sources/local.js';
import { StaticAnalyzer } from '../../src/analysis/static/staticAnalyzer.js';
import { FIXTURE_EXPECTATIONS, FIXTURES_DIR } from './fixtureExpectations.js';

const sorted = (names: Iterable<string>) => [...names].sort();

async function analyzeFixture(dir: string): Promise<McpConfig> {
  const source = new LocalDirectorySource({ baseDir: FIXTURES_DIR });
  const snapshot = await source.fetch(parseSource(`./${dir}`));
  return new StaticAnalyzer().analyze(snapshot);
}

describe('StaticAnalyzer over fixture repositories', () => {
  it('has at least 12 fixtures', () => {
    expect(FIXTURE_EXPECTATIONS.length).to.be.at.least(12);
  });

  for (const fixture of FIXTURE_EXPECTATIONS) {
    describe(`${fixture.dir}: ${fixture.what}`, () => {
      let config: McpConfig;
      before(async () => {
        config = await analyzeFixture(fixture.dir);
      });

      it('finds the package and runtime', () => {
        expect(config.package === null ? null : { runtime: config.package.runtime, name: config.package.name }).to.deep.equal(fixture.package);
      });

      it('finds required, optional and secret env vars exactly', () => {
        expect(sorted(config.envVars.filter((v) => v.required).map((v) => v.name)), 'required').to.deep.equal(sorted(fixture.required));
        expect(sorted(config.envVars.filter((v) => !v.required).map((v) => v.name)), 'optional').to.deep.equal(sorted(fixture.optional));
        expect(sorted(config.envVars.filter((v) => v.secret).map((v) => v.name)), 'secret').to.deep.equal(sorted(fixture.secret));
      });

      it('finds defaults and formats', () => {
        for (const [name, value] of Object.entries(fixture.defaults ?? {})) {
          expect(config.envVars.find((v) => v.name === name)?.default, `default of ${name}`).to.equal(value);
        }
        for (const [name, format] of Object.entries(fixture.formats ?? {})) {
          expect(config.envVars.find((v) => v.name === name)?.format, `format of ${name}`).to.equal(format);
        }
        for (const spec of config.envVars.filter((v) => v.secret)) expect(spec.default, `secret ${spec.name} has no default`).to.equal(undefined);
      });

      it('finds the tools exactly', () => {
        expect(sorted(config.tools.map((t) => t.name))).to.deep.equal(sorted(fixture.tools));
      });

      it('backs every field with evidence from a real file and line', () => {
        const fields = [
          ...(config.package === null ? [] : ['package', 'runtime']),
          ...config.envVars.map((v) => `env.${v.name}`),
          ...config.tools.map((t) => `tool.${t.name}`),
        ];
        for (const field of fields) {
          const evidence = config.evidence.find((e) => e.field === field);
          expect(evidence, `evidence for ${field}`).to.not.equal(undefined);
          expect(evidence!.file).to.be.a('string').and.not.equal('');
          expect(['high', 'medium', 'low']).to.include(evidence!.confidence);
        }
        if (fixture.notMcpServer === true) {
          expect(config.notMcpServer).to.match(/No MCP server found/);
        } else {
          expect(config.notMcpServer).to.equal(undefined);
        }
      });
    });
  }

  it('points evidence at the line that holds the finding', async () => {
    const config = await analyzeFixture('ts-sdk-server');
    const evidence = config.evidence.find((e) => e.field === 'tool.get_forecast')!;
    expect(evidence.file).to.equal('src/index.ts');
    expect(evidence.snippet).to.contain('registerTool');
    const env = config.evidence.find((e) => e.field === 'env.WEATHER_API_KEY')!;
    expect(env.file).to.equal('src/index.ts');
    expect(env.line).to.equal(7);
    expect(env.confidence).to.equal('high');
  });

  it('records server.json as the analyser of the facts it gave', async () => {
    const config = await analyzeFixture('server-json');
    expect(config.analyzers).to.include.members(['static', 'server.json']);
    expect(config.package).to.deep.equal({ runtime: 'npm', name: '@acme/db-mcp', version: '1.2.0' });
    expect(config.evidence.find((e) => e.field === 'env.DB_CONNECTION_STRING')?.analyzer).to.equal('server.json');
    expect(config.evidence.find((e) => e.field === 'env.DB_STATEMENT_TIMEOUT')?.analyzer).to.equal('static');
  });

  it('reads the monorepo root as a whole without naming the private root package', async () => {
    const config = await analyzeFixture('monorepo');
    expect(config.package).to.deep.include({ runtime: 'npm', name: '@mono/search-mcp' });
    expect(config.evidence.find((e) => e.field === 'package')?.file).to.equal(join('packages', 'search-server', 'package.json').split('\\').join('/'));
  });
});
