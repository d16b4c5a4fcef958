import type {
  AnalysisCache,
  Analyzer,
  Cipher,
  Clock,
  CredentialRepository,
  DeploymentRepository,
  EventLog,
  Ids,
  Logger,
  Orchestrator,
  PackageRegistry,
  RepoSource,
  SecretGenerator,
  ServerCatalog,
  TokenHasher,
  UnitOfWork,
  UserRepository,
} from '../ports/index.js';
import { AnalyzeSource } from './AnalyzeSource.js';
import type { AnalyzeSourceOptions } from './AnalyzeSource.js';
import { AuthorizeGatewayRequest } from './AuthorizeGatewayRequest.js';
import { CreateDeployment } from './CreateDeployment.js';
import { BuildCredentialForm, ValidateCredentials } from './credentials.js';
import { DeleteDeployment } from './DeleteDeployment.js';
import { GetDeployment, GetDeploymentEvents, GetDeploymentLogs, ListDeployments } from './queries.js';
import { Reconcile } from './Reconcile.js';
import type { ReconcileOptions } from './Reconcile.js';
import { RedeployDeployment } from './RedeployDeployment.js';
import { RotateAccessToken } from './RotateAccessToken.js';
import { RotateCipherKey } from './RotateCipherKey.js';
import { RunDeployment } from './RunDeployment.js';
import type { RunDeploymentOptions } from './RunDeployment.js';
import { SearchCatalog } from './SearchCatalog.js';
import type { SearchCatalogOptions } from './SearchCatalog.js';
import { StartDeployment } from './StartDeployment.js';
import { StopDeployment } from './StopDeployment.js';
import { UpdateCredentials } from './UpdateCredentials.js';
import { AuthenticateApiKey, CreateApiKey, CreateUser, EnsureAdmin, ListApiKeys, RevokeApiKey } from './users.js';
import { ValidatePackage } from './ValidatePackage.js';
import type { ValidatePackageOptions } from './ValidatePackage.js';

/** Every port the use cases use. */
export interface CorePorts {
  readonly clock: Clock;
  readonly ids: Ids;
  readonly secrets: SecretGenerator;
  readonly hasher: TokenHasher;
  readonly logger: Logger;
  readonly cipher: Cipher;
  readonly registry: PackageRegistry;
  readonly catalog: ServerCatalog;
  readonly repoSource: RepoSource;
  readonly analyzer: Analyzer;
  readonly analysisCache: AnalysisCache;
  readonly orchestrator: Orchestrator;
  readonly deployments: DeploymentRepository;
  readonly credentials: CredentialRepository;
  readonly events: EventLog;
  readonly users: UserRepository;
  readonly unitOfWork: UnitOfWork;
}

/** Tuning of every use case that has any. */
export interface UseCaseOptions {
  readonly validatePackage?: ValidatePackageOptions;
  readonly analyzeSource?: AnalyzeSourceOptions;
  readonly runDeployment?: RunDeploymentOptions;
  readonly reconcile?: ReconcileOptions;
  readonly searchCatalog?: SearchCatalogOptions;
}

/** Every use case, wired to one set of ports. */
export interface UseCases {
  readonly validatePackage: ValidatePackage;
  readonly analyzeSource: AnalyzeSource;
  readonly buildCredentialForm: BuildCredentialForm;
  readonly validateCredentials: ValidateCredentials;
  readonly createDeployment: CreateDeployment;
  readonly runDeployment: RunDeployment;
  readonly stopDeployment: StopDeployment;
  readonly startDeployment: StartDeployment;
  readonly redeployDeployment: RedeployDeployment;
  readonly deleteDeployment: DeleteDeployment;
  readonly rotateAccessToken: RotateAccessToken;
  readonly updateCredentials: UpdateCredentials;
  readonly getDeployment: GetDeployment;
  readonly listDeployments: ListDeployments;
  readonly getDeploymentEvents: GetDeploymentEvents;
  readonly getDeploymentLogs: GetDeploymentLogs;
  readonly authorizeGatewayRequest: AuthorizeGatewayRequest;
  readonly searchCatalog: SearchCatalog;
  readonly reconcile: Reconcile;
  readonly rotateCipherKey: RotateCipherKey;
  readonly createUser: CreateUser;
  readonly createApiKey: CreateApiKey;
  readonly listApiKeys: ListApiKeys;
  readonly revokeApiKey: RevokeApiKey;
  readonly authenticateApiKey: AuthenticateApiKey;
  readonly ensureAdmin: EnsureAdmin;
}

/**
 * Wires every use case to `ports` (a plain factory: the adapters' Inversify root may bind this, or bind each
 * class with `toResolvedValue`). Use cases that share state (ValidatePackage's cache) are created once.
 */
export function createUseCases(ports: CorePorts, options: UseCaseOptions = {}): UseCases {
  const validatePackage = new ValidatePackage(ports, options.validatePackage);
  const analyzeSource = new AnalyzeSource({ ...ports, cache: ports.analysisCache, validatePackage }, options.analyzeSource);
  const runDeployment = new RunDeployment(ports, options.runDeployment);
  const redeployDeployment = new RedeployDeployment({ ...ports, runDeployment });
  return {
    validatePackage,
    analyzeSource,
    buildCredentialForm: new BuildCredentialForm(),
    validateCredentials: new ValidateCredentials(),
    createDeployment: new CreateDeployment({ ...ports, analyzeSource, validatePackage }),
    runDeployment,
    stopDeployment: new StopDeployment(ports),
    startDeployment: new StartDeployment({ ...ports, runDeployment }),
    redeployDeployment,
    deleteDeployment: new DeleteDeployment(ports),
    rotateAccessToken: new RotateAccessToken(ports),
    updateCredentials: new UpdateCredentials({ ...ports, redeploy: redeployDeployment }),
    getDeployment: new GetDeployment(ports),
    listDeployments: new ListDeployments(ports),
    getDeploymentEvents: new GetDeploymentEvents(ports),
    getDeploymentLogs: new GetDeploymentLogs(ports),
    authorizeGatewayRequest: new AuthorizeGatewayRequest(ports),
    searchCatalog: new SearchCatalog(ports, options.searchCatalog),
    reconcile: new Reconcile({ ...ports, runDeployment }, options.reconcile),
    rotateCipherKey: new RotateCipherKey(ports),
    createUser: new CreateUser(ports),
    createApiKey: new CreateApiKey(ports),
    listApiKeys: new ListApiKeys(ports),
    revokeApiKey: new RevokeApiKey(ports),
    authenticateApiKey: new AuthenticateApiKey(ports),
    ensureAdmin: new EnsureAdmin(ports),
  };
}
