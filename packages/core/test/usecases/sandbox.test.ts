import { expect } from 'chai';
import { aMcpConfig } from '../../src/testing/index.js';
import { UNSANDBOXED_MULTIUSER_MESSAGE, assertMayAddUser } from '../../src/usecases/index.js';
import { PLANTED_SECRET, createWorld, expectCode } from './world.js';

describe('assertMayAddUser (the multi-user rule while unconfined)', () => {
  it('refuses a second user only when unconfined and not allowed', () => {
    expect(() => assertMayAddUser({ confined: false, allowUnsandboxedMultiuser: false }, 1)).to.throw(UNSANDBOXED_MULTIUSER_MESSAGE);
    expect(() => assertMayAddUser({ confined: false, allowUnsandboxedMultiuser: false }, 0)).to.not.throw();
    expect(() => assertMayAddUser({ confined: false, allowUnsandboxedMultiuser: true }, 5)).to.not.throw();
    expect(() => assertMayAddUser({ confined: true, allowUnsandboxedMultiuser: false }, 5)).to.not.throw();
  });
});

describe('per-deployment network option', () => {
  it('CreateDeployment stores network: none and RunDeployment hands it to the orchestrator', async () => {
    const world = createWorld();
    const { deployment } = await world.uc.createDeployment.execute({
      ownerId: 'u',
      source: 'npm:@example/mcp-server',
      config: aMcpConfig(),
      credentials: { API_KEY: PLANTED_SECRET },
      network: 'none',
    });
    expect(deployment.config.network).to.equal('none');
    await world.uc.runDeployment.execute({ deploymentId: deployment.id });
    expect(world.orchestrator.machines.get('machine-1')?.spec?.network).to.equal('none');
  });

  it('defaults to shared and refuses anything else', async () => {
    const world = createWorld();
    const { deployment } = await world.uc.createDeployment.execute({ ownerId: 'u', source: 'npm:@example/mcp-server', config: aMcpConfig(), credentials: { API_KEY: 'k' } });
    expect(deployment.config.network).to.equal(undefined);
    await world.uc.runDeployment.execute({ deploymentId: deployment.id });
    expect(world.orchestrator.machines.get('machine-1')?.spec?.network).to.equal('shared');
    await expectCode(world.uc.createDeployment.execute({ ownerId: 'u', source: 'npm:x', config: aMcpConfig(), credentials: { API_KEY: 'k' }, network: 'host' }), 'invalid_input');
  });
});
