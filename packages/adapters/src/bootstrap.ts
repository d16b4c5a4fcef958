/**
 * The one composition root of Catwalk, used by the HTTP service and the CLI: it opens the database, loads every
 * adapter family's ContainerModule as the configuration says, and binds every use case to the ports it needs
 * (no decorators: `toResolvedValue` with explicit tokens). Tests pass `overrides` (the fakes of
 * `@catwalk/core/testing`) for any port; a family whose ports are all overridden is not loaded at all (no
 * database is opened when storage is faked).
 */
import { Container } from 'inversify';
import type { ServiceIdentifier } from 'inversify';
import pino from 'pino';
import {
  AnalysisCacheToken,
  AnalyzeSource,
  AnalyzerToken,
  AuthenticateApiKey,
  AuthorizeGatewayRequest,
  CatwalkError,
  BuildCredentialForm,
  CipherToken,
  ClockToken,
  CreateApiKey,
  CreateDeployment,
  CreateUser,
  CredentialRepositoryToken,
  DeleteDeployment,
  DeploymentRepositoryToken,
  EnsureAdmin,
  EventLogToken,
  GetDeployment,
  GetDeploymentEvents,
  GetDeploymentLogs,
  IdsToken,
  ListApiKeys,
  ListDeployments,
  LoggerToken,
  OrchestratorToken,
  PackageRegistryToken,
  Reconcile,
  RedeployDeployment,
  RepoSourceToken,
  RevokeApiKey,
  RotateAccessToken,
  RotateCipherKey,
  RunDeployment,
  SearchCatalog,
  SecretGeneratorToken,
  ServerCatalogToken,
  StartDeployment,
  StopDeployment,
  TokenHasherToken,
  UnitOfWorkToken,
  UpdateCredentials,
  UserRepositoryToken,
  ValidateCredentials,
  ValidatePackage,
} from '@catwalk/core';
import type {
  AnalysisCache,
  Analyzer,
  CatwalkConfig,
  Cipher,
  Clock,
  CredentialRepository,
  DeploymentRepository,
  EventLog,
  Ids,
  Logger,
  MultiuserPolicy,
  Orchestrator,
  PackageRegistry,
  RepoSource,
  SecretGenerator,
  ServerCatalog,
  TokenHasher,
  UnitOfWork,
  UserRepository,
} from '@catwalk/core';
import { analysisModule } from './analysis/index.js';
import { catalogModule } from './catalog/index.js';
import { cryptoModule, formatKeyEntry, systemModule } from './crypto/index.js';
import { flyOrchestratorModule } from './orchestrator/fly/index.js';
import { localOrchestratorModule } from './orchestrator/local/index.js';
import { ChildScheduling } from './bridge/scheduling.js';
import { embeddedDataDir, openDatabase, persistenceModule, runMigrations } from './persistence/index.js';
import type { Database } from './persistence/index.js';
import { multiuserPolicyOf, sandboxModule, selectSandbox } from './sandbox/index.js';
import { registryModule } from './registry/index.js';
import { sourcesModule } from './sources/index.js';
import { DeploymentWorker, ReconcileLoop } from './worker/index.js';

/** Ports a caller may replace (by the names of `@catwalk/core/testing`'s `createFakePorts()`). */
export interface PortOverrides {
  readonly clock?: Clock;
  readonly ids?: Ids;
  readonly secrets?: SecretGenerator;
  readonly hasher?: TokenHasher;
  readonly logger?: Logger;
  readonly cipher?: Cipher;
  readonly registry?: PackageRegistry;
  readonly catalog?: ServerCatalog;
  readonly repoSource?: RepoSource;
  readonly analyzer?: Analyzer;
  readonly analysisCache?: AnalysisCache;
  readonly orchestrator?: Orchestrator;
  readonly deployments?: DeploymentRepository;
  readonly credentials?: CredentialRepository;
  readonly events?: EventLog;
  readonly users?: UserRepository;
  readonly unitOfWork?: UnitOfWork;
}

/** Options of {@link createContainer} beyond the configuration. */
export interface CreateContainerOptions {
  /** Run pending migrations when the database opens (default true). */
  readonly migrate?: boolean;
  /**
   * Whether the repo source may read local directories. Default: the configuration's
   * `analysis.allowLocalSources` (the HTTP API); the CLI's `analyze --local` passes true.
   */
  readonly allowLocalSources?: boolean;
}

/** A wired container and how to release what it opened (database, local machines). */
export interface CatwalkContainer {
  readonly container: Container;
  /** The open database, unless storage was overridden. */
  readonly database: Database | undefined;
  /** Stops local machines, closes the database. Idempotent. */
  close(): Promise<void>;
}

