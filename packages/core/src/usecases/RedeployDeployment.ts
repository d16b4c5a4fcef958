import type { StartDeploymentDeps, StartDeploymentInput, StartDeploymentOutput } from './StartDeployment.js';
import { claimAndRun } from './StartDeployment.js';

/**
 * Deploys a deployment again on a fresh machine (new credentials, a crashed server): from running, stopped or
 * failed. The old machine is destroyed by the run before the new one starts.
 */
export class RedeployDeployment {
  constructor(private readonly deps: StartDeploymentDeps) {}

  execute(input: StartDeploymentInput): Promise<StartDeploymentOutput> {
    return claimAndRun(this.deps, input, ['running', 'stopped', 'failed'], 'redeployed', true);
  }
}
