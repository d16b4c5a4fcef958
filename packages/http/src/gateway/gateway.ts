import { Agent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CODES, isAccessTokenFormat, isCatwalkError, CatwalkError } from '@catwalk/core';
import type { ErrorBody } from '../errors/errorBody.js';
import { toErrorResponse } from '../errors/errorBody.js';
import { statusFor } from '../errors/statusTable.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { isOriginAllowed } from './origins.js';
import { clientIpOf } from '../security/authFailureThrottle.js';
import type { AuthFailureThrottle } from '../security/authFailureThrottle.js';
import type { GatewayAuthority, GatewayTarget } from './target.js';

/** Settings of the MCP gateway. */
export interface GatewayOptions {
  /** Largest request body passed upstream (default 4 MiB); larger → 413. */
  readonly maxBodyBytes: number;
  /** An upstream silent for this long is cut (default 5 min, so slow tools finish). */
  readonly upstreamTimeoutMs: number;
  /** Origins allowed to call the gateway from a browser; requests without Origin are allowed. */
  readonly allowedOrigins: readonly string[];
  /** Throttles token guessing per client IP: failed tokens drain it, an empty bucket answers 429 `rate_limited`. */
  readonly authFailures?: AuthFailureThrottle;
}

/** What the gateway reports per request (for metrics and logs; never tokens). */
export interface GatewayObserver {
  onResult(outcome: GatewayOutcome, status: number, startedAt: bigint, deploymentId: string | undefined): void;
}

/** How a gateway request ended. */
export type GatewayOutcome = 'proxied' | 'unauthorized' | 'unavailable' | 'rejected' | 'upstream_error' | 'timeout';

const PREFIX = '/mcp/';
const ALLOWED_METHODS = 'GET, POST, DELETE';
const WWW_AUTHENTICATE = 'Bearer realm="catwalk", error="invalid_token"';
const UUID_OR_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * The MCP gateway on raw node:http (no Koa on the hot path): authorises `/mcp/:deploymentId` by access token,
 * then streams the request to the deployment's bridge and the answer back, SSE unbuffered.
 */
export class McpGateway {
  readonly #authority: GatewayAuthority;
  readonly #options: GatewayOptions;
  readonly #observer: GatewayObserver | undefined;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' });
  readonly #secureAgent = new HttpsAgent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' });
  readonly #open = new Set<ServerResponse>();
  /** Open GET streams (server-to-client SSE), ended first on shutdown. */
  readonly #streams = new Set<ServerResponse>();

  constructor(authority: GatewayAuthority, options: GatewayOptions, observer?: GatewayObserver) {
    this.#authority = authority;
    this.#options = options;
    this.#observer = observer;
  }

  /** Whether a request URL belongs to the gateway. */
  static matches(url: string | undefined): boolean {
    return url !== undefined && url.startsWith(PREFIX);
  }