const PORT_TOKENS = {
  clock: ClockToken,
  ids: IdsToken,
  secrets: SecretGeneratorToken,
  hasher: TokenHasherToken,
  logger: LoggerToken,
  cipher: CipherToken,
  registry: PackageRegistryToken,
  catalog: ServerCatalogToken,
  repoSource: RepoSourceToken,
  analyzer: AnalyzerToken,
  analysisCache: AnalysisCacheToken,
  orchestrator: OrchestratorToken,
  deployments: DeploymentRepositoryToken,
  credentials: CredentialRepositoryToken,
  events: EventLogToken,
  users: UserRepositoryToken,
  unitOfWork: UnitOfWorkToken,
} as const satisfies Record<keyof PortOverrides, symbol>;

type PortName = keyof PortOverrides;

const STORAGE_PORTS: readonly PortName[] = ['deployments', 'credentials', 'events', 'users', 'unitOfWork', 'analysisCache'];
const SYSTEM_PORTS: readonly PortName[] = ['clock', 'ids', 'secrets', 'hasher'];

/** A Logger over pino, writing JSON lines to stderr (stdout stays the CLI's), with secret keys redacted. */
export function createPinoLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  const base = pino(
    {
      level,
      base: null,
      redact: {
        paths: [
          'authorization',
          '*.authorization',
          'headers.authorization',
          'token',
          '*.token',
          'accessToken',
          '*.accessToken',
          'apiKey',
          '*.apiKey',
          'credentials',
          '*.credentials',
          'env',
          '*.env',
          'secret',
          '*.secret',
          'password',
          '*.password',
        ],
        censor: '[REDACTED]',
      },
    },
    destination,
  );
  return {
    debug: (message, fields) => base.debug(fields ?? {}, message),
    info: (message, fields) => base.info(fields ?? {}, message),
    warn: (message, fields) => base.warn(fields ?? {}, message),
    error: (message, fields) => base.error(fields ?? {}, message),
  };
}

/** The key ring of the configuration in the `id:base64key,…` form the crypto module reads. */
function keyRingText(config: CatwalkConfig): string | undefined {
  const ring = config.secrets.keyRing;
  if (ring === undefined) return undefined;
  const current = ring.keys.find((key) => key.id === ring.currentKeyId);
  const ordered = current === undefined ? ring.keys : [current, ...ring.keys.filter((key) => key !== current)];
  return ordered.map((key) => formatKeyEntry(key.id, key.key)).join(',');
}

/** Binds `Class` as a singleton built from the services behind `tokens`. */
function bindUseCase<T, A extends unknown[]>(
  container: Container,
  id: ServiceIdentifier<T>,
  tokens: { [K in keyof A]: ServiceIdentifier<A[K]> },
  make: (...deps: A) => T,
): void {
  container
    .bind<T>(id)
    .toResolvedValue((...deps: unknown[]) => make(...(deps as A)), tokens as ServiceIdentifier[])
    .inSingletonScope();
}

