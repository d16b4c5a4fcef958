import type { EntityManager } from 'typeorm';
import { CatwalkError, DEPLOYMENT_STATUSES, Deployment } from '@catwalk/core';
import type { DeploymentRepository, DeploymentState, DeploymentStatus, Page } from '@catwalk/core';
import { DeploymentEntity } from '../entities.js';
import type { DeploymentRow } from '../entities.js';
import { DEPLOYMENT_COLUMNS, affectedRows, deploymentParams, fromRawDeployment, selectRows } from '../sql.js';
import type { RawDeploymentRow } from '../sql.js';
import { isUuid, translated } from '../errors.js';
import { toDeploymentRow, toDeploymentState } from '../mappers.js';
import { appendEvents } from './eventLog.js';
import { inTransaction } from './transaction.js';

/** Largest page `list` serves, whatever the caller asks. */
export const MAX_PAGE_SIZE = 500;

/** DeploymentRepository on TypeORM/Postgres. Saves are `UPDATE … WHERE id = $1 AND version = $2`. */
export class TypeOrmDeploymentRepository implements DeploymentRepository {
  constructor(private readonly manager: EntityManager) {}

  insert(deployment: Deployment): Promise<void> {
    return translated('deployments.insert', async () => {
      const row = toDeploymentRow({ ...deployment.state, version: 1 });
      await inTransaction(this.manager, async (tx) => {
        await tx.query(`INSERT INTO deployments (${DEPLOYMENT_COLUMNS}) VALUES (${placeholders(17)})`, deploymentParams(row));
        await appendEvents(tx, deployment.pullEvents());
      });
      deployment.markSaved(1);
    });
  }

  save(deployment: Deployment): Promise<void> {
    return translated('deployments.save', async () => {
      const next = toDeploymentRow(deployment.nextVersion());
      await inTransaction(this.manager, async (tx) => {
        const updated = await affectedRows(
          tx,
          `UPDATE deployments SET name = $3, source = $4, package_runtime = $5, package_name = $6, package_version = $7, status = $8,
             machine_id = $9, config = $10, upstream_url = $11, access_token_hash = $12, error_message = $13, tools = $14,
             updated_at = $15, version = $16
           WHERE id = $1 AND version = $2`,
          [
            next.id,
            deployment.version,
            next.name,
            next.source,
            next.packageRuntime,
            next.packageName,
            next.packageVersion,
            next.status,
            next.machineId,
            JSON.stringify(next.config),
            next.upstreamUrl,
            next.accessTokenHash,
            next.errorMessage,
            JSON.stringify(next.tools),
            next.updatedAt,
            next.version,
          ],
        );
        if (updated === 0) {
          const exists = isUuid(deployment.id) && (await selectRows(tx, 'SELECT 1 FROM deployments WHERE id = $1', [deployment.id])).length > 0;
          if (!exists) throw new CatwalkError('not_found', 'Deployment not found.', { id: deployment.id });
          throw new CatwalkError('conflict', 'The deployment was changed by someone else; reload and try again.', {
            id: deployment.id,
            expectedVersion: deployment.version,
          });
        }
        await appendEvents(tx, deployment.pullEvents());
      });
      deployment.markSaved(next.version);
    });
  }

  get(id: string): Promise<Deployment | undefined> {
    return translated('deployments.get', async () => {
      if (!isUuid(id)) return undefined;
      const [raw] = await selectRows<RawDeploymentRow>(this.manager, `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE id = $1`, [id]);
      return raw === undefined ? undefined : Deployment.fromState(toDeploymentState(fromRawDeployment(raw)));
    });
  }

  list(ownerId: string, options: { limit: number; cursor?: string }): Promise<Page<DeploymentState>> {
    return translated('deployments.list', async () => {
      const limit = Math.max(1, Math.min(Math.floor(options.limit), MAX_PAGE_SIZE));
      const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
      // Keyset pagination over the (owner_id, created_at DESC, id DESC) index: cost does not grow with depth.
      const raws =
        after === undefined
          ? await selectRows<RawDeploymentRow>(
              this.manager,
              `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
              [ownerId, limit + 1],
            )
          : await selectRows<RawDeploymentRow>(
              this.manager,
              `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE owner_id = $1 AND (created_at, id) < ($2, $3)
               ORDER BY created_at DESC, id DESC LIMIT $4`,
              [ownerId, after.createdAt, after.id, limit + 1],
            );
      const items = raws.slice(0, limit).map((raw) => toDeploymentState(fromRawDeployment(raw)));
      const last = items[items.length - 1];
      return { items, nextCursor: raws.length > limit && last !== undefined ? encodeCursor(last) : null };
    });
  }

  listByStatus(statuses: readonly DeploymentStatus[], limit: number): Promise<DeploymentState[]> {
    return translated('deployments.listByStatus', async () => {
      if (statuses.length === 0 || limit <= 0) return [];
      const raws = await selectRows<RawDeploymentRow>(
        this.manager,
        `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE status = ANY($1::text[]) ORDER BY created_at ASC, id ASC LIMIT $2`,
        [[...statuses], Math.floor(limit)],
      );
      return raws.map((raw) => toDeploymentState(fromRawDeployment(raw)));
    });
  }

  delete(id: string): Promise<void> {
    return translated('deployments.delete', async () => {
      if (!isUuid(id)) return;
      await this.manager.delete(DeploymentEntity, { id });
    });
  }

  countByStatus(): Promise<Record<DeploymentStatus, number>> {
    return translated('deployments.countByStatus', async () => {
      const rows = await this.manager
        .createQueryBuilder(DeploymentEntity, 'd')
        .select('d.status', 'status')
        .addSelect('COUNT(*)::int', 'count')
        .groupBy('d.status')
        .getRawMany<{ status: DeploymentStatus; count: number }>();
      const counts = Object.fromEntries(DEPLOYMENT_STATUSES.map((status) => [status, 0])) as Record<DeploymentStatus, number>;
      for (const row of rows) counts[row.status] = Number(row.count);
      return counts;
    });
  }
}

/** `$1, $2, …, $n`. */
function placeholders(count: number): string {
  return Array.from({ length: count }, (_, i) => `$${i + 1}`).join(', ');
}

/** Opaque keyset cursor: base64url of `[createdAt ISO, id]` of the last item served. */
function encodeCursor(state: Pick<DeploymentRow, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([state.createdAt.toISOString(), state.id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const invalid = (): never => {
    throw new CatwalkError('invalid_input', 'Invalid page cursor.', { issues: [{ path: 'cursor', message: 'malformed' }] });
  };
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') return invalid();
  const createdAt = new Date(parsed[0] as string);
  const id = parsed[1] as string;
  if (Number.isNaN(createdAt.getTime()) || !isUuid(id)) return invalid();
  return { createdAt, id };
}
