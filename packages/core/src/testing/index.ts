/**
 * @catwalk/core/testing — in-memory fakes of every port, Object Mothers, and the port contract suites that the
 * fakes pass and every adapter runs. Test code only: never import this from production code.
 */
export { Gate, FaultPlan } from './fakes/faults.js';
export { utf8Encode, utf8Decode, base64UrlEncode, toHex, concatBytes } from './fakes/bytes.js';
export { sha256, sha256Hex } from './fakes/sha256.js';
export { FakeClock, SequentialIds, FakeSecretGenerator, FakeTokenHasher, RecordingLogger } from './fakes/system.js';
export type { LogEntry } from './fakes/system.js';
export { FakeCipher } from './fakes/cipher.js';
export type { FakeCipherKey } from './fakes/cipher.js';
export { InMemoryPackageRegistry } from './fakes/registry.js';
export type { SeededPackage } from './fakes/registry.js';
export { InMemoryServerCatalog } from './fakes/catalog.js';
export { InMemoryRepoSource, ScriptedAnalyzer, InMemoryAnalysisCache } from './fakes/analysis.js';
export { FakeOrchestrator } from './fakes/orchestrator.js';
export type { FakeMachine, OrchestratorOp } from './fakes/orchestrator.js';
export {
  InMemoryStore,
  InMemoryDeploymentRepository,
  InMemoryCredentialRepository,
  InMemoryEventLog,
  InMemoryUserRepository,
  InMemoryUnitOfWork,
} from './fakes/storage.js';
export type { StorageOp, StoreSnapshot } from './fakes/storage.js';
export { anEnvVar, aMcpConfig, aDeploymentState, aUser, anApiKeyRecord, aSnapshot, aPackageInfo } from './fakes/mothers.js';
export { createFakePorts } from './fakes/world.js';
export type { FakePorts } from './fakes/world.js';
export {
  describeDeploymentRepositoryContract,
  describeCredentialRepositoryContract,
  describeEventLogContract,
  describeUserRepositoryContract,
  describeUnitOfWorkContract,
} from './contracts/storage.js';
export type { StorageContext, MakeStorageContext } from './contracts/storage.js';
export { describeCipherContract } from './contracts/cipher.js';
export type { CipherContractOptions } from './contracts/cipher.js';
export { describeTokenHasherContract } from './contracts/tokenHasher.js';
export { describeAnalysisCacheContract } from './contracts/analysisCache.js';
export type { AnalysisCacheContext, MakeAnalysisCache } from './contracts/analysisCache.js';
export { expectCatwalkError, contractUuid, bytesOf } from './contracts/support.js';
export { describePackageRegistryContract, REGISTRY_CONTRACT_SEED } from './contracts/registry.js';
export type { RegistryMaker } from './contracts/registry.js';
export { describeServerCatalogContract, CATALOG_CONTRACT_SEED } from './contracts/catalog.js';
export type { CatalogMaker } from './contracts/catalog.js';
export { RecordingSandbox } from './fakes/sandbox.js';
