import { CatwalkError } from '../errors/index.js';
import type { McpConfig, ToolSpec } from './mcpConfig.js';
import type { ResolvedPackage } from './packageRef.js';

/** Where a deployment is in its life. */
export type DeploymentStatus = 'pending' | 'deploying' | 'running' | 'stopped' | 'failed';
export const DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = ['pending', 'deploying', 'running', 'stopped', 'failed'];

/** The allowed status changes; anything else is `invalid_transition`. */
export const TRANSITIONS: Readonly<Record<DeploymentStatus, readonly DeploymentStatus[]>> = {
  pending: ['deploying'],
  deploying: ['running', 'failed'],
  running: ['stopped', 'failed', 'deploying'],
  stopped: ['deploying'],
  failed: ['deploying'],
};

/** Whether `from → to` is allowed. */
export function canTransition(from: DeploymentStatus, to: DeploymentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export type DeploymentEventType =
  | 'created'
  | 'status_changed'
  | 'token_rotated'
  | 'credentials_updated'
  | 'progress';

/** Something that happened to a deployment; appended, never changed. */
export interface DeploymentEvent {
  readonly deploymentId: string;
  readonly type: DeploymentEventType;
  readonly at: Date;
  readonly from?: DeploymentStatus;
  readonly to?: DeploymentStatus;
  /** User-safe text (a failure reason, a progress step). Never a secret. */
  readonly message?: string;
}

/** Everything stored about a deployment, as plain data (what repositories read and write). */
export interface DeploymentState {
  readonly id: string;
  readonly ownerId: string;
  readonly name: string;
  /** The source string the deployment was created from (canonical form). */
  readonly source: string;
  readonly package: ResolvedPackage;
  readonly status: DeploymentStatus;
  readonly machineId: string | null;
  /** The MCP config snapshot it runs with (env specs, args, transport). */
  readonly config: McpConfig;
  /** Where the gateway sends requests (the bridge's `/mcp` URL); null until deployed. */
  readonly upstreamUrl: string | null;
  /** SHA-256 (hex) of the access token; the token itself is never stored. */
  readonly accessTokenHash: string;
  /** User-safe reason of the last failure. */
  readonly errorMessage: string | null;
  /** Tools found by `tools/list` once running. */
  readonly tools: readonly ToolSpec[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Optimistic-lock version: every save is compare-and-set on it. */
  readonly version: number;
}

/**
 * The deployment aggregate. Status changes go through guarded methods that record events; repositories save
 * `state` with compare-and-set on `version` and append `pullEvents()`.
 */
export class Deployment {
  #state: DeploymentState;
  #events: DeploymentEvent[] = [];

  private constructor(state: DeploymentState) {
    this.#state = state;
  }

  /** A new deployment in `pending`, with its `created` event. */
  static create(input: Omit<DeploymentState, 'status' | 'machineId' | 'upstreamUrl' | 'errorMessage' | 'tools' | 'updatedAt' | 'version'>): Deployment {
    const deployment = new Deployment({
      ...input,
      status: 'pending',
      machineId: null,
      upstreamUrl: null,
      errorMessage: null,
      tools: [],
      updatedAt: input.createdAt,
      version: 0,
    });
    deployment.#record({ type: 'created', at: input.createdAt, to: 'pending' });
    return deployment;
  }

  /** Rebuilds a deployment from stored state (no events). */
  static fromState(state: DeploymentState): Deployment {
    return new Deployment(state);
  }

  get state(): DeploymentState {
    return this.#state;
  }
  get id(): string {
    return this.#state.id;
  }
  get status(): DeploymentStatus {
    return this.#state.status;
  }
  get version(): number {
    return this.#state.version;
  }

  /** pending|running|stopped|failed → deploying. Clears the last error. */
  startDeploying(at: Date): void {
    this.#transition('deploying', at, { errorMessage: null });
  }

  /** deploying → running, with the machine, its upstream and the tools it listed. */
  markRunning(at: Date, machine: { machineId: string; upstreamUrl: string; tools: readonly ToolSpec[] }): void {
    this.#transition('running', at, { machineId: machine.machineId, upstreamUrl: machine.upstreamUrl, tools: machine.tools, errorMessage: null });
  }

  /** deploying|running → failed with a user-safe reason. */
  markFailed(at: Date, reason: string): void {
    this.#transition('failed', at, { errorMessage: reason.slice(0, 2000) }, reason.slice(0, 2000));
  }

  /** running → stopped. */
  markStopped(at: Date): void {
    this.#transition('stopped', at, {});
  }

  /** Remembers the machine as soon as the orchestrator names it, so a crash mid-deploy leaves no orphan. */
  attachMachine(at: Date, machineId: string, upstreamUrl: string | null): void {
    this.#state = { ...this.#state, machineId, upstreamUrl, updatedAt: at };
  }

  /** Replaces the access-token hash (the old token dies at once). */
  rotateAccessToken(at: Date, accessTokenHash: string): void {
    this.#state = { ...this.#state, accessTokenHash, updatedAt: at };
    this.#record({ type: 'token_rotated', at });
  }

  /** Records that the credentials were replaced (they live in the credential repository). */
  noteCredentialsUpdated(at: Date): void {
    this.#state = { ...this.#state, updatedAt: at };
    this.#record({ type: 'credentials_updated', at });
  }

  /** Records a user-visible progress step (validate, seal, deploy, healthy, tools). */
  noteProgress(at: Date, message: string): void {
    this.#record({ type: 'progress', at, message });
  }

  /** Events recorded since the last call; the repository appends them in the same unit of work. */
  pullEvents(): DeploymentEvent[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  /** The state to save after a successful compare-and-set (version bumped). */
  nextVersion(): DeploymentState {
    return { ...this.#state, version: this.#state.version + 1 };
  }

  /** Marks the state as saved at `version` (called by repositories after a successful save). */
  markSaved(version: number): void {
    this.#state = { ...this.#state, version };
  }

  #transition(to: DeploymentStatus, at: Date, patch: Partial<DeploymentState>, message?: string): void {
    const from = this.#state.status;
    if (!canTransition(from, to)) {
      throw new CatwalkError('invalid_transition', `A ${from} deployment cannot become ${to}.`, {
        from,
        to,
        allowed: TRANSITIONS[from],
      });
    }
    this.#state = { ...this.#state, ...patch, status: to, updatedAt: at };
    this.#record({ type: 'status_changed', at, from, to, ...(message === undefined ? {} : { message }) });
  }

  #record(event: Omit<DeploymentEvent, 'deploymentId'>): void {
    this.#events.push({ deploymentId: this.#state.id, ...event });
  }
}
