import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import type { CatwalkContainer } from '@catwalk/adapters';
import {
  AnalyzeSource,
  AuthenticateApiKey,
  AuthorizeGatewayRequest,
  BuildCredentialForm,
  CreateApiKey,
  CreateDeployment,
  CreateUser,
  DeleteDeployment,
  DeploymentRepositoryToken,
  GetDeployment,
  GetDeploymentEvents,
  GetDeploymentLogs,
  ListApiKeys,
  ListDeployments,
  LoggerToken,
  OrchestratorToken,
  RedeployDeployment,
  RevokeApiKey,
  RotateAccessToken,
  SearchCatalog,
  StartDeployment,
  StopDeployment,
  UpdateCredentials,
  ValidateCredentials,
  ValidatePackage,
} from '@catwalk/core';
import type { DeploymentRepository, Logger, Orchestrator } from '@catwalk/core';
import { apiKeyAuth, mountRoutes } from './api/mount.js';
import { buildOpenApiDocument } from './api/openapi.js';
import type { RouteDefinition } from './api/route.js';
import { analysisRoutes } from './api/routes/analysis.js';
import { deploymentRoutes } from './api/routes/deployments.js';
import { keyRoutes } from './api/routes/keys.js';
import { systemRoutes } from './api/routes/system.js';
import type { ApiServices } from './api/services.js';
import { serveConsole } from './console/index.js';
import { errorMiddleware } from './errors/errorMiddleware.js';
import { CachingGatewayAuthority } from './gateway/authCache.js';
import { McpGateway } from './gateway/gateway.js';
import type { GatewayObserver } from './gateway/gateway.js';
import { parseUpstream } from './gateway/target.js';
import type { GatewayAuthority, GatewayTarget, InProcessMcpHandler } from './gateway/target.js';
import { ServiceMetrics } from './observability/metrics.js';
import { requestLog } from './observability/requestLog.js';
import { AuthFailureThrottle, DEFAULT_AUTH_FAILURE_LIMIT, throttleAuthFailures } from './security/authFailureThrottle.js';
import type { AuthFailureLimit } from './security/authFailureThrottle.js';
import { cors } from './security/cors.js';
import { rateLimit, requestTimeout } from './security/limits.js';
import { RateLimiter } from './security/rateLimiter.js';
import type { RateLimit } from './security/rateLimiter.js';

/** Settings of the HTTP service (defaults in {@link DEFAULT_HTTP_OPTIONS}). */
export interface HttpOptions {
  /** Base URL of the endpoints handed out (`CATWALK_PUBLIC_URL`). */
  readonly publicUrl: string;
  /** Browser origins allowed to call the API and the gateway (`CATWALK_ALLOWED_ORIGINS`); the public URL's origin is always allowed on the gateway. */
  readonly allowedOrigins: readonly string[];
  /** Whether the API may analyse local directories (`CATWALK_ALLOW_LOCAL_SOURCES`). */
  readonly allowLocalSources: boolean;
  /** Largest JSON body on /api (1 MiB). */
  readonly apiBodyLimitBytes: number;
  /** Largest MCP request body through the gateway (4 MiB). */
  readonly gatewayBodyLimitBytes: number;
  /** How long the gateway waits on a silent upstream (`CATWALK_GATEWAY_TIMEOUT_MS`, 5 min). */
  readonly gatewayTimeoutMs: number;
  /** Longest a control-plane request may take before it is answered 503 `timeout` (60 s). */
  readonly requestTimeoutMs: number;
  /** Per-API-key token bucket (burst 60, 10/s). */
  readonly rateLimit: RateLimit;
  /** Failed API-key and gateway-token attempts allowed per client IP (20 per minute), then 429 `rate_limited`. */
  readonly authFailureLimit: AuthFailureLimit;
  /** How long the gateway trusts a verified deployment without asking the database (10 s). */
  readonly authCacheTtlMs: number;
  /**
   * Optional in-process route to a deployment's bridge (the local orchestrator's), skipping the loopback hop.
   * Returns undefined when the deployment has no bridge in this process.
   */
  readonly inProcessHandler?: (deploymentId: string) => InProcessMcpHandler | undefined;
}

