import type { DeploymentState } from '../domain/deployment.js';
import type { Clock, DeploymentRepository, Orchestrator } from '../ports/index.js';
import { loadOwned, updateOwned } from './support.js';

/** Whose deployment to stop. */
export interface StopDeploymentInput {
  readonly ownerId: string;
  readonly deploymentId: string;
}

/** Ports StopDeployment needs. */
export interface StopDeploymentDeps {
  readonly deployments: DeploymentRepository;
  readonly orchestrator: Orchestrator;
  readonly clock: Clock;
}

/**
 * Stops a running deployment's machine (kept for a later start) and marks it stopped. Stopping a stopped
 * deployment is a no-op; other statuses are `invalid_transition`. If the orchestrator fails, the status is unchanged.
 */
export class StopDeployment {
  constructor(private readonly deps: StopDeploymentDeps) {}

  async execute(input: StopDeploymentInput): Promise<DeploymentState> {
    const deployment = await loadOwned(this.deps.deployments, input.ownerId, input.deploymentId);
    if (deployment.status === 'stopped') return deployment.state;
    // Check the transition before touching the machine, so a refused stop changes nothing.
    if (deployment.status === 'running' && deployment.state.machineId !== null) await this.deps.orchestrator.stop(deployment.state.machineId);
    const saved = await updateOwned(this.deps.deployments, input.ownerId, input.deploymentId, (fresh) => {
      if (fresh.status !== 'stopped') fresh.markStopped(this.deps.clock.now());
    });
    return saved.state;
  }
}