/** Binds every use case of core to the ports (one singleton each; shared state such as caches lives once). */
function bindUseCases(container: Container, config: CatwalkConfig, multiuser: MultiuserPolicy | undefined): void {
  const c = container;
  bindUseCase(c, ValidatePackage, [PackageRegistryToken, ClockToken], (registry: PackageRegistry, clock: Clock) => new ValidatePackage({ registry, clock }));
  bindUseCase(
    c,
    AnalyzeSource,
    [RepoSourceToken, AnalyzerToken, AnalysisCacheToken, ValidatePackage, ClockToken, LoggerToken],
    (repoSource: RepoSource, analyzer: Analyzer, cache: AnalysisCache, validatePackage: ValidatePackage, clock: Clock, logger: Logger) =>
      new AnalyzeSource({ repoSource, analyzer, cache, validatePackage, clock, logger }, { cacheTtlMs: config.analysis.cacheTtlSeconds * 1000 }),
  );
  bindUseCase(c, BuildCredentialForm, [], () => new BuildCredentialForm());
  bindUseCase(c, ValidateCredentials, [], () => new ValidateCredentials());
  bindUseCase(
    c,
    CreateDeployment,
    [AnalyzeSource, ValidatePackage, UnitOfWorkToken, CipherToken, IdsToken, ClockToken, SecretGeneratorToken, TokenHasherToken],
    (analyzeSource: AnalyzeSource, validatePackage: ValidatePackage, unitOfWork: UnitOfWork, cipher: Cipher, ids: Ids, clock: Clock, secrets: SecretGenerator, hasher: TokenHasher) =>
      new CreateDeployment({ analyzeSource, validatePackage, unitOfWork, cipher, ids, clock, secrets, hasher }),
  );
  bindUseCase(
    c,
    RunDeployment,
    [DeploymentRepositoryToken, CredentialRepositoryToken, EventLogToken, CipherToken, OrchestratorToken, ClockToken, LoggerToken],
    (deployments: DeploymentRepository, credentials: CredentialRepository, events: EventLog, cipher: Cipher, orchestrator: Orchestrator, clock: Clock, logger: Logger) =>
      new RunDeployment({ deployments, credentials, events, cipher, orchestrator, clock, logger }),
  );
  bindUseCase(
    c,
    StopDeployment,
    [DeploymentRepositoryToken, OrchestratorToken, ClockToken],
    (deployments: DeploymentRepository, orchestrator: Orchestrator, clock: Clock) => new StopDeployment({ deployments, orchestrator, clock }),
  );
  bindUseCase(
    c,
    StartDeployment,
    [DeploymentRepositoryToken, RunDeployment, ClockToken],
    (deployments: DeploymentRepository, runDeployment: RunDeployment, clock: Clock) => new StartDeployment({ deployments, runDeployment, clock }),
  );
  bindUseCase(
    c,
    RedeployDeployment,
    [DeploymentRepositoryToken, RunDeployment, ClockToken],
    (deployments: DeploymentRepository, runDeployment: RunDeployment, clock: Clock) => new RedeployDeployment({ deployments, runDeployment, clock }),
  );
  bindUseCase(
    c,
    DeleteDeployment,
    [DeploymentRepositoryToken, OrchestratorToken],
    (deployments: DeploymentRepository, orchestrator: Orchestrator) => new DeleteDeployment({ deployments, orchestrator }),
  );
  bindUseCase(
    c,
    RotateAccessToken,
    [DeploymentRepositoryToken, SecretGeneratorToken, TokenHasherToken, ClockToken],
    (deployments: DeploymentRepository, secrets: SecretGenerator, hasher: TokenHasher, clock: Clock) => new RotateAccessToken({ deployments, secrets, hasher, clock }),
  );
  bindUseCase(
    c,
    UpdateCredentials,
    [DeploymentRepositoryToken, UnitOfWorkToken, CipherToken, ClockToken, RedeployDeployment],
    (deployments: DeploymentRepository, unitOfWork: UnitOfWork, cipher: Cipher, clock: Clock, redeploy: RedeployDeployment) =>
      new UpdateCredentials({ deployments, unitOfWork, cipher, clock, redeploy }),
  );
  bindUseCase(c, GetDeployment, [DeploymentRepositoryToken], (deployments: DeploymentRepository) => new GetDeployment({ deployments }));
  bindUseCase(c, ListDeployments, [DeploymentRepositoryToken], (deployments: DeploymentRepository) => new ListDeployments({ deployments }));
  bindUseCase(
    c,
    GetDeploymentEvents,
    [DeploymentRepositoryToken, EventLogToken],
    (deployments: DeploymentRepository, events: EventLog) => new GetDeploymentEvents({ deployments, events }),
  );
  bindUseCase(
    c,
    GetDeploymentLogs,
    [DeploymentRepositoryToken, OrchestratorToken],
    (deployments: DeploymentRepository, orchestrator: Orchestrator) => new GetDeploymentLogs({ deployments, orchestrator }),
  );
  bindUseCase(
    c,
    AuthorizeGatewayRequest,
    [DeploymentRepositoryToken, TokenHasherToken],
    (deployments: DeploymentRepository, hasher: TokenHasher) => new AuthorizeGatewayRequest({ deployments, hasher }),
  );
  bindUseCase(c, SearchCatalog, [ServerCatalogToken, ClockToken], (catalog: ServerCatalog, clock: Clock) => new SearchCatalog({ catalog, clock }));
  bindUseCase(
    c,
    Reconcile,
    [DeploymentRepositoryToken, OrchestratorToken, RunDeployment, ClockToken, LoggerToken],
    (deployments: DeploymentRepository, orchestrator: Orchestrator, runDeployment: RunDeployment, clock: Clock, logger: Logger) =>
      new Reconcile(
        { deployments, orchestrator, runDeployment, clock, logger },
        // Every local machine dies with the control plane: after a restart, bring them back rather than fail them.
        config.orchestrator.kind === 'local' ? { runningLost: 'restart', deployingLost: 'retry' } : {},
      ),
  );
  bindUseCase(
    c,
    RotateCipherKey,
    [UnitOfWorkToken, CipherToken, LoggerToken],
    (unitOfWork: UnitOfWork, cipher: Cipher, logger: Logger) => new RotateCipherKey({ unitOfWork, cipher, logger }),
  );
  const apiKeyPorts = [UserRepositoryToken, IdsToken, ClockToken, SecretGeneratorToken, TokenHasherToken] as const;
  type ApiKeyPorts = [UserRepository, Ids, Clock, SecretGenerator, TokenHasher];
  bindUseCase(c, CreateUser, [UserRepositoryToken, IdsToken, ClockToken], (users: UserRepository, ids: Ids, clock: Clock) => new CreateUser({ users, ids, clock, multiuser }));
  bindUseCase<CreateApiKey, ApiKeyPorts>(c, CreateApiKey, [...apiKeyPorts], (users, ids, clock, secrets, hasher) => new CreateApiKey({ users, ids, clock, secrets, hasher }));
  bindUseCase<EnsureAdmin, ApiKeyPorts>(c, EnsureAdmin, [...apiKeyPorts], (users, ids, clock, secrets, hasher) => new EnsureAdmin({ users, ids, clock, secrets, hasher }));
  bindUseCase(c, ListApiKeys, [UserRepositoryToken], (users: UserRepository) => new ListApiKeys({ users }));
  bindUseCase(c, RevokeApiKey, [UserRepositoryToken, ClockToken], (users: UserRepository, clock: Clock) => new RevokeApiKey({ users, clock }));
  bindUseCase(
    c,
    AuthenticateApiKey,
    [UserRepositoryToken, TokenHasherToken, ClockToken, LoggerToken],
    (users: UserRepository, hasher: TokenHasher, clock: Clock, logger: Logger) => new AuthenticateApiKey({ users, hasher, clock, logger }),
  );
}

