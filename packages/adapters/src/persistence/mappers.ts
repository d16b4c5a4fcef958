import type { ApiKeyRecord, DeploymentEvent, DeploymentEventType, DeploymentState, DeploymentStatus, McpConfig, ResolvedPackage, Runtime, ToolSpec, User } from '@catwalk/core';
import type { ApiKeyRow, DeploymentEventRow, DeploymentRow, UserRow } from './entities.js';

/** Maps rows to core values and back. Rows were validated on the way in, so reads trust their shape. */

export function toDeploymentRow(state: DeploymentState): DeploymentRow {
  return {
    id: state.id,
    ownerId: state.ownerId,
    name: state.name,
    source: state.source,
    packageRuntime: state.package.runtime,
    packageName: state.package.name,
    packageVersion: state.package.version,
    status: state.status,
    machineId: state.machineId,
    config: state.config,
    upstreamUrl: state.upstreamUrl,
    accessTokenHash: state.accessTokenHash,
    errorMessage: state.errorMessage,
    tools: [...state.tools],
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    version: state.version,
  };
}

export function toDeploymentState(row: DeploymentRow): DeploymentState {
  const pkg: ResolvedPackage = { runtime: row.packageRuntime as Runtime, name: row.packageName, version: row.packageVersion };
  return {
    id: row.id,
    ownerId: row.ownerId,
    name: row.name,
    source: row.source,
    package: pkg,
    status: row.status as DeploymentStatus,
    machineId: row.machineId,
    config: row.config as unknown as McpConfig,
    upstreamUrl: row.upstreamUrl,
    accessTokenHash: row.accessTokenHash,
    errorMessage: row.errorMessage,
    tools: row.tools as unknown as ToolSpec[],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  };
}

export function toEventRow(event: DeploymentEvent): DeploymentEventRow {
  return {
    deploymentId: event.deploymentId,
    type: event.type,
    at: event.at,
    fromStatus: event.from ?? null,
    toStatus: event.to ?? null,
    message: event.message ?? null,
  };
}

export function toEvent(row: DeploymentEventRow): DeploymentEvent {
  return {
    deploymentId: row.deploymentId,
    type: row.type as DeploymentEventType,
    at: row.at,
    ...(row.fromStatus === null ? {} : { from: row.fromStatus as DeploymentStatus }),
    ...(row.toStatus === null ? {} : { to: row.toStatus as DeploymentStatus }),
    ...(row.message === null ? {} : { message: row.message }),
  };
}

export function toUser(row: UserRow): User {
  return { id: row.id, name: row.name, role: row.role, createdAt: row.createdAt };
}

export function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    userId: row.userId,
    prefix: row.prefix,
    hash: row.hash,
    name: row.name,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

/** A driver byte value as a plain Uint8Array (a copy, so callers never share the driver's buffer). */
export function toBytes(value: Uint8Array): Uint8Array {
  return new Uint8Array(value);
}
