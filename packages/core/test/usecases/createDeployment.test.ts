import { expect } from 'chai';
import { isAccessTokenFormat } from '../../src/domain/secrets.js';
import { aMcpConfig, aSnapshot, anEnvVar } from '../../src/testing/index.js';
import { PLANTED_SECRET, createPending, createWorld, expectCode, rejection } from './world.js';
import type { World } from './world.js';

describe('CreateDeployment', () => {
  let world: World;

  beforeEach(() => {
    world = createWorld();
  });

  it('stores a pending deployment, its sealed credentials and its event, and returns the token once', async () => {
    const { deployment, accessToken } = await createPending(world);
    expect(isAccessTokenFormat(accessToken)).to.equal(true);
    expect(deployment).to.deep.include({ status: 'pending', version: 1, ownerId: 'user-1', name: 'Example server', source: 'npm:@example/mcp-server' });
    expect(deployment.package).to.deep.equal({ runtime: 'npm', name: '@example/mcp-server', version: '1.2.3' });
    expect(deployment.config.package).to.deep.equal(deployment.package);
    expect(deployment.accessTokenHash).to.equal(world.hasher.hash(accessToken));
    expect(JSON.stringify([...world.store.deployments.values()])).not.to.contain(accessToken);
    const box = world.store.credentials.get(deployment.id)!;
    expect(String.fromCharCode(...box.ciphertext)).not.to.contain(PLANTED_SECRET);
    expect(JSON.parse(await world.cipher.open(box))).to.deep.equal({ API_KEY: PLANTED_SECRET });
    expect(world.store.events.map((event) => event.type)).to.deep.equal(['created']);
    expect(world.unitOfWork.committed).to.equal(1);
  });

  it('stores nothing when a required credential is missing', async () => {
    const error = await expectCode(
      world.uc.createDeployment.execute({ ownerId: 'user-1', source: 'npm:@example/mcp-server', config: aMcpConfig(), credentials: {} }),
      'missing_credentials',
    );
    expect(error.details['missing']).to.deep.equal(['API_KEY']);
    expect(world.store.isEmpty()).to.equal(true);
    expect(world.registry.requests).to.have.length(1);
    expect(world.cipher.calls.seal).to.equal(0);
    expect(world.secrets.issued).to.have.length(0);
  });

  it('stores nothing when the package does not exist or the input is bad', async () => {
    const missing = aMcpConfig({ package: { runtime: 'npm', name: 'left-pad-mcp', version: '1.0.0' } });
    await expectCode(world.uc.createDeployment.execute({ ownerId: 'u', source: 'npm:left-pad-mcp', config: missing, credentials: { API_KEY: 'x' } }), 'package_not_found');
    await expectCode(world.uc.createDeployment.execute({ ownerId: 'u', source: 'npm:x', config: { name: 1 } }), 'invalid_input');
    await expectCode(world.uc.createDeployment.execute({ ownerId: 'u', source: 'npm:x', config: aMcpConfig(), args: ['ok', 'nul\u0000'] }), 'invalid_input');
    await expectCode(world.uc.createDeployment.execute({ ownerId: 'u', source: 'npm:x', name: 'bad\nname', config: aMcpConfig() }), 'invalid_input');
    await expectCode(
      world.uc.createDeployment.execute({ ownerId: 'u', source: 'npm:x', config: aMcpConfig(), credentials: { API_KEY: 'x', LD_PRELOAD: '/tmp/evil.so' } }),
      'unknown_credential',
    );
    await expectCode(world.uc.createDeployment.execute({ ownerId: 'u', source: 'npm:x', config: aMcpConfig({ package: null }) }), 'analysis_required');
    await expectCode(world.uc.createDeployment.execute({ ownerId: 'u', source: 'npm:x', config: aMcpConfig({ notMcpServer: 'a CLI tool' }) }), 'analysis_failed');
    expect(world.store.isEmpty()).to.equal(true);
    expect(world.cipher.calls.seal).to.equal(0);
  });

  it('leaves nothing behind when the credentials write fails after the deployment row', async () => {
    world.store.faults.failOn('credentials.put', new Error('crash between writes'), 1);
    expect(await rejection(createPending(world))).to.have.property('message', 'crash between writes');
    expect(world.store.isEmpty()).to.equal(true);
    expect(world.unitOfWork.rolledBack).to.equal(1);
    await createPending(world);
    expect(world.store.deployments.size).to.equal(1);
    expect(world.store.credentials.size).to.equal(1);
  });

  it('leaves nothing behind when the process dies just before commit', async () => {
    world.unitOfWork.beforeCommit = () => {
      throw new Error('killed before COMMIT');
    };
    expect(await rejection(createPending(world))).to.have.property('message', 'killed before COMMIT');
    expect(world.store.isEmpty()).to.equal(true);
  });

  it('analyses the source when no config is given, detecting the runtime of a bare name', async () => {
    world.repoSource.add(aSnapshot({ key: 'npm:@example/mcp-server@1.0.0' }));
    world.analyzer.setFallback(aMcpConfig({ envVars: [anEnvVar({ name: 'REGION', required: false, secret: false, default: 'eu' })], args: ['--stdio'] }));
    const { deployment } = await world.uc.createDeployment.execute({ ownerId: 'u', source: '@example/mcp-server@1.0.0', name: ' mine ' });
    expect(deployment).to.deep.include({ name: 'mine', source: 'npm:@example/mcp-server@1.0.0' });
    expect(deployment.package.version).to.equal('1.2.3');
    expect(deployment.config.args).to.deep.equal(['--stdio']);
    expect(JSON.parse(await world.cipher.open(world.store.credentials.get(deployment.id)!))).to.deep.equal({ REGION: 'eu' });
  });

  it('uses caller-supplied args and pins latest to the exact version', async () => {
    const config = aMcpConfig({ package: { runtime: 'npm', name: '@example/mcp-server' } });
    const { deployment } = await world.uc.createDeployment.execute({ ownerId: 'u', source: 'https://github.com/example/mcp-server', config, credentials: { API_KEY: 'k' }, args: ['/data'] });
    expect(deployment.package.version).to.equal('1.2.3');
    expect(deployment.config.args).to.deep.equal(['/data']);
    expect(deployment.source).to.equal('https://github.com/example/mcp-server');
  });
});