/**
 * Binds the background loops the service runs: the deployment worker (claims pending deployments, bounded
 * concurrency) and the reconcile loop (at start-up, then every `CATWALK_RECONCILE_INTERVAL` seconds). The shell
 * that serves starts and stops them; the CLI's one-shot commands never resolve them.
 */
function bindBackground(container: Container, config: CatwalkConfig): void {
  container
    .bind(DeploymentWorker)
    .toResolvedValue(
      (deployments: DeploymentRepository, runner: RunDeployment, logger: Logger) =>
        new DeploymentWorker(deployments, runner, logger, { concurrency: config.orchestrator.workerConcurrency }),
      [DeploymentRepositoryToken, RunDeployment, LoggerToken],
    )
    .inSingletonScope();
  container
    .bind(ReconcileLoop)
    .toResolvedValue(
      (reconcile: Reconcile, logger: Logger) => new ReconcileLoop(reconcile, logger, { intervalMs: config.orchestrator.reconcileIntervalSeconds * 1000 }),
      [Reconcile, LoggerToken],
    )
    .inSingletonScope();
}

/** Opens the database the configuration names: Postgres at `DATABASE_URL`, else embedded PGlite under the home. */
export function openConfiguredDatabase(config: CatwalkConfig, options: { migrate?: boolean } = {}): Promise<Database> {
  return openDatabase(
    config.database.url === undefined
      ? { kind: 'embedded', dataDir: embeddedDataDir(config.home) }
      : { kind: 'postgres', url: config.database.url, poolSize: config.database.poolSize, statementTimeoutMs: config.database.statementTimeoutMs },
    { migrate: options.migrate ?? true },
  );
}

/** Runs pending migrations on the configured database (`catwalk migrate`); returns the names of those that ran. */
export async function migrateDatabase(config: CatwalkConfig): Promise<string[]> {
  const database = await openConfiguredDatabase(config, { migrate: false });
  try {
    return await runMigrations(database.dataSource);
  } finally {
    await database.close();
  }
}

/**
 * Builds the container for `config`: Postgres when `config.database.url` is set, else the embedded PGlite
 * database under `config.home` (migrated at start unless `options.migrate` is false); the cipher over
 * `CATWALK_SECRET_KEYS` or the generated key file; npm/PyPI registries, catalogues, sources; the orchestrator
 * the configuration names. Every port in `overrides` replaces its adapter.
 */
