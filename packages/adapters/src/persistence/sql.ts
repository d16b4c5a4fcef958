import type { EntityManager } from 'typeorm';
import type { DeploymentRow } from './entities.js';

/**
 * Hand-written SQL for the hot paths (CreateDeployment, the gateway's `get`, listing): one statement per step and
 * no ORM query building, which costs about three times the CPU of the query itself. Table names are unqualified:
 * every connection's search_path points at the configured schema. Everything still runs on the EntityManager
 * given, so it joins a unit of work's transaction.
 */

/** Columns of `deployments` in `DeploymentRow` order. */
export const DEPLOYMENT_COLUMNS =
  'id, owner_id, name, source, package_runtime, package_name, package_version, status, machine_id, config, upstream_url, access_token_hash, error_message, tools, created_at, updated_at, version';

/** A `deployments` row as the driver returns it (snake_case, jsonb parsed, timestamptz as Date). */
export interface RawDeploymentRow {
  id: string;
  owner_id: string;
  name: string;
  source: string;
  package_runtime: string;
  package_name: string;
  package_version: string;
  status: string;
  machine_id: string | null;
  config: object;
  upstream_url: string | null;
  access_token_hash: string;
  error_message: string | null;
  tools: object[];
  created_at: Date;
  updated_at: Date;
  version: number;
}

export function fromRawDeployment(raw: RawDeploymentRow): DeploymentRow {
  return {
    id: raw.id,
    ownerId: raw.owner_id,
    name: raw.name,
    source: raw.source,
    packageRuntime: raw.package_runtime,
    packageName: raw.package_name,
    packageVersion: raw.package_version,
    status: raw.status,
    machineId: raw.machine_id,
    config: raw.config,
    upstreamUrl: raw.upstream_url,
    accessTokenHash: raw.access_token_hash,
    errorMessage: raw.error_message,
    tools: raw.tools,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    version: raw.version,
  };
}

/** Parameters $1…$17 of an insert, in DEPLOYMENT_COLUMNS order (jsonb as JSON text). */
export function deploymentParams(row: DeploymentRow): unknown[] {
  return [
    row.id,
    row.ownerId,
    row.name,
    row.source,
    row.packageRuntime,
    row.packageName,
    row.packageVersion,
    row.status,
    row.machineId,
    JSON.stringify(row.config),
    row.upstreamUrl,
    row.accessTokenHash,
    row.errorMessage,
    JSON.stringify(row.tools),
    row.createdAt,
    row.updatedAt,
    row.version,
  ];
}

/** Runs a SELECT and returns its rows. */
export async function selectRows<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  return (await manager.query(sql, params)) as T[];
}

/** Runs an UPDATE/DELETE and returns how many rows it touched (TypeORM answers `[rows, rowCount]` for those). */
export async function affectedRows(manager: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const result = (await manager.query(sql, params)) as unknown;
  if (Array.isArray(result) && result.length === 2 && typeof result[1] === 'number') return result[1];
  return Array.isArray(result) ? result.length : 0;
}
