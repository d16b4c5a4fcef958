import type { DeploymentRepository, Orchestrator } from '../ports/index.js';
import { isPlausibleId } from './support.js';

/** Whose deployment to delete. */
export interface DeleteDeploymentInput {
  readonly ownerId: string;
  readonly deploymentId: string;
}

/** Whether something was deleted (false for a missing deployment and for someone else's alike). */
export interface DeleteDeploymentOutput {
  readonly deleted: boolean;
}

/** Ports DeleteDeployment needs. */
export interface DeleteDeploymentDeps {
  readonly deployments: DeploymentRepository;
  readonly orchestrator: Orchestrator;
}

/**
 * Destroys the deployment's machine, then deletes the deployment with its credentials and events. Idempotent.
 * The machine goes first: if destroying fails the row stays, so the delete can be retried and no machine is
 * left running without an owner.
 */
export class DeleteDeployment {
  constructor(private readonly deps: DeleteDeploymentDeps) {}

  async execute(input: DeleteDeploymentInput): Promise<DeleteDeploymentOutput> {
    if (!isPlausibleId(input.deploymentId)) return { deleted: false };
    const deployment = await this.deps.deployments.get(input.deploymentId);
    if (deployment === undefined || deployment.state.ownerId !== input.ownerId) return { deleted: false };
    if (deployment.state.machineId !== null) await this.deps.orchestrator.destroy(deployment.state.machineId);
    await this.deps.deployments.delete(deployment.id);
    return { deleted: true };
  }
}