export async function createContainer(config: CatwalkConfig, overrides: PortOverrides = {}, options: CreateContainerOptions = {}): Promise<CatwalkContainer> {
  const container = new Container();
  const given = (name: PortName): boolean => overrides[name] !== undefined;
  const closers: (() => Promise<void>)[] = [];

  const logger = overrides.logger ?? createPinoLogger(config.log.level);
  container.bind<Logger>(LoggerToken).toConstantValue(logger);

  if (!SYSTEM_PORTS.every(given)) container.load(systemModule());
  if (!given('cipher')) container.load(cryptoModule({ secretKeys: keyRingText(config), home: config.home }));
  if (!given('registry')) container.load(registryModule({ npm: { baseUrl: config.registries.npmUrl }, pypi: { baseUrl: config.registries.pypiUrl } }));
  if (!given('catalog')) container.load(catalogModule({ mcpRegistry: { baseUrl: config.registries.mcpRegistryUrl }, glama: { baseUrl: config.registries.glamaUrl } }));
  if (!given('repoSource')) {
    container.load(
      sourcesModule({
        allowLocal: options.allowLocalSources ?? config.analysis.allowLocalSources,
        githubBaseUrl: config.registries.githubApiUrl,
        ...(config.registries.githubToken === undefined ? {} : { githubToken: config.registries.githubToken }),
        npmRegistryUrl: config.registries.npmUrl,
        pypiBaseUrl: config.registries.pypiUrl,
      }),
    );
  }
  if (!given('analyzer')) {
    const llm = config.analysis.llm;
    container.load(
      analysisModule({
        ...(llm.anthropicApiKey === undefined ? {} : { anthropicApiKey: llm.anthropicApiKey }),
        ...(llm.openrouterApiKey === undefined ? {} : { openrouterApiKey: llm.openrouterApiKey }),
        ...(llm.model === undefined ? {} : { model: llm.model }),
        anthropicBaseUrl: llm.anthropicBaseUrl,
        openrouterBaseUrl: llm.openrouterBaseUrl,
      }),
    );
  }

  let database: Database | undefined;
  if (!STORAGE_PORTS.every(given)) {
    database = await openConfiguredDatabase(config, { migrate: options.migrate ?? true });
    const opened = database;
    closers.push(() => opened.close());
    container.load(persistenceModule({ database }));
  }

  // The multi-user rule applies only when this process confines (or fails to confine) local MCP servers itself.
  let multiuser: MultiuserPolicy | undefined;
  if (!given('orchestrator')) try {
    if (config.orchestrator.kind === 'local') {
      // Probes bubblewrap (start-up fails with how to install it) unless CATWALK_SANDBOX=none (logged warning).
      const sandbox = await selectSandbox(config, logger);
      container.load(sandboxModule({ sandbox }));
      multiuser = multiuserPolicyOf(config, sandbox);
      container.load(
        localOrchestratorModule({
          home: config.home,
          sandbox,
          pypiIndexUrl: config.registries.pypiIndexUrl,
          allowPythonSdists: config.registries.pypiAllowSdists,
          scheduling: new ChildScheduling(config.sandbox.scheduling, { onUnavailable: (reason) => logger.warn(reason, { scheduling: config.sandbox.scheduling }) }),
        }),
      );
      closers.unshift(async () => {
        const orchestrator = container.get(OrchestratorToken) as Orchestrator & { shutdown?: () => Promise<void> };
        await orchestrator.shutdown?.();
      });
    } else {
      const fly = config.fly;
      if (fly.apiToken === undefined || config.orchestrator.runnerImage === undefined) {
        throw new CatwalkError('invalid_config', 'CATWALK_ORCHESTRATOR=fly needs FLY_API_TOKEN and CATWALK_RUNNER_IMAGE.', {
          variable: fly.apiToken === undefined ? 'FLY_API_TOKEN' : 'CATWALK_RUNNER_IMAGE',
        });
      }
      container.load(
        flyOrchestratorModule({
          token: fly.apiToken,
          baseUrl: fly.apiHostname,
          org: fly.org,
          image: config.orchestrator.runnerImage,
          ...(fly.region === undefined ? {} : { region: fly.region }),
        }),
      );
    }
  } catch (error) {
    // A refused start-up (no working sandbox, missing Fly settings) must not leave the database open.
    await database?.close();
    throw error;
  }

  for (const [name, port] of Object.entries(overrides) as [PortName, unknown][]) {
    if (port === undefined || name === 'logger') continue;
    const token = PORT_TOKENS[name];
    if (container.isBound(token)) container.unbind(token);
    container.bind(token).toConstantValue(port);
  }

  bindUseCases(container, config, multiuser);
  bindBackground(container, config);

  let closed: Promise<void> | undefined;
  return {
    container,
    database,
    close: () => {
      closed ??= (async () => {
        for (const close of closers) await close().catch((error: unknown) => logger.error('shutdown step failed', { error: error instanceof Error ? error.message : String(error) }));
      })();
      return closed;
    },
  };
}
