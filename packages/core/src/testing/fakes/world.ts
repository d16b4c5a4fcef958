import { FakeCipher } from './cipher.js';
import { InMemoryAnalysisCache, InMemoryRepoSource, ScriptedAnalyzer } from './analysis.js';
import { InMemoryServerCatalog } from './catalog.js';
import { FakeOrchestrator } from './orchestrator.js';
import { InMemoryPackageRegistry } from './registry.js';
import {
  InMemoryCredentialRepository,
  InMemoryDeploymentRepository,
  InMemoryEventLog,
  InMemoryStore,
  InMemoryUnitOfWork,
  InMemoryUserRepository,
} from './storage.js';
import { FakeClock, FakeSecretGenerator, FakeTokenHasher, RecordingLogger, SequentialIds } from './system.js';

/** Every port faked, sharing one store and one clock: what a use-case or shell test wires together. */
export interface FakePorts {
  readonly clock: FakeClock;
  readonly ids: SequentialIds;
  readonly secrets: FakeSecretGenerator;
  readonly hasher: FakeTokenHasher;
  readonly logger: RecordingLogger;
  readonly cipher: FakeCipher;
  readonly registry: InMemoryPackageRegistry;
  readonly catalog: InMemoryServerCatalog;
  readonly repoSource: InMemoryRepoSource;
  readonly analyzer: ScriptedAnalyzer;
  readonly analysisCache: InMemoryAnalysisCache;
  readonly orchestrator: FakeOrchestrator;
  readonly store: InMemoryStore;
  readonly deployments: InMemoryDeploymentRepository;
  readonly credentials: InMemoryCredentialRepository;
  readonly events: InMemoryEventLog;
  readonly users: InMemoryUserRepository;
  readonly unitOfWork: InMemoryUnitOfWork;
}

/**
 * Builds a fresh set of fakes. The registry starts with `@example/mcp-server` (npm, 1.0.0 and 1.2.3) so the
 * Object Mothers' defaults validate; add more with `registry.publish`.
 */
export function createFakePorts(): FakePorts {
  const clock = new FakeClock();
  const store = new InMemoryStore();
  return {
    clock,
    ids: new SequentialIds({ uuid: true }),
    secrets: new FakeSecretGenerator(),
    hasher: new FakeTokenHasher(),
    logger: new RecordingLogger(),
    cipher: new FakeCipher(),
    registry: new InMemoryPackageRegistry([{ runtime: 'npm', name: '@example/mcp-server', versions: ['1.0.0', '1.2.3'] }]),
    catalog: new InMemoryServerCatalog(),
    repoSource: new InMemoryRepoSource(),
    analyzer: new ScriptedAnalyzer(),
    analysisCache: new InMemoryAnalysisCache(clock),
    orchestrator: new FakeOrchestrator(),
    store,
    deployments: new InMemoryDeploymentRepository(store),
    credentials: new InMemoryCredentialRepository(store),
    events: new InMemoryEventLog(store),
    users: new InMemoryUserRepository(store),
    unitOfWork: new InMemoryUnitOfWork(store),
  };
}
