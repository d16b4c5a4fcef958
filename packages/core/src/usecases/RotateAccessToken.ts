import type { DeploymentState } from '../domain/deployment.js';
import type { Clock, DeploymentRepository, SecretGenerator, TokenHasher } from '../ports/index.js';
import { newAccessToken, updateOwned } from './support.js';

/** Whose deployment gets a new token. */
export interface RotateAccessTokenInput {
  readonly ownerId: string;
  readonly deploymentId: string;
}

/** The new token, shown this once, and the deployment. */
export interface RotateAccessTokenOutput {
  readonly accessToken: string;
  readonly deployment: DeploymentState;
}

/** Ports RotateAccessToken needs. */
export interface RotateAccessTokenDeps {
  readonly deployments: DeploymentRepository;
  readonly secrets: SecretGenerator;
  readonly hasher: TokenHasher;
  readonly clock: Clock;
}

/** Replaces a deployment's access token; the old one stops working at once (only the new hash is stored). */
export class RotateAccessToken {
  constructor(private readonly deps: RotateAccessTokenDeps) {}

  async execute(input: RotateAccessTokenInput): Promise<RotateAccessTokenOutput> {
    const accessToken = newAccessToken(this.deps.secrets);
    const hash = this.deps.hasher.hash(accessToken);
    const deployment = await updateOwned(this.deps.deployments, input.ownerId, input.deploymentId, (fresh) => {
      fresh.rotateAccessToken(this.deps.clock.now(), hash);
    });
    return { accessToken, deployment: deployment.state };
  }
}