/** Defaults of everything but the public URL. */
export const DEFAULT_HTTP_OPTIONS: Omit<HttpOptions, 'publicUrl'> = {
  allowedOrigins: [],
  allowLocalSources: false,
  apiBodyLimitBytes: 1024 * 1024,
  gatewayBodyLimitBytes: 4 * 1024 * 1024,
  gatewayTimeoutMs: 5 * 60_000,
  requestTimeoutMs: 60_000,
  rateLimit: { burst: 60, perSecond: 10 },
  authFailureLimit: DEFAULT_AUTH_FAILURE_LIMIT,
  authCacheTtlMs: 10_000,
};

/** The assembled service: one node:http handler in front of the gateway (raw) and the API (Koa). */
export interface CatwalkApp {
  /** Serves any request: `/mcp/…` goes to the gateway without touching Koa, everything else to the API. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  readonly koa: Koa;
  readonly gateway: McpGateway;
  readonly metrics: ServiceMetrics;
  readonly routes: readonly RouteDefinition[];
  /** Forgets what the gateway cached about a deployment (call after changing it outside the API). */
  deploymentChanged(deploymentId: string): void;
  /** Registers a listener for new deployments (the worker's wake-up). */
  onDeploymentCreated(listener: (deploymentId: string) => void): void;
  /** The OpenAPI 3.1 document of the API. */
  openApi(): Record<string, unknown>;
}

/** The gateway's authority: the AuthorizeGatewayRequest use case, with the in-process bridge when there is one. */
class UseCaseGatewayAuthority implements GatewayAuthority {
  constructor(
    private readonly authorizeRequest: AuthorizeGatewayRequest,
    private readonly inProcess: HttpOptions['inProcessHandler'],
  ) {}

  async authorize(deploymentId: string, token: string): Promise<GatewayTarget> {
    const { upstreamUrl } = await this.authorizeRequest.execute({ deploymentId, token });
    const handler = this.inProcess?.(deploymentId);
    const upstream = parseUpstream(upstreamUrl);
    return { upstreamUrl, upstream, upstreamHeaders: {}, ...(handler === undefined ? {} : { inProcess: handler }) };
  }

  invalidate(): void {}
}

