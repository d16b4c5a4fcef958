export { token } from './token.js';
export type { Token } from './token.js';
export { ClockToken, IdsToken, SecretGeneratorToken, TokenHasherToken, LoggerToken } from './system.js';
export type { Clock, Ids, SecretGenerator, TokenHasher, Logger } from './system.js';
export { CipherToken } from './cipher.js';
export type { Cipher } from './cipher.js';
export { PackageRegistryToken } from './registry.js';
export type { PackageRegistry, PackageInfo, PackageLookup } from './registry.js';
export { RepoSourceToken, AnalyzerToken, AnalysisCacheToken } from './analysis.js';
export type { RepoSource, Snapshot, SnapshotFile, SnapshotLimits, Analyzer, AnalysisCache, CachedAnalysis } from './analysis.js';
export { ServerCatalogToken } from './catalog.js';
export type { ServerCatalog, CatalogEntry, CatalogResult } from './catalog.js';
export { OrchestratorToken } from './orchestrator.js';
export type { Orchestrator, DeploySpec, MachineHandle, MachineState, MachineStatus, LogLine } from './orchestrator.js';
export {
  DeploymentRepositoryToken,
  CredentialRepositoryToken,
  EventLogToken,
  UserRepositoryToken,
  UnitOfWorkToken,
} from './storage.js';
export type {
  Page,
  DeploymentRepository,
  StoredCredentials,
  CredentialRepository,
  EventLog,
  UserRepository,
  TransactionalRepositories,
  UnitOfWork,
} from './storage.js';
export { SandboxToken } from './sandbox.js';
export type { Sandbox, SandboxLaunch, SandboxLimits, ConfinedLaunch, SandboxProbe } from './sandbox.js';
