import type { EntityManager } from 'typeorm';

/**
 * Runs `work` in a transaction on `manager`: inside a unit of work it joins the open transaction (no savepoint
 * round trips); otherwise it opens one of its own.
 */
export function inTransaction<T>(manager: EntityManager, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (manager.queryRunner?.isTransactionActive === true) return work(manager);
  return manager.transaction(work);
}
