import { CatwalkError } from '../errors/index.js';
import type { DeploymentState, DeploymentStatus } from '../domain/deployment.js';
import type { Clock, DeploymentRepository } from '../ports/index.js';
import type { RunDeployment, RunDeploymentResult } from './RunDeployment.js';
import { updateOwned } from './support.js';

/** Whose deployment to (re)start. */
export interface StartDeploymentInput {
  readonly ownerId: string;
  readonly deploymentId: string;
}

/**
 * The claimed deployment (already `deploying`) and the run that finishes it. Shells answer with `deployment` at
 * once and may await `completion` (it never rejects for a failed deploy; that is its `failed` outcome).
 */
export interface StartDeploymentOutput {
  readonly deployment: DeploymentState;
  readonly completion: Promise<RunDeploymentResult>;
}

/** Ports Start/Redeploy need. */
export interface StartDeploymentDeps {
  readonly deployments: DeploymentRepository;
  readonly runDeployment: RunDeployment;
  readonly clock: Clock;
}

/** Claims an owned deployment from one of `from` (compare-and-set) and hands it to RunDeployment. */
export async function claimAndRun(
  deps: StartDeploymentDeps,
  input: StartDeploymentInput,
  from: readonly DeploymentStatus[],
  verb: string,
  freshMachine = false,
): Promise<StartDeploymentOutput> {
  let previous: DeploymentStatus = 'pending';
  const claimed = await updateOwned(deps.deployments, input.ownerId, input.deploymentId, (deployment) => {
    previous = deployment.status;
    if (!from.includes(previous)) {
      throw new CatwalkError('invalid_transition', `A ${previous} deployment cannot be ${verb}.`, { from: previous, to: 'deploying', allowed: from });
    }
    deployment.startDeploying(deps.clock.now());
  });
  const completion = deps.runDeployment.execute({ deploymentId: claimed.id, claimed: { version: claimed.version, from: previous }, freshMachine });
  return { deployment: claimed.state, completion };
}

/** Starts a stopped deployment again (same machine), or retries a failed one. */
export class StartDeployment {
  constructor(private readonly deps: StartDeploymentDeps) {}

  execute(input: StartDeploymentInput): Promise<StartDeploymentOutput> {
    return claimAndRun(this.deps, input, ['stopped', 'failed'], 'started');
  }
}
