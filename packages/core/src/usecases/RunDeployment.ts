import { CatwalkError, isCatwalkError } from '../errors/index.js';
import type { Deployment, DeploymentState, DeploymentStatus } from '../domain/deployment.js';
import { formatPackageSpec } from '../domain/packageRef.js';
import type { Clock, CredentialRepository, DeploymentRepository, DeploySpec, EventLog, Logger, Cipher, Orchestrator } from '../ports/index.js';
import { isPlausibleId, openCredentials, userSafeMessage } from './support.js';

/** Which deployment to run, and from which statuses it may be claimed. */
export interface RunDeploymentInput {
  readonly deploymentId: string;
  /**
   * Statuses the deployment may be claimed from (default: `pending`, the worker's queue). Start uses `stopped`,
   * retry `failed`, redeploy `running`.
   */
  readonly from?: readonly DeploymentStatus[];
  /**
   * Set when the caller already moved the deployment to `deploying` (Start/Redeploy claim it themselves so they
   * can answer at once): the version it saved and the status it came from. The run then skips the claim, and
   * does nothing if anyone saved since.
   */
  readonly claimed?: { readonly version: number; readonly from: DeploymentStatus };
  /** Always deploy a new machine, even for a stopped deployment whose machine could be started again (redeploy). */
  readonly freshMachine?: boolean;
}

/** How a run ended. `skipped`: someone else claimed it first, or it is gone (the loser does nothing). */
export type RunDeploymentResult =
  | { readonly outcome: 'running'; readonly deployment: DeploymentState }
  | { readonly outcome: 'failed'; readonly deployment: DeploymentState; readonly message: string }
  | { readonly outcome: 'skipped'; readonly reason: 'not_found' | 'not_claimable' | 'conflict' };

/** Ports RunDeployment needs. */
export interface RunDeploymentDeps {
  readonly deployments: DeploymentRepository;
  readonly credentials: CredentialRepository;
  readonly events: EventLog;
  readonly cipher: Cipher;
  readonly orchestrator: Orchestrator;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Tuning of RunDeployment. */
export interface RunDeploymentOptions {
  /** How long a machine may take to answer MCP initialize + ping (default 120 s). */
  readonly healthTimeoutMs?: number;
}

/**
 * The worker's steps for one deployment: claim it (compare-and-set pending → deploying, so of two workers only
 * one deploys), open its credentials in memory, deploy, remember the machine at once (no orphan after a crash),
 * wait until healthy, list its tools, mark it running. Any failure marks it failed with a user-safe message;
 * credentials are kept so it can be retried.
 */
export class RunDeployment {
  readonly #deps: RunDeploymentDeps;
  readonly #healthTimeoutMs: number;

  constructor(deps: RunDeploymentDeps, options: RunDeploymentOptions = {}) {
    this.#deps = deps;
    this.#healthTimeoutMs = options.healthTimeoutMs ?? 120_000;
  }

  /** Never throws for a failed deploy (that is an outcome); throws only when storage itself fails. */
  async execute(input: RunDeploymentInput): Promise<RunDeploymentResult> {
    if (!isPlausibleId(input.deploymentId)) return { outcome: 'skipped', reason: 'not_found' };
    const deployment = await this.#deps.deployments.get(input.deploymentId);
    if (deployment === undefined) return { outcome: 'skipped', reason: 'not_found' };
    const claim = await this.#claim(deployment, input);
    if (claim === 'skipped-conflict') return { outcome: 'skipped', reason: 'conflict' };
    if (claim === 'skipped-status') return { outcome: 'skipped', reason: 'not_claimable' };
    try {
      return await this.#deploy(deployment, claim === 'stopped' && input.freshMachine !== true);
    } catch (error) {
      return this.#fail(deployment, error);
    }
  }

  /** Moves the deployment to deploying (unless the caller did); returns the status it came from. */
  async #claim(deployment: Deployment, input: RunDeploymentInput): Promise<DeploymentStatus | 'skipped-conflict' | 'skipped-status'> {
    if (input.claimed !== undefined) {
      if (deployment.status !== 'deploying') return 'skipped-status';
      if (deployment.version !== input.claimed.version) return 'skipped-conflict';
      return input.claimed.from;
    }
    const from = input.from ?? ['pending'];
    const previous = deployment.status;
    if (!from.includes(previous)) return 'skipped-status';
    deployment.startDeploying(this.#deps.clock.now());
    try {
      await this.#deps.deployments.save(deployment);
    } catch (error) {
      if (isCatwalkError(error, 'conflict') || isCatwalkError(error, 'not_found')) return 'skipped-conflict';
      throw error;
    }
    return previous;
  }