/** Logs gateway failures (never tokens) and feeds metrics. Successful calls are not logged: it is the hot path. */
function gatewayObserver(metrics: ServiceMetrics, logger: Logger): GatewayObserver {
  return {
    onResult(outcome, status, startedAt, deploymentId) {
      metrics.onResult(outcome, status, startedAt);
      if (outcome === 'proxied') return;
      const fields = { outcome, status, ...(deploymentId === undefined ? {} : { deploymentId }) };
      if (outcome === 'upstream_error' || outcome === 'timeout') logger.warn('gateway upstream failed', fields);
      else logger.info('gateway request refused', fields);
    },
  };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Builds the service from a container wired by `createContainer`: resolves the use cases once, mounts the API
 * routes on Koa (log → errors → CORS → timeout → routes; auth and rate limit per protected route) and puts the
 * MCP gateway in front on raw node:http.
 */
export function createApp(container: CatwalkContainer['container'], options: Partial<HttpOptions> & Pick<HttpOptions, 'publicUrl'>): CatwalkApp {
  const settings: HttpOptions = { ...DEFAULT_HTTP_OPTIONS, ...options };
  const logger = container.get<Logger>(LoggerToken);
  const deployments = container.get<DeploymentRepository>(DeploymentRepositoryToken);
  const orchestrator = container.get<Orchestrator>(OrchestratorToken);
  const services: ApiServices = {
    authenticateApiKey: container.get(AuthenticateApiKey),
    analyzeSource: container.get(AnalyzeSource),
    buildCredentialForm: container.get(BuildCredentialForm),
    validateCredentials: container.get(ValidateCredentials),
    validatePackage: container.get(ValidatePackage),
    searchCatalog: container.get(SearchCatalog),
    createDeployment: container.get(CreateDeployment),
    updateCredentials: container.get(UpdateCredentials),
    listDeployments: container.get(ListDeployments),
    getDeployment: container.get(GetDeployment),
    getDeploymentEvents: container.get(GetDeploymentEvents),
    getDeploymentLogs: container.get(GetDeploymentLogs),
    stopDeployment: container.get(StopDeployment),
    startDeployment: container.get(StartDeployment),
    redeployDeployment: container.get(RedeployDeployment),
    deleteDeployment: container.get(DeleteDeployment),
    rotateAccessToken: container.get(RotateAccessToken),
    createApiKey: container.get(CreateApiKey),
    listApiKeys: container.get(ListApiKeys),
    revokeApiKey: container.get(RevokeApiKey),
    createUser: container.get(CreateUser),
  };

  const metrics = new ServiceMetrics(() => deployments.countByStatus());
  const authority = new CachingGatewayAuthority(
    new UseCaseGatewayAuthority(container.get(AuthorizeGatewayRequest), settings.inProcessHandler),
    { ttlMs: settings.authCacheTtlMs, maxEntries: 10_000 },
  );
  const publicOrigin = originOf(settings.publicUrl);
  // One throttle for both doors: guesses at API keys and at access tokens drain the same per-IP bucket.
  const authFailures = new AuthFailureThrottle(settings.authFailureLimit);
  const gateway = new McpGateway(
    authority,
    {
      maxBodyBytes: settings.gatewayBodyLimitBytes,
      upstreamTimeoutMs: settings.gatewayTimeoutMs,
      allowedOrigins: [...settings.allowedOrigins, ...(publicOrigin === undefined ? [] : [publicOrigin])],
      authFailures,
    },
    gatewayObserver(metrics, logger),
  );

  const createdListeners: ((deploymentId: string) => void)[] = [];
  const deploymentChanged = (deploymentId: string): void => authority.invalidate(deploymentId);
  const api = {
    services,
    publicUrl: settings.publicUrl,
    allowLocalSources: settings.allowLocalSources,
    deploymentChanged,
    deploymentCreated: (deploymentId: string) => {
      for (const listener of createdListeners) listener(deploymentId);
    },
  };

  let openApiDocument: Record<string, unknown> | undefined;
  const routes: RouteDefinition[] = [];
  const openApi = (): Record<string, unknown> => (openApiDocument ??= buildOpenApiDocument(routes, { title: 'Catwalk', version: '0.1.0', serverUrl: settings.publicUrl }));
  routes.push(
    ...systemRoutes({
      checks: {
        database: async () => {
          await deployments.countByStatus();
        },
        orchestrator: async () => {
          await orchestrator.list();
        },
      },
      metrics: async () => ({ contentType: metrics.registry.contentType, text: await metrics.registry.metrics() }),
      openApi,
      checkTimeoutMs: 3000,
    }),
    ...analysisRoutes(api),
    ...deploymentRoutes(api),
    ...keyRoutes(api),
  );

  const koa = new Koa();
  koa.silent = true;
  const limiter = new RateLimiter(settings.rateLimit);
  const router = mountRoutes(routes, [throttleAuthFailures(apiKeyAuth(services.authenticateApiKey), authFailures), rateLimit(limiter)], { maxBodyBytes: settings.apiBodyLimitBytes });
  koa.use(requestLog(logger, metrics));
  koa.use(errorMiddleware);
  koa.use(cors(settings.allowedOrigins));
  koa.use(requestTimeout(settings.requestTimeoutMs));
  koa.use(serveConsole());
  koa.use(router.routes());
  koa.use(router.allowedMethods());
  const koaHandler = koa.callback();

  return {
    handler: (req, res) => {
      if (McpGateway.matches(req.url)) gateway.handle(req, res);
      else void koaHandler(req, res);
    },
    koa,
    gateway,
    metrics,
    routes,
    deploymentChanged,
    onDeploymentCreated: (listener) => createdListeners.push(listener),
    openApi,
  };
}
