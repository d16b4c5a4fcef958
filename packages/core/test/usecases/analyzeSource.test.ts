import { expect } from 'chai';
import { CatwalkError } from '../../src/errors/index.js';
import { aMcpConfig, aSnapshot } from '../../src/testing/index.js';
import { createWorld, expectCode } from './world.js';
import type { World } from './world.js';

describe('AnalyzeSource', () => {
  let world: World;
  const config = aMcpConfig();

  beforeEach(() => {
    world = createWorld();
    world.repoSource.add(aSnapshot({ key: 'npm:@example/mcp-server' }));
    world.repoSource.add(aSnapshot({ key: 'github:octo/server', origin: 'https://github.com/octo/server' }));
    world.repoSource.add(aSnapshot({ key: 'local:./dir' }));
    world.analyzer.setFallback(config);
  });

  it('analyses, caches for 24 h, and builds the credential form', async () => {
    const first = await world.uc.analyzeSource.execute({ source: 'npm:@example/mcp-server' });
    expect(first.cached).to.equal(false);
    expect(first.config).to.deep.equal(config);
    expect(first.form.fields.map((field) => [field.name, field.input, field.required])).to.deep.equal([['API_KEY', 'password', true]]);
    const second = await world.uc.analyzeSource.execute({ source: 'npm:@example/mcp-server' });
    expect(second.cached).to.equal(true);
    expect(world.repoSource.fetched).to.have.length(1);
    world.clock.advance(24 * 60 * 60_000);
    expect((await world.uc.analyzeSource.execute({ source: 'npm:@example/mcp-server' })).cached).to.equal(false);
    expect(world.analyzer.analyzed).to.have.length(2);
  });

  it('bypasses the cache on refresh and never caches local paths', async () => {
    await world.uc.analyzeSource.execute({ source: 'https://github.com/Octo/Server' });
    expect((await world.uc.analyzeSource.execute({ source: 'https://github.com/octo/server', refresh: true })).cached).to.equal(false);
    await world.uc.analyzeSource.execute({ source: './dir' });
    expect((await world.uc.analyzeSource.execute({ source: './dir' })).cached).to.equal(false);
    expect(world.analysisCache.size).to.equal(1);
  });

  it('detects the runtime of a bare name through ValidatePackage', async () => {
    const result = await world.uc.analyzeSource.execute({ source: '@example/mcp-server' });
    expect(result.source).to.deep.include({ kind: 'package', key: 'npm:@example/mcp-server' });
    expect(world.registry.requests).to.have.length(1);
    await expectCode(world.uc.analyzeSource.execute({ source: 'no-such-thing' }), 'package_not_found');
  });

  it('keeps analysing when the cache is down, with a warning', async () => {
    world.analysisCache.faults.failOn('get', new CatwalkError('storage_unavailable', 'down'));
    world.analysisCache.faults.failOn('put', new Error('socket closed'));
    const result = await world.uc.analyzeSource.execute({ source: 'npm:@example/mcp-server' });
    expect(result.config).to.deep.equal(config);
    expect(world.logger.at('warn').map((entry) => entry.fields['code'])).to.deep.equal(['storage_unavailable', 'internal']);
  });

  it('passes source and analysis errors through', async () => {
    await expectCode(world.uc.analyzeSource.execute({ source: 'https://github.com.evil.com/x/y' }), 'invalid_repo_url');
    await expectCode(world.uc.analyzeSource.execute({ source: 'npm:$(id)' }), 'invalid_package_name');
    await expectCode(world.uc.analyzeSource.execute({ source: 'https://github.com/octo/missing' }), 'not_found');
    world.analyzer.setFallback(undefined);
    await expectCode(world.uc.analyzeSource.execute({ source: 'https://github.com/octo/server' }), 'analysis_failed');
    expect(world.registry.requests).to.have.length(0);
  });

  it('BuildCredentialForm and ValidateCredentials follow the config', () => {
    const form = world.uc.buildCredentialForm.execute({ config });
    expect(form.jsonSchema.required).to.deep.equal(['API_KEY']);
    expect(world.uc.validateCredentials.execute({ envVars: config.envVars, submitted: { API_KEY: 'x' } })).to.deep.equal({ API_KEY: 'x' });
    expect(() => world.uc.validateCredentials.execute({ envVars: config.envVars, submitted: {} })).to.throw(CatwalkError).with.property('code', 'missing_credentials');
  });
});
