import type { DataSource, EntityManager } from 'typeorm';
import type { TransactionalRepositories, UnitOfWork } from '@catwalk/core';
import { translateDbError } from '../errors.js';
import { TypeOrmCredentialRepository } from './credentialRepository.js';
import { TypeOrmDeploymentRepository } from './deploymentRepository.js';
import { TypeOrmEventLog } from './eventLog.js';

/** The repositories bound to one EntityManager (the pool's, or a transaction's). */
export function repositoriesFor(manager: EntityManager): TransactionalRepositories {
  return {
    deployments: new TypeOrmDeploymentRepository(manager),
    credentials: new TypeOrmCredentialRepository(manager),
    events: new TypeOrmEventLog(manager),
  };
}

/**
 * UnitOfWork over one database transaction (one query runner): everything `work` writes through the given
 * repositories commits together, or is rolled back when it throws. The work's own error is rethrown unchanged;
 * failures of BEGIN/COMMIT are translated (`storage_unavailable`, `conflict`).
 */
export class TypeOrmUnitOfWork implements UnitOfWork {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: (repos: TransactionalRepositories) => Promise<T>): Promise<T> {
    let workFailure: { error: unknown } | undefined;
    try {
      return await this.dataSource.transaction(async (manager) => {
        try {
          return await work(repositoriesFor(manager));
        } catch (error) {
          workFailure = { error };
          throw error;
        }
      });
    } catch (error) {
      if (workFailure !== undefined && error === workFailure.error) throw error;
      throw translateDbError(error, 'transaction');
    }
  }
}
