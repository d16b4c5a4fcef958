import {
  FakeCipher,
  FakeTokenHasher,
  InMemoryAnalysisCache,
  InMemoryCredentialRepository,
  InMemoryDeploymentRepository,
  InMemoryEventLog,
  InMemoryStore,
  InMemoryUnitOfWork,
  InMemoryUserRepository,
  describeAnalysisCacheContract,
  describeCipherContract,
  describeCredentialRepositoryContract,
  describeDeploymentRepositoryContract,
  describeEventLogContract,
  describeTokenHasherContract,
  describeUnitOfWorkContract,
  describeUserRepositoryContract,
} from '../../src/testing/index.js';
import type { StorageContext } from '../../src/testing/index.js';

function inMemoryContext(): StorageContext {
  const store = new InMemoryStore();
  return {
    deployments: new InMemoryDeploymentRepository(store),
    credentials: new InMemoryCredentialRepository(store),
    events: new InMemoryEventLog(store),
    users: new InMemoryUserRepository(store),
    unitOfWork: new InMemoryUnitOfWork(store),
  };
}

describeDeploymentRepositoryContract('in-memory fake', inMemoryContext);
describeCredentialRepositoryContract('in-memory fake', inMemoryContext);
describeEventLogContract('in-memory fake', inMemoryContext);
describeUserRepositoryContract('in-memory fake', inMemoryContext);
describeUnitOfWorkContract('in-memory fake', inMemoryContext);
describeCipherContract('FakeCipher', () => new FakeCipher(), {
  makeRotated: () => {
    const before = new FakeCipher([{ id: 'k1', secret: 'one' }]);
    const after = new FakeCipher([
      { id: 'k2', secret: 'two' },
      { id: 'k1', secret: 'one' },
    ]);
    return Promise.resolve({ before, after });
  },
});
describeTokenHasherContract('FakeTokenHasher', () => new FakeTokenHasher());
describeAnalysisCacheContract('InMemoryAnalysisCache', (clock) => ({ cache: new InMemoryAnalysisCache(clock) }));