  /** Serves one gateway request. Never throws; every failure is answered as JSON. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = process.hrtime.bigint();
    this.#handle(req, res, startedAt).catch((error: unknown) => {
      this.#fail(res, req, error, startedAt, undefined);
    });
  }

  /**
   * Ends every open GET stream (server-to-client SSE) so clients reconnect (with Last-Event-ID) elsewhere;
   * POSTs in flight are left to finish. Used by graceful shutdown.
   */
  endStreams(): void {
    for (const res of this.#streams) res.end();
  }

  /** Responses still in flight. */
  get inFlight(): number {
    return this.#open.size;
  }

  /** Closes pooled upstream connections. */
  close(): void {
    this.#agent.destroy();
    this.#secureAgent.destroy();
  }

  async #handle(req: IncomingMessage, res: ServerResponse, startedAt: bigint): Promise<void> {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const deploymentId = path.slice(PREFIX.length).replace(/\/$/, '');
    if (req.method !== 'POST' && req.method !== 'GET' && req.method !== 'DELETE') {
      res.setHeader('allow', ALLOWED_METHODS);
      return this.#send(res, req, 405, 'rejected', { error: 'invalid_input', message: `Use ${ALLOWED_METHODS}.`, details: {} }, startedAt, undefined);
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !isOriginAllowed(origin, this.#options.allowedOrigins)) {
      return this.#send(res, req, 403, 'rejected', { error: 'forbidden', message: 'This Origin may not call the MCP endpoint.', details: {} }, startedAt, undefined);
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > this.#options.maxBodyBytes) return this.#tooLarge(res, req, startedAt, deploymentId);
    const throttle = this.#options.authFailures;
    if (throttle !== undefined) {
      try {
        throttle.assertAllowed(clientIpOf(req));
      } catch (error: unknown) {
        return this.#fail(res, req, error, startedAt, undefined);
      }
    }
    const token = bearerToken(req.headers.authorization) ?? queryToken(url, queryAt);
    if (token === undefined || !isAccessTokenFormat(token) || !UUID_OR_ID.test(deploymentId)) {
      return this.#unauthorized(res, req, startedAt, undefined);
    }
    let target: GatewayTarget;
    try {
      target = await this.#authority.authorize(deploymentId, token);
    } catch (error: unknown) {
      return this.#fail(res, req, error, startedAt, deploymentId);
    }
    this.#proxy(req, res, target, deploymentId, startedAt);
  }

  #proxy(req: IncomingMessage, res: ServerResponse, target: GatewayTarget, deploymentId: string, startedAt: bigint): void {
    this.#track(req, res);
    if (target.inProcess !== undefined) {
      let timedOut = false;
      // No socket to go idle in-process: the timeout bounds how long the bridge may take to start its answer
      // (a JSON answer, or the first SSE bytes); a started SSE stream then runs as long as it needs.
      const timer = setTimeout(() => {
        if (res.headersSent || res.writableEnded) return;
        timedOut = true;
        this.#send(res, req, statusFor('upstream_timeout'), 'timeout', timeoutBody(this.#options.upstreamTimeoutMs), startedAt, deploymentId);
      }, this.#options.upstreamTimeoutMs);
      res.once('close', () => clearTimeout(timer));
      res.once('finish', () => {
        if (!timedOut) this.#observer?.onResult('proxied', res.statusCode, startedAt, deploymentId);
      });
      // Same rule as the upstream hop: our own token never reaches the MCP server's side.
      delete req.headers.authorization;
      target.inProcess(req, res);
      return;
    }
    const { secure, hostname, port, path } = target.upstream;
    const requestOptions = {
      method: req.method,
      hostname,
      port,
      path,
      headers: upstreamRequestHeaders(req.headers, target.upstreamHeaders),
      timeout: this.#options.upstreamTimeoutMs,
    };
    const upstream = secure ? httpsRequest({ ...requestOptions, agent: this.#secureAgent }) : httpRequest({ ...requestOptions, agent: this.#agent });
    let settled = false;
    upstream.on('response', (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, clientResponseHeaders(upstreamRes.headers));
      if (upstreamRes.headers['content-type']?.startsWith('text/event-stream') === true) res.flushHeaders();
      upstreamRes.pipe(res);
      upstreamRes.on('end', () => {
        settled = true;
        this.#observer?.onResult('proxied', upstreamRes.statusCode ?? 502, startedAt, deploymentId);
      });
      upstreamRes.on('error', () => res.destroy());
    });
    upstream.on('timeout', () => {
      upstream.destroy(new CatwalkError('deployment_unavailable', 'The MCP server did not answer in time.', { reason: 'timeout' }));
    });
    upstream.on('error', (error) => {
      if (settled) return;
      settled = true;
      // A connection refused or reset means the upstream is down (or restarting): drop the cached route.
      this.#authority.invalidate(deploymentId);
      const timedOut = isCatwalkError(error) && error.details['reason'] === 'timeout';
      if (res.headersSent) {
        res.destroy();
        this.#observer?.onResult(timedOut ? 'timeout' : 'upstream_error', res.statusCode, startedAt, deploymentId);
        return;
      }
      const body: ErrorBody = timedOut
        ? timeoutBody(this.#options.upstreamTimeoutMs)
        : { error: ERROR_CODES.upstream_unavailable, message: 'The MCP server could not be reached. It may be restarting; try again shortly.', details: {} };
      this.#send(res, req, statusFor(timedOut ? ERROR_CODES.upstream_timeout : ERROR_CODES.upstream_unavailable), timedOut ? 'timeout' : 'upstream_error', body, startedAt, deploymentId);
    });
    // The client went away: stop the upstream request too (a GET stream, an abandoned tool call).
    res.on('close', () => {
      if (res.writableFinished || settled) return;
      // The client left (a closed GET stream, an abandoned call): not an upstream failure, keep the cached route.
      settled = true;
      upstream.destroy();
      this.#observer?.onResult('proxied', res.statusCode, startedAt, deploymentId);
    });
    if (req.method === 'GET' || req.headers['content-length'] !== undefined) {
      req.pipe(upstream);
      return;
    }
    // A chunked body: count bytes so it cannot pass the limit.
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= this.#options.maxBodyBytes || settled) return;
      settled = true;
      req.unpipe(upstream);
      upstream.destroy();
      this.#tooLarge(res, req, startedAt, deploymentId);
    });
    req.pipe(upstream);
  }

  #track(req: IncomingMessage, res: ServerResponse): void {
    this.#open.add(res);
    if (req.method === 'GET') this.#streams.add(res);
    res.once('close', () => {
      this.#open.delete(res);
      this.#streams.delete(res);
    });
  }

  #tooLarge(res: ServerResponse, req: IncomingMessage, startedAt: bigint, deploymentId: string | undefined): void {
    res.setHeader('connection', 'close');
    this.#send(res, req, 413, 'rejected', { error: 'payload_too_large', message: `The request body is larger than ${this.#options.maxBodyBytes} bytes.`, details: { limitBytes: this.#options.maxBodyBytes } }, startedAt, deploymentId);
  }

