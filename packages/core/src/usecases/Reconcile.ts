import { isCatwalkError } from '../errors/index.js';
import { DEPLOYMENT_STATUSES } from '../domain/deployment.js';
import type { DeploymentState } from '../domain/deployment.js';
import type { Clock, DeploymentRepository, Logger, MachineStatus, Orchestrator } from '../ports/index.js';
import type { RunDeployment } from './RunDeployment.js';
import { userSafeMessage } from './support.js';

/** What Reconcile does about drift between the database and the orchestrator. */
export interface ReconcileOptions {
  /** A `deploying` row whose machine is gone (or that never got one within `staleDeployingMs`): fail it or deploy it again. Default `fail`. */
  readonly deployingLost?: 'fail' | 'retry';
  /** A `running` row whose machine is gone, failed or stopped: fail it or restart it. Default `fail`. */
  readonly runningLost?: 'fail' | 'restart';
  /** Destroy machines no deployment owns (default false: report only). */
  readonly destroyOrphans?: boolean;
  /** How long a `deploying` row may go without a machine before it counts as lost (default 10 min). */
  readonly staleDeployingMs?: number;
  /** Most rows examined per run (default 10,000). */
  readonly maxRows?: number;
}

/** What one reconciliation found and did. */
export interface ReconcileReport {
  /** Rows examined. */
  readonly checked: number;
  /** Deployments marked failed. */
  readonly failed: readonly string[];
  /** Deployments deployed again (retried or restarted). */
  readonly redeployed: readonly string[];
  /** Machines no deployment owns. */
  readonly orphans: readonly string[];
  /** Orphans destroyed (when configured). */
  readonly destroyedOrphans: readonly string[];
  /** Problems met along the way (user-safe messages); reconciliation goes on past them. */
  readonly errors: readonly { readonly deploymentId?: string; readonly machineId?: string; readonly message: string }[];
}

/** Ports Reconcile needs. */
export interface ReconcileDeps {
  readonly deployments: DeploymentRepository;
  readonly orchestrator: Orchestrator;
  readonly runDeployment: RunDeployment;
  readonly clock: Clock;
  readonly logger: Logger;
}

const LOST_MACHINE = 'The deployment\'s machine is gone.';
const STALLED = 'The deployment stalled before a machine was started.';

/**
 * Brings the database and the orchestrator back in line (at start-up and periodically): `deploying` rows whose
 * machine is gone, `running` rows whose machine died, and machines that belong to no deployment. Every change is
 * compare-and-set, so it is safe to run beside workers and on several replicas.
 */
export class Reconcile {
  readonly #deps: ReconcileDeps;
  readonly #options: Required<ReconcileOptions>;

