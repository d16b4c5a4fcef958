import type { EntityManager } from 'typeorm';
import type { DeploymentEvent, EventLog } from '@catwalk/core';
import { DeploymentEventEntity } from '../entities.js';
import { isUuid, translated } from '../errors.js';
import { toEvent, toEventRow } from '../mappers.js';

/** Inserts `events` in one statement (nothing for none). Shared by the deployment repository's saves. */
export async function appendEvents(manager: EntityManager, events: readonly DeploymentEvent[]): Promise<void> {
  if (events.length === 0) return;
  const params: unknown[] = [];
  const tuples = events.map((event) => {
    const row = toEventRow(event);
    params.push(row.deploymentId, row.type, row.at, row.fromStatus, row.toStatus, row.message);
    const base = params.length - 6;
    return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6})`;
  });
  await manager.query(`INSERT INTO deployment_events (deployment_id, type, at, from_status, to_status, message) VALUES ${tuples.join(', ')}`, params);
}

/** EventLog on TypeORM/Postgres: `deployment_events`, ordered by its identity column (insertion order). */
export class TypeOrmEventLog implements EventLog {
  constructor(private readonly manager: EntityManager) {}

  append(event: DeploymentEvent): Promise<void> {
    return translated('events.append', () => appendEvents(this.manager, [event]));
  }

  list(deploymentId: string, options: { limit: number }): Promise<DeploymentEvent[]> {
    return translated('events.list', async () => {
      if (!isUuid(deploymentId) || options.limit <= 0) return [];
      const rows = await this.manager.find(DeploymentEventEntity, {
        where: { deploymentId },
        order: { id: 'DESC' },
        take: Math.floor(options.limit),
      });
      return rows.reverse().map(toEvent);
    });
  }
}