  #unauthorized(res: ServerResponse, req: IncomingMessage, startedAt: bigint, deploymentId: string | undefined): void {
    this.#options.authFailures?.recordFailure(clientIpOf(req));
    res.setHeader('www-authenticate', WWW_AUTHENTICATE);
    this.#send(res, req, 401, 'unauthorized', { error: 'unauthorized', message: 'A valid access token for this deployment is required.', details: {} }, startedAt, deploymentId);
  }

  #fail(res: ServerResponse, req: IncomingMessage, error: unknown, startedAt: bigint, deploymentId: string | undefined): void {
    if (isCatwalkError(error, 'unauthorized') || isCatwalkError(error, 'not_found')) return this.#unauthorized(res, req, startedAt, deploymentId);
    const response = toErrorResponse(error);
    for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
    this.#send(res, req, response.status, isCatwalkError(error, 'deployment_unavailable') ? 'unavailable' : 'rejected', response.body, startedAt, deploymentId);
  }

  #send(res: ServerResponse, req: IncomingMessage, status: number, outcome: GatewayOutcome, body: ErrorBody, startedAt: bigint, deploymentId: string | undefined): void {
    if (res.headersSent) {
      res.destroy();
    } else {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      res.end(text);
    }
    // Unread request bodies are discarded, not buffered.
    if (!req.complete) req.resume();
    this.#observer?.onResult(outcome, status, startedAt, deploymentId);
  }
}

/** The 504 answer when the MCP server stays silent past the upstream timeout. */
function timeoutBody(timeoutMs: number): ErrorBody {
  return { error: ERROR_CODES.upstream_timeout, message: 'The MCP server did not answer in time.', details: { timeoutMs } };
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function queryToken(url: string, queryAt: number): string | undefined {
  if (queryAt === -1) return undefined;
  const value = new URLSearchParams(url.slice(queryAt + 1)).get('token');
  return value ?? undefined;
}