  async #deploy(deployment: Deployment, restartStoppedMachine: boolean): Promise<RunDeploymentResult> {
    const { orchestrator, clock } = this.#deps;
    const state = deployment.state;
    const env = await this.#openCredentials(state.id);
    const spec: DeploySpec = {
      deploymentId: state.id,
      package: state.package,
      args: state.config.args,
      env,
      transport: state.config.transport,
      network: state.config.network ?? 'shared',
    };
    await this.#progress(state.id, `deploying ${formatPackageSpec(state.package)}`);
    let machine;
    if (restartStoppedMachine && state.machineId !== null) {
      machine = await orchestrator.start(state.machineId, spec);
    } else {
      if (state.machineId !== null) await this.#destroyQuietly(state.machineId);
      machine = await orchestrator.deploy(spec);
    }
    const attached = await this.#saveWhileDeploying(deployment, (current) => current.attachMachine(clock.now(), machine.machineId, machine.upstreamUrl));
    if (attached === undefined) {
      // Deleted or failed by someone else while we deployed: this machine belongs to nobody, so take it down.
      await this.#destroyQuietly(machine.machineId);
      return { outcome: 'skipped', reason: 'conflict' };
    }
    await this.#progress(state.id, 'waiting until healthy');
    await orchestrator.waitUntilHealthy(machine.machineId, this.#healthTimeoutMs);
    await this.#progress(state.id, 'listing tools');
    const tools = await orchestrator.listTools(machine.machineId);
    const running = await this.#saveWhileDeploying(attached, (current) =>
      current.markRunning(clock.now(), { machineId: machine.machineId, upstreamUrl: machine.upstreamUrl, tools }),
    );
    if (running === undefined) {
      await this.#destroyQuietly(machine.machineId);
      return { outcome: 'skipped', reason: 'conflict' };
    }
    return { outcome: 'running', deployment: running.state };
  }

  /**
   * Applies `change` and saves. Other writers may touch a deploying row (a token rotation, new credentials): when
   * they win the compare-and-set, the change is applied again to a fresh copy, as long as the row is still
   * deploying. Undefined when it is not (deleted, failed by Reconcile): this run has lost the deployment.
   */
  async #saveWhileDeploying(deployment: Deployment, change: (current: Deployment) => void): Promise<Deployment | undefined> {
    let current = deployment;
    for (let attempt = 1; ; attempt++) {
      change(current);
      try {
        await this.#deps.deployments.save(current);
        return current;
      } catch (error) {
        if (isCatwalkError(error, 'not_found')) return undefined;
        if (!isCatwalkError(error, 'conflict') || attempt >= 5) throw error;
      }
      const fresh = await this.#deps.deployments.get(deployment.id);
      if (fresh?.status !== 'deploying') return undefined;
      current = fresh;
    }
  }

  async #openCredentials(deploymentId: string): Promise<Record<string, string>> {
    const box = await this.#deps.credentials.get(deploymentId);
    if (box === undefined) {
      throw new CatwalkError('missing_credentials', 'The deployment has no stored credentials; update its credentials to retry.', { missing: [] });
    }
    return openCredentials(this.#deps.cipher, box);
  }

  async #fail(deployment: Deployment, error: unknown): Promise<RunDeploymentResult> {
    const message = userSafeMessage(error, this.#deps.logger, { deploymentId: deployment.id, step: 'run' });
    if (deployment.state.machineId !== null) await this.#destroyQuietly(deployment.state.machineId);
    // Reload: a failed save above may have left our copy behind the stored version.
    const current = await this.#deps.deployments.get(deployment.id);
    if (current?.status !== 'deploying') return { outcome: 'skipped', reason: 'conflict' };
    current.markFailed(this.#deps.clock.now(), message);
    try {
      await this.#deps.deployments.save(current);
    } catch (saveError) {
      if (isCatwalkError(saveError, 'conflict') || isCatwalkError(saveError, 'not_found')) return { outcome: 'skipped', reason: 'conflict' };
      throw saveError;
    }
    return { outcome: 'failed', deployment: current.state, message };
  }

  async #progress(deploymentId: string, message: string): Promise<void> {
    try {
      await this.#deps.events.append({ deploymentId, type: 'progress', at: this.#deps.clock.now(), message });
    } catch (error) {
      // Progress is informational: losing a line must not fail the deployment.
      this.#deps.logger.warn('could not record progress', { deploymentId, code: isCatwalkError(error) ? error.code : 'internal' });
    }
  }

  async #destroyQuietly(machineId: string): Promise<void> {
    try {
      await this.#deps.orchestrator.destroy(machineId);
    } catch (error) {
      // Reconcile reports and removes machines nobody owns; the deployment's outcome matters more here.
      this.#deps.logger.warn('could not destroy machine', { machineId, code: isCatwalkError(error) ? error.code : 'internal' });
    }
  }
}
