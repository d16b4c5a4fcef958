import { expect } from 'chai';
import { GATEWAY_UNAUTHORIZED_MESSAGE } from '../../src/usecases/index.js';
import { createPending, createRunning, createWorld, expectCode } from './world.js';
import type { World } from './world.js';

describe('AuthorizeGatewayRequest', () => {
  let world: World;

  beforeEach(() => {
    world = createWorld();
  });

  it('answers the upstream of a running deployment for its token', async () => {
    const { deployment, accessToken } = await createRunning(world);
    const result = await world.uc.authorizeGatewayRequest.execute({ deploymentId: deployment.id, token: accessToken });
    expect(result).to.deep.equal({ deploymentId: deployment.id, ownerId: 'user-1', upstreamUrl: 'http://127.0.0.1:9/machine-1/mcp' });
  });

  it('makes an unknown deployment and a wrong token indistinguishable', async () => {
    const { deployment, accessToken } = await createRunning(world);
    const other = await createRunning(world);
    const unknown = await expectCode(world.uc.authorizeGatewayRequest.execute({ deploymentId: 'no-such-id', token: accessToken }), 'unauthorized');
    const wrong = await expectCode(world.uc.authorizeGatewayRequest.execute({ deploymentId: deployment.id, token: other.accessToken }), 'unauthorized');
    expect(unknown.message).to.equal(GATEWAY_UNAUTHORIZED_MESSAGE);
    expect(JSON.stringify([unknown.message, unknown.details])).to.equal(JSON.stringify([wrong.message, wrong.details]));
  });

  it('refuses malformed and absent tokens before any lookup or hashing', async () => {
    const { deployment } = await createRunning(world);
    const before = world.hasher.hashCount;
    for (const token of [undefined, '', 'Bearer x', 'cwt_short', `cwa_${'a'.repeat(43)}`, `cwt_${'a'.repeat(42)}$`]) {
      await expectCode(world.uc.authorizeGatewayRequest.execute({ deploymentId: deployment.id, token }), 'unauthorized');
    }
    expect(world.hasher.hashCount).to.equal(before);
  });

  it('refuses a rotated-away token at once', async () => {
    const { deployment, accessToken } = await createRunning(world);
    const rotated = await world.uc.rotateAccessToken.execute({ ownerId: 'user-1', deploymentId: deployment.id });
    await expectCode(world.uc.authorizeGatewayRequest.execute({ deploymentId: deployment.id, token: accessToken }), 'unauthorized');
    expect((await world.uc.authorizeGatewayRequest.execute({ deploymentId: deployment.id, token: rotated.accessToken })).deploymentId).to.equal(deployment.id);
  });

  it('answers deployment_unavailable with the status for a valid token on a deployment that is not running', async () => {
    const { deployment, accessToken } = await createRunning(world);
    await world.uc.stopDeployment.execute({ ownerId: 'user-1', deploymentId: deployment.id });
    const stopped = await expectCode(world.uc.authorizeGatewayRequest.execute({ deploymentId: deployment.id, token: accessToken }), 'deployment_unavailable');
    expect(stopped.details).to.deep.equal({ status: 'stopped' });
    const pending = await createPending(world);
    const error = await expectCode(world.uc.authorizeGatewayRequest.execute({ deploymentId: pending.deployment.id, token: pending.accessToken }), 'deployment_unavailable');
    expect(error.details).to.deep.equal({ status: 'pending' });
    // A wrong token on a stopped deployment learns nothing about its status.
    await expectCode(world.uc.authorizeGatewayRequest.execute({ deploymentId: deployment.id, token: pending.accessToken }), 'unauthorized');
  });
});
