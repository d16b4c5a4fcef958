import { expect } from 'chai';
import { Container } from 'inversify';
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
import type { AnalysisCache, CredentialRepository, DeploymentRepository, EventLog, UnitOfWork, UserRepository } from '@catwalk/core';
import {
  FakeClock,
  RecordingLogger,
  describeAnalysisCacheContract,
  describeCredentialRepositoryContract,
  describeDeploymentRepositoryContract,
  describeEventLogContract,
  describeUnitOfWorkContract,
  describeUserRepositoryContract,
} from '@catwalk/core/testing';
import type { Database } from '../../src/persistence/database.js';
import { DatabaseToken, persistenceModule } from '../../src/persistence/module.js';
import { TypeOrmAnalysisCache } from '../../src/persistence/repositories/analysisCache.js';
import { allBackends, storageContext, truncateAll } from './support.js';

// The core contract suites (the same ones the in-memory fakes pass) against PGlite and real Postgres.
for (const backend of allBackends()) {
  describe(`persistence contracts on ${backend.name}`, function () {
    this.timeout(60_000);
    let db: Database | undefined;

    before(async function () {
      db = await backend.open();
      if (db === undefined) this.skip();
    });
    after(async () => {
      if (db !== undefined) await backend.close(db);
    });

    const makeContext = async () => {
      await truncateAll(db!);
      return storageContext(db!);
    };
    describeDeploymentRepositoryContract(backend.name, makeContext);
    describeCredentialRepositoryContract(backend.name, makeContext);
    describeEventLogContract(backend.name, makeContext);
    describeUserRepositoryContract(backend.name, makeContext);
    describeUnitOfWorkContract(backend.name, makeContext);
    it('binds every storage port through persistenceModule', async () => {
      await truncateAll(db!);
      const container = new Container();
      container.bind(ClockToken).toConstantValue(new FakeClock());
      container.bind(LoggerToken).toConstantValue(new RecordingLogger());
      await container.load(persistenceModule({ database: db! }));
      const users = container.get<UserRepository>(UserRepositoryToken);
      await users.create({ id: 'module-user', name: 'Module', role: 'admin', createdAt: new Date() });
      expect(await container.get<UnitOfWork>(UnitOfWorkToken).run(async (repos) => (await repos.deployments.countByStatus()).pending)).to.equal(0);
      expect(await container.get<DeploymentRepository>(DeploymentRepositoryToken).list('module-user', { limit: 5 })).to.deep.equal({ items: [], nextCursor: null });
      expect(await container.get<CredentialRepository>(CredentialRepositoryToken).listNotSealedWith('k', 5)).to.deep.equal([]);
      expect(await container.get<EventLog>(EventLogToken).list('6f1c1c3e-8f5a-4b7e-9a51-0c1d2e3f4a5b', { limit: 5 })).to.deep.equal([]);
      expect(await container.get<AnalysisCache>(AnalysisCacheToken).get('nothing')).to.equal(undefined);
      expect(container.get<Database>(DatabaseToken)).to.equal(db);
    });

    describeAnalysisCacheContract(backend.name, async (clock) => {
      await truncateAll(db!);
      return { cache: new TypeOrmAnalysisCache(db!.dataSource.manager, clock, new RecordingLogger()) };
    });
  });
}
