import { createServer, maxHeaderSize } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CatwalkConfig, Logger } from '@catwalk/core';
import { EnsureAdmin, LoggerToken, OrchestratorToken } from '@catwalk/core';
import type { Orchestrator } from '@catwalk/core';
import { DeploymentWorker, ReconcileLoop, createContainer } from '@catwalk/adapters';
import type { CatwalkContainer, CreateContainerOptions, PortOverrides } from '@catwalk/adapters';
import { createApp } from './app.js';
import type { CatwalkApp, HttpOptions } from './app.js';
import { FastLane } from './gateway/lane/fastLane.js';
import type { InProcessMcpHandler } from './gateway/target.js';

/**
 * An orchestrator that can serve a deployment's MCP endpoint in this process (the local orchestrator's bridges):
 * the gateway then calls the bridge directly instead of over loopback HTTP.
 */
interface InProcessCapable {
  handlerFor(deploymentId: string): InProcessMcpHandler | undefined;
}

function inProcessCapable(orchestrator: Orchestrator): orchestrator is Orchestrator & InProcessCapable {
  return typeof (orchestrator as Partial<InProcessCapable>).handlerFor === 'function';
}

/** Options of {@link startServer} beyond the configuration (mostly for tests and embedding). */
export interface StartServerOptions {
  /** Ports to replace (the fakes of `@catwalk/core/testing`). */
  readonly overrides?: PortOverrides;
  readonly container?: CreateContainerOptions;
  /** HTTP settings beyond what the configuration holds (limits, rate limit, cache TTL). */
  readonly http?: Partial<Omit<HttpOptions, 'publicUrl'>>;
  /** How long shutdown waits for requests in flight before cutting connections (default 10 s). */
  readonly drainTimeoutMs?: number;
  /** Create the admin on first start (default true). */
  readonly ensureAdmin?: boolean;
  /** Run the deployment worker and the reconcile loop (default true; API tests drive deployments by hand). */
  readonly background?: boolean;
}

/** A listening service. */
export interface RunningServer {
  readonly server: Server;
  /** The gateway's fast lane in front of `server` (undefined when `CATWALK_GATEWAY_FAST_LANE=false`). */
  readonly fastLane: FastLane | undefined;
  readonly app: CatwalkApp;
  readonly catwalk: CatwalkContainer;
  /** Where it listens (`http://host:port`). */
  readonly url: string;
  /** Base URL of handed-out endpoints. */
  readonly publicUrl: string;
  readonly port: number;
  /** The admin API key generated on first start: print it once, it is not stored anywhere in clear. */
  readonly adminApiKey: string | undefined;
  /**
   * Graceful shutdown: stops accepting, ends GET streams (clients resume elsewhere with Last-Event-ID), lets
   * requests in flight finish up to the drain timeout, then cuts what is left and closes the container (local
   * machines, database). Idempotent.
   */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function hostForUrl(host: string): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return shown.includes(':') ? `[${shown}]` : shown;
}

/**
 * Starts Catwalk's HTTP service for `config`: wires the container, creates the admin on first start (or takes
 * `CATWALK_ADMIN_API_KEY`), listens on `config.server.host:port` and serves the API and the MCP gateway.
 */
export async function startServer(config: CatwalkConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const catwalk = await createContainer(config, options.overrides ?? {}, options.container ?? {});
  const logger = catwalk.container.get<Logger>(LoggerToken);
  try {
    let adminApiKey: string | undefined;
    if (options.ensureAdmin !== false) {
      const admin = await catwalk.container.get(EnsureAdmin).execute({ apiKey: config.server.adminApiKey });
      if (admin.created) {
        logger.info('created the admin user', { userId: admin.user.id });
        adminApiKey = admin.apiKey;
      }
    }
    // The public URL is needed before listening; with port 0 it is fixed up once the port is known.
    let publicUrl = config.server.publicUrl;
    const mounted: { app?: CatwalkApp } = {};
    const inFlight = new Set<ServerResponse>();
    const server = createServer((req, res) => {
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
      if (mounted.app !== undefined) return mounted.app.handler(req, res);
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end('{"error":"starting","message":"Catwalk is starting.","details":{}}');
    });
    // Long tool calls and SSE streams must not be cut by node's own request timeout; the gateway has its own.
    server.requestTimeout = 0;
    server.headersTimeout = 30_000;
    server.keepAliveTimeout = 65_000;
    const fastLane = config.gateway.fastLane
      ? new FastLane(server, () => mounted.app?.gateway, { keepAliveTimeoutMs: server.keepAliveTimeout, headersTimeoutMs: server.headersTimeout, maxHeadBytes: maxHeaderSize })
      : undefined;
    const port = await listen(server, config.server.port, config.server.host);
    if (config.server.port === 0) publicUrl = publicUrl.replace(/:0(?=\/|$)/, `:${port}`);
    const orchestrator = catwalk.container.get<Orchestrator>(OrchestratorToken);
    const app = createApp(catwalk.container, {
      ...(inProcessCapable(orchestrator) ? { inProcessHandler: (deploymentId: string) => orchestrator.handlerFor(deploymentId) } : {}),
      ...options.http,
      publicUrl,
      allowedOrigins: options.http?.allowedOrigins ?? config.server.allowedOrigins,
      allowLocalSources: options.http?.allowLocalSources ?? config.analysis.allowLocalSources,
      gatewayTimeoutMs: options.http?.gatewayTimeoutMs ?? config.gateway.timeoutMs,
    });
    mounted.app = app;
    const url = `http://${hostForUrl(config.server.host)}:${port}`;
    logger.info('catwalk is listening', { url, publicUrl });
    const worker = options.background === false ? undefined : catwalk.container.get(DeploymentWorker);
    const reconciler = options.background === false ? undefined : catwalk.container.get(ReconcileLoop);
    if (worker !== undefined) {
      app.onDeploymentCreated(() => worker.wake());
      worker.start();
    }
    // Reconcile runs in the background: deployments left deploying or running by a previous process come back.
    void reconciler?.start();

    const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    const running = app;
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        fastLane?.closeIdle();
        running.gateway.endStreams();
        const deadline = Date.now() + drainTimeoutMs;
        while (inFlight.size + (fastLane?.inFlight ?? 0) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
        server.closeAllConnections();
        fastLane?.destroyAll();
        await stopped;
        await Promise.all([worker?.stop(), reconciler?.stop()]);
        running.gateway.close();
        await catwalk.close();
        logger.info('catwalk stopped', {});
      })();
      return closing;
    };
    return { server, fastLane, app, catwalk, url, publicUrl, port, adminApiKey, close };
  } catch (error) {
    await catwalk.close();
    throw error;
  }
}