  constructor(deps: ReconcileDeps, options: ReconcileOptions = {}) {
    this.#deps = deps;
    this.#options = {
      deployingLost: options.deployingLost ?? 'fail',
      runningLost: options.runningLost ?? 'fail',
      destroyOrphans: options.destroyOrphans ?? false,
      staleDeployingMs: options.staleDeployingMs ?? 10 * 60_000,
      maxRows: options.maxRows ?? 10_000,
    };
  }

  async execute(): Promise<ReconcileReport> {
    const report = { checked: 0, failed: [] as string[], redeployed: [] as string[], orphans: [] as string[], destroyedOrphans: [] as string[], errors: [] as ReconcileReport['errors'][number][] };
    const machines = new Map<string, MachineStatus>((await this.#deps.orchestrator.list()).map((machine) => [machine.machineId, machine]));
    const rows = await this.#deps.deployments.listByStatus(DEPLOYMENT_STATUSES, this.#options.maxRows);
    for (const row of rows) {
      try {
        await this.#check(row, machines, report);
      } catch (error) {
        report.errors.push({ deploymentId: row.id, message: userSafeMessage(error, this.#deps.logger, { deploymentId: row.id, step: 'reconcile' }) });
      }
    }
    report.checked = rows.length;
    // With rows cut at maxRows, machines of unread rows would look orphaned: only judge orphans on a full read.
    if (rows.length < this.#options.maxRows) await this.#orphans(rows, machines, report);
    else report.errors.push({ message: `More than ${this.#options.maxRows} deployments: orphan detection skipped.` });
    return report;
  }

  async #check(row: DeploymentState, machines: ReadonlyMap<string, MachineStatus>, report: { failed: string[]; redeployed: string[] }): Promise<void> {
    if (row.status === 'deploying') {
      const lost =
        row.machineId === null
          ? this.#deps.clock.now().getTime() - row.updatedAt.getTime() > this.#options.staleDeployingMs
          : !machines.has(row.machineId);
      if (!lost) return;
      const reason = row.machineId === null ? STALLED : LOST_MACHINE;
      if (await this.#markFailed(row, reason)) {
        if (this.#options.deployingLost === 'retry') await this.#redeploy(row.id, 'failed', report);
        else report.failed.push(row.id);
      }
      return;
    }
    if (row.status !== 'running' || row.machineId === null) return;
    const observed = machines.get(row.machineId) ?? (await this.#deps.orchestrator.status(row.machineId));
    if (observed.state === 'running' || observed.state === 'starting') return;
    if (this.#options.runningLost === 'restart') {
      await this.#redeploy(row.id, 'running', report);
      return;
    }
    const reason = observed.state === 'gone' ? LOST_MACHINE : `The server ${observed.state === 'failed' ? 'crashed' : 'stopped unexpectedly'}${observed.detail === undefined ? '' : `: ${observed.detail}`}`;
    if (await this.#markFailed(row, reason)) report.failed.push(row.id);
  }

  /** Compare-and-set to failed from the version we read; false when someone else moved it meanwhile. */
  async #markFailed(row: DeploymentState, reason: string): Promise<boolean> {
    const deployment = await this.#deps.deployments.get(row.id);
    if (deployment === undefined || deployment.version !== row.version) return false;
    deployment.markFailed(this.#deps.clock.now(), reason);
    try {
      await this.#deps.deployments.save(deployment);
      return true;
    } catch (error) {
      if (isCatwalkError(error, 'conflict') || isCatwalkError(error, 'not_found')) return false;
      throw error;
    }
  }

  async #redeploy(deploymentId: string, from: 'failed' | 'running', report: { failed: string[]; redeployed: string[] }): Promise<void> {
    const result = await this.#deps.runDeployment.execute({ deploymentId, from: [from], freshMachine: true });
    if (result.outcome === 'running') report.redeployed.push(deploymentId);
    else if (result.outcome === 'failed') report.failed.push(deploymentId);
  }

  async #orphans(rows: readonly DeploymentState[], machines: ReadonlyMap<string, MachineStatus>, report: { orphans: string[]; destroyedOrphans: string[]; errors: ReconcileReport['errors'][number][] }): Promise<void> {
    const owned = new Set(rows.flatMap((row) => (row.machineId === null ? [] : [row.machineId])));
    // A worker attaches a machine right after deploy returns; a deploying row's machine is not an orphan yet.
    const deploying = new Set(rows.filter((row) => row.status === 'deploying').map((row) => row.id));
    for (const machine of machines.values()) {
      if (owned.has(machine.machineId) || deploying.has(machine.deploymentId) || machine.state === 'gone') continue;
      report.orphans.push(machine.machineId);
      if (!this.#options.destroyOrphans) continue;
      try {
        await this.#deps.orchestrator.destroy(machine.machineId);
        report.destroyedOrphans.push(machine.machineId);
      } catch (error) {
        report.errors.push({ machineId: machine.machineId, message: userSafeMessage(error, this.#deps.logger, { machineId: machine.machineId, step: 'reconcile' }) });
      }
    }
  }
}
