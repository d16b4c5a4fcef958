import { validateCredentials } from '../credentials/index.js';
import type { DeploymentState } from '../domain/deployment.js';
import type { Cipher, Clock, DeploymentRepository, UnitOfWork } from '../ports/index.js';
import type { RedeployDeployment } from './RedeployDeployment.js';
import type { RunDeploymentResult } from './RunDeployment.js';
import { loadOwned, sealCredentials } from './support.js';

/** New credentials for a deployment (they replace the old ones entirely). */
export interface UpdateCredentialsInput {
  readonly ownerId: string;
  readonly deploymentId: string;
  readonly credentials: unknown;
}

/** The deployment after the update, and the redeploy it started when it was running. */
export interface UpdateCredentialsOutput {
  readonly deployment: DeploymentState;
  /** Present when the deployment was running: it is redeployed with the new values. */
  readonly redeploy?: Promise<RunDeploymentResult>;
}

/** Ports UpdateCredentials needs. */
export interface UpdateCredentialsDeps {
  readonly deployments: DeploymentRepository;
  readonly unitOfWork: UnitOfWork;
  readonly cipher: Cipher;
  readonly clock: Clock;
  readonly redeploy: RedeployDeployment;
}

/**
 * Replaces a deployment's credentials: validated against its config, sealed, stored with a
 * `credentials_updated` event in one unit of work (compare-and-set on the deployment); a running deployment is
 * then redeployed so the server sees the new values.
 */
export class UpdateCredentials {
  constructor(private readonly deps: UpdateCredentialsDeps) {}

  async execute(input: UpdateCredentialsInput): Promise<UpdateCredentialsOutput> {
    const current = await loadOwned(this.deps.deployments, input.ownerId, input.deploymentId);
    const values = validateCredentials(current.state.config.envVars, input.credentials);
    const box = await sealCredentials(this.deps.cipher, values);
    const updated = await this.deps.unitOfWork.run(async (repos) => {
      const deployment = await loadOwned(repos.deployments, input.ownerId, input.deploymentId);
      deployment.noteCredentialsUpdated(this.deps.clock.now());
      await repos.deployments.save(deployment);
      await repos.credentials.put(deployment.id, box);
      return deployment;
    });
    if (updated.status !== 'running') return { deployment: updated.state };
    const { deployment, completion } = await this.deps.redeploy.execute({ ownerId: input.ownerId, deploymentId: input.deploymentId });
    return { deployment, redeploy: completion };
  }
}
