import { parseWith } from '../domain/validation.js';
import type { DeploymentEvent, DeploymentState } from '../domain/deployment.js';
import type { DeploymentRepository, EventLog, LogLine, Orchestrator, Page } from '../ports/index.js';
import { z } from 'zod';
import { loadOwned } from './support.js';

/** Whose deployment to read. */
export interface GetDeploymentInput {
  readonly ownerId: string;
  readonly deploymentId: string;
}

/** Reads one deployment of its owner; someone else's answers `not_found` exactly like a missing one. */
export class GetDeployment {
  constructor(private readonly deps: { readonly deployments: DeploymentRepository }) {}

  async execute(input: GetDeploymentInput): Promise<DeploymentState> {
    return (await loadOwned(this.deps.deployments, input.ownerId, input.deploymentId)).state;
  }
}

/** A page request of an owner's deployments. */
export interface ListDeploymentsInput {
  readonly ownerId: string;
  /** 1–100, default 50. */
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

const listSchema = z.object({
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

/** Lists the owner's deployments, newest first, a page at a time. */
export class ListDeployments {
  constructor(private readonly deps: { readonly deployments: DeploymentRepository }) {}

  async execute(input: ListDeploymentsInput): Promise<Page<DeploymentState>> {
    const page = parseWith(listSchema, { limit: input.limit, cursor: input.cursor });
    return this.deps.deployments.list(input.ownerId, page.cursor === undefined ? { limit: page.limit } : { limit: page.limit, cursor: page.cursor });
  }
}

/** Whose events to read, and how many (1–1000, default 100). */
export interface GetDeploymentEventsInput extends GetDeploymentInput {
  readonly limit?: number | undefined;
}

const limitSchema = (max: number, fallback: number) => z.object({ limit: z.number().int().min(1).max(max).default(fallback) });

/** The newest events of an owned deployment, oldest first. */
export class GetDeploymentEvents {
  constructor(private readonly deps: { readonly deployments: DeploymentRepository; readonly events: EventLog }) {}

  async execute(input: GetDeploymentEventsInput): Promise<DeploymentEvent[]> {
    const { limit } = parseWith(limitSchema(1000, 100), { limit: input.limit });
    await loadOwned(this.deps.deployments, input.ownerId, input.deploymentId);
    return this.deps.events.list(input.deploymentId, { limit });
  }
}

/** Whose log to read, and how many lines (1–10,000, default 200). */
export interface GetDeploymentLogsInput extends GetDeploymentInput {
  readonly tail?: number | undefined;
}

/** The last log lines of an owned deployment's machine; none before it has a machine. */
export class GetDeploymentLogs {
  constructor(private readonly deps: { readonly deployments: DeploymentRepository; readonly orchestrator: Orchestrator }) {}

  async execute(input: GetDeploymentLogsInput): Promise<LogLine[]> {
    const { limit } = parseWith(limitSchema(10_000, 200), { limit: input.tail });
    const deployment = await loadOwned(this.deps.deployments, input.ownerId, input.deploymentId);
    if (deployment.state.machineId === null) return [];
    return this.deps.orchestrator.logs(deployment.state.machineId, { tail: limit });
  }
}
