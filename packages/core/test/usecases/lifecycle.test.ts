import { expect } from 'chai';
import { CatwalkError } from '../../src/errors/index.js';
import { createPending, createRunning, createWorld, expectCode } from './world.js';
import type { World } from './world.js';

describe('deployment lifecycle use cases', () => {
  let world: World;
  const owner = 'user-1';

  beforeEach(() => {
    world = createWorld();
  });

  it('StopDeployment stops a running deployment and is idempotent', async () => {
    const { deployment } = await createRunning(world);
    const stopped = await world.uc.stopDeployment.execute({ ownerId: owner, deploymentId: deployment.id });
    expect(stopped.status).to.equal('stopped');
    expect(world.orchestrator.machines.get('machine-1')!.state).to.equal('stopped');
    expect((await world.uc.stopDeployment.execute({ ownerId: owner, deploymentId: deployment.id })).status).to.equal('stopped');
    expect(world.orchestrator.callsOf('stop')).to.have.length(1);
  });

  it('StopDeployment leaves the status alone when the orchestrator fails, and refuses a pending one', async () => {
    const { deployment } = await createRunning(world);
    world.orchestrator.faults.failOn('stop', new CatwalkError('orchestrator_failed', 'Fly said no.'), 1);
    await expectCode(world.uc.stopDeployment.execute({ ownerId: owner, deploymentId: deployment.id }), 'orchestrator_failed');
    expect(world.store.deployments.get(deployment.id)!.status).to.equal('running');
    const pending = await createPending(world);
    await expectCode(world.uc.stopDeployment.execute({ ownerId: owner, deploymentId: pending.deployment.id }), 'invalid_transition');
    expect(world.orchestrator.callsOf('stop')).to.have.length(1);
  });

  it('StartDeployment starts the stopped machine again', async () => {
    const { deployment } = await createRunning(world);
    await world.uc.stopDeployment.execute({ ownerId: owner, deploymentId: deployment.id });
    const started = await world.uc.startDeployment.execute({ ownerId: owner, deploymentId: deployment.id });
    expect(started.deployment.status).to.equal('deploying');
    expect((await started.completion).outcome).to.equal('running');
    expect(world.orchestrator.callsOf('start')).to.deep.equal([{ op: 'start', id: 'machine-1' }]);
    expect(world.orchestrator.callsOf('deploy')).to.have.length(1);
    await expectCode(world.uc.startDeployment.execute({ ownerId: owner, deploymentId: deployment.id }), 'invalid_transition');
  });

  it('RedeployDeployment replaces the machine', async () => {
    const { deployment } = await createRunning(world);
    const redeploy = await world.uc.redeployDeployment.execute({ ownerId: owner, deploymentId: deployment.id });
    const result = await redeploy.completion;
    expect(result.outcome === 'running' && result.deployment.machineId).to.equal('machine-2');
    expect([...world.orchestrator.machines.keys()]).to.deep.equal(['machine-2']);
    const pending = await createPending(world);
    await expectCode(world.uc.redeployDeployment.execute({ ownerId: owner, deploymentId: pending.deployment.id }), 'invalid_transition');
  });

  it('DeleteDeployment destroys the machine, then the deployment with credentials and events; idempotent', async () => {
    const { deployment } = await createRunning(world);
    expect(await world.uc.deleteDeployment.execute({ ownerId: 'someone-else', deploymentId: deployment.id })).to.deep.equal({ deleted: false });
    world.orchestrator.faults.failOn('destroy', new CatwalkError('orchestrator_failed', 'try later'), 1);
    await expectCode(world.uc.deleteDeployment.execute({ ownerId: owner, deploymentId: deployment.id }), 'orchestrator_failed');
    expect(world.store.deployments.has(deployment.id)).to.equal(true);
    expect(await world.uc.deleteDeployment.execute({ ownerId: owner, deploymentId: deployment.id })).to.deep.equal({ deleted: true });
    expect(world.store.isEmpty()).to.equal(true);
    expect(world.orchestrator.machines.size).to.equal(0);
    expect(await world.uc.deleteDeployment.execute({ ownerId: owner, deploymentId: deployment.id })).to.deep.equal({ deleted: false });
  });

  it('RotateAccessToken returns a new token once; only its hash is stored', async () => {
    const { deployment, accessToken } = await createRunning(world);
    const rotated = await world.uc.rotateAccessToken.execute({ ownerId: owner, deploymentId: deployment.id });
    expect(rotated.accessToken).not.to.equal(accessToken);
    expect(rotated.deployment.accessTokenHash).to.equal(world.hasher.hash(rotated.accessToken));
    expect(world.store.events.some((event) => event.type === 'token_rotated')).to.equal(true);
    await expectCode(world.uc.rotateAccessToken.execute({ ownerId: 'other', deploymentId: deployment.id }), 'not_found');
  });

  it('UpdateCredentials validates, reseals, and redeploys a running deployment', async () => {
    const { deployment } = await createRunning(world);
    await expectCode(world.uc.updateCredentials.execute({ ownerId: owner, deploymentId: deployment.id, credentials: {} }), 'missing_credentials');
    const updated = await world.uc.updateCredentials.execute({ ownerId: owner, deploymentId: deployment.id, credentials: { API_KEY: 'new-value' } });
    expect(updated.deployment.status).to.equal('deploying');
    expect((await updated.redeploy!).outcome).to.equal('running');
    expect(world.orchestrator.machines.get('machine-2')!.spec!.env).to.deep.equal({ API_KEY: 'new-value' });
    expect(world.store.events.filter((event) => event.type === 'credentials_updated')).to.have.length(1);
    const pending = await createPending(world);
    const quiet = await world.uc.updateCredentials.execute({ ownerId: owner, deploymentId: pending.deployment.id, credentials: { API_KEY: 'v2' } });
    expect(quiet.redeploy).to.equal(undefined);
    expect(JSON.parse(await world.cipher.open(world.store.credentials.get(pending.deployment.id)!))).to.deep.equal({ API_KEY: 'v2' });
  });

  it('GetDeployment and ListDeployments are owner-scoped; another owner sees not_found like a missing id', async () => {
    const mine = await createPending(world, owner);
    world.clock.advance(1000);
    const second = await createPending(world, owner);
    await createPending(world, 'user-2');
    const other = await expectCode(world.uc.getDeployment.execute({ ownerId: 'user-2', deploymentId: mine.deployment.id }), 'not_found');
    const missing = await expectCode(world.uc.getDeployment.execute({ ownerId: 'user-2', deploymentId: 'no-such-id' }), 'not_found');
    expect(other.message).to.equal(missing.message);
    expect(other.details).to.deep.equal(missing.details);
    expect((await world.uc.getDeployment.execute({ ownerId: owner, deploymentId: mine.deployment.id })).id).to.equal(mine.deployment.id);
    const page1 = await world.uc.listDeployments.execute({ ownerId: owner, limit: 1 });
    expect(page1.items.map((item) => item.id)).to.deep.equal([second.deployment.id]);
    const page2 = await world.uc.listDeployments.execute({ ownerId: owner, limit: 1, cursor: page1.nextCursor! });
    expect(page2).to.deep.include({ nextCursor: null });
    expect(page2.items.map((item) => item.id)).to.deep.equal([mine.deployment.id]);
    await expectCode(world.uc.listDeployments.execute({ ownerId: owner, limit: 1000 }), 'invalid_input');
  });

  it('GetDeploymentEvents and GetDeploymentLogs read an owned deployment', async () => {
    const { deployment } = await createRunning(world);
    const events = await world.uc.getDeploymentEvents.execute({ ownerId: owner, deploymentId: deployment.id, limit: 2 });
    expect(events.map((event) => event.type)).to.deep.equal(['progress', 'status_changed']);
    const logs = await world.uc.getDeploymentLogs.execute({ ownerId: owner, deploymentId: deployment.id });
    expect(logs.map((line) => line.line)).to.deep.equal(['starting @example/mcp-server@1.2.3']);
    await expectCode(world.uc.getDeploymentLogs.execute({ ownerId: 'other', deploymentId: deployment.id }), 'not_found');
    const pending = await createPending(world);
    expect(await world.uc.getDeploymentLogs.execute({ ownerId: owner, deploymentId: pending.deployment.id })).to.deep.equal([]);
  });
});
