import { ContainerModule } from 'inversify';
import {
  AnalysisCacheToken,
  ClockToken,
  CredentialRepositoryToken,
  DeploymentRepositoryToken,
  EventLogToken,
  LoggerToken,
  UnitOfWorkToken,
  UserRepositoryToken,
} from '@catwalk/core';
import type { AnalysisCache, Clock, Logger } from '@catwalk/core';
import type { Database } from './database.js';
import { TypeOrmAnalysisCache } from './repositories/analysisCache.js';
import { TypeOrmCredentialRepository } from './repositories/credentialRepository.js';
import { TypeOrmDeploymentRepository } from './repositories/deploymentRepository.js';
import { TypeOrmEventLog } from './repositories/eventLog.js';
import { TypeOrmUnitOfWork } from './repositories/unitOfWork.js';
import { TypeOrmUserRepository } from './repositories/userRepository.js';

/** Service id of the open `Database` (so shells can close it on shutdown). */
export const DatabaseToken = Symbol.for('@catwalk/adapters/Database');

/** What the persistence module binds over. */
export interface PersistenceModuleOptions {
  /** An open database (from `openDatabase`); the composition root opens it first because opening is async. */
  readonly database: Database;
}

/**
 * Binds the storage ports (deployments, credentials, events, users, unit of work) and the analysis cache to the
 * TypeORM adapters over `options.database`. The analysis cache needs `Clock` and `Logger` bound.
 */
export function persistenceModule(options: PersistenceModuleOptions): ContainerModule {
  const { dataSource } = options.database;
  return new ContainerModule(({ bind }) => {
    bind<Database>(DatabaseToken).toConstantValue(options.database);
    bind(DeploymentRepositoryToken).toConstantValue(new TypeOrmDeploymentRepository(dataSource.manager));
    bind(CredentialRepositoryToken).toConstantValue(new TypeOrmCredentialRepository(dataSource.manager));
    bind(EventLogToken).toConstantValue(new TypeOrmEventLog(dataSource.manager));
    bind(UserRepositoryToken).toConstantValue(new TypeOrmUserRepository(dataSource.manager));
    bind(UnitOfWorkToken).toConstantValue(new TypeOrmUnitOfWork(dataSource));
    bind<AnalysisCache>(AnalysisCacheToken)
      .toResolvedValue((clock: Clock, logger: Logger) => new TypeOrmAnalysisCache(dataSource.manager, clock, logger), [ClockToken, LoggerToken])
      .inSingletonScope();
  });
}
